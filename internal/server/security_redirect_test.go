package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// localPath must never hand http.Redirect a target that a browser reads as another site, once
// http.Redirect has cleaned it.
func TestLocalPathRefusesHostileTargets(t *testing.T) {
	const fallback = "/providers"
	for _, tc := range []struct{ next, want string }{
		// Kept: paths on this site, cleaned as http.Redirect would clean them.
		{"/providers/123?sort=score", "/providers/123?sort=score"},
		{"/evaluations/7/report", "/evaluations/7/report"},
		{"/providers/", "/providers/"},
		{"/compare?ids=1,2,3", "/compare?ids=1,2,3"},
		{"/a/../evaluations/7", "/evaluations/7"},
		{"/.//providers", "/providers"},
		{"/providers?q=a/../b", "/providers?q=a/../b"},

		// The finding: cleaning turned these into /\evil.example.
		{"/./%5Cevil.example/", fallback},
		{`/./\evil.example/`, fallback},
		{"/./%5cevil.example/", fallback},
		{"/a/../%5C%5Cevil.example", fallback},
		{"/%255Cevil.example", fallback},
		{`/\evil.example`, fallback},
		{`\\evil.example`, fallback},
		{`/providers?x=\`, fallback},

		// Another host, a scheme, or no leading slash.
		{"", fallback},
		{"//evil.example/steal", fallback},
		{"///evil.example", fallback},
		{"/%2F%2Fevil.example", fallback},
		{"/%2f/evil.example", fallback},
		{"https://evil.example/", fallback},
		{"http:/evil.example", fallback},
		{"HTTPS://evil.example", fallback},
		{"javascript:alert(1)", fallback},
		{"evil.example", fallback},
		{"./evil.example", fallback},
		{"/@evil.example", "/@evil.example"}, // a path segment, not userinfo

		// Control characters, raw or percent-encoded.
		{"/\t/evil.example", fallback},
		{"/\n/evil.example", fallback},
		{"/providers\r\nSet-Cookie: x=1", fallback},
		{"/\x00", fallback},
		{"/\x7f", fallback},
		{"/\u0085evil", fallback},
		{"/%09/evil.example", fallback},
		{"/providers%0d%0aSet-Cookie:%20x=1", fallback},
		{"/providers?q=%00", fallback},
		{"/%zz", fallback}, // not a valid escape

		// Back to the sign-in page: a loop.
		{"/login", fallback},
		{"/login?next=/providers", fallback},
		{"/./login", fallback},
		{"/x/../login", fallback},

		{"/" + strings.Repeat("a", 5000), fallback},
	} {
		got := localPath(tc.next)
		if got != tc.want {
			t.Errorf("localPath(%.80q) = %.80q, want %q", tc.next, got, tc.want)
		}
		// Whatever localPath returns, http.Redirect sends unchanged and a browser resolves on this site.
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest(http.MethodGet, "/login", nil), got, http.StatusSeeOther)
		loc := rec.Header().Get("Location")
		if loc != got {
			t.Errorf("localPath(%.80q) = %.80q, which http.Redirect sends as %.80q", tc.next, got, loc)
		}
		base, _ := url.Parse("https://shareline.example/login")
		ref, err := url.Parse(loc)
		if err != nil {
			t.Errorf("Location %q does not parse: %v", loc, err)
			continue
		}
		if host := base.ResolveReference(ref).Host; host != "shareline.example" {
			t.Errorf("localPath(%q): Location %q leads to host %q", tc.next, loc, host)
		}
		if strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, `\`) || strings.Contains(strings.ToLower(loc), "%5c") {
			t.Errorf("localPath(%q): Location %q could leave the site", tc.next, loc)
		}
	}
}
