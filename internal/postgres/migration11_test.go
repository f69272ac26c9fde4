package postgres_test

import (
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"shareline/migrations"
)

// Migration 11 adds archiving: the provider total counts the providers that are not archived,
// archiving and restoring move it in the same statement, and Down counts every provider again.
func TestMigration11CountsOnlyProvidersNotArchived(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := emptyDatabase(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 10); err != nil {
		t.Fatalf("up to 10: %v", err)
	}
	exec := func(t *testing.T, sql string) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	total := func(t *testing.T, when string, want int) {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, `SELECT providers FROM provider_total`).Scan(&n); err != nil || n != want {
			t.Errorf("provider_total %s: got %d (%v), want %d", when, n, err, want)
		}
	}
	exec(t, `INSERT INTO providers (name, service_model) SELECT 'Before ' || i, 'saas' FROM generate_series(1, 12) AS i`)
	if _, err := p.UpTo(ctx, 11); err != nil {
		t.Fatalf("up to 11: %v", err)
	}
	total(t, "after migrating 12 providers", 12)
	exec(t, `UPDATE providers SET archived_at = now() WHERE name IN ('Before 1', 'Before 2', 'Before 3')`)
	total(t, "after archiving 3", 9)
	exec(t, `UPDATE providers SET archived_at = now() + interval '1 hour' WHERE name = 'Before 1'`)
	total(t, "after archiving an archived one again", 9)
	exec(t, `UPDATE providers SET notes = 'edited'`)
	total(t, "after editing every provider", 9)
	exec(t, `INSERT INTO providers (name, service_model, archived_at) VALUES ('Archived on arrival', 'iaas', now()), ('Active', 'iaas', NULL)`)
	total(t, "after inserting one archived and one not", 10)
	exec(t, `DELETE FROM providers WHERE name IN ('Before 2', 'Before 4')`)
	total(t, "after deleting an archived one and one that is not", 9)
	exec(t, `UPDATE providers SET archived_at = NULL WHERE name = 'Before 3'`)
	total(t, "after restoring one", 10)
	if _, err := p.DownTo(ctx, 10); err != nil {
		t.Fatalf("down to 10: %v", err)
	}
	total(t, "after down (every provider again)", 12)
	exec(t, `INSERT INTO providers (name, service_model) VALUES ('After down', 'paas')`)
	total(t, "after one more, down", 13)
	var partial int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'providers'
		AND indexname IN ('providers_name_order_idx', 'providers_current_score_idx') AND indexdef NOT LIKE '%WHERE%'`).Scan(&partial); err != nil || partial != 2 {
		t.Errorf("full ordering indexes after down: got %d (%v), want 2", partial, err)
	}
}
