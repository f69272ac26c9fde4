package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/auth"
)

// tokens is the api_tokens table: tokens' hashes, never the tokens.
type tokens struct{ q querier }

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

// Create stores a new token's hash for a user.
func (r tokens) Create(ctx context.Context, userID int64, label string, hash []byte) (auth.Token, error) {
	rows, _ := r.q.Query(ctx, `
		WITH t AS (INSERT INTO api_tokens (user_id, label, hash) VALUES ($1, $2, $3) RETURNING *)
		SELECT `+tokenColumns+` FROM t JOIN users AS u ON u.id = t.user_id`, userID, label, hash)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[tokenRow])
	return row.token(), translate(err, "create token")
}

// User returns the active user a live token belongs to, and marks the token used (at most once
// a minute, so that API traffic does not turn every read into a write), in one statement.
func (r tokens) User(ctx context.Context, hash []byte) (auth.User, error) {
	row, err := collectUser(r.q.Query(ctx, `
		WITH u AS (
			SELECT t.id AS token_id, t.last_used_at, `+userColumns+`
			FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id
			WHERE t.hash = $1 AND t.revoked_at IS NULL AND u.active),
		used AS (
			UPDATE api_tokens SET last_used_at = now()
			WHERE id = (SELECT token_id FROM u WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
		SELECT id, email, name, role, password_hash, active, created_at, updated_at, session_epoch, totp_enabled FROM u`, hash))
	return row.user(), translate(err, "find token")
}

// RevokeAll ends every live token of a user and says how many there were.
func (r tokens) RevokeAll(ctx context.Context, userID int64) (int, error) {
	tag, err := r.q.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID)
	return int(tag.RowsAffected()), translate(err, "revoke the tokens of a user")
}

// List returns tokens, newest first: one user's, or everyone's when userID is 0.
func (r tokens) List(ctx context.Context, userID int64) ([]auth.Token, error) {
	rows, _ := r.q.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id
		WHERE $1::bigint IS NULL OR t.user_id = $1 ORDER BY t.id DESC`, nullID(userID))
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[tokenRow])
	if err != nil {
		return nil, translate(err, "list tokens")
	}
	out := make([]auth.Token, 0, len(list))
	for _, row := range list {
		out = append(out, row.token())
	}
	return out, nil
}

// Revoke ends a token at once (a revoked one keeps the time it was first revoked) and returns
// it. The token is named by id, or by hash when byHash is non-nil; ownerID limits it to one
// user's tokens (0: any). No token matching is assess.ErrNotFound.
func (r tokens) Revoke(ctx context.Context, id, ownerID int64, byHash []byte) (auth.Token, error) {
	rows, _ := r.q.Query(ctx, `
		WITH t AS (
			UPDATE api_tokens AS t SET revoked_at = coalesce(t.revoked_at, now())
			WHERE CASE WHEN $3::bytea IS NULL THEN t.id = $1 ELSE t.hash = $3 END
				AND ($2::bigint IS NULL OR t.user_id = $2)
			RETURNING *)
		SELECT `+tokenColumns+` FROM t JOIN users AS u ON u.id = t.user_id`, id, nullID(ownerID), byHash)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[tokenRow])
	return row.token(), translate(err, "revoke token")
}
