package postgres

import (
	"context"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
)

// signIns is the signin_failures table: failed sign-ins by a fixed-length key of the account
// (auth.SignInKey) and the client address, never the text typed in the email field.
type signIns struct{ q querier }

// Lock holds the sign-in lock of a client address until the transaction ends, so that
// concurrent attempts from one address are counted and recorded one after another.
func (r signIns) Lock(ctx context.Context, remoteAddr string) error {
	_, err := r.q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('shareline signin ' || $1, 0))`, remoteAddr)
	return translate(err, "lock sign-ins")
}

// Count says how many failures within window there are for the account from the address, and
// from the address for any account, with the latest of each and the database's clock (the one
// that stamped them).
func (r signIns) Count(ctx context.Context, key []byte, remoteAddr string, window time.Duration) (app.SignInCount, error) {
	var c app.SignInCount
	var pairLast, addrLast *time.Time
	err := r.q.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE account_key = $1), max(at) FILTER (WHERE account_key = $1),
		       count(*), max(at), now()
		FROM signin_failures WHERE remote_addr = $2 AND at >= now() - $3::interval`,
		key, remoteAddr, window).Scan(&c.Pair, &pairLast, &c.Address, &addrLast, &c.Now)
	c.PairLast, c.AddressLast = orZero(pairLast), orZero(addrLast)
	return c, translate(err, "count failed sign-ins")
}

// Record notes a failure for the account from the address, drops failures too old to count,
// and returns the new failure's id.
func (r signIns) Record(ctx context.Context, key []byte, remoteAddr string, window time.Duration) (int64, error) {
	var id int64
	err := r.q.QueryRow(ctx, `
		WITH old AS (DELETE FROM signin_failures WHERE at < now() - $3::interval)
		INSERT INTO signin_failures (account_key, remote_addr) VALUES ($1, $2) RETURNING id`,
		key, remoteAddr, window).Scan(&id)
	return id, translate(err, "record failed sign-in")
}

// Forget removes one failure recorded in advance of an attempt that was not made after all.
func (r signIns) Forget(ctx context.Context, id int64) error {
	_, err := r.q.Exec(ctx, `DELETE FROM signin_failures WHERE id = $1`, id)
	return translate(err, "forget a failed sign-in")
}

// Clear forgets an account's failures: from one address (a successful sign-in from there), or
// from every address when remoteAddr is empty (an admin clearing the account's slowdown). It
// says how many there were.
func (r signIns) Clear(ctx context.Context, key []byte, remoteAddr string) (int, error) {
	tag, err := r.q.Exec(ctx, `DELETE FROM signin_failures WHERE account_key = $1 AND ($2 = '' OR remote_addr = $2)`, key, remoteAddr)
	return int(tag.RowsAffected()), translate(err, "clear failed sign-ins")
}

// Failures counts the failures within window for the account (by email) from any address and
// from the address for any account, and says when the oldest of them happened.
func (r signIns) Failures(ctx context.Context, email, remoteAddr string, window time.Duration) (byAccount, byAddr int, oldest time.Time, err error) {
	var oldestPtr *time.Time
	err = r.q.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE account_key = $1), count(*) FILTER (WHERE remote_addr = $2), min(at)
		FROM signin_failures
		WHERE (account_key = $1 OR remote_addr = $2) AND at >= now() - $3::interval`,
		auth.SignInKey(email), remoteAddr, window).Scan(&byAccount, &byAddr, &oldestPtr)
	return byAccount, byAddr, orZero(oldestPtr), translate(err, "count failed sign-ins")
}
