package server_test

import (
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// A failed sign-in counts against the address the trusted proxy saw, never one a client wrote
// in a header, and with no proxy configured, against the peer.
func TestSecurityForwardedAddressesOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	spoofed := http.Header{
		"Content-Type":    {formType},
		"X-Forwarded-For": {"6.6.6.6, 198.51.100.7"},
		"X-Real-Ip":       {"7.7.7.7"},
		"True-Client-Ip":  {"8.8.8.8"},
	}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		want    string
	}{
		// httptest requests come from 192.0.2.1.
		{"no trusted proxy", nil, "192.0.2.1"},
		{"the peer is a trusted proxy", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "198.51.100.7"},
		{"another range is trusted", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "192.0.2.1"},
	} {
		store := postgrestest.Store(t) // failed sign-ins count per address: a database per case
		logs := &syncBuffer{}
		uc := app.New(store, func() time.Time { return now })
		srv := server.New(server.Options{App: uc, TrustedProxies: tc.trusted,
			Log: slog.New(slog.NewTextHandler(logs, nil))})
		a := &testApp{h: srv.Handler(), logs: logs, uc: uc}
		email := a.addUser(t, auth.Viewer)
		form := url.Values{"email": {email}, "password": {"not the password at all"}}
		wantStatus(t, a.do(t, http.MethodPost, "/login", strings.NewReader(form.Encode()), spoofed), http.StatusUnauthorized)
		for _, addr := range []string{"6.6.6.6", "7.7.7.7", "8.8.8.8", "198.51.100.7", "192.0.2.1"} {
			_, byAddr, _, err := signinFailures(t, store, email, addr)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if addr == tc.want {
				want = 1
			}
			if byAddr != want {
				t.Errorf("%s: failed sign-ins counted for %s: %d, want %d", tc.name, addr, byAddr, want)
			}
		}
		if !strings.Contains(logs.String(), "client_addr="+tc.want) {
			t.Errorf("%s: the request line lacks client_addr=%s:\n%s", tc.name, tc.want, logs)
		}
	}
}
