package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/postgres/postgrestest"
)

// Every other test here relies on a database of its own: check that the harness gives one.
func TestPostgrestestGivesEachTestItsOwnMigratedDatabase(t *testing.T) {
	t.Parallel()
	first, second := postgrestest.Pool(t), postgrestest.Pool(t)
	a, b := currentDatabase(t, first), currentDatabase(t, second)
	if !strings.HasPrefix(a, "shareline_t_") {
		t.Errorf("Pool(t) database: got %q, want a per-test database named shareline_t_...", a)
	}
	if a == b {
		t.Errorf("two Pool(t) calls: got the same database %q twice, want two databases", a)
	}
	var providers int
	if err := first.QueryRow(t.Context(), `SELECT count(*) FROM providers`).Scan(&providers); err != nil {
		t.Fatalf("SELECT count(*) FROM providers: got error %v, want a migrated database", err)
	}
	if providers != 0 {
		t.Errorf("providers in a fresh database: got %d, want 0", providers)
	}
}

func currentDatabase(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var name string
	if err := pool.QueryRow(t.Context(), `SELECT current_database()`).Scan(&name); err != nil {
		t.Fatalf("current_database(): %v", err)
	}
	return name
}

// emptyDatabase opens a pool on a database with no tables, dropped when the test ends.
func emptyDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), postgrestest.EmptyURL(t))
	if err != nil {
		t.Fatalf("open pool on an empty database: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}
