package postgres_test

import (
	"io/fs"
	"sync"
	"testing"

	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/migrations"
)

func TestMigrate(t *testing.T) {
	t.Parallel()

	t.Run("on a migrated database applies nothing, twice", func(t *testing.T) {
		pool := postgrestest.Pool(t)
		for run := 1; run <= 2; run++ {
			n, err := postgres.Migrate(t.Context(), pool)
			if err != nil {
				t.Fatalf("Migrate run %d: got error %v, want none", run, err)
			}
			if n != 0 {
				t.Errorf("Migrate run %d: got %d migrations applied, want 0", run, n)
			}
		}
	})

	t.Run("on an empty database applies every migration, then nothing", func(t *testing.T) {
		pool := emptyDatabase(t)
		want := migrationFiles(t)
		n, err := postgres.Migrate(t.Context(), pool)
		if err != nil {
			t.Fatalf("first Migrate: got error %v, want none", err)
		}
		if n != want {
			t.Errorf("first Migrate: got %d migrations applied, want %d (the files in migrations/)", n, want)
		}
		var tables int
		err = pool.QueryRow(t.Context(), `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = 'public' AND table_name IN ('providers', 'evaluations', 'answers')`).Scan(&tables)
		if err != nil || tables != 3 {
			t.Errorf("tables after Migrate: got %d (error %v), want providers, evaluations and answers", tables, err)
		}
		n, err = postgres.Migrate(t.Context(), pool)
		if err != nil || n != 0 {
			t.Errorf("second Migrate: got %d applied, error %v; want 0 applied, no error", n, err)
		}
	})

	t.Run("concurrent runs on an empty database apply each migration once", func(t *testing.T) {
		pool := emptyDatabase(t)
		want := migrationFiles(t)
		// goose polls its lock every few seconds: two runs prove the lock without a long wait.
		const runs = 2
		applied := make([]int, runs)
		errs := make([]error, runs)
		var wg sync.WaitGroup
		for i := range runs {
			wg.Go(func() { applied[i], errs[i] = postgres.Migrate(t.Context(), pool) })
		}
		wg.Wait()
		total := 0
		for i := range runs {
			if errs[i] != nil {
				t.Errorf("Migrate run %d: got error %v, want none", i, errs[i])
			}
			total += applied[i]
		}
		if total != want {
			t.Errorf("migrations applied across %d concurrent runs: got %d (%v), want %d", runs, total, applied, want)
		}
	})
}

// migrationFiles counts the SQL migrations shipped in the binary.
func migrationFiles(t *testing.T) int {
	t.Helper()
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: got %d files (error %v), want at least one", len(files), err)
	}
	return len(files)
}
