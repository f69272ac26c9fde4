package breached

import "testing"

func TestListIsBundledAndLarge(t *testing.T) {
	if n := Size(); n < 100_000 {
		t.Errorf("the bundled list holds %d passwords, want at least 100,000", n)
	}
}

func TestContains(t *testing.T) {
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"qwertyqwerty", true},
		{"QwertyQwerty", true}, // any case
		{"1q2w3e4r5t6y", true},
		{"leavemealone", true},
		{"a passphrase nobody has leaked yet 7f3k", false},
		{"", false},
	} {
		if got := Contains(tc.password); got != tc.want {
			t.Errorf("Contains(%q): got %v, want %v", tc.password, got, tc.want)
		}
	}
}
