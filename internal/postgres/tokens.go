package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/auth"
)

type tokenRow struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	UserEmail  string     `db:"user_email"`
	Label      string     `db:"label"`
	CreatedAt  time.Time  `db:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

func (r tokenRow) token() auth.Token {
	return auth.Token{ID: r.ID, UserID: r.UserID, UserEmail: r.UserEmail, Label: r.Label,
		CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
}

const tokenColumns = `t.id, t.user_id, u.email AS user_email, t.label, t.created_at, t.last_used_at, t.revoked_at`

// CreateToken stores a new token's hash for a user.
func (s *Store) CreateToken(ctx context.Context, userID int64, label string, hash []byte, by auth.Actor) (auth.Token, error) {
	var out auth.Token
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `
			WITH t AS (INSERT INTO api_tokens (user_id, label, hash) VALUES ($1, $2, $3) RETURNING *)
			SELECT `+tokenColumns+` FROM t JOIN users AS u ON u.id = t.user_id`, userID, label, hash)
		row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[tokenRow])
		if err != nil {
			return err
		}
		out = row.token()
		return insertAudit(ctx, tx, by.Entry(auth.ActionTokenCreated,
			fmt.Sprintf("created token %q for %s", out.Label, out.UserEmail)))
	})
	return out, translate(err, "create token")
}

// FindTokenUser returns the active user a live token belongs to, and marks the token used
// (at most once a minute, so that API traffic does not turn every read into a write).
func (s *Store) FindTokenUser(ctx context.Context, hash []byte) (auth.User, error) {
	row, err := collectUser(s.pool.Query(ctx, `
		SELECT `+userColumns+` FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND u.active`, hash))
	if err != nil {
		return auth.User{}, translate(err, "find token")
	}
	_, err = s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = now()
		WHERE hash = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, hash)
	return row.user(), translate(err, "mark token used")
}

// ListTokens returns tokens, newest first: one user's, or everyone's when userID is 0.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]auth.Token, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id
		WHERE $1::bigint IS NULL OR t.user_id = $1 ORDER BY t.id DESC`, nullID(userID))
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[tokenRow])
	if err != nil {
		return nil, translate(err, "list tokens")
	}
	out := make([]auth.Token, 0, len(list))
	for _, r := range list {
		out = append(out, r.token())
	}
	return out, nil
}

// RevokeToken ends a token at once. ownerID limits it to one user's tokens (0: any token).
func (s *Store) RevokeToken(ctx context.Context, id, ownerID int64, by auth.Actor) error {
	return s.revokeToken(ctx, `t.id = $1 AND ($2::bigint IS NULL OR t.user_id = $2)`, by, id, nullID(ownerID))
}

// RevokeTokenByHash ends the token with this hash at once.
func (s *Store) RevokeTokenByHash(ctx context.Context, hash []byte, by auth.Actor) error {
	return s.revokeToken(ctx, `t.hash = $1`, by, hash)
}

func (s *Store) revokeToken(ctx context.Context, where string, by auth.Actor, args ...any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `
			WITH t AS (UPDATE api_tokens AS t SET revoked_at = coalesce(t.revoked_at, now()) WHERE `+where+` RETURNING *)
			SELECT `+tokenColumns+` FROM t JOIN users AS u ON u.id = t.user_id`, args...)
		row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[tokenRow])
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, by.Entry(auth.ActionTokenRevoked,
			fmt.Sprintf("revoked token %q of %s", row.Label, row.UserEmail)))
	})
	return translate(err, "revoke token")
}
