package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/postgres"
)

func TestUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	t.Run("commits when f returns nil", func(t *testing.T) {
		f.createProvider(t, "Committed Cloud", assess.SaaS)
		if n := f.count(t, `SELECT count(*) FROM providers WHERE name = 'Committed Cloud'`); n != 1 {
			t.Errorf("providers after the commit: got %d, want 1", n)
		}
	})

	t.Run("rolls back and returns f's error as it is", func(t *testing.T) {
		refusal := assess.Conflict("refused by the use case")
		err := f.store.Update(t.Context(), func(tx app.Tx) error {
			if _, err := tx.Providers().Create(t.Context(), assess.Provider{Name: "Rolled Back", ServiceModel: assess.SaaS}); err != nil {
				return err
			}
			return refusal
		})
		if err != error(refusal) {
			t.Errorf("Update: got error %v (%T), want f's own error %q", err, err, refusal)
		}
		if n := f.count(t, `SELECT count(*) FROM providers WHERE name = 'Rolled Back'`); n != 0 {
			t.Errorf("providers after the rollback: got %d, want 0", n)
		}
	})

	t.Run("a statement refused leaves nothing of the transaction", func(t *testing.T) {
		f.createProvider(t, "Taken", assess.SaaS)
		err := f.store.Update(t.Context(), func(tx app.Tx) error {
			if _, err := tx.Providers().Create(t.Context(), assess.Provider{Name: "First Of Two", ServiceModel: assess.SaaS}); err != nil {
				return err
			}
			_, err := tx.Providers().Create(t.Context(), assess.Provider{Name: "TAKEN", ServiceModel: assess.SaaS})
			return err
		})
		wantErr(t, "Update", err, assess.ErrNameTaken)
		if n := f.count(t, `SELECT count(*) FROM providers WHERE name = 'First Of Two'`); n != 0 {
			t.Errorf("providers after the refusal: got %d, want 0", n)
		}
	})
}

func TestRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.createProvider(t, "Before", assess.SaaS)

	t.Run("refuses writes", func(t *testing.T) {
		err := f.store.Read(t.Context(), func(tx app.Tx) error {
			_, err := tx.Providers().Create(t.Context(), assess.Provider{Name: "Written In A Read", ServiceModel: assess.SaaS})
			return err
		})
		if err == nil {
			t.Error("Create inside Read: got no error, want the write refused")
		}
		if n := f.count(t, `SELECT count(*) FROM providers WHERE name = 'Written In A Read'`); n != 0 {
			t.Errorf("providers written inside Read: got %d, want 0", n)
		}
	})

	t.Run("sees one snapshot", func(t *testing.T) {
		f.read(t, func(tx app.Tx) error {
			total := func() int {
				page, err := tx.Providers().List(t.Context(), assess.ProviderQuery{})
				if err != nil {
					t.Fatal(err)
				}
				return page.Total
			}
			before := total()
			f.createProvider(t, "Committed Meanwhile", assess.SaaS)
			if after := total(); after != before {
				t.Errorf("providers counted twice in one Read: got %d then %d, want the same", before, after)
			}
			return nil
		})
		if page := f.list(t, assess.ProviderQuery{}); page.Total != 2 {
			t.Errorf("providers after the Read: got %d, want 2", page.Total)
		}
	})
}

func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1; the pool connects lazily.
	pool, err := pgxpool.New(context.Background(), "postgres://shareline@127.0.0.1:1/shareline?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := postgres.New(pool)
	nothing := func(app.Tx) error { return nil }
	for name, err := range map[string]error{
		"Ping":   store.Ping(t.Context()),
		"Read":   store.Read(t.Context(), nothing),
		"Update": store.Update(t.Context(), nothing),
	} {
		if !errors.Is(err, assess.ErrUnavailable) {
			t.Errorf("%s: got error %v, want errors.Is(err, assess.ErrUnavailable)", name, err)
		}
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.pool.Exec(t.Context(), `INSERT INTO sessions (token, data, expiry) VALUES
		('old', '', now() - interval '1 hour'), ('live', '', now() + interval '1 hour')`)
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.store.DeleteExpiredSessions(t.Context())
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions: got %d, error %v; want 1, none", n, err)
	}
	if left := f.count(t, `SELECT count(*) FROM sessions WHERE token = 'live'`); left != 1 {
		t.Errorf("live sessions left: got %d, want 1", left)
	}
}
