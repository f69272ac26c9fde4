package postgres_test

import (
	"errors"
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// Writes queued with Tx.Later go out with the commit: a failing one fails the transaction and
// takes everything before it back, and the connection is fit for the next transaction.
func TestLaterWritesFailTheTransactionAndRollItBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	a := f.answer(t, "abuse_cases.malware", `"yes"`, "")
	err := f.store.Update(ctx, func(tx app.Tx) error {
		if _, err := tx.Providers().Create(ctx, assess.Provider{Name: "Rolled Back", ServiceModel: assess.SaaS}); err != nil {
			return err
		}
		return tx.Later(func(tx app.Tx) error {
			// evaluation 999 does not exist: the queued insert breaks its foreign key at commit.
			return tx.Answers().Put(ctx, 999, a, assess.Answer{}, tester)
		})
	})
	wantErr(t, "commit with a queued write to a missing evaluation", err, assess.ErrNotFound)
	if n := f.count(t, `SELECT count(*) FROM providers`); n != 0 {
		t.Errorf("providers after the failed commit: got %d, want 0 (rolled back)", n)
	}
	for i := range 8 { // more than the pool's connections: none was left inside a transaction
		f.createProvider(t, "Next "+string(rune('A'+i)), assess.SaaS)
	}
	if n := f.count(t, `SELECT count(*) FROM providers`); n != 8 {
		t.Errorf("providers after eight more transactions: got %d, want 8", n)
	}
}

// Only statements without results can wait for the commit; a query there is refused.
func TestLaterRefusesQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	err := f.store.Update(ctx, func(tx app.Tx) error {
		return tx.Later(func(tx app.Tx) error {
			_, err := tx.Providers().Find(ctx, 1, false)
			return err
		})
	})
	if err == nil || errors.Is(err, assess.ErrNotFound) {
		t.Errorf("a query in Later: got %v, want a refusal", err)
	}
}

// A transaction whose function fails is rolled back, also when its writes were sent at once.
func TestUpdateRollsBackWhenItsFunctionFails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	stop := errors.New("stop")
	err := f.store.Update(ctx, func(tx app.Tx) error {
		if _, err := tx.Providers().Create(ctx, assess.Provider{Name: "Undone", ServiceModel: assess.IaaS}); err != nil {
			return err
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("Update: got %v, want the function's own error", err)
	}
	if n := f.count(t, `SELECT count(*) FROM providers`); n != 0 {
		t.Errorf("providers after the failed transaction: got %d, want 0", n)
	}
	// A failed statement inside, whose error the function swallows, makes the commit fail.
	err = f.store.Update(ctx, func(tx app.Tx) error {
		tx.Providers().Create(ctx, assess.Provider{Name: "Kept?", ServiceModel: assess.IaaS})
		tx.Providers().Create(ctx, assess.Provider{Name: "kept?", ServiceModel: assess.IaaS}) // name taken
		return nil
	})
	if err == nil {
		t.Errorf("commit after a failed statement: got no error, want the rollback reported")
	}
	if n := f.count(t, `SELECT count(*) FROM providers`); n != 0 {
		t.Errorf("providers after the rolled-back commit: got %d, want 0", n)
	}
}
