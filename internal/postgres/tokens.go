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
	ExpiresAt  time.Time  `db:"expires_at"`
	IdleEnds   time.Time  `db:"idle_expires_at"`
}

func (r tokenRow) token() auth.Token {
	return auth.Token{ID: r.ID, UserID: r.UserID, UserEmail: r.UserEmail, Label: r.Label,
		CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt,
		ExpiresAt: r.ExpiresAt, IdleExpiresAt: r.IdleEnds}
}

const tokenColumns = `t.id, t.user_id, u.email AS user_email, t.label, t.created_at, t.last_used_at, t.revoked_at, t.expires_at, t.idle_expires_at`

// Create stores a new token's hash for a user, with its expiry and first idle expiry.
func (r tokens) Create(ctx context.Context, userID int64, label string, hash []byte, expires, idleExpires time.Time) (auth.Token, error) {
	rows, _ := r.q.Query(ctx, `
		WITH t AS (INSERT INTO api_tokens (user_id, label, hash, expires_at, idle_expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *)
		SELECT `+tokenColumns+` FROM t JOIN users AS u ON u.id = t.user_id`, userID, label, hash, expires, idleExpires)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[tokenRow])
	return row.token(), translate(err, "create token")
}

// tokenUseRow is a token's record with its user, as Use reads them.
type tokenUseRow struct {
	userRow
	TokenID         int64      `db:"token_id"`
	TokenLabel      string     `db:"token_label"`
	TokenCreatedAt  time.Time  `db:"token_created_at"`
	TokenLastUsedAt *time.Time `db:"token_last_used_at"`
	TokenExpiresAt  time.Time  `db:"token_expires_at"`
	TokenIdleEnds   time.Time  `db:"token_idle_expires_at"`
}

// Use returns an unrevoked token of an active user, with the user, in one statement, and notes
// its use at now when the last note is older than touchBefore, moving its idle expiry to
// idleExpires; a token already past either expiry is returned unchanged, for the caller to
// refuse, and is never moved back to life.
func (r tokens) Use(ctx context.Context, hash []byte, now, touchBefore, idleExpires time.Time) (auth.User, auth.Token, error) {
	rows, _ := r.q.Query(ctx, `
		WITH u AS (
			SELECT t.id AS token_id, t.label AS token_label, t.created_at AS token_created_at,
				t.last_used_at AS token_last_used_at, t.expires_at AS token_expires_at,
				t.idle_expires_at AS token_idle_expires_at, `+userColumns+`
			FROM api_tokens AS t JOIN users AS u ON u.id = t.user_id
			WHERE t.hash = $1 AND t.revoked_at IS NULL AND u.active),
		used AS (
			UPDATE api_tokens SET last_used_at = $2, idle_expires_at = $4
			WHERE id = (SELECT token_id FROM u
				WHERE $2 < token_expires_at AND $2 < token_idle_expires_at
					AND (token_last_used_at IS NULL OR token_last_used_at < $3)))
		SELECT token_id, token_label, token_created_at, token_last_used_at, token_expires_at, token_idle_expires_at,
			id, email, name, role, password_hash, active, created_at, updated_at, session_epoch, totp_enabled FROM u`,
		hash, now, touchBefore, idleExpires)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[tokenUseRow])
	if err != nil {
		return auth.User{}, auth.Token{}, translate(err, "find token")
	}
	t := tokenRow{ID: row.TokenID, UserID: row.ID, UserEmail: row.Email, Label: row.TokenLabel, CreatedAt: row.TokenCreatedAt,
		LastUsedAt: row.TokenLastUsedAt, ExpiresAt: row.TokenExpiresAt, IdleEnds: row.TokenIdleEnds}
	return row.user(), t.token(), nil
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
