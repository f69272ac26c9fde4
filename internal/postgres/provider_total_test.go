package postgres_test

import (
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// The list's total is the exact number of providers, kept by triggers in the same transaction
// as inserts and deletes, bulk ones included; a search still counts its matches.
func TestProviderTotalStaysExact(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	total := func(t *testing.T, search string) int {
		t.Helper()
		var page assess.ProviderPage
		f.read(t, func(tx app.Tx) error {
			var err error
			page, err = tx.Providers().List(ctx, assess.ProviderQuery{Search: search, Limit: 5})
			return err
		})
		return page.Total
	}
	if got := total(t, ""); got != 0 {
		t.Errorf("total of an empty table: got %d, want 0", got)
	}
	f.createProvider(t, "Acme Cloud", assess.SaaS)
	f.createProvider(t, "Bravo Hosting", assess.IaaS)
	err := f.store.Update(ctx, func(tx app.Tx) error {
		_, err := tx.Providers().Create(ctx, assess.Provider{Name: "ACME CLOUD", ServiceModel: assess.SaaS})
		return err
	})
	wantErr(t, "a name taken", err, assess.ErrNameTaken)
	if got := total(t, ""); got != 2 {
		t.Errorf("total after two providers and a refused one: got %d, want 2", got)
	}
	if _, err := f.pool.Exec(ctx, `INSERT INTO providers (name, service_model)
		SELECT 'Bulk ' || i, 'paas' FROM generate_series(1, 300) AS i`); err != nil {
		t.Fatal(err)
	}
	if got := total(t, ""); got != 302 {
		t.Errorf("total after a bulk insert of 300: got %d, want 302", got)
	}
	if _, err := f.pool.Exec(ctx, `DELETE FROM providers WHERE name LIKE 'Bulk 1%'`); err != nil {
		t.Fatal(err)
	}
	want := f.count(t, `SELECT count(*) FROM providers`)
	if got := total(t, ""); got != want || want == 302 {
		t.Errorf("total after deleting some: got %d, want %d (the table's count, below 302)", got, want)
	}
	tx, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Exec(ctx, `INSERT INTO providers (name, service_model) VALUES ('Never Committed', 'saas')`)
	tx.Rollback(ctx)
	if got := total(t, ""); got != want {
		t.Errorf("total after a rolled-back insert: got %d, want %d", got, want)
	}
	if got := total(t, "bulk"); got != want-2 {
		t.Errorf("total of a search for bulk: got %d, want %d (the matches)", got, want-2)
	}
}
