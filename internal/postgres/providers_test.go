package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// createErr tries to add a provider and returns the error.
func (f fixture) createErr(t *testing.T, p assess.Provider) error {
	t.Helper()
	return f.store.Update(t.Context(), func(tx app.Tx) error {
		_, err := tx.Providers().Create(t.Context(), p)
		return err
	})
}

func TestCreateProvider(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	t.Run("returns an id and the time it was stored", func(t *testing.T) {
		before := time.Now()
		p := f.createProvider(t, "Acme Cloud", assess.IaaS)
		after := time.Now()
		if p.ID <= 0 {
			t.Errorf("ID: got %d, want a positive id", p.ID)
		}
		// The database clock and ours are the same machine's; allow for rounding.
		if p.CreatedAt.Before(before.Add(-time.Second)) || p.CreatedAt.After(after.Add(time.Second)) {
			t.Errorf("CreatedAt: got %v, want between %v and %v", p.CreatedAt, before, after)
		}
		if !p.UpdatedAt.Equal(p.CreatedAt) {
			t.Errorf("UpdatedAt: got %v, want CreatedAt %v on a new provider", p.UpdatedAt, p.CreatedAt)
		}
	})

	t.Run("gives each provider its own id", func(t *testing.T) {
		a := f.createProvider(t, "Distinct One", assess.SaaS)
		b := f.createProvider(t, "Distinct Two", assess.SaaS)
		if a.ID == b.ID {
			t.Errorf("ids of two providers: got %d twice, want two ids", a.ID)
		}
	})

	t.Run("a name taken in another case is ErrNameTaken and stores nothing", func(t *testing.T) {
		first := f.createProvider(t, "ACME cloud object storage", assess.SaaS)
		before := f.count(t, `SELECT count(*) FROM providers`)
		err := f.createErr(t, assess.Provider{Name: "Acme Cloud Object Storage", ServiceModel: assess.PaaS})
		wantErr(t, `Create("Acme Cloud Object Storage") beside "ACME cloud object storage"`, err, assess.ErrNameTaken)
		wantErr(t, "the same error", err, assess.ErrConflict)
		if got := f.count(t, `SELECT count(*) FROM providers`); got != before {
			t.Errorf("providers after the conflict: got %d, want %d", got, before)
		}
		if diff := cmp.Diff(first, f.findProvider(t, first.ID)); diff != "" {
			t.Errorf("first provider after the conflict (-want +got):\n%s", diff)
		}
	})

	t.Run("a non-ASCII name taken in another case is ErrNameTaken", func(t *testing.T) {
		f.createProvider(t, "Облачные Системы", assess.SaaS)
		err := f.createErr(t, assess.Provider{Name: "ОБЛАЧНЫЕ СИСТЕМЫ", ServiceModel: assess.SaaS})
		wantErr(t, `Create("ОБЛАЧНЫЕ СИСТЕМЫ") beside "Облачные Системы"`, err, assess.ErrNameTaken)
		f.createProvider(t, "Nordić Cloud Ünited", assess.SaaS)
		err = f.createErr(t, assess.Provider{Name: "NORDIĆ CLOUD ÜNITED", ServiceModel: assess.SaaS})
		wantErr(t, `Create("NORDIĆ CLOUD ÜNITED") beside "Nordić Cloud Ünited"`, err, assess.ErrNameTaken)
	})
}

func TestFindProvider(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	for _, in := range []assess.Provider{
		{Name: "Acme Cloud", Offering: "Object storage", ServiceModel: assess.IaaS,
			Website: "https://acme.example/security", Notes: "Asked for the SOC 2 report.\nWaiting."},
		{Name: "Nordić Cloud Ünited", Offering: "Ħosted CRM", ServiceModel: assess.SaaS,
			Website: "https://nordic.example", Notes: "Ünïcödé notes ✓ 🌩"},
		{Name: "Облачные Системы", Offering: "Платформа", ServiceModel: assess.PaaS},
	} {
		t.Run("round-trips every field of "+in.Name, func(t *testing.T) {
			var created assess.Provider
			f.update(t, func(tx app.Tx) error {
				var err error
				created, err = tx.Providers().Create(t.Context(), in)
				return err
			})
			want := in
			want.ID, want.CreatedAt, want.UpdatedAt = created.ID, created.CreatedAt, created.UpdatedAt
			if diff := cmp.Diff(want, created); diff != "" {
				t.Errorf("Create returned (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, f.findProvider(t, created.ID)); diff != "" {
				t.Errorf("Find(%d) (-want +got):\n%s", created.ID, diff)
			}
		})
	}

	t.Run("an unknown id is not found", func(t *testing.T) {
		err := f.store.Read(t.Context(), func(tx app.Tx) error {
			_, err := tx.Providers().Find(t.Context(), 987654, false)
			return err
		})
		wantErr(t, "Find(987654)", err, assess.ErrNotFound)
	})

	t.Run("lock holds the row until the transaction ends", func(t *testing.T) {
		p := f.createProvider(t, "Locked Cloud", assess.SaaS)
		probe := func() error {
			_, err := f.pool.Exec(t.Context(), `SELECT 1 FROM providers WHERE id = $1 FOR UPDATE NOWAIT`, p.ID)
			return err
		}
		f.update(t, func(tx app.Tx) error {
			if _, err := tx.Providers().Find(t.Context(), p.ID, true); err != nil {
				return err
			}
			var pgErr *pgconn.PgError
			if err := probe(); !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
				t.Errorf("another transaction locking the row: got %v, want lock_not_available (55P03)", err)
			}
			return nil
		})
		if err := probe(); err != nil {
			t.Errorf("locking the row after the transaction: got %v, want none", err)
		}
		f.update(t, func(tx app.Tx) error {
			if _, err := tx.Providers().Find(t.Context(), p.ID, false); err != nil {
				return err
			}
			if err := probe(); err != nil {
				t.Errorf("locking a row read without lock: got %v, want none", err)
			}
			return nil
		})
	})
}

func TestUpdateProvider(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	updateErr := func(t *testing.T, p assess.Provider) (assess.Provider, error) {
		t.Helper()
		var out assess.Provider
		err := f.store.Update(t.Context(), func(tx app.Tx) error {
			var err error
			out, err = tx.Providers().Update(t.Context(), p)
			return err
		})
		return out, err
	}

	t.Run("changes every field and updated_at, keeps created_at", func(t *testing.T) {
		p := f.createProvider(t, "Before Cloud", assess.SaaS)
		time.Sleep(2 * time.Millisecond)
		change := assess.Provider{ID: p.ID, Name: "Äfter Cloud", Offering: "Managed Postgres",
			ServiceModel: assess.PaaS, Website: "https://after.example", Notes: "Renamed."}
		got, err := updateErr(t, change)
		if err != nil {
			t.Fatalf("Update: got error %v, want none", err)
		}
		if !got.UpdatedAt.After(p.UpdatedAt) {
			t.Errorf("UpdatedAt: got %v, want later than %v", got.UpdatedAt, p.UpdatedAt)
		}
		want := change
		want.CreatedAt, want.UpdatedAt = p.CreatedAt, got.UpdatedAt
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Update returned (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, f.findProvider(t, p.ID)); diff != "" {
			t.Errorf("Find after the update (-want +got):\n%s", diff)
		}
	})

	t.Run("renaming to another case of its own name is allowed", func(t *testing.T) {
		p := f.createProvider(t, "Own Name Cloud", assess.SaaS)
		p.Name = "OWN NAME CLOUD"
		got, err := updateErr(t, p)
		if err != nil || got.Name != p.Name {
			t.Errorf("Update to %q: got %q, error %v; want the new name, no error", p.Name, got.Name, err)
		}
	})

	t.Run("a name another provider has in another case is ErrNameTaken and changes nothing", func(t *testing.T) {
		f.createProvider(t, "ACME cloud", assess.SaaS)
		other := f.createProvider(t, "Other Cloud", assess.IaaS)
		change := other
		change.Name, change.Notes = "Acme Cloud", "should not be stored"
		_, err := updateErr(t, change)
		wantErr(t, `Update(name "Acme Cloud") beside "ACME cloud"`, err, assess.ErrNameTaken)
		if diff := cmp.Diff(other, f.findProvider(t, other.ID)); diff != "" {
			t.Errorf("provider after the refused update (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown id is not found and stores nothing", func(t *testing.T) {
		before := f.count(t, `SELECT count(*) FROM providers`)
		_, err := updateErr(t, assess.Provider{ID: 987654, Name: "Ghost Cloud", ServiceModel: assess.SaaS})
		wantErr(t, "Update(987654)", err, assess.ErrNotFound)
		if got := f.count(t, `SELECT count(*) FROM providers`); got != before {
			t.Errorf("providers after updating an unknown id: got %d, want %d", got, before)
		}
	})
}

func TestRepresent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	completed := f.evaluate(t, p, assess.EvaluationCompleted, time.Now(), abuse[:3]...) // 15
	draft := f.evaluate(t, p, assess.EvaluationDraft, time.Time{}, abuse[:1]...)        // 5
	type stored struct {
		Current, Draft *int64
		Score          *float64
	}
	read := func(t *testing.T) stored {
		t.Helper()
		var s stored
		err := f.pool.QueryRow(t.Context(), `SELECT current_evaluation_id, draft_evaluation_id, current_score
			FROM providers WHERE id = $1`, p.ID).Scan(&s.Current, &s.Draft, &s.Score)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	represent := func(t *testing.T, providerID int64, current, draft *assess.Evaluation) error {
		t.Helper()
		return f.store.Update(t.Context(), func(tx app.Tx) error {
			return tx.Providers().Represent(t.Context(), providerID, current, draft)
		})
	}
	ptr := func(v float64) *float64 { return &v }
	id := func(v int64) *int64 { return &v }

	t.Run("records both evaluations and the current one's stored score", func(t *testing.T) {
		want := stored{Current: id(completed.ID), Draft: id(draft.ID), Score: ptr(15)}
		if diff := cmp.Diff(want, read(t)); diff != "" {
			t.Errorf("provider row (-want +got):\n%s", diff)
		}
	})

	t.Run("the score is the stored one, not the one passed in", func(t *testing.T) {
		passed := completed
		passed.Score.Overall = 99
		if err := represent(t, p.ID, &passed, nil); err != nil {
			t.Fatal(err)
		}
		want := stored{Current: id(completed.ID), Score: ptr(15)}
		if diff := cmp.Diff(want, read(t)); diff != "" {
			t.Errorf("provider row (-want +got):\n%s", diff)
		}
	})

	t.Run("a current evaluation that is not assessed has no score", func(t *testing.T) {
		empty := f.evaluate(t, p, assess.EvaluationDraft, time.Time{}) // nothing answered
		if err := represent(t, p.ID, &empty, nil); err != nil {
			t.Fatal(err)
		}
		want := stored{Current: id(empty.ID)}
		if diff := cmp.Diff(want, read(t)); diff != "" {
			t.Errorf("provider row (-want +got):\n%s", diff)
		}
	})

	t.Run("nil clears both", func(t *testing.T) {
		if err := represent(t, p.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(stored{}, read(t)); diff != "" {
			t.Errorf("provider row (-want +got):\n%s", diff)
		}
	})

	t.Run("an unknown provider is not found", func(t *testing.T) {
		wantErr(t, "Represent(987654)", represent(t, 987654, nil, nil), assess.ErrNotFound)
	})

	t.Run("an unknown evaluation is not found and changes nothing", func(t *testing.T) {
		before := read(t)
		err := represent(t, p.ID, &assess.Evaluation{ID: 987654}, nil)
		wantErr(t, "Represent(current 987654)", err, assess.ErrNotFound)
		if diff := cmp.Diff(before, read(t)); diff != "" {
			t.Errorf("provider row (-before +after):\n%s", diff)
		}
	})
}
