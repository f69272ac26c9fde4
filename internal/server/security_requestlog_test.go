package server_test

import (
	"net/http"
	"strings"
	"testing"

	"shareline/internal/auth"
)

// Every request line names the client address, signed in or not, found or not.
func TestSecurityRequestLogNamesTheClient(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	viewer := a.as(t, auth.Viewer)
	wantStatus(t, viewer.get(t, "/providers?q="+tag(t)), http.StatusOK)
	wantStatus(t, a.anonymous().get(t, "/healthz"), http.StatusOK)
	wantStatus(t, a.anonymous().get(t, "/static/app.css"), http.StatusOK)
	wantStatus(t, viewer.get(t, "/no/such/page"), http.StatusNotFound)

	lines := 0
	for _, line := range strings.Split(a.logs.String(), "\n") {
		if !strings.Contains(line, "msg=request ") {
			continue
		}
		lines++
		// httptest requests come from 192.0.2.1.
		if !strings.Contains(line, " client_addr=192.0.2.1") {
			t.Errorf("request line without client_addr=192.0.2.1: %s", line)
		}
		if !strings.Contains(line, " user_id=") {
			t.Errorf("request line without user_id: %s", line)
		}
	}
	if lines < 4 {
		t.Errorf("got %d request lines, want at least 4:\n%s", lines, a.logs)
	}
}
