package postgres_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
)

func (f fixture) publishErr(t *testing.T, q *assess.Questionnaire) (bool, error) {
	t.Helper()
	var created bool
	err := f.store.Update(t.Context(), func(tx app.Tx) error {
		var err error
		created, err = tx.Questionnaires().Publish(t.Context(), q)
		return err
	})
	return created, err
}

// sameQuestionnaire compares questionnaires as they read and score: by their JSON.
func sameQuestionnaire(t *testing.T, want, got *assess.Questionnaire) {
	t.Helper()
	a, errA := json.Marshal(want)
	b, errB := json.Marshal(got)
	if errA != nil || errB != nil {
		t.Fatalf("marshal: %v, %v", errA, errB)
	}
	if diff := cmp.Diff(string(a), string(b)); diff != "" {
		t.Errorf("questionnaire %s v%d (-want +got):\n%s", want.Key, want.Version, diff)
	}
}

func TestPublishQuestionnaire(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v1 := parse(t, custom)
	v2 := parse(t, strings.Replace(strings.Replace(custom, `"version": 1`, `"version": 2`, 1), `"title": "Custom"`, `"title": "Custom, revised"`, 1))
	find := func(t *testing.T, key string, version int) (*assess.Questionnaire, error) {
		t.Helper()
		var q *assess.Questionnaire
		err := f.store.Read(t.Context(), func(tx app.Tx) error {
			var err error
			if version == 0 {
				q, err = tx.Questionnaires().Latest(t.Context(), key)
			} else {
				q, err = tx.Questionnaires().Find(t.Context(), key, version)
			}
			return err
		})
		return q, err
	}

	t.Run("a new version is created and reads back the same, without a split", func(t *testing.T) {
		created, err := f.publishErr(t, v1)
		if err != nil || !created {
			t.Fatalf("Publish(custom v1): got created %v, error %v; want true, none", created, err)
		}
		got, err := find(t, "custom", 1)
		if err != nil {
			t.Fatalf("Find(custom, 1): got error %v", err)
		}
		sameQuestionnaire(t, v1, got)
		if got.Split != nil {
			t.Errorf("Split: got %+v, want nil", got.Split)
		}
		if _, el, _ := got.Element("q", "done"); el == nil || el.Weight != 2.5 {
			t.Errorf("q.done: got %+v, want weight 2.5", el)
		}
	})

	t.Run("the built-in questionnaire, with its split, reads back the same", func(t *testing.T) {
		got, err := find(t, f.q.Key, f.q.Version)
		if err != nil {
			t.Fatal(err)
		}
		sameQuestionnaire(t, f.q, got)
		if _, el, _ := got.Element("shared_model", "matrix"); el == nil || el.Split() == nil {
			t.Errorf("shared_model.matrix: got %+v, want an element with the split", el)
		}
	})

	t.Run("publishing the same version again changes nothing", func(t *testing.T) {
		again := parse(t, custom)
		created, err := f.publishErr(t, again)
		if err != nil || created {
			t.Errorf("Publish(custom v1) again: got created %v, error %v; want false, none", created, err)
		}
		if n := f.count(t, `SELECT count(*) FROM questionnaires WHERE key = 'custom'`); n != 1 {
			t.Errorf("rows of custom: got %d, want 1", n)
		}
	})

	t.Run("the same version with another definition is a conflict", func(t *testing.T) {
		changed := parse(t, strings.Replace(custom, `"weight": 2.5`, `"weight": 3`, 1))
		created, err := f.publishErr(t, changed)
		wantErr(t, "Publish(custom v1, another weight)", err, assess.ErrConflict)
		if created || !strings.Contains(err.Error(), "questionnaire custom v1 exists with another definition: publish a new version") {
			t.Errorf("got created %v, error %q; want false and the conflict in words", created, err)
		}
		got, _ := find(t, "custom", 1)
		sameQuestionnaire(t, v1, got)
	})

	t.Run("an invalid questionnaire is refused", func(t *testing.T) {
		bad := parse(t, custom)
		bad.Version = 7
		bad.Questions[0].Weight = -1
		_, err := f.publishErr(t, bad)
		var ve *assess.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("Publish(weight -1): got error %v, want a validation error", err)
		}
		if _, err := find(t, "custom", 7); !assess.IsNotFound(err) {
			t.Errorf("Find(custom, 7): got error %v, want not found", err)
		}
	})

	t.Run("Latest is the highest version", func(t *testing.T) {
		if _, err := f.publishErr(t, v2); err != nil {
			t.Fatal(err)
		}
		got, err := find(t, "custom", 0)
		if err != nil || got.Version != 2 || got.Title != "Custom, revised" {
			t.Errorf("Latest(custom): got %+v, error %v; want v2", got, err)
		}
	})

	t.Run("unknown keys and versions are not found", func(t *testing.T) {
		_, err := find(t, "custom", 3)
		wantErr(t, "Find(custom, 3)", err, assess.ErrNotFound)
		_, err = find(t, "nothing", 0)
		wantErr(t, "Latest(nothing)", err, assess.ErrNotFound)
	})

	t.Run("List counts the evaluations pinning each version", func(t *testing.T) {
		p := f.createProvider(t, "Acme Cloud", assess.SaaS)
		for range 2 {
			f.update(t, func(tx app.Tx) error {
				_, err := tx.Evaluations().Create(t.Context(), draftOf(p, v2), tester)
				return err
			})
		}
		f.createEvaluation(t, p)
		var got []app.QuestionnaireInfo
		f.read(t, func(tx app.Tx) error {
			var err error
			got, err = tx.Questionnaires().List(t.Context())
			return err
		})
		for _, info := range got {
			if info.CreatedAt.IsZero() || time.Since(info.CreatedAt) > time.Hour {
				t.Errorf("%s v%d: CreatedAt %v, want about now", info.Key, info.Version, info.CreatedAt)
			}
		}
		want := []app.QuestionnaireInfo{
			{Key: "custom", Version: 1, Title: "Custom"},
			{Key: "custom", Version: 2, Title: "Custom, revised", Evaluations: 2},
			{Key: f.q.Key, Version: f.q.Version, Title: f.q.Title, Evaluations: 1},
		}
		for i := range got {
			got[i].CreatedAt = time.Time{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("List (-want +got):\n%s", diff)
		}
	})

	t.Run("Keys lists each key once, in order", func(t *testing.T) {
		var got []string
		f.read(t, func(tx app.Tx) error {
			var err error
			got, err = tx.Questionnaires().Keys(t.Context())
			return err
		})
		if want := []string{"custom", f.q.Key}; !slices.Equal(got, want) {
			t.Errorf("Keys = %v, want %v", got, want)
		}
	})
}

// Two publishers of one new version at the same moment: one creates it, the other finds it.
func TestPublishConcurrently(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	results := make(chan error, 2)
	created := make(chan bool, 2)
	for range 2 {
		q := parse(t, custom)
		go func() {
			c, err := f.publishErr(t, q)
			created <- c
			results <- err
		}()
	}
	n := 0
	for range 2 {
		if err := <-results; err != nil {
			t.Errorf("Publish: got error %v, want none", err)
		}
		if <-created {
			n++
		}
	}
	if n != 1 {
		t.Errorf("publishers that created the version: got %d, want 1", n)
	}
}

func TestQuestionnaireVersionsNeverChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.publish(t, parse(t, custom))
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	f.createEvaluation(t, p) // pins the built-in version
	refused := func(t *testing.T, sql, message string) {
		t.Helper()
		_, err := f.pool.Exec(t.Context(), sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23001" || pgErr.Message != message {
			t.Errorf("%s: got error %v, want restrict_violation %q", sql, err, message)
		}
	}
	pinned := "questionnaire " + f.q.Key + " v1 is used by evaluations and cannot change"

	t.Run("a pinned version cannot be updated", func(t *testing.T) {
		refused(t, `UPDATE questionnaires SET title = 'Changed' WHERE key = '`+f.q.Key+`'`, pinned)
		refused(t, `UPDATE questionnaires SET definition = definition WHERE key = '`+f.q.Key+`'`, pinned)
	})

	t.Run("a pinned version cannot be deleted", func(t *testing.T) {
		refused(t, `DELETE FROM questionnaires WHERE key = '`+f.q.Key+`'`, pinned)
	})

	t.Run("an unpinned version cannot be updated either", func(t *testing.T) {
		refused(t, `UPDATE questionnaires SET created_at = now() WHERE key = 'custom'`,
			"questionnaire custom v1 cannot change: publish a new version")
	})

	t.Run("an unpinned version may be deleted", func(t *testing.T) {
		tag, err := f.pool.Exec(t.Context(), `DELETE FROM questionnaires WHERE key = 'custom'`)
		if err != nil || tag.RowsAffected() != 1 {
			t.Errorf("DELETE custom v1: got %d rows, error %v; want 1, none", tag.RowsAffected(), err)
		}
	})

}

// postgrestest.Store gives a store that holds the built-in questionnaires, as after start-up.
func TestPostgrestestStoreHoldsTheBuiltinQuestionnaires(t *testing.T) {
	t.Parallel()
	var store *postgres.Store = postgrestest.Store(t)
	err := store.Read(t.Context(), func(tx app.Tx) error {
		q, err := tx.Questionnaires().Latest(t.Context(), assess.DefaultKey)
		if err == nil && q.ElementCount() == 0 {
			t.Errorf("Latest(%s): got no elements", assess.DefaultKey)
		}
		return err
	})
	if err != nil {
		t.Errorf("Latest(%s): got error %v, want the built-in questionnaire", assess.DefaultKey, err)
	}
}
