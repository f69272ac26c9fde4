package app

import (
	"testing"
	"time"
)

// The slowdown grows with each failure past the free ones and stops growing at 15 minutes;
// the address's own count slows every account tried from it once it is high.
func TestSigninWait(t *testing.T) {
	now := time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		c    SignInCount
		want time.Duration
	}{
		{"no failures", SignInCount{Now: now}, 0},
		{"four failures are free", SignInCount{Pair: 4, Address: 4, PairLast: now, AddressLast: now, Now: now}, 0},
		{"the fifth starts the wait", SignInCount{Pair: 5, Address: 5, PairLast: now, AddressLast: now, Now: now}, 15 * time.Second},
		{"the sixth doubles it", SignInCount{Pair: 6, Address: 6, PairLast: now, AddressLast: now, Now: now}, 30 * time.Second},
		{"time already waited counts", SignInCount{Pair: 6, Address: 6, PairLast: now.Add(-20 * time.Second), AddressLast: now, Now: now}, 10 * time.Second},
		{"waited out", SignInCount{Pair: 5, Address: 5, PairLast: now.Add(-time.Minute), AddressLast: now, Now: now}, 0},
		{"at most 15 minutes", SignInCount{Pair: 40, Address: 40, PairLast: now, AddressLast: now, Now: now}, 15 * time.Minute},
		{"an address failing for many accounts", SignInCount{Pair: 1, Address: 50, PairLast: now, AddressLast: now, Now: now}, 15 * time.Second},
	} {
		if got := signinWait(tc.c); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}
