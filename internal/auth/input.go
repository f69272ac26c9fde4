package auth

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"shareline/internal/assess"
	"shareline/internal/auth/breached"
)

// Field limits.
const (
	MaxEmailLength = 254
	MaxNameLength  = 200
	MaxLabelLength = 100
)

// CheckEmail normalises an email address (trimmed, lower case) and checks its form.
func CheckEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		return "", assess.Invalid("email", "is required")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > MaxEmailLength {
		return "", assess.Invalid("email", "want an email address such as name@example.com")
	}
	return email, nil
}

// CheckName checks a display name or a token label.
func CheckName(field, name string, max int) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", assess.Invalid(field, "is required")
	case !utf8.ValidString(name) || strings.ContainsAny(name, "\x00\r\n\t"):
		return "", assess.Invalid(field, "must be one line of text")
	case utf8.RuneCountInString(name) > max:
		return "", assess.Invalid(field, "is longer than %d characters", max)
	}
	return name, nil
}

// minDistinct is the fewest different characters a password may be made of, so that
// "aaaaaaaaaaaa" and "abababababab" are refused.
const minDistinct = 5

// CheckPasswordPolicy enforces the rules on a new password: its length (length beats
// composition rules, so there are none of those), not only spaces, not a few characters
// repeated, and not one of the common or breached passwords of the bundled list.
func CheckPasswordPolicy(password string) error {
	return CheckPasswordPolicyField("password", password)
}

// CheckPasswordPolicyField is CheckPasswordPolicy with the error on field.
func CheckPasswordPolicyField(field, password string) error {
	n := utf8.RuneCountInString(password)
	distinct := map[rune]bool{}
	for _, c := range password {
		distinct[c] = true
	}
	switch {
	case !utf8.ValidString(password):
		return assess.Invalid(field, "is not valid text")
	case strings.TrimSpace(password) == "" && password != "":
		return assess.Invalid(field, "must not be only spaces")
	case n < MinPasswordLength:
		return assess.Invalid(field, "must be at least %d characters", MinPasswordLength)
	case len(password) > MaxPasswordLength:
		return assess.Invalid(field, "must be at most %d bytes", MaxPasswordLength)
	case len(distinct) < minDistinct:
		return assess.Invalid(field, "repeats too few characters: use at least %d different ones", minDistinct)
	case breached.Contains(password):
		return assess.Invalid(field, "is on a list of common and breached passwords: choose another")
	}
	return nil
}

// CheckRole reads a role.
func CheckRole(role string) (Role, error) {
	r := Role(strings.TrimSpace(role))
	if !r.Valid() {
		return "", assess.Invalid("role", "want viewer, evaluator or admin")
	}
	return r, nil
}

// NewUser checks a new account's fields and hashes its password.
func NewUser(email, name, role, password string) (User, string, error) {
	var u User
	var errs []error
	var err error
	if u.Email, err = CheckEmail(email); err != nil {
		errs = append(errs, err)
	}
	if u.Name, err = CheckName("name", name, MaxNameLength); err != nil {
		errs = append(errs, err)
	}
	if u.Role, err = CheckRole(role); err != nil {
		errs = append(errs, err)
	}
	if err := CheckPasswordPolicy(password); err != nil {
		errs = append(errs, err)
	}
	if err := assess.JoinInvalid(errs...); err != nil {
		return User{}, "", err
	}
	hash, err := HashPassword(password)
	u.Active = true
	return u, hash, err
}
