package postgres_test

import (
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

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

// Migration 5 moves providers from their latest evaluation to their current (latest completed)
// one and their draft, snapshots each evaluation's provider, and stores questionnaires; its
// Down puts the latest evaluation back.
func TestMigration5UpAndDown(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := emptyDatabase(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 4); err != nil {
		t.Fatalf("up to 4: %v", err)
	}
	exec := func(t *testing.T, sql string) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// Acme: two completed evaluations (the older id completed last) and a draft; Beta: a draft;
	// Gamma: none; Delta: completed with nothing that counts.
	exec(t, `
		INSERT INTO providers (id, name, offering, service_model) OVERRIDING SYSTEM VALUE VALUES
			(1, 'Acme', 'Object storage', 'iaas'), (2, 'Beta', '', 'saas'), (3, 'Gamma', '', 'paas'), (4, 'Delta', 'CRM', 'saas');
		INSERT INTO evaluations (id, provider_id, questionnaire_key, questionnaire_version, score_overall, score_tier,
			score_as_of, scoring_version, status, completed_at) OVERRIDING SYSTEM VALUE VALUES
			(1, 1, 'shared-responsibility', 1, 40, 'weak', '2025-03-01', 2, 'completed', '2025-03-01 10:00Z'),
			(2, 1, 'shared-responsibility', 1, 60, 'adequate', '2025-02-01', 2, 'completed', '2025-02-01 10:00Z'),
			(3, 1, 'shared-responsibility', 1, 10, 'poor', '2025-04-01', 2, 'draft', NULL),
			(4, 2, 'shared-responsibility', 1, 20, 'poor', '2025-04-01', 2, 'draft', NULL),
			(5, 4, 'shared-responsibility', 1, 0, 'not_assessed', '2025-01-05', 2, 'completed', '2025-01-05 10:00Z');
		UPDATE providers AS p SET latest_evaluation_id = (SELECT max(e.id) FROM evaluations AS e WHERE e.provider_id = p.id);
		UPDATE providers AS p SET latest_score = (SELECT e.score_overall FROM evaluations AS e WHERE e.id = p.latest_evaluation_id);
		INSERT INTO answer_revisions (evaluation_id, question, element, version, new_value, explanation, evidence, actor)
			VALUES (3, 'abuse_cases', 'malware', 1, '"yes"', '', '[]', 'someone')`)
	column := func(t *testing.T, table, name string) bool {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`, table, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	rows := func(t *testing.T, sql string) []string {
		t.Helper()
		r, _ := pool.Query(ctx, sql)
		out, err := pgx.CollectRows(r, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return out
	}

	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatalf("up to 5: %v", err)
	}
	t.Run("up: each provider's current evaluation, draft and current score", func(t *testing.T) {
		got := rows(t, `SELECT id || ' ' || coalesce(current_evaluation_id::text, '-') || ' ' ||
			coalesce(draft_evaluation_id::text, '-') || ' ' || coalesce(current_score::text, '-') FROM providers ORDER BY id`)
		want := []string{"1 1 3 40", "2 - 4 -", "3 - - -", "4 5 - -"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("providers (-want +got):\n%s", diff)
		}
		if column(t, "providers", "latest_evaluation_id") || column(t, "providers", "latest_score") {
			t.Error("providers still has latest_evaluation_id or latest_score")
		}
		var index string
		if err := pool.QueryRow(ctx, `SELECT indexdef FROM pg_indexes WHERE indexname = 'providers_current_score_idx'`).Scan(&index); err != nil || !strings.Contains(index, "current_score DESC NULLS LAST, name_key, id") {
			t.Errorf("providers_current_score_idx: got %q, error %v; want it on (current_score DESC NULLS LAST, name_key, id)", index, err)
		}
	})
	t.Run("up: evaluations snapshot their provider", func(t *testing.T) {
		got := rows(t, `SELECT id || ' ' || provider_name || ' ' || offering || ' ' || service_model FROM evaluations ORDER BY id`)
		want := []string{"1 Acme Object storage iaas", "2 Acme Object storage iaas", "3 Acme Object storage iaas", "4 Beta  saas", "5 Delta CRM saas"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("evaluations (-want +got):\n%s", diff)
		}
		_, err := pool.Exec(ctx, `UPDATE evaluations SET service_model = NULL WHERE id = 1`)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23502" {
			t.Errorf("a NULL snapshot: got %v, want not_null_violation", err)
		}
		for _, name := range []string{"completed_by", "reassessed_from"} {
			if !column(t, "evaluations", name) {
				t.Errorf("evaluations.%s: missing", name)
			}
		}
		if got := rows(t, `SELECT note FROM answer_revisions`); !cmp.Equal(got, []string{""}) {
			t.Errorf("answer_revisions.note: got %q, want one empty note", got)
		}
	})
	t.Run("up: evaluations pin stored questionnaires, checked for new rows only", func(t *testing.T) {
		got := rows(t, `SELECT convalidated::text FROM pg_constraint WHERE conname = 'evaluations_questionnaire_fkey'`)
		if !cmp.Equal(got, []string{"false"}) {
			t.Errorf("evaluations_questionnaire_fkey validated: got %v, want [false] (NOT VALID)", got)
		}
		_, err := pool.Exec(ctx, `INSERT INTO evaluations (id, provider_id, provider_name, offering, service_model,
			questionnaire_key, questionnaire_version, score_as_of, scoring_version) OVERRIDING SYSTEM VALUE
			VALUES (100, 3, 'Gamma', '', 'paas', 'nothing', 1, now(), 2)`)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
			t.Errorf("an evaluation of a questionnaire that is not stored: got %v, want foreign_key_violation", err)
		}
	})

	if _, err := p.DownTo(ctx, 4); err != nil {
		t.Fatalf("down to 4: %v", err)
	}
	t.Run("down: each provider's latest evaluation and its score", func(t *testing.T) {
		got := rows(t, `SELECT id || ' ' || coalesce(latest_evaluation_id::text, '-') || ' ' || coalesce(latest_score::text, '-') FROM providers ORDER BY id`)
		want := []string{"1 3 10", "2 4 20", "3 - -", "4 5 0"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("providers (-want +got):\n%s", diff)
		}
		for _, c := range []struct{ table, name string }{
			{"providers", "current_evaluation_id"}, {"providers", "draft_evaluation_id"}, {"providers", "current_score"},
			{"evaluations", "provider_name"}, {"evaluations", "completed_by"}, {"evaluations", "reassessed_from"},
			{"answer_revisions", "note"}, {"questionnaires", "key"},
		} {
			if column(t, c.table, c.name) {
				t.Errorf("%s.%s: still there after Down", c.table, c.name)
			}
		}
		if got := rows(t, `SELECT indexname::text FROM pg_indexes WHERE indexname = 'providers_latest_score_idx'`); len(got) != 1 {
			t.Errorf("providers_latest_score_idx after Down: got %v, want it back", got)
		}
	})

	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatalf("up to 5 again: %v", err)
	}
	if got := rows(t, `SELECT coalesce(current_evaluation_id::text, '-') FROM providers ORDER BY id`); !cmp.Equal(got, []string{"1", "-", "-", "5"}) {
		t.Errorf("current evaluations after up, down and up: got %v", got)
	}
}
