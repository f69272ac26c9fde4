package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/app"
	"shareline/internal/auth"
)

// notices is the security_notices table: what each user is told of changes to their
// credentials and sessions, and the outbox of the emails telling them.
type notices struct{ q querier }

// Notices is the notices repository bound to the transaction.
func (t tx) Notices() app.Notices { return notices(t) }

// maxNoticeSummary bounds a notice's summary, as the table does.
const maxNoticeSummary = 600

// Add stores a notice, unseen and with its mail due now.
func (r notices) Add(ctx context.Context, n auth.Notice) error {
	_, err := r.q.Exec(ctx, `
		INSERT INTO security_notices (user_id, action, actor, remote_addr, summary) VALUES ($1, $2, $3, $4, $5)`,
		n.UserID, n.Action, n.Actor, n.RemoteAddr, clip(n.Summary, maxNoticeSummary))
	return translate(err, "add security notice "+n.Action)
}

type noticeRow struct {
	ID         int64     `db:"id"`
	UserID     int64     `db:"user_id"`
	At         time.Time `db:"at"`
	Action     string    `db:"action"`
	Actor      string    `db:"actor"`
	RemoteAddr string    `db:"remote_addr"`
	Summary    string    `db:"summary"`
	Seen       bool      `db:"seen"`
}

func (n noticeRow) notice() auth.Notice {
	return auth.Notice{ID: n.ID, UserID: n.UserID, At: n.At, Action: n.Action, Actor: n.Actor, RemoteAddr: n.RemoteAddr, Summary: n.Summary, Seen: n.Seen}
}

func (r notices) collect(rows pgx.Rows, err error, doing string) ([]auth.Notice, error) {
	if err != nil {
		return nil, translate(err, doing)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[noticeRow])
	if err != nil {
		return nil, translate(err, doing)
	}
	out := make([]auth.Notice, len(got))
	for i, n := range got {
		out[i] = n.notice()
	}
	return out, nil
}

// TakeUnseen marks up to limit unseen notices of a user as seen and returns them, newest first;
// older unseen ones beyond limit are marked seen too (the account page lists every change).
func (r notices) TakeUnseen(ctx context.Context, userID int64, limit int) ([]auth.Notice, error) {
	rows, err := r.q.Query(ctx, `
		WITH taken AS (
			UPDATE security_notices SET seen_at = now() WHERE user_id = $1 AND seen_at IS NULL
			RETURNING id, user_id, at, action, actor, remote_addr, summary, false AS seen)
		SELECT * FROM taken ORDER BY at DESC, id DESC LIMIT $2`, userID, limit)
	return r.collect(rows, err, "take unseen security notices")
}

type mailRow struct {
	noticeRow
	Email    string `db:"email"`
	Name     string `db:"name"`
	Attempts int    `db:"mail_attempts"`
}

// ClaimMail gives up mails older than maxAge, then leases up to limit due ones, oldest first,
// skipping those another process holds, and returns them grouped by user.
func (r notices) ClaimMail(ctx context.Context, lease, maxAge time.Duration, limit int) ([]app.MailBatch, error) {
	if _, err := r.q.Exec(ctx, `
		UPDATE security_notices SET mail_given_up = true, mail_error = 'older than the mail age limit when due'
		WHERE mailed_at IS NULL AND NOT mail_given_up AND mail_next_at <= now() AND at < now() - make_interval(secs => $1)`,
		maxAge.Seconds()); err != nil {
		return nil, translate(err, "give up old security notice mail")
	}
	rows, err := r.q.Query(ctx, `
		WITH due AS (
			SELECT id FROM security_notices
			WHERE mailed_at IS NULL AND NOT mail_given_up AND mail_next_at <= now()
			ORDER BY mail_next_at, id LIMIT $2
			FOR UPDATE SKIP LOCKED)
		UPDATE security_notices AS n SET mail_next_at = now() + make_interval(secs => $1), mail_attempts = n.mail_attempts + 1
		FROM due, users AS u
		WHERE n.id = due.id AND u.id = n.user_id
		RETURNING n.id, n.user_id, n.at, n.action, n.actor, n.remote_addr, n.summary, n.seen_at IS NOT NULL AS seen,
			u.email, u.name, n.mail_attempts`, lease.Seconds(), limit)
	if err != nil {
		return nil, translate(err, "claim security notice mail")
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[mailRow])
	if err != nil {
		return nil, translate(err, "claim security notice mail")
	}
	var out []app.MailBatch
	index := map[int64]int{}
	for _, m := range got {
		i, ok := index[m.UserID]
		if !ok {
			i = len(out)
			index[m.UserID] = i
			out = append(out, app.MailBatch{UserID: m.UserID, Email: m.Email, Name: m.Name})
		}
		b := &out[i]
		b.Attempts = max(b.Attempts, m.Attempts)
		b.Notices = append(b.Notices, m.notice())
	}
	for _, b := range out {
		slices.SortFunc(b.Notices, func(x, y auth.Notice) int {
			return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.ID, y.ID))
		})
	}
	return out, nil
}

// Mailed marks notices as mailed.
func (r notices) Mailed(ctx context.Context, ids []int64) error {
	_, err := r.q.Exec(ctx, `UPDATE security_notices SET mailed_at = now(), mail_error = '' WHERE id = ANY ($1)`, ids)
	return translate(err, "mark security notices mailed")
}

// MailFailed notes a failed try: due again after retryIn, or given up.
func (r notices) MailFailed(ctx context.Context, ids []int64, retryIn time.Duration, reason string, giveUp bool) error {
	_, err := r.q.Exec(ctx, `
		UPDATE security_notices SET mail_next_at = now() + make_interval(secs => $2), mail_error = $3, mail_given_up = $4
		WHERE id = ANY ($1)`, ids, retryIn.Seconds(), clip(reason, 500), giveUp)
	return translate(err, "note a failed security notice mail")
}
