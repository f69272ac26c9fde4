package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"shareline/internal/auth"
)

func TestResetLinkCheck(t *testing.T) {
	at := time.Date(2026, time.April, 15, 12, 0, 0, 0, time.UTC)
	live := auth.ResetLink{CreatedAt: at, ExpiresAt: at.Add(auth.ResetLinkLife)}
	for _, tc := range []struct {
		name string
		link auth.ResetLink
		now  time.Time
		want error
	}{
		{"live, just made", live, at, nil},
		{"live, a second before it expires", live, at.Add(auth.ResetLinkLife - time.Second), nil},
		{"expired at its expiry", live, at.Add(auth.ResetLinkLife), auth.ErrResetLinkExpired},
		{"used", auth.ResetLink{ExpiresAt: live.ExpiresAt, Ended: auth.ResetEndedUsed}, at, auth.ErrResetLinkUsed},
		{"replaced", auth.ResetLink{ExpiresAt: live.ExpiresAt, Ended: auth.ResetEndedReplaced}, at, auth.ErrResetLinkReplaced},
		{"used and expired says used", auth.ResetLink{ExpiresAt: at, Ended: auth.ResetEndedUsed}, at.Add(time.Hour), auth.ErrResetLinkUsed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.link.Check(tc.now)
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.want != nil && !errors.Is(got, auth.ErrResetLinkInvalid) {
				t.Errorf("%v is not an ErrResetLinkInvalid", got)
			}
		})
	}
}

func TestCheckResetToken(t *testing.T) {
	for _, tc := range []struct {
		token string
		ok    bool
	}{
		{strings.Repeat("A", 43), true},
		{"pFfipI2_5vFRt-I6N3FlohkhQOM3j1RoUQeg3exqSWI", true},
		{"", false},
		{strings.Repeat("A", 42), false},
		{strings.Repeat("A", 44), false},
		{strings.Repeat("A", 42) + "=", false},
		{strings.Repeat("A", 42) + "/", false},
		{strings.Repeat("A", 41) + "é", false},
	} {
		if err := auth.CheckResetToken(tc.token); (err == nil) != tc.ok {
			t.Errorf("CheckResetToken(%q): got %v, want ok %v", tc.token, err, tc.ok)
		}
	}
}
