// Package postgres stores Shareline's providers, evaluations and answers in PostgreSQL.
// Exported Store methods are transaction boundaries; unexported helpers take a querier so that
// they compose inside one transaction.
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

	"shareline/internal/assess"
)

// Store reads and writes the domain over a connection pool.
type Store struct {
	pool           *pgxpool.Pool
	questionnaires *assess.Builtin
}

// New returns a Store over pool. The questionnaires are those evaluations may pin.
func New(pool *pgxpool.Pool, questionnaires *assess.Builtin) *Store {
	return &Store{pool: pool, questionnaires: questionnaires}
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// querier is what helpers need: a pool or a transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// SQLSTATE codes matched by code, never by message.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// translate turns database errors into domain errors and wraps the rest with what was being done.
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
			return fmt.Errorf("postgres: %s: %w", doing, assess.ErrConflict)
		case foreignKeyViolation:
			return fmt.Errorf("postgres: %s: %w", doing, assess.ErrNotFound)
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
