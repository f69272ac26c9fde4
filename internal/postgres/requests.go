package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// requests is the evaluation_requests table and the respondent sessions of request_sessions.
type requests struct{ q querier }

// Requests is the requests repository bound to the transaction.
func (t tx) Requests() app.Requests { return requests(t) }

const requestColumns = `r.id, r.evaluation_id, e.provider_id, r.contact_name, r.contact_email, r.due_date, r.message,
	r.expires_at, r.sent_by_name, r.sent_by_email, r.created_at, r.opened_at, r.started_at, r.submitted_at, r.revoked_at,
	r.emailed_at, r.email_failed_at`

type requestRow struct {
	ID           int64      `db:"id"`
	EvaluationID int64      `db:"evaluation_id"`
	ProviderID   int64      `db:"provider_id"`
	ContactName  string     `db:"contact_name"`
	ContactEmail string     `db:"contact_email"`
	DueDate      time.Time  `db:"due_date"`
	Message      string     `db:"message"`
	ExpiresAt    time.Time  `db:"expires_at"`
	SentByName   string     `db:"sent_by_name"`
	SentByEmail  string     `db:"sent_by_email"`
	CreatedAt    time.Time  `db:"created_at"`
	OpenedAt     *time.Time `db:"opened_at"`
	StartedAt    *time.Time `db:"started_at"`
	SubmittedAt  *time.Time `db:"submitted_at"`
	RevokedAt    *time.Time `db:"revoked_at"`
	EmailedAt    *time.Time `db:"emailed_at"`
	EmailFailed  *time.Time `db:"email_failed_at"`
}

func (r requestRow) request() assess.Request {
	return assess.Request{
		ID: r.ID, EvaluationID: r.EvaluationID, ProviderID: r.ProviderID, ContactName: r.ContactName,
		ContactEmail: r.ContactEmail, DueDate: assess.DateOf(r.DueDate), Message: r.Message, ExpiresAt: r.ExpiresAt,
		SentBy: r.SentByName, SentByEmail: r.SentByEmail, CreatedAt: r.CreatedAt, OpenedAt: r.OpenedAt,
		StartedAt: r.StartedAt, SubmittedAt: r.SubmittedAt, RevokedAt: r.RevokedAt,
		EmailedAt: r.EmailedAt, EmailFailedAt: r.EmailFailed,
	}
}

func (r requests) one(ctx context.Context, doing, sql string, args ...any) (assess.Request, error) {
	rows, _ := r.q.Query(ctx, sql, args...)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[requestRow])
	if err != nil {
		return assess.Request{}, translate(err, doing)
	}
	return row.request(), nil
}

func (r requests) Create(ctx context.Context, req assess.Request, tokenHash []byte, sentByID int64) (assess.Request, error) {
	return r.one(ctx, "create request", `
		WITH r AS (
			INSERT INTO evaluation_requests (evaluation_id, contact_name, contact_email, due_date, message, token_hash,
				expires_at, sent_by, sent_by_name, sent_by_email, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *)
		SELECT `+requestColumns+` FROM r JOIN evaluations AS e ON e.id = r.evaluation_id`,
		req.EvaluationID, req.ContactName, req.ContactEmail, req.DueDate.Time(), req.Message, tokenHash,
		req.ExpiresAt, nullID(sentByID), req.SentBy, req.SentByEmail, req.CreatedAt)
}

func (r requests) Find(ctx context.Context, id int64, lock bool) (assess.Request, error) {
	sql := `SELECT ` + requestColumns + ` FROM evaluation_requests AS r JOIN evaluations AS e ON e.id = r.evaluation_id WHERE r.id = $1`
	if lock {
		sql += ` FOR UPDATE OF r`
	}
	return r.one(ctx, fmt.Sprintf("find request %d", id), sql, id)
}

func (r requests) ByToken(ctx context.Context, tokenHash []byte) (assess.Request, error) {
	return r.one(ctx, "find request by link", `SELECT `+requestColumns+`
		FROM evaluation_requests AS r JOIN evaluations AS e ON e.id = r.evaluation_id
		WHERE r.token_hash = $1 FOR UPDATE OF r`, tokenHash)
}

func (r requests) OfEvaluation(ctx context.Context, evaluationID int64) ([]assess.Request, error) {
	rows, _ := r.q.Query(ctx, `SELECT `+requestColumns+`
		FROM evaluation_requests AS r JOIN evaluations AS e ON e.id = r.evaluation_id
		WHERE r.evaluation_id = $1 ORDER BY r.id`, evaluationID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[requestRow])
	if err != nil {
		return nil, translate(err, fmt.Sprintf("list requests of evaluation %d", evaluationID))
	}
	out := make([]assess.Request, 0, len(list))
	for _, row := range list {
		out = append(out, row.request())
	}
	return out, nil
}

func (r requests) Overdue(ctx context.Context, now time.Time, limit int) ([]assess.OverdueRequest, error) {
	// The candidates in SQL (due before today, not submitted, not revoked); the rule itself
	// is assess.Request.Overdue, applied to each.
	rows, _ := r.q.Query(ctx, `SELECT `+requestColumns+`, p.name AS provider_name
		FROM evaluation_requests AS r JOIN evaluations AS e ON e.id = r.evaluation_id
		JOIN providers AS p ON p.id = e.provider_id
		WHERE r.revoked_at IS NULL AND r.submitted_at IS NULL AND r.due_date < $1::date
			AND e.status = 'draft' AND p.archived_at IS NULL
		ORDER BY r.due_date, r.id LIMIT $2`, now.UTC().Format("2006-01-02"), limit)
	type overdueRow struct {
		requestRow
		ProviderName string `db:"provider_name"`
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[overdueRow])
	if err != nil {
		return nil, translate(err, "list overdue requests")
	}
	out := make([]assess.OverdueRequest, 0, len(list))
	for _, row := range list {
		if req := row.request(); req.Overdue(now) {
			out = append(out, assess.OverdueRequest{Request: req, ProviderName: row.ProviderName})
		}
	}
	return out, nil
}

func (r requests) Update(ctx context.Context, req assess.Request) error {
	tag, err := r.q.Exec(ctx, `UPDATE evaluation_requests SET expires_at = $2, opened_at = $3, started_at = $4,
		submitted_at = $5, revoked_at = $6 WHERE id = $1`,
		req.ID, req.ExpiresAt, req.OpenedAt, req.StartedAt, req.SubmittedAt, req.RevokedAt)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, fmt.Sprintf("update request %d", req.ID))
}

func (r requests) Emailed(ctx context.Context, id int64, tokenHash []byte, at time.Time, sent bool) (assess.Request, error) {
	return r.one(ctx, fmt.Sprintf("note the email of request %d", id), `
		WITH r AS (
			UPDATE evaluation_requests SET
				emailed_at = CASE WHEN $4 THEN $3 ELSE emailed_at END,
				email_failed_at = CASE WHEN $4 THEN NULL ELSE $3 END
			WHERE id = $1 AND token_hash = $2 RETURNING *)
		SELECT `+requestColumns+` FROM r JOIN evaluations AS e ON e.id = r.evaluation_id`, id, tokenHash, at, sent)
}

func (r requests) SetToken(ctx context.Context, id int64, tokenHash []byte, expiresAt time.Time) error {
	tag, err := r.q.Exec(ctx, `UPDATE evaluation_requests SET token_hash = $2, expires_at = $3,
		emailed_at = NULL, email_failed_at = NULL WHERE id = $1`, id, tokenHash, expiresAt)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, fmt.Sprintf("reissue request %d", id))
}

func (r requests) StartSession(ctx context.Context, hash []byte, requestID int64, at, expiresAt time.Time) error {
	_, err := r.q.Exec(ctx, `INSERT INTO request_sessions (hash, request_id, token_hash, created_at, expires_at)
		SELECT $1, id, token_hash, $3, $4 FROM evaluation_requests WHERE id = $2`, hash, requestID, at, expiresAt)
	return translate(err, fmt.Sprintf("start a session of request %d", requestID))
}

func (r requests) Session(ctx context.Context, hash []byte, now time.Time) (assess.Request, error) {
	return r.one(ctx, "find respondent session", `SELECT `+requestColumns+`
		FROM request_sessions AS s
		JOIN evaluation_requests AS r ON r.id = s.request_id AND r.token_hash = s.token_hash
		JOIN evaluations AS e ON e.id = r.evaluation_id
		WHERE s.hash = $1 AND $2 < s.expires_at`, hash, now)
}

func (r requests) EndSessions(ctx context.Context, requestID int64) error {
	_, err := r.q.Exec(ctx, `DELETE FROM request_sessions WHERE request_id = $1`, requestID)
	return translate(err, fmt.Sprintf("end the sessions of request %d", requestID))
}
