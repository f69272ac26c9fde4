package postgres

import (
	"context"
	"time"
)

// signIns is the signin_failures table.
type signIns struct{ q querier }

// RecordFailure notes a failed sign-in for the account and the client address, and drops
// failures old enough to no longer count.
func (r signIns) RecordFailure(ctx context.Context, account, remoteAddr string, window time.Duration) error {
	_, err := r.q.Exec(ctx, `
		WITH old AS (DELETE FROM signin_failures WHERE at < now() - $3::interval)
		INSERT INTO signin_failures (account, remote_addr) VALUES (lower($1), $2)`,
		account, remoteAddr, window)
	return translate(err, "record failed sign-in")
}

// Failures counts the failures within window for the account and for the address, and says
// when the oldest of them happened.
func (r signIns) Failures(ctx context.Context, account, remoteAddr string, window time.Duration) (byAccount, byAddr int, oldest time.Time, err error) {
	var oldestPtr *time.Time
	err = r.q.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE account = lower($1)),
		       count(*) FILTER (WHERE remote_addr = $2),
		       min(at)
		FROM signin_failures
		WHERE (account = lower($1) OR remote_addr = $2) AND at >= now() - $3::interval`,
		account, remoteAddr, window).Scan(&byAccount, &byAddr, &oldestPtr)
	return byAccount, byAddr, orZero(oldestPtr), translate(err, "count failed sign-ins")
}

// Clear forgets an account's failures after it signs in.
func (r signIns) Clear(ctx context.Context, account string) error {
	_, err := r.q.Exec(ctx, `DELETE FROM signin_failures WHERE account = lower($1)`, account)
	return translate(err, "clear failed sign-ins")
}
