package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/app"
	"shareline/internal/auth"
)

// sessions is the sessions table: browser sessions keyed by a hash of their token (the server
// hashes it; see internal/sessionstore), each with the user it signs in, if any.
type sessions struct{ q querier }

// Sessions is the sessions repository bound to the transaction (declared here rather than with
// the others in store.go, beside the table it serves).
func (t tx) Sessions() app.Sessions { return sessions(t) }

type sessionUserRow struct {
	Data []byte `db:"data"`
	userRow
	UserID *int64 `db:"session_user_id"`
	Unseen int    `db:"unseen_notices"`
}

// Find returns a live session's data and, in the same query, its user: a session whose user
// is deactivated, or whose sessions were all ended since (another epoch), is not found.
func (r sessions) Find(ctx context.Context, key string) (app.StoredSession, error) {
	rows, _ := r.q.Query(ctx, `
		SELECT s.data, s.user_id AS session_user_id,
		       coalesce(u.id, 0) AS id, coalesce(u.email, '') AS email, coalesce(u.name, '') AS name,
		       coalesce(u.role, '') AS role, '' AS password_hash, coalesce(u.active, false) AS active,
		       coalesce(u.created_at, s.created_at) AS created_at, coalesce(u.updated_at, s.created_at) AS updated_at,
		       coalesce(u.session_epoch, 0) AS session_epoch, coalesce(u.totp_enabled_at IS NOT NULL, false) AS totp_enabled,
		       (SELECT count(*)::int FROM security_notices AS n WHERE n.user_id = s.user_id AND n.seen_at IS NULL) AS unseen_notices
		FROM sessions AS s LEFT JOIN users AS u ON u.id = s.user_id
		WHERE s.token = $1 AND now() < s.expiry AND NOT s.ended
			AND (s.user_id IS NULL OR (u.active AND u.session_epoch = s.user_epoch))`, key)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[sessionUserRow])
	if err != nil {
		return app.StoredSession{}, translate(err, "find session")
	}
	out := app.StoredSession{Data: row.Data}
	if row.UserID != nil {
		out.User, out.UnseenNotices = row.user(), row.Unseen
	}
	return out, nil
}

// Commit writes a session. A session that was ended stays ended: a request that read it
// before cannot write it back.
func (r sessions) Commit(ctx context.Context, key string, data []byte, expiry time.Time, m app.SessionMeta) error {
	_, err := r.q.Exec(ctx, `
		INSERT INTO sessions AS s (token, data, expiry, user_id, user_epoch, signed_in_at, last_seen_at, remote_addr, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry,
			user_id = excluded.user_id, user_epoch = excluded.user_epoch, signed_in_at = excluded.signed_in_at,
			last_seen_at = excluded.last_seen_at, remote_addr = excluded.remote_addr, user_agent = excluded.user_agent
		WHERE NOT s.ended`,
		key, data, expiry, nullID(m.UserID), m.Epoch, nullTime(m.SignedInAt), nullTime(m.LastSeenAt), m.RemoteAddr, m.UserAgent)
	return translate(err, "commit session")
}

// Delete removes a session; an unknown one is no error.
func (r sessions) Delete(ctx context.Context, key string) error {
	_, err := r.q.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, key)
	return translate(err, "delete session")
}

type sessionRow struct {
	ID         int64      `db:"id"`
	SignedInAt *time.Time `db:"signed_in_at"`
	LastSeenAt *time.Time `db:"last_seen_at"`
	CreatedAt  time.Time  `db:"created_at"`
	RemoteAddr string     `db:"remote_addr"`
	UserAgent  string     `db:"user_agent"`
	Current    bool       `db:"current"`
	Expiry     time.Time  `db:"expiry"`
}

// OfUser lists a user's live sessions, the most recently used first; current is the key of
// the session asking, which is marked.
func (r sessions) OfUser(ctx context.Context, userID int64, current string) ([]auth.Session, error) {
	rows, _ := r.q.Query(ctx, `
		SELECT s.id, s.signed_in_at, s.last_seen_at, s.created_at, s.remote_addr, s.user_agent, s.token = $2 AS current, s.expiry
		FROM sessions AS s JOIN users AS u ON u.id = s.user_id
		WHERE s.user_id = $1 AND now() < s.expiry AND NOT s.ended AND s.user_epoch = u.session_epoch
		ORDER BY coalesce(s.last_seen_at, s.created_at) DESC, s.id DESC`, userID, current)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[sessionRow])
	if err != nil {
		return nil, translate(err, "list sessions")
	}
	out := make([]auth.Session, 0, len(list))
	for _, row := range list {
		signedIn := orZero(row.SignedInAt)
		if signedIn.IsZero() {
			signedIn = row.CreatedAt
		}
		seen := orZero(row.LastSeenAt)
		if seen.IsZero() {
			seen = signedIn
		}
		out = append(out, auth.Session{ID: row.ID, SignedInAt: signedIn, LastSeenAt: seen, RemoteAddr: row.RemoteAddr,
			UserAgent: row.UserAgent, Current: row.Current, ExpiresAt: row.Expiry})
	}
	return out, nil
}

// End ends one session of a user; no such live session is assess.ErrNotFound.
func (r sessions) End(ctx context.Context, userID, id int64) error {
	tag, err := r.q.Exec(ctx, `UPDATE sessions SET ended = true WHERE id = $1 AND user_id = $2 AND NOT ended`, id, userID)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, "end session")
}

// EndAll ends every session of a user (but the one keyed keep, when given): the user's epoch
// moves on, so that no session of the old one is good again, and then the old ones are deleted.
func (r sessions) EndAll(ctx context.Context, userID int64, keep string) (int, error) {
	if keep != "" {
		tag, err := r.q.Exec(ctx, `UPDATE sessions SET ended = true WHERE user_id = $1 AND token <> $2 AND NOT ended`, userID, keep)
		return int(tag.RowsAffected()), translate(err, "end other sessions")
	}
	var n int
	err := r.q.QueryRow(ctx, `
		WITH epoch AS (UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1),
		gone AS (DELETE FROM sessions WHERE user_id = $1 RETURNING ended)
		SELECT count(*) FILTER (WHERE NOT ended) FROM gone`, userID).Scan(&n)
	return n, translate(err, "end every session")
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
