package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"shareline/internal/postgres/postgrestest"
)

// The audit log takes new entries but refuses, in the database itself, any change to old ones.
func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	pool := postgrestest.Pool(t)
	ctx := context.Background()
	insert := `INSERT INTO audit_log (actor, remote_addr, action, summary) VALUES ('test', '192.0.2.1', 'test.entry', $1) RETURNING id`
	var id int64
	if err := pool.QueryRow(ctx, insert, "first entry").Scan(&id); err != nil {
		t.Fatalf("INSERT into audit_log: %v, want it accepted", err)
	}

	for _, stmt := range []struct{ op, sql string }{
		{"UPDATE", `UPDATE audit_log SET summary = 'rewritten' WHERE id = $1`},
		{"UPDATE", `UPDATE audit_log SET summary = 'rewritten' WHERE id = -$1::bigint`}, // no row matches: still refused
		{"DELETE", `DELETE FROM audit_log WHERE id = $1`},
		{"DELETE", `DELETE FROM audit_log WHERE id = -$1::bigint`},
	} {
		_, err := pool.Exec(ctx, stmt.sql, id)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			t.Errorf("%s: got %v, want PostgreSQL to refuse it", stmt.sql, err)
			continue
		}
		if pgErr.Code != "42501" || !strings.Contains(pgErr.Message, "audit_log is append-only") || !strings.Contains(pgErr.Message, stmt.op) {
			t.Errorf("%s: got %s %q, want 42501 \"audit_log is append-only: %s is not allowed\"", stmt.sql, pgErr.Code, pgErr.Message, stmt.op)
		}
	}
	if _, err := pool.Exec(ctx, `TRUNCATE audit_log`); err == nil || !strings.Contains(err.Error(), "audit_log is append-only: TRUNCATE") {
		t.Errorf("TRUNCATE audit_log: got %v, want it refused", err)
	}

	var summary string
	var n int
	if err := pool.QueryRow(ctx, `SELECT summary, (SELECT count(*) FROM audit_log) FROM audit_log WHERE id = $1`, id).Scan(&summary, &n); err != nil {
		t.Fatal(err)
	}
	if summary != "first entry" || n != 1 {
		t.Errorf("after the refused statements: summary %q among %d rows, want \"first entry\" alone", summary, n)
	}
	if err := pool.QueryRow(ctx, insert, "second entry").Scan(&id); err != nil {
		t.Errorf("INSERT after the refusals: %v, want it accepted", err)
	}
}
