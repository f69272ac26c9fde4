package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// The pen-test finding: /login?next=/./%5Cevil.example/ sent people to /\evil.example, which
// browsers read as //evil.example, after signing in.
func TestSecuritySignInNeverRedirectsOffSite(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Viewer)
	anon := a.anonymous()
	for _, next := range []string{`/./\evil.example/`, "/./%5Cevil.example/", `/a/..\/evil.example`, "/.//\\evil.example", "/%2F%2Fevil.example"} {
		form := url.Values{"email": {email}, "password": {testPassword}, "next": {next}}
		r := anon.do(t, http.MethodPost, "/login", strings.NewReader(form.Encode()), withForm(nil))
		if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != "/providers" {
			t.Errorf("sign in with next=%q: got %d to %q, want 303 to /providers", next, r.status, loc)
		}
	}
	// A signed-in visit to the sign-in page redirects at once: the same rule applies.
	viewer := a.as(t, auth.Viewer)
	r := viewer.get(t, "/login?next=/./%5Cevil.example/")
	if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != "/providers" {
		t.Errorf("signed-in GET /login?next=/./%%5Cevil.example/: got %d to %q, want 303 to /providers", r.status, loc)
	}
}

// Signing out tells the browser to drop what it cached and stored for the site.
func TestSecuritySignOutClearsSiteData(t *testing.T) {
	t.Parallel()
	a := newApp(t).as(t, auth.Viewer)
	r := a.do(t, http.MethodPost, "/logout", nil, http.Header{"Sec-Fetch-Site": {"same-origin"}})
	wantStatus(t, r, http.StatusSeeOther)
	if got, want := r.header.Get("Clear-Site-Data"), `"cache", "cookies", "storage"`; got != want {
		t.Errorf("sign-out: Clear-Site-Data %q, want %q", got, want)
	}
}

// With Secure cookies the session cookie carries the __Host- prefix, so that no other host
// (a sibling subdomain, or plain HTTP) can set or overwrite it.
func TestSecuritySessionCookieHostPrefix(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	for _, secure := range []bool{false, true} {
		uc := app.New(store, func() time.Time { return now })
		srv := server.New(server.Options{App: uc, SecureCookies: secure, Log: slog.New(slog.DiscardHandler)})
		a := &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
		email := a.addUser(t, auth.Viewer)
		form := url.Values{"email": {email}, "password": {testPassword}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", formType)
		rec := httptest.NewRecorder()
		a.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("secure %v: sign in: got %d, want 303", secure, rec.Code)
		}
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("secure %v: sign-in set %d cookies, want the session cookie alone", secure, len(cookies))
		}
		c := cookies[0]
		want := "shareline_session"
		if secure {
			want = "__Host-shareline_session"
		}
		if c.Name != want || c.Secure != secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("secure %v: session cookie %s (Secure %v, Path %q, Domain %q, HttpOnly %v, SameSite %v), want %s, Secure %v, Path /, no Domain, HttpOnly, Lax",
				secure, c.Name, c.Secure, c.Path, c.Domain, c.HttpOnly, c.SameSite, want, secure)
		}
		// The renamed cookie is the one the server reads back.
		page := httptest.NewRequest(http.MethodGet, "/providers", nil)
		page.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		rec = httptest.NewRecorder()
		a.h.ServeHTTP(rec, page)
		if rec.Code != http.StatusOK {
			t.Errorf("secure %v: GET /providers with cookie %s: got %d, want 200", secure, c.Name, rec.Code)
		}
	}
}
