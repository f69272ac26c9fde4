package auth

import (
	"errors"
	"time"
)

// Forgotten passwords (ASVS 2.5.6). A reset link carries 32 random bytes, of which only the
// SHA-256 is stored; it works once, for ResetLinkLife, and a newer link for the same account
// ends it. Asks are limited per account (its SignInKey, never what was typed) and per client
// address, within ResetWindow.
const (
	ResetLinkLife        = 30 * time.Minute
	ResetWindow          = time.Hour
	MaxResetLinksPerHour = 3  // links emailed to one account
	MaxResetAsksPerHour  = 10 // asks from one client address, for any accounts
)

// The audit actions of forgotten passwords. A link asked for is recorded (about the account,
// when there is one) but not told to the user: anyone can ask. A password reset through a link
// is told, like every change to a user's credentials.
const (
	ActionPasswordResetAsked  = "user.password_reset_asked"
	ActionPasswordResetByLink = "user.password_reset_by_link"
)

// How a reset link ended, as the password_resets table records it.
const (
	ResetEndedUsed     = "used"
	ResetEndedReplaced = "replaced"
)

// The reasons a reset link no longer works. Each one is also ErrResetLinkInvalid.
var (
	ErrResetLinkInvalid  = errors.New("this password reset link is not valid")
	ErrResetLinkUnknown  = &ResetLinkError{"this password reset link is not known here: check that the whole link was copied, or ask for a new one"}
	ErrResetLinkUsed     = &ResetLinkError{"this password reset link was used already: each link works once"}
	ErrResetLinkReplaced = &ResetLinkError{"a newer password reset link was sent since this one: use the latest email, or ask again"}
	ErrResetLinkExpired  = &ResetLinkError{"this password reset link has expired: links work for 30 minutes"}
)

// ResetLinkError says why a reset link does not work, in words for the person who followed it.
type ResetLinkError struct{ msg string }

func (e *ResetLinkError) Error() string { return e.msg }

// Unwrap makes every reason an ErrResetLinkInvalid.
func (e *ResetLinkError) Unwrap() error { return ErrResetLinkInvalid }

// ResetLink is a stored reset link (its token is never stored).
type ResetLink struct {
	ID        int64
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	Ended     string // "", ResetEndedUsed or ResetEndedReplaced
}

// Check says why l does not work at now (nil: it does).
func (l ResetLink) Check(now time.Time) error {
	switch {
	case l.Ended == ResetEndedUsed:
		return ErrResetLinkUsed
	case l.Ended != "":
		return ErrResetLinkReplaced
	case !now.Before(l.ExpiresAt):
		return ErrResetLinkExpired
	}
	return nil
}

// resetTokenLength is the length of a reset token: 32 bytes in base64url without padding.
const resetTokenLength = 43

// CheckResetToken refuses what cannot be a reset token, before anything is looked up.
func CheckResetToken(token string) error {
	if len(token) != resetTokenLength {
		return ErrResetLinkUnknown
	}
	for _, c := range token {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ErrResetLinkUnknown
		}
	}
	return nil
}
