package auth

import (
	"errors"
	"strings"
	"testing"

	"shareline/internal/assess"
)

func TestRoleAllows(t *testing.T) {
	tests := []struct {
		have, need Role
		want       bool
	}{
		{Viewer, Viewer, true}, {Viewer, Evaluator, false}, {Viewer, Admin, false},
		{Evaluator, Viewer, true}, {Evaluator, Evaluator, true}, {Evaluator, Admin, false},
		{Admin, Viewer, true}, {Admin, Evaluator, true}, {Admin, Admin, true},
		{"", Viewer, false}, {"root", Viewer, false},
	}
	for _, tt := range tests {
		if got := tt.have.Allows(tt.need); got != tt.want {
			t.Errorf("%q.Allows(%q): got %v, want %v", tt.have, tt.need, got, tt.want)
		}
	}
}

func TestPasswordHashing(t *testing.T) {
	hash, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: want the argon2id PHC format with the configured parameters", hash)
	}
	if !CheckPassword(hash, "correct horse battery staple") {
		t.Error("the right password was refused")
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple"} {
		if CheckPassword(hash, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	again, _ := HashPassword("correct horse battery staple")
	if again == hash {
		t.Error("two hashes of one password are equal: want a fresh salt each time")
	}
	for _, broken := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", strings.Replace(hash, "v=19", "v=18", 1)} {
		if CheckPassword(broken, "correct horse battery staple") {
			t.Errorf("malformed hash %q accepted", broken)
		}
	}
}

func TestTokens(t *testing.T) {
	tok, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "shl_") || len(tok) < 40 {
		t.Errorf("token %q: want shl_ and 43 random characters", tok)
	}
	if string(HashToken(tok)) != string(hash) {
		t.Error("HashToken of the new token differs from the hash NewToken returned")
	}
	other, _, _ := NewToken()
	if other == tok {
		t.Error("two new tokens are equal")
	}
}

func TestNewUser(t *testing.T) {
	u, hash, err := NewUser("  Ada@Example.COM ", " Ada Lovelace ", "evaluator", "twelve chars")
	if err != nil {
		t.Fatalf("valid user refused: %v", err)
	}
	if u.Email != "ada@example.com" || u.Name != "Ada Lovelace" || u.Role != Evaluator || !u.Active {
		t.Errorf("got %+v, want the email lower-cased and trimmed, the name trimmed, role evaluator, active", u)
	}
	if !CheckPassword(hash, "twelve chars") {
		t.Error("the returned hash does not match the password")
	}

	_, _, err = NewUser("not-an-email", "", "root", "short")
	var ve *assess.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error", err)
	}
	for _, field := range []string{"email", "name", "role", "password"} {
		if _, ok := ve.Fields[field]; !ok {
			t.Errorf("fields %v: want a problem with %q", ve.Fields, field)
		}
	}
	if _, _, err := NewUser("a@b.co", "A", "viewer", strings.Repeat("x", MinPasswordLength-1)); err == nil {
		t.Errorf("a password of %d characters was accepted, want at least %d", MinPasswordLength-1, MinPasswordLength)
	}
}

// ASVS 2.1.3: a password is used whole, never truncated: two passwords that differ only after
// byte 72 (where bcrypt would stop) or byte 100 are different passwords, and a long one is
// accepted by the policy.
func TestPasswordIsNotTruncated(t *testing.T) {
	long := strings.Repeat("abcdefghij", 12) // 120 bytes
	if err := CheckPasswordPolicy(long); err != nil {
		t.Fatalf("a 120-byte password refused: %v", err)
	}
	hash, err := HashPassword(long)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []int{72, 100, 119} {
		other := long[:at] + "Z" + long[at+1:]
		if CheckPassword(hash, other) {
			t.Errorf("a password differing only at byte %d was accepted", at)
		}
	}
	if CheckPassword(hash, long[:100]) {
		t.Error("the first 100 bytes of the password were accepted for the whole")
	}
}

// ASVS 2.1.4: any printable Unicode is accepted in a password, emoji and spaces included, and
// checked as typed.
func TestPasswordTakesAnyUnicode(t *testing.T) {
	for _, pw := range []string{"🔐 my vault 🗝️ of keys 🦄", "пароль-для-входа-2026", "密码很长很长的句子就好了吗", "Ünïcödé pässwörd ñ ø"} {
		if err := CheckPasswordPolicy(pw); err != nil {
			t.Errorf("%q refused: %v", pw, err)
			continue
		}
		u, hash, err := NewUser("u@example.com", "U", "viewer", pw)
		if err != nil || u.Email == "" {
			t.Fatalf("NewUser with %q: %v", pw, err)
		}
		if !CheckPassword(hash, pw) {
			t.Errorf("%q does not check against its own hash", pw)
		}
		if r := []rune(pw); CheckPassword(hash, string(r[:len(r)-1])) {
			t.Errorf("%q without its last character was accepted", pw)
		}
	}
}
