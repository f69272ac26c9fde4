package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/auth"
)

// maxSummary bounds what one audit entry records, since summaries quote what people typed.
const maxSummary = 500

// insertAudit writes one audit entry inside the caller's transaction, so that the change and its
// record commit or fail together.
func insertAudit(ctx context.Context, q querier, e auth.AuditEntry) error {
	e.Summary = clip(e.Summary, maxSummary)
	_, err := q.Exec(ctx, `
		INSERT INTO audit_log (user_id, actor, remote_addr, action, provider_id, evaluation_id, summary)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		nullID(e.UserID), e.Actor, e.RemoteAddr, e.Action, nullID(e.ProviderID), nullID(e.EvaluationID), e.Summary)
	return err
}

// nullID stores 0 as NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
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
}

func orZero(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// ListAudit returns audit entries, newest first, and how many match in all.
func (s *Store) ListAudit(ctx context.Context, q auth.AuditQuery) ([]auth.AuditEntry, int, error) {
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
		AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)`
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE `+where,
		nullID(q.UserID), nullID(q.ProviderID), from, to).Scan(&total); err != nil {
		return nil, 0, translate(err, "count audit log")
	}
	rows, _ := s.pool.Query(ctx, `
		SELECT id, at, user_id, actor, remote_addr, action, provider_id, evaluation_id, summary
		FROM audit_log WHERE `+where+` ORDER BY at DESC, id DESC LIMIT $5 OFFSET $6`,
		nullID(q.UserID), nullID(q.ProviderID), from, to, q.Limit, q.Offset)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[auditRow])
	if err != nil {
		return nil, 0, translate(err, "list audit log")
	}
	out := make([]auth.AuditEntry, 0, len(list))
	for _, r := range list {
		out = append(out, auth.AuditEntry{
			ID: r.ID, At: r.At, UserID: orZero(r.UserID), Actor: r.Actor, RemoteAddr: r.RemoteAddr,
			Action: r.Action, ProviderID: orZero(r.ProviderID), EvaluationID: orZero(r.EvaluationID), Summary: r.Summary,
		})
	}
	return out, total, nil
}

// RecordAudit writes an audit entry that goes with no other change, such as a sign-in.
func (s *Store) RecordAudit(ctx context.Context, e auth.AuditEntry) error {
	return translate(insertAudit(ctx, s.pool, e), "record "+e.Action)
}
