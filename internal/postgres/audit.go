package postgres

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"shareline/internal/auth"
)

// auditLog is the audit_log table, which is only ever appended to.
type auditLog struct{ q querier }

// maxSummary bounds what one audit entry records, since summaries quote what people typed.
const maxSummary = 500

// Record appends one entry, its summary clipped to maxSummary bytes.
func (r auditLog) Record(ctx context.Context, e auth.AuditEntry) error {
	e.Summary = clip(e.Summary, maxSummary)
	_, err := r.q.Exec(ctx, `
		INSERT INTO audit_log (user_id, actor, remote_addr, action, provider_id, evaluation_id, summary, subject_user_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		nullID(e.UserID), e.Actor, e.RemoteAddr, e.Action, nullID(e.ProviderID), nullID(e.EvaluationID), e.Summary, nullID(e.SubjectUserID))
	return translate(err, "record "+e.Action)
}

// clip shortens s to at most n bytes on a character boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

type auditRow struct {
	ID           int64     `db:"id"`
	At           time.Time `db:"at"`
	UserID       *int64    `db:"user_id"`
	Actor        string    `db:"actor"`
	RemoteAddr   string    `db:"remote_addr"`
	Action       string    `db:"action"`
	ProviderID   *int64    `db:"provider_id"`
	EvaluationID *int64    `db:"evaluation_id"`
	Summary      string    `db:"summary"`
	SubjectID    *int64    `db:"subject_user_id"`
}

// List returns audit entries, newest first, and how many match in all.
func (r auditLog) List(ctx context.Context, q auth.AuditQuery) ([]auth.AuditEntry, int, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	var from, to *time.Time
	if !q.From.IsZero() {
		from = &q.From
	}
	if !q.To.IsZero() {
		to = &q.To
	}
	const where = `($1::bigint IS NULL OR user_id = $1) AND ($2::bigint IS NULL OR provider_id = $2)
		AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
		AND ($7::bigint IS NULL OR subject_user_id = $7) AND (cardinality($8::text[]) = 0 OR action = ANY ($8))`
	var actions []string
	if q.Actions != nil {
		actions = q.Actions
	} else {
		actions = []string{}
	}
	args := []any{nullID(q.UserID), nullID(q.ProviderID), from, to, q.Limit, q.Offset, nullID(q.SubjectID), actions}
	var total int
	if err := r.q.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE $5::int IS NOT NULL AND $6::int IS NOT NULL AND `+where,
		args...).Scan(&total); err != nil {
		return nil, 0, translate(err, "count audit log")
	}
	rows, _ := r.q.Query(ctx, `
		SELECT id, at, user_id, actor, remote_addr, action, provider_id, evaluation_id, summary, subject_user_id
		FROM audit_log WHERE `+where+` ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6`, args...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[auditRow])
	if err != nil {
		return nil, 0, translate(err, "list audit log")
	}
	out := make([]auth.AuditEntry, 0, len(list))
	for _, row := range list {
		out = append(out, auth.AuditEntry{
			ID: row.ID, At: row.At, UserID: orZero(row.UserID), Actor: row.Actor, RemoteAddr: row.RemoteAddr,
			Action: row.Action, ProviderID: orZero(row.ProviderID), EvaluationID: orZero(row.EvaluationID), Summary: row.Summary,
			SubjectUserID: orZero(row.SubjectID),
		})
	}
	return out, total, nil
}
