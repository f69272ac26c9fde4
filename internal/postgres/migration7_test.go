package postgres_test

import (
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"shareline/migrations"
)

// Migration 7 starts the provider total from the providers already there, and its evaluations
// keep no scored answers until they are saved again (the column is NULL: read the answers).
func TestMigration7CountsTheProvidersAlreadyThere(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := emptyDatabase(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatalf("up to 6: %v", err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO providers (name, service_model)
		SELECT 'Before ' || i, 'saas' FROM generate_series(1, 37) AS i`); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatalf("up to 7: %v", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT providers FROM provider_total`).Scan(&n); err != nil || n != 37 {
		t.Errorf("provider_total after migrating 37 providers: got %d (%v), want 37", n, err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO providers (name, service_model) VALUES ('After', 'iaas')`); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT providers FROM provider_total`).Scan(&n); err != nil || n != 38 {
		t.Errorf("provider_total after one more: got %d (%v), want 38", n, err)
	}
	if _, err := p.DownTo(ctx, 6); err != nil {
		t.Fatalf("down to 6: %v", err)
	}
	var tables int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'provider_total'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("provider_total after down: got %d tables (%v), want 0", tables, err)
	}
}
