package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shareline/internal/assess"
)

// tokenPrefix marks Shareline API tokens, so that a leaked one is easy to recognise and scan for.
const tokenPrefix = "shl_"

// NewToken returns a new API token and the hash to store. The token is shown once.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of a token. Tokens are 256 random bits, so a plain SHA-256 is
// enough: there is nothing to guess.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return h[:]
}

// API tokens are credentials of a session's kind, not static secrets (ASVS 3.5.2): each one
// ends at an expiry chosen when it is made (DefaultTokenDays, at most MaxTokenDays), and stops
// working earlier once unused for TokenIdle. Its use is noted at most once every TokenTouch,
// which moves its idle expiry on, so that API traffic does not turn every read into a write.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
	TokenIdle        = 30 * 24 * time.Hour
	TokenTouch       = time.Hour
)

// CheckTokenDays reads how many days a new token lasts ("": DefaultTokenDays).
func CheckTokenDays(days string) (time.Duration, error) {
	days = strings.TrimSpace(days)
	if days == "" {
		return DefaultTokenDays * 24 * time.Hour, nil
	}
	n, err := strconv.Atoi(days)
	if err != nil || n < 1 || n > MaxTokenDays {
		return 0, assess.Invalid("expires_in_days", "want a whole number of days from 1 to %d", MaxTokenDays)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

// TokenExpired refuses a token past its expiry, or unused for too long (Idle).
type TokenExpired struct {
	At   time.Time
	Idle bool
}

func (e *TokenExpired) Error() string {
	if e.Idle {
		return fmt.Sprintf("this API token expired on %s because it was not used for %d days: make a new one", e.At.UTC().Format("2006-01-02 15:04 UTC"), int(TokenIdle.Hours()/24))
	}
	return fmt.Sprintf("this API token expired on %s: make a new one", e.At.UTC().Format("2006-01-02 15:04 UTC"))
}

// Unwrap makes an expired token an unauthenticated request too.
func (e *TokenExpired) Unwrap() error { return ErrUnauthenticated }

// Expiry returns why t no longer works at now (nil: it does), revocation aside.
func (t Token) Expiry(now time.Time) *TokenExpired {
	switch {
	case !now.Before(t.ExpiresAt):
		return &TokenExpired{At: t.ExpiresAt}
	case !now.Before(t.IdleExpiresAt):
		return &TokenExpired{At: t.IdleExpiresAt, Idle: true}
	}
	return nil
}

// Ends is when t stops working if it is not used before: the earlier of its expiry and its
// idle expiry.
func (t Token) Ends() time.Time {
	if t.IdleExpiresAt.Before(t.ExpiresAt) {
		return t.IdleExpiresAt
	}
	return t.ExpiresAt
}
