package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	up, down := newApp(t), newBrokenApp(t)
	cases := []struct {
		name       string
		app        *testApp
		target     string
		wantStatus int
		want       string
	}{
		{"healthz with the database up", up, "/healthz", http.StatusOK, "ok"},
		{"readyz with the database up", up, "/readyz", http.StatusOK, "ready"},
		{"healthz with the database down still answers", down, "/healthz", http.StatusOK, "ok"},
		{"readyz with the database down", down, "/readyz", http.StatusServiceUnavailable, "database unavailable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body struct{ Status string }
			decodeJSON(t, c.app.get(t, c.target), c.wantStatus, "Health", &body)
			if body.Status != c.want {
				t.Errorf("GET %s: got status %q, want %q", c.target, body.Status, c.want)
			}
		})
	}
}

var referencePattern = regexp.MustCompile(`Reference: ([0-9a-f]{12})`)

// A failure on the server's side is answered with a reference that is in the log, and nothing
// about how the server is built.
func TestInternalErrorsHideInternals(t *testing.T) {
	t.Parallel()
	a := newBrokenApp(t)
	api := []struct {
		name   string
		method string
		target string
		body   string
	}{
		{"list providers", http.MethodGet, "/api/v1/providers", ""},
		{"create provider", http.MethodPost, "/api/v1/providers", `{"name":"Acme","service_model":"saas"}`},
		{"get provider", http.MethodGet, "/api/v1/providers/1", ""},
		{"start evaluation", http.MethodPost, "/api/v1/providers/1/evaluations", ""},
		{"get evaluation", http.MethodGet, "/api/v1/evaluations/1", ""},
		{"save answer", http.MethodPut, "/api/v1/evaluations/1/answers/abuse_cases.malware", `{"value":"yes"}`},
	}
	for _, c := range api {
		t.Run("api "+c.name, func(t *testing.T) {
			r := a.do(t, c.method, c.target, strings.NewReader(c.body), http.Header{"Content-Type": {"application/json"}})
			e := wantAPIError(t, r, http.StatusInternalServerError, "internal", "")
			wantInternalsHidden(t, r)
			m := referencePattern.FindStringSubmatch(e.Error.Message)
			if m == nil {
				t.Fatalf("%s %s: message %q, want a reference", c.method, c.target, e.Error.Message)
			}
			if !strings.Contains(a.logs.String(), "ref="+m[1]) {
				t.Errorf("log: reference %s not found, want the failure logged under the reference shown; log:\n%s", m[1], a.logs)
			}
			if len(e.Error.Fields) != 0 {
				t.Errorf("fields: got %v, want none on an internal error", e.Error.Fields)
			}
		})
	}
	pages := []struct {
		name, method, target string
	}{
		{"provider list", http.MethodGet, "/providers"},
		{"provider page", http.MethodGet, "/providers/1"},
		{"evaluation page", http.MethodGet, "/evaluations/1"},
		{"evaluation summary", http.MethodGet, "/evaluations/1/summary"},
		{"start evaluation form", http.MethodPost, "/providers/1/evaluations"},
	}
	for _, c := range pages {
		t.Run("page "+c.name, func(t *testing.T) {
			r := a.do(t, c.method, c.target, nil, nil)
			p := parsePage(t, r, http.StatusInternalServerError)
			msg := p.textOf(t, "error-message")
			if !referencePattern.MatchString(msg) {
				t.Errorf("error message %q, want a reference", msg)
			}
			wantInternalsHidden(t, r)
		})
	}
}
