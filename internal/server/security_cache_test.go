package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"shareline/internal/auth"
)

// Nothing a signed-in person reads may stay in a browser's or a proxy's cache: pages, htmx
// fragments, API answers, downloads, and errors alike. Static files keep their own lifetime.
func TestSecurityNoStoreOnSignedInResponses(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Cache "+tag(t), "saas")
	bearer := a.bearer(t, auth.Viewer)
	const ref = "assessments.certifications"
	fragment := url.Values{"type": {"multi"}, "explanation": {"Asked for their SOC 2 report"}}

	for _, tc := range []struct {
		name string
		r    response
	}{
		{"page", a.get(t, "/providers")},
		{"provider page", a.get(t, "/providers/"+p.ID)},
		{"report page", a.get(t, "/evaluations/"+ev.ID+"/report")},
		{"htmx fragment", a.postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref, fragment, true)},
		{"download", a.get(t, "/evaluations/"+ev.ID+"/report.csv")},
		{"portfolio export", a.get(t, "/providers/export.csv")},
		{"API JSON with the session", a.get(t, "/api/v1/providers/"+p.ID)},
		{"API JSON with a token", a.anonymous().do(t, http.MethodGet, "/api/v1/evaluations/"+ev.ID, nil, bearer)},
		{"API download with a token", a.anonymous().do(t, http.MethodGet, "/api/v1/evaluations/"+ev.ID+"/report.json", nil, bearer)},
		{"error page", a.get(t, "/providers/"+noSuchID)},
		{"API error", a.get(t, "/api/v1/providers/"+noSuchID)},
		{"tokens page", a.get(t, "/tokens")},
		{"audit page", a.get(t, "/admin/audit")},
	} {
		if tc.r.status >= 500 {
			t.Errorf("%s: %s", tc.name, tc.r)
		}
		if got := tc.r.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (%s %s, %d): Cache-Control %q, want no-store", tc.name, tc.r.method, tc.r.target, tc.r.status, got)
		}
	}

	r := a.get(t, "/static/app.css")
	wantStatus(t, r, http.StatusOK)
	if got := r.header.Get("Cache-Control"); got != "public, max-age=3600" {
		t.Errorf("static file: Cache-Control %q, want its own public, max-age=3600", got)
	}
}
