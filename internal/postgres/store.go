// Package postgres is the storage internal/app runs on, in PostgreSQL: transactions (Store) over
// repositories that read and write rows. It holds SQL only: what may change and what a change
// means are decided in internal/app and internal/assess, and the audit entries are written by
// app through AuditLog in the same transaction as the change.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/assess"
)

var (
	_ app.Store = (*Store)(nil)
	_ app.Tx    = tx{}
)

// Store runs transactions over a connection pool.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a Store over pool, whose database Migrate has brought up to date.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Update runs f in one read-write transaction (read committed), committed when f returns nil.
// f's own error is returned as it is; an error beginning or committing is translated. BEGIN
// travels with the first statement and COMMIT with the writes f queued (Tx.Later), so that the
// transaction adds no round trip of its own (tx.go).
func (s *Store) Update(ctx context.Context, f func(app.Tx) error) error {
	return s.runLazy(ctx, beginUpdate, f)
}

// Read runs f in one read-only repeatable-read transaction: every query f makes sees the same
// snapshot, and any write is refused.
func (s *Store) Read(ctx context.Context, f func(app.Tx) error) error {
	return s.runLazy(ctx, beginRead, f)
}

// Lookup runs f on the pool, outside any transaction: each statement commits on its own.
func (s *Store) Lookup(ctx context.Context, f func(app.Tx) error) error { return f(tx{s.pool}) }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return translate(s.pool.Ping(ctx), "ping")
}

// DeleteExpiredSessions removes sessions past their expiry, respondent sessions included; sessions are read through scs,
// which ignores expired ones, so this only keeps the table small.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	if err != nil {
		return 0, translate(err, "delete expired sessions")
	}
	// Respondent sessions (request links) too, and those opened from a link since reissued.
	rtag, err := s.pool.Exec(ctx, `DELETE FROM request_sessions AS s USING evaluation_requests AS r
		WHERE r.id = s.request_id AND (s.expires_at < now() OR s.token_hash <> r.token_hash)`)
	return tag.RowsAffected() + rtag.RowsAffected(), translate(err, "delete expired respondent sessions")
}

// tx is the repositories bound to one transaction.
type tx struct{ q querier }

func (t tx) Providers() app.Providers           { return providers(t) }
func (t tx) Evaluations() app.Evaluations       { return evaluations(t) }
func (t tx) Answers() app.Answers               { return answers(t) }
func (t tx) Questionnaires() app.Questionnaires { return questionnaireVersions(t) }
func (t tx) Users() app.Users                   { return users(t) }
func (t tx) Tokens() app.Tokens                 { return tokens(t) }
func (t tx) Audit() app.AuditLog                { return auditLog(t) }
func (t tx) SignIns() app.SignIns               { return signIns(t) }

// querier is what repositories run statements on: the transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// SQLSTATE codes matched by code, never by message.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
	// restrictViolation is raised by the schema's own triggers, with a message for people.
	restrictViolation = "23001"
)

// providerNameKey is the unique index that makes provider names unique whatever their case.
const providerNameKey = "providers_name_lower_key"

// translate turns database errors into domain errors and wraps the rest with what was being done.
// Refusals meant for people (a provider name taken, the schema's own refusals) are returned
// bare, so that their words are shown as they are.
func translate(err error, doing string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", doing, assess.ErrNotFound)
	}
	if unreachable(err) {
		return fmt.Errorf("postgres: %s: %w (%w)", doing, assess.ErrUnavailable, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case uniqueViolation:
			if pgErr.ConstraintName == providerNameKey {
				return assess.ErrNameTaken
			}
			return fmt.Errorf("postgres: %s: %w", doing, assess.ErrConflict)
		case foreignKeyViolation:
			return fmt.Errorf("postgres: %s: %w", doing, assess.ErrNotFound)
		case restrictViolation:
			return assess.Conflict(pgErr.Message)
		}
	}
	return fmt.Errorf("postgres: %s: %w", doing, err)
}

// unreachable reports whether err means the server could not be reached or went away, as
// opposed to refusing a statement: a connection that failed to open, a network error, or the
// server shutting down.
func unreachable(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.As(err, &pgErr):
		// Class 08 is connection exceptions; 57P01-57P03 are the server shutting down or starting.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	return pgconn.SafeToRetry(err)
}

// nullID stores 0 as NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// orZero reads NULL as 0.
func orZero[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
