package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/app"
	"shareline/internal/auth"
)

// resets is the password_resets table (reset links, by the SHA-256 of their token) and
// password_reset_requests (every ask, by a fixed-length key of the account and the client
// address, never what was typed).
type resets struct{ q querier }

// Resets is the reset links repository bound to the transaction.
func (t tx) Resets() app.Resets { return resets(t) }

// Lock holds the reset lock of a client address until the transaction ends.
func (r resets) Lock(ctx context.Context, remoteAddr string) error {
	_, err := r.q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('shareline reset ' || $1, 0))`, remoteAddr)
	return translate(err, "lock password reset asks")
}

// CountAsks counts the asks since since for the account and from the address.
func (r resets) CountAsks(ctx context.Context, key []byte, remoteAddr string, since time.Time) (app.ResetAsks, error) {
	var c app.ResetAsks
	var oldest *time.Time
	err := r.q.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE account_key = $1),
		       count(*) FILTER (WHERE remote_addr = $2), min(at) FILTER (WHERE remote_addr = $2)
		FROM password_reset_requests WHERE (account_key = $1 OR remote_addr = $2) AND at > $3`,
		key, remoteAddr, since).Scan(&c.Account, &c.Address, &oldest)
	c.AddressOldest = orZero(oldest)
	return c, translate(err, "count password reset asks")
}

// RecordAsk notes an ask, and forgets the asks too old to count.
func (r resets) RecordAsk(ctx context.Context, key []byte, remoteAddr string, at, forgetBefore time.Time) error {
	_, err := r.q.Exec(ctx, `
		WITH old AS (DELETE FROM password_reset_requests WHERE at < $4)
		INSERT INTO password_reset_requests (account_key, remote_addr, at) VALUES ($1, $2, $3)`,
		key, clip(remoteAddr, 64), at, forgetBefore)
	return translate(err, "record password reset ask")
}

// Create ends the user's live link (replaced) and stores a new one, in one statement.
func (r resets) Create(ctx context.Context, userID int64, hash []byte, at, expires time.Time) error {
	_, err := r.q.Exec(ctx, `
		UPDATE password_resets SET ended = 'replaced', ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL`,
		userID, at)
	if err != nil {
		return translate(err, "replace password reset link")
	}
	_, err = r.q.Exec(ctx, `
		INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		userID, hash, at, expires)
	return translate(err, "store password reset link")
}

type resetRow struct {
	ID        int64     `db:"id"`
	UserID    int64     `db:"user_id"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
	Ended     *string   `db:"ended"`
}

// Find returns the link with this hash; lock holds it until the transaction ends.
func (r resets) Find(ctx context.Context, hash []byte, lock bool) (auth.ResetLink, error) {
	sql := `SELECT id, user_id, created_at, expires_at, ended FROM password_resets WHERE token_hash = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, _ := r.q.Query(ctx, sql, hash)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[resetRow])
	if err != nil {
		return auth.ResetLink{}, translate(err, "find password reset link")
	}
	return auth.ResetLink{ID: row.ID, UserID: row.UserID, CreatedAt: row.CreatedAt, ExpiresAt: row.ExpiresAt, Ended: orZero(row.Ended)}, nil
}

// End ends a live link.
func (r resets) End(ctx context.Context, id int64, how string, at time.Time) error {
	tag, err := r.q.Exec(ctx, `UPDATE password_resets SET ended = $2, ended_at = $3 WHERE id = $1 AND ended_at IS NULL`, id, how, at)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, "end password reset link")
}
