package postgres_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

// createUser adds an account to act as.
func (f fixture) createUser(t *testing.T, email, name string) auth.User {
	t.Helper()
	var u auth.User
	f.update(t, func(tx app.Tx) error {
		var err error
		u, err = tx.Users().Create(t.Context(), auth.User{Email: email, Name: name, Role: auth.Evaluator}, "hash")
		return err
	})
	return u
}

func actorOf(u auth.User) auth.Actor {
	return auth.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, Via: "session"}
}

func TestCreateEvaluation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ada := f.createUser(t, "ada@example.com", "Ada Lovelace")
	from := f.evaluate(t, p, assess.EvaluationCompleted, time.Now(), abuse[:1]...)
	in := draftOf(p, f.q)
	in.Offering, in.ServiceModel, in.ReassessedFrom = "Object storage", assess.IaaS, from.ID
	var id int64
	f.update(t, func(tx app.Tx) error {
		var err error
		id, err = tx.Evaluations().Create(t.Context(), in, actorOf(ada))
		return err
	})
	ev := f.find(t, id)

	t.Run("stores the snapshot, the questionnaire, who started it and where from", func(t *testing.T) {
		want := in
		want.ID, want.CreatedBy = id, ada.Name
		if diff := cmp.Diff(want, ev, cmpopts.IgnoreFields(assess.Evaluation{}, "Score", "CreatedAt", "UpdatedAt"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Find (-want +got):\n%s", diff)
		}
		if ev.CreatedAt.IsZero() || !ev.UpdatedAt.Equal(ev.CreatedAt) {
			t.Errorf("timestamps: got created %v, updated %v; want both set and equal", ev.CreatedAt, ev.UpdatedAt)
		}
	})

	t.Run("the snapshot stays when the provider changes", func(t *testing.T) {
		f.update(t, func(tx app.Tx) error {
			changed := p
			changed.Name, changed.ServiceModel = "Renamed Cloud", assess.PaaS
			_, err := tx.Providers().Update(t.Context(), changed)
			return err
		})
		got := f.find(t, id)
		if got.ProviderName != p.Name || got.Offering != "Object storage" || got.ServiceModel != assess.IaaS {
			t.Errorf("snapshot after renaming the provider: got %q, %q, %s; want %q, %q, iaas",
				got.ProviderName, got.Offering, got.ServiceModel, p.Name, "Object storage")
		}
	})

	t.Run("a placeholder score to be replaced, stale at once", func(t *testing.T) {
		s := ev.Score
		if s.Overall != 0 || s.Tier != assess.NotAssessed || s.Progress != 0 || s.Evidenced != 0 || len(s.Questions) != 0 {
			t.Errorf("score: got %+v, want zero and not assessed", s)
		}
		if s.ScoringVersion != 0 || s.AsOf != assess.DateOf(time.Now()) {
			t.Errorf("score: got scoring version %d as of %v, want 0 as of the database's today", s.ScoringVersion, s.AsOf)
		}
		if !ev.NeedsRescore(s.AsOf) {
			t.Error("NeedsRescore on the day it was created: got false, want true")
		}
	})

	t.Run("an actor without an account is stored without one", func(t *testing.T) {
		anon := f.createEvaluation(t, p)
		if anon.CreatedBy != "" || anon.ReassessedFrom != 0 {
			t.Errorf("CreatedBy %q, ReassessedFrom %d: want empty and 0", anon.CreatedBy, anon.ReassessedFrom)
		}
	})

	for _, tc := range []struct {
		name string
		in   assess.Evaluation
	}{
		{"an unknown provider", draftOf(assess.Provider{ID: 987654, Name: "Ghost", ServiceModel: assess.SaaS}, f.q)},
		{"a questionnaire version that is not stored", func() assess.Evaluation {
			ev := draftOf(p, f.q)
			ev.QuestionnaireVersion = 99
			return ev
		}()},
		{"an unknown evaluation reassessed", func() assess.Evaluation {
			ev := draftOf(p, f.q)
			ev.ReassessedFrom = 987654
			return ev
		}()},
	} {
		t.Run(tc.name+" is not found and stores nothing", func(t *testing.T) {
			before := f.count(t, `SELECT count(*) FROM evaluations`)
			err := f.store.Update(t.Context(), func(tx app.Tx) error {
				_, err := tx.Evaluations().Create(t.Context(), tc.in, tester)
				return err
			})
			wantErr(t, "Create", err, assess.ErrNotFound)
			if got := f.count(t, `SELECT count(*) FROM evaluations`); got != before {
				t.Errorf("evaluations after the refusal: got %d, want %d", got, before)
			}
		})
	}
}

func TestFindEvaluation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	t.Run("an unknown id is not found", func(t *testing.T) {
		for _, lock := range []bool{false, true} {
			err := f.store.Update(t.Context(), func(tx app.Tx) error {
				_, err := tx.Evaluations().Find(t.Context(), 987654, lock)
				return err
			})
			wantErr(t, "Find(987654)", err, assess.ErrNotFound)
		}
	})
}

func TestStoreScore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p)
	evidence := assess.EvidenceInput{URL: "https://acme.example/evidence", EffectiveDate: "2025-05-01"}
	entered := map[string]assess.Answer{}
	for _, a := range []assess.Answer{
		f.answer(t, "shared_model.documented", `"yes"`, "", evidence),
		f.answer(t, "abuse_cases.malware", `"partial"`, ""),
		f.answer(t, "abuse_cases.abuse_reporting", `"not_applicable"`, ""),
		f.answer(t, "assessments.certifications", `["iso27001","other"]`, "", evidence),
		f.answer(t, "monitoring.log_retention_days", `120`, ""),
	} {
		entered[a.Ref()] = a
	}
	score := assess.ScoreEvaluation(f.q, entered, today)
	store := func(t *testing.T, id int64, s assess.Score, changed bool) error {
		t.Helper()
		return f.store.Update(t.Context(), func(tx app.Tx) error {
			return tx.Evaluations().StoreScore(t.Context(), id, s, changed)
		})
	}
	currentScore := func(t *testing.T) *float64 {
		t.Helper()
		var s *float64
		if err := f.pool.QueryRow(t.Context(), `SELECT current_score FROM providers WHERE id = $1`, p.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}

	t.Run("Find reads back every stored figure", func(t *testing.T) {
		if err := store(t, ev.ID, score, true); err != nil {
			t.Fatal(err)
		}
		got := f.find(t, ev.ID)
		if diff := cmp.Diff(score, got.Score, storedScore); diff != "" {
			t.Errorf("stored score (-want +got):\n%s", diff)
		}
		if len(got.Score.Questions) != len(f.q.Questions) || got.Score.Overall <= 0 {
			t.Errorf("stored score: got %d questions, overall %v; want %d and above 0", len(got.Score.Questions), got.Score.Overall, len(f.q.Questions))
		}
	})

	t.Run("changed moves updated_at, a rescoring does not", func(t *testing.T) {
		before := f.find(t, ev.ID).UpdatedAt
		time.Sleep(2 * time.Millisecond)
		if err := store(t, ev.ID, score, false); err != nil {
			t.Fatal(err)
		}
		if got := f.find(t, ev.ID).UpdatedAt; !got.Equal(before) {
			t.Errorf("UpdatedAt after a rescoring: got %v, want %v", got, before)
		}
		if err := store(t, ev.ID, score, true); err != nil {
			t.Fatal(err)
		}
		if got := f.find(t, ev.ID).UpdatedAt; !got.After(before) {
			t.Errorf("UpdatedAt after a change: got %v, want later than %v", got, before)
		}
	})

	t.Run("the provider's score follows only its current evaluation", func(t *testing.T) {
		if s := currentScore(t); s != nil {
			t.Errorf("current_score with no current evaluation: got %v, want NULL", *s)
		}
		f.update(t, func(tx app.Tx) error { return tx.Providers().Represent(t.Context(), p.ID, &ev, nil) })
		if s := currentScore(t); s == nil || *s != score.Overall {
			t.Errorf("current_score after Represent: got %v, want %v", s, score.Overall)
		}
		other := f.createEvaluation(t, p)
		if err := store(t, other.ID, assess.ScoreEvaluation(f.q, nil, today), true); err != nil {
			t.Fatal(err)
		}
		if s := currentScore(t); s == nil || *s != score.Overall {
			t.Errorf("current_score after scoring another evaluation: got %v, want %v", s, score.Overall)
		}
		lower := assess.ScoreEvaluation(f.q, map[string]assess.Answer{"abuse_cases.malware": entered["abuse_cases.malware"]}, today)
		if err := store(t, ev.ID, lower, true); err != nil {
			t.Fatal(err)
		}
		if s := currentScore(t); s == nil || *s != lower.Overall {
			t.Errorf("current_score after rescoring the current evaluation: got %v, want %v", s, lower.Overall)
		}
		if err := store(t, ev.ID, assess.ScoreEvaluation(f.q, nil, today), true); err != nil {
			t.Fatal(err)
		}
		if s := currentScore(t); s != nil {
			t.Errorf("current_score once the current evaluation is not assessed: got %v, want NULL", *s)
		}
	})

	t.Run("an unknown evaluation is not found", func(t *testing.T) {
		wantErr(t, "StoreScore(987654)", store(t, 987654, score, true), assess.ErrNotFound)
	})
}

func TestSetStatus(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ada := f.createUser(t, "ada@example.com", "Ada Lovelace")
	ev := f.createEvaluation(t, p)
	set := func(t *testing.T, id int64, status assess.EvaluationStatus, at time.Time) error {
		t.Helper()
		return f.store.Update(t.Context(), func(tx app.Tx) error {
			return tx.Evaluations().SetStatus(t.Context(), id, status, actorOf(ada), at)
		})
	}
	at := time.Date(2025, time.June, 14, 16, 30, 0, 0, time.UTC)

	t.Run("completed records who and when, and moves updated_at", func(t *testing.T) {
		time.Sleep(2 * time.Millisecond)
		if err := set(t, ev.ID, assess.EvaluationCompleted, at); err != nil {
			t.Fatal(err)
		}
		got := f.find(t, ev.ID)
		if got.Status != assess.EvaluationCompleted || got.CompletedBy != ada.Name || !got.CompletedAt.Equal(at) {
			t.Errorf("got %s by %q at %v; want completed by %q at %v", got.Status, got.CompletedBy, got.CompletedAt, ada.Name, at)
		}
		if !got.UpdatedAt.After(ev.UpdatedAt) {
			t.Errorf("UpdatedAt: got %v, want later than %v", got.UpdatedAt, ev.UpdatedAt)
		}
	})

	t.Run("a draft again clears who and when", func(t *testing.T) {
		if err := set(t, ev.ID, assess.EvaluationDraft, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got := f.find(t, ev.ID)
		if got.Status != assess.EvaluationDraft || got.CompletedBy != "" || !got.CompletedAt.IsZero() {
			t.Errorf("got %s by %q at %v; want a draft, no one, no time", got.Status, got.CompletedBy, got.CompletedAt)
		}
	})

	t.Run("an unknown evaluation is not found", func(t *testing.T) {
		wantErr(t, "SetStatus(987654)", set(t, 987654, assess.EvaluationCompleted, at), assess.ErrNotFound)
	})
}

func TestOfProvider(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme := f.createProvider(t, "Acme Cloud", assess.SaaS)
	other := f.createProvider(t, "Other Cloud", assess.IaaS)
	none := f.createProvider(t, "Never Evaluated", assess.PaaS)
	first := f.evaluate(t, acme, assess.EvaluationCompleted, time.Now(), abuse[:1]...)
	f.createEvaluation(t, other)
	second := f.evaluate(t, acme, assess.EvaluationCompleted, time.Now(), abuse[:2]...)
	third := f.evaluate(t, acme, assess.EvaluationDraft, time.Time{})
	of := func(t *testing.T, id int64) []assess.Evaluation {
		t.Helper()
		var out []assess.Evaluation
		f.read(t, func(tx app.Tx) error {
			var err error
			out, err = tx.Evaluations().OfProvider(t.Context(), id)
			return err
		})
		return out
	}

	t.Run("newest first, only the provider's own, as Find returns them", func(t *testing.T) {
		want := []assess.Evaluation{third, second, first}
		if diff := cmp.Diff(want, of(t, acme.ID)); diff != "" {
			t.Errorf("OfProvider (-want +got):\n%s", diff)
		}
	})

	t.Run("a provider never evaluated has none", func(t *testing.T) {
		if got := of(t, none.ID); len(got) != 0 {
			t.Errorf("got %d evaluations, want 0", len(got))
		}
	})
}

func TestCurrentEvaluations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	both := f.createProvider(t, "Both", assess.SaaS)
	current := f.evaluate(t, both, assess.EvaluationCompleted, time.Now(), abuse[:2]...)
	f.evaluate(t, both, assess.EvaluationDraft, time.Time{}, abuse[:1]...)
	done := f.createProvider(t, "Completed Only", assess.SaaS)
	doneEv := f.evaluate(t, done, assess.EvaluationCompleted, time.Now(), abuse[:3]...)
	drafting := f.createProvider(t, "Drafting Only", assess.SaaS)
	f.evaluate(t, drafting, assess.EvaluationDraft, time.Time{})
	never := f.createProvider(t, "Never", assess.SaaS)
	notAsked := f.createProvider(t, "Not Asked", assess.SaaS)
	f.evaluate(t, notAsked, assess.EvaluationCompleted, time.Now(), abuse[:1]...)

	var got map[int64]assess.Evaluation
	var gotDrafting map[int64]bool
	f.read(t, func(tx app.Tx) error {
		var err error
		got, gotDrafting, err = tx.Evaluations().Current(t.Context(), []int64{both.ID, done.ID, drafting.ID, never.ID, 987654})
		return err
	})
	want := map[int64]assess.Evaluation{both.ID: current, done.ID: doneEv}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("current evaluations by provider (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int64]bool{both.ID: true, drafting.ID: true}, gotDrafting); diff != "" {
		t.Errorf("providers drafting (-want +got):\n%s", diff)
	}
}

func TestStale(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	yesterday := assess.Date{Year: 2025, Month: time.June, Day: 14}
	scored := func(t *testing.T, day assess.Date, version int, status assess.EvaluationStatus) int64 {
		t.Helper()
		ev := f.createEvaluation(t, p)
		s := assess.ScoreEvaluation(f.q, nil, day)
		s.ScoringVersion = version
		f.update(t, func(tx app.Tx) error {
			if err := tx.Evaluations().StoreScore(t.Context(), ev.ID, s, false); err != nil {
				return err
			}
			return tx.Evaluations().SetStatus(t.Context(), ev.ID, status, tester, time.Now())
		})
		return ev.ID
	}
	older := scored(t, yesterday, assess.ScoringVersion, assess.EvaluationDraft)
	scored(t, today, assess.ScoringVersion, assess.EvaluationDraft)
	otherRules := scored(t, today, assess.ScoringVersion-1, assess.EvaluationDraft)
	scored(t, yesterday, assess.ScoringVersion-1, assess.EvaluationCompleted) // frozen
	older2 := scored(t, yesterday, assess.ScoringVersion, assess.EvaluationDraft)
	stale := func(t *testing.T, limit int) []int64 {
		t.Helper()
		var ids []int64
		f.read(t, func(tx app.Tx) error {
			var err error
			ids, err = tx.Evaluations().Stale(t.Context(), today, limit)
			return err
		})
		return ids
	}
	if diff := cmp.Diff([]int64{older, otherRules, older2}, stale(t, 10)); diff != "" {
		t.Errorf("stale drafts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{older, otherRules}, stale(t, 2)); diff != "" {
		t.Errorf("stale drafts, limit 2 (-want +got):\n%s", diff)
	}
}
