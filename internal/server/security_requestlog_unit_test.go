package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// The request line carries the user that authentication noted (noteRequestUser) and the client
// address as the trusted proxies give it.
func TestRequestLineCarriesUserAndClient(t *testing.T) {
	var logs bytes.Buffer
	s := New(Options{Log: slog.New(slog.NewTextHandler(&logs, nil)),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	ok := func(userID int64) http.Handler { // what authentication and a handler do
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if userID != 0 {
				noteRequestUser(r.Context(), userID)
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
	for _, tc := range []struct {
		name string
		h    http.Handler
		want []string
	}{
		{"signed in", s.logRequests(ok(42)), []string{" user_id=42", " client_addr=198.51.100.7", " status=204"}},
		{"anonymous", s.logRequests(ok(0)), []string{" user_id=0", " client_addr=198.51.100.7"}},
	} {
		logs.Reset()
		req := httptest.NewRequest(http.MethodGet, "/providers", nil)
		req.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.7")
		tc.h.ServeHTTP(httptest.NewRecorder(), req)
		for _, w := range tc.want {
			if !strings.Contains(logs.String(), w) {
				t.Errorf("%s: request line lacks %q: %s", tc.name, w, logs.String())
			}
		}
	}
	// Outside a logged request, noting a user is harmless.
	noteRequestUser(httptest.NewRequest(http.MethodGet, "/", nil).Context(), 7)
}
