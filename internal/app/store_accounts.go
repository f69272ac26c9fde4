package app

import (
	"context"
	"time"

	"shareline/internal/auth"
)

// The storage the account use cases need beside store.go's: sign-in failures and sessions.

// SignIns counts failed sign-ins per (account key, client address), the account named by
// auth.SignInKey, never by what was typed.
type SignIns interface {
	// Lock holds the sign-in lock of an address until the transaction ends.
	Lock(ctx context.Context, remoteAddr string) error
	Count(ctx context.Context, key []byte, remoteAddr string, window time.Duration) (SignInCount, error)
	// Record notes a failure and returns its id.
	Record(ctx context.Context, key []byte, remoteAddr string, window time.Duration) (int64, error)
	// Forget removes one failure (an attempt recorded in advance that was not made).
	Forget(ctx context.Context, id int64) error
	// Clear forgets an account's failures from one address, or from all when remoteAddr is "".
	Clear(ctx context.Context, key []byte, remoteAddr string) (int, error)
	// Failures counts failures within window for the account (by email) and for the address.
	Failures(ctx context.Context, email, remoteAddr string, window time.Duration) (byAccount, byAddr int, oldest time.Time, err error)
}

// SignInCount is what the sign-in limits are decided on: failures within the window for the
// (account, address) pair and for the address, the latest of each, and the clock that stamped
// them.
type SignInCount struct {
	Pair, Address         int
	PairLast, AddressLast time.Time
	Now                   time.Time
}

// Sessions stores browser sessions by a hash of their token (Key), each with its user.
type Sessions interface {
	// Find returns a live session with its user (zero when the session signs nobody in), in one
	// query; a session of a deactivated user, or of an epoch since ended, is assess.ErrNotFound.
	Find(ctx context.Context, key string) (StoredSession, error)
	Commit(ctx context.Context, key string, data []byte, expiry time.Time, m SessionMeta) error
	Delete(ctx context.Context, key string) error
	// OfUser lists a user's live sessions; the one keyed current is marked.
	OfUser(ctx context.Context, userID int64, current string) ([]auth.Session, error)
	// End ends one session of a user.
	End(ctx context.Context, userID, id int64) error
	// EndAll ends every session of a user but the one keyed keep ("": all, and the user's
	// session epoch moves on), and says how many there were.
	EndAll(ctx context.Context, userID int64, keep string) (int, error)
}

// StoredSession is a session's data and its user (zero when it signs nobody in).
type StoredSession struct {
	Data []byte
	User auth.User
	// UnseenNotices counts the user's security notices not shown yet (auth.Notice).
	UnseenNotices int
}

// SessionMeta is what is kept beside a session's data, to show and end it.
type SessionMeta struct {
	UserID     int64
	Epoch      int64
	SignedInAt time.Time
	LastSeenAt time.Time
	RemoteAddr string
	UserAgent  string
}

// MFA stores second factors (TOTP secrets and recovery codes) and the settings that require them.
type MFA interface {
	// TOTP returns a user's TOTP state, locking the user's row until the transaction ends.
	TOTP(ctx context.Context, userID int64) (TOTPState, error)
	EnableTOTP(ctx context.Context, userID int64, secret string, step int64, at time.Time) error
	// DisableTOTP turns TOTP off and spends every recovery code.
	DisableTOTP(ctx context.Context, userID int64) error
	// AcceptStep records the time step of a code just accepted.
	AcceptStep(ctx context.Context, userID, step int64) error
	ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error
	// UseRecoveryCode spends a recovery code and says how many are left; none is ErrNotFound.
	UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (int, error)
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// TOTPState is a user's TOTP secret ("" when none), the last step accepted, and whether it is on.
type TOTPState struct {
	Secret   string
	LastStep int64
	Enabled  bool
}

// Notices stores the security notices told to users (auth.Notice) and the outbox of their
// emails. Times of the outbox are the database's, the one clock every server process shares.
type Notices interface {
	Add(ctx context.Context, n auth.Notice) error
	// TakeUnseen marks a user's notices not yet shown as seen and returns them, newest first.
	TakeUnseen(ctx context.Context, userID int64, limit int) ([]auth.Notice, error)
	// ClaimMail gives up the mails of notices older than maxAge, then takes up to limit notices
	// whose mail is due, holds them for lease (another process skips them meanwhile), counts the
	// attempt, and returns them grouped by user.
	ClaimMail(ctx context.Context, lease, maxAge time.Duration, limit int) ([]MailBatch, error)
	// Mailed marks notices as mailed.
	Mailed(ctx context.Context, ids []int64) error
	// MailFailed notes a failed try: the next one after retryIn, or none when giveUp.
	MailFailed(ctx context.Context, ids []int64, retryIn time.Duration, reason string, giveUp bool) error
}

// MailBatch is the notices of one user whose email is due, with where it goes.
type MailBatch struct {
	UserID   int64
	Email    string
	Name     string
	Attempts int // tries so far, this one included (the most of its notices)
	Notices  []auth.Notice
}
