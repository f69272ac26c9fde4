package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"shareline/internal/assess"
)

// TOTP parameters: RFC 6238's defaults, which every authenticator app understands.
const (
	totpPeriod = 30
	totpSkew   = 1 // one step either side, for clocks a little apart
	totpIssuer = "Shareline"
	// RecoveryCodeCount is how many recovery codes a user gets at a time.
	RecoveryCodeCount = 10
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// TOTPKey is a new TOTP secret for an account, with the otpauth:// URL an authenticator reads.
type TOTPKey struct {
	Secret string
	URL    string
}

// NewTOTPKey makes a new 160-bit TOTP secret for account (the user's email).
func NewTOTPKey(account string) (TOTPKey, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: account, Period: totpPeriod, SecretSize: 20})
	if err != nil {
		return TOTPKey{}, err
	}
	return TOTPKey{Secret: k.Secret(), URL: k.URL()}, nil
}

// TOTPKeyOf is the key of a secret already made for account, with its otpauth:// URL.
func TOTPKeyOf(account, secret string) TOTPKey {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + totpIssuer + ":" + account,
		RawQuery: url.Values{"secret": {secret}, "issuer": {totpIssuer}, "period": {"30"}, "digits": {"6"}, "algorithm": {"SHA1"}}.Encode()}
	return TOTPKey{Secret: secret, URL: u.String()}
}

// CheckTOTP says whether code is the code of secret for a time step after lastStep, within one
// step of at, and which step it matched: a code is accepted at most once.
func CheckTOTP(secret, code string, at time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	now := at.Unix() / totpPeriod
	for s := now - totpSkew; s <= now+totpSkew; s++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && s > lastStep && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode is the code of secret at a time: what an authenticator shows (tests use it).
func TOTPCode(secret string, at time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, at, totpOpts)
}

// CheckTOTPSecret checks a secret a browser sends back while setting TOTP up.
func CheckTOTPSecret(secret string) error {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil || len(b) < 16 {
		return assess.Invalid("code", "start again: the setup expired")
	}
	return nil
}

// NewRecoveryCodes makes a set of recovery codes, shown once, and the hashes to store.
func NewRecoveryCodes() (codes []string, hashes [][]byte, err error) {
	enc := base32.NewEncoding("abcdefghijkmnpqrstuvwxyz23456789").WithPadding(base32.NoPadding)
	for range RecoveryCodeCount {
		b := make([]byte, 7) // 56 bits, 10 of the 11 characters used: 50 bits
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		s := enc.EncodeToString(b)[:10]
		code := s[:5] + "-" + s[5:]
		codes = append(codes, code)
		hashes = append(hashes, HashRecoveryCode(code))
	}
	return codes, hashes, nil
}

// HashRecoveryCode is the stored form of a recovery code, as typed in any case and with or
// without its dash.
func HashRecoveryCode(code string) []byte {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	h := sha256.Sum256([]byte(code))
	return h[:]
}

// MFARequirement says who must sign in with a second factor.
type MFARequirement string

// The requirements an admin can choose.
const (
	MFAOptional MFARequirement = "none"
	MFAAdmins   MFARequirement = "admins"
	MFAEveryone MFARequirement = "everyone"
)

// Applies reports whether the requirement covers a user of role.
func (m MFARequirement) Applies(role Role) bool {
	return m == MFAEveryone || (m == MFAAdmins && role == Admin)
}

// CheckMFARequirement reads a requirement.
func CheckMFARequirement(s string) (MFARequirement, error) {
	switch m := MFARequirement(strings.TrimSpace(s)); m {
	case MFAOptional, MFAAdmins, MFAEveryone:
		return m, nil
	}
	return "", assess.Invalid("mfa_required", "want none, admins or everyone")
}

// TOTPQRCode is a PNG QR code of an otpauth:// URL, for an authenticator's camera.
func TOTPQRCode(url string) ([]byte, error) {
	k, err := otp.NewKeyFromURL(url)
	if err != nil {
		return nil, err
	}
	img, err := k.Image(200, 200)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = png.Encode(&buf, img)
	return buf.Bytes(), err
}
