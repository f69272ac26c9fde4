package postgres

import (
	"context"
	"time"
)

// RecordSigninFailure notes a failed sign-in for the account and the client address, and drops
// failures old enough to no longer count.
func (s *Store) RecordSigninFailure(ctx context.Context, account, remoteAddr string, window time.Duration) error {
	_, err := s.pool.Exec(ctx, `
		WITH old AS (DELETE FROM signin_failures WHERE at < now() - $3::interval)
		INSERT INTO signin_failures (account, remote_addr) VALUES (lower($1), $2)`,
		account, remoteAddr, window)
	return translate(err, "record failed sign-in")
}

// SigninFailures counts the failures within window for the account and for the address, and
// says when the oldest of each will stop counting.
func (s *Store) SigninFailures(ctx context.Context, account, remoteAddr string, window time.Duration) (byAccount, byAddr int, oldest time.Time, err error) {
	var oldestPtr *time.Time
	err = s.pool.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE account = lower($1)),
		       count(*) FILTER (WHERE remote_addr = $2),
		       min(at)
		FROM signin_failures
		WHERE (account = lower($1) OR remote_addr = $2) AND at >= now() - $3::interval`,
		account, remoteAddr, window).Scan(&byAccount, &byAddr, &oldestPtr)
	if oldestPtr != nil {
		oldest = *oldestPtr
	}
	return byAccount, byAddr, oldest, translate(err, "count failed sign-ins")
}

// ClearSigninFailures forgets an account's failures after it signs in.
func (s *Store) ClearSigninFailures(ctx context.Context, account string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM signin_failures WHERE account = lower($1)`, account)
	return translate(err, "clear failed sign-ins")
}

// DeleteExpiredSessions removes sessions past their expiry; sessions are read through scs,
// which ignores expired ones, so this only keeps the table small.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	return tag.RowsAffected(), translate(err, "delete expired sessions")
}
