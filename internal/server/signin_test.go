package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

func (a *testApp) postSignIn(t *testing.T, email, password string, header http.Header) response {
	t.Helper()
	h := withForm(header)
	return a.do(t, http.MethodPost, "/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()), h)
}

func sessionCookie(r response) string {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "shareline_session" {
			return c.Name + "=" + c.Value
		}
	}
	return ""
}

func TestSignInOneMessageWhateverWasWrong(t *testing.T) {
	t.Parallel()
	a := newApp(t).anonymous()
	email := a.addUser(t, auth.Viewer)
	wrongPassword := a.postSignIn(t, email, "not the password at all", nil)
	noSuchUser := a.postSignIn(t, "nobody-"+tag(t)+"@example.com", testPassword, nil)
	for _, r := range []response{wrongPassword, noSuchUser} {
		wantStatus(t, r, http.StatusUnauthorized)
		if !strings.Contains(string(r.body), "The email or password is not right.") {
			t.Errorf("failed sign-in body lacks %q", "The email or password is not right.")
		}
		if sessionCookie(r) != "" {
			t.Error("a failed sign-in set a session cookie")
		}
	}
}

// Five failures of one account from one address are free; the next attempt from there waits,
// whatever it sends, and says how long. (Other addresses and accounts: security_accounts_test.go.)
func TestSignInLimit(t *testing.T) {
	t.Parallel()
	a := newApp(t).anonymous()
	email := a.addUser(t, auth.Viewer)
	for i := range 5 {
		wantStatus(t, a.postSignIn(t, email, "wrong password number "+strconv.Itoa(i), nil), http.StatusUnauthorized)
	}
	for _, password := range []string{"wrong password number 5", testPassword} {
		r := a.postSignIn(t, email, password, nil)
		wantStatus(t, r, http.StatusTooManyRequests)
		if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 15*60 {
			t.Errorf("Retry-After: got %q, want seconds between 1 and 900", r.header.Get("Retry-After"))
		}
		if !strings.Contains(string(r.body), "Try again in") {
			t.Errorf("the 429 page does not say when to try again")
		}
	}
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Evaluator)

	first := a.anonymous().postSignIn(t, email, testPassword, nil)
	wantStatus(t, first, http.StatusSeeOther)
	old := sessionCookie(first)
	second := a.anonymous().postSignIn(t, email, testPassword, http.Header{"Cookie": {old}})
	renewed := sessionCookie(second)
	if renewed == "" || renewed == old {
		t.Fatalf("signing in again with session %q: got cookie %q, want a new token", old, renewed)
	}
	signedIn := a.anonymous()
	signedIn.header = http.Header{"Cookie": {renewed}}
	wantStatus(t, signedIn.get(t, "/providers"), http.StatusOK)
	oldOne := a.anonymous()
	oldOne.header = http.Header{"Cookie": {old}}
	if r := oldOne.get(t, "/providers"); r.status != http.StatusSeeOther {
		t.Errorf("the token replaced at sign-in: got %d, want 303 to sign in", r.status)
	}

	wantStatus(t, signedIn.do(t, http.MethodPost, "/logout", nil, nil), http.StatusSeeOther)
	if r := signedIn.get(t, "/providers"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("after sign-out: got %d to %q, want 303 to /login", r.status, r.header.Get("Location"))
	}
}

func TestRevokedTokenAndDeactivatedUserAreRefusedAtOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Evaluator)
	u := a.user(t, email)
	session := a.signIn(t, email)
	bearer := a.bearerFor(t, email)
	api := a.anonymous()
	api.header = bearer
	wantStatus(t, api.get(t, "/api/v1/providers"), http.StatusOK)

	tokens, err := a.uc.Tokens(context.Background(), app.Principal{User: u}, false)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens of the user: %v, %v", tokens, err)
	}
	owner := a.anonymous()
	owner.header = session
	wantStatus(t, owner.do(t, http.MethodPost, "/tokens/"+idOf(tokens[0].ID)+"/revoke", nil, withForm(nil)), http.StatusSeeOther)
	wantAPIError(t, api.get(t, "/api/v1/providers"), http.StatusUnauthorized, "unauthenticated", "")

	another := a.bearerFor(t, email)
	api.header = another
	wantStatus(t, api.get(t, "/api/v1/providers"), http.StatusOK)
	wantStatus(t, owner.get(t, "/providers"), http.StatusOK)
	if _, err := a.uc.SetActive(context.Background(), app.CommandLine(), u.ID, false); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, api.get(t, "/api/v1/providers"), http.StatusUnauthorized, "unauthenticated", "")
	if r := owner.get(t, "/providers"); r.status != http.StatusSeeOther {
		t.Errorf("deactivated user's session: got %d, want 303 to sign in", r.status)
	}
	wantStatus(t, a.anonymous().postSignIn(t, email, testPassword, nil), http.StatusUnauthorized)
}

// Sessions live in PostgreSQL: a session made through one server process is good on another.
func TestSessionsAreSharedBetweenProcesses(t *testing.T) {
	t.Parallel()
	url := postgrestest.URL(t)
	servers := make([]*testApp, 2)
	for i := range servers {
		pool := poolFor(t, url)
		store := postgres.New(pool)
		uc := app.New(store, func() time.Time { return now })
		srv := server.New(server.Options{App: uc, Now: func() time.Time { return now },
			Log: slog.New(slog.DiscardHandler), Sessions: pgxstore.NewWithCleanupInterval(pool, 0)})
		servers[i] = &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
	}
	email := servers[0].addUser(t, auth.Viewer)
	cookie := servers[0].signIn(t, email)
	other := *servers[1]
	other.header = cookie
	wantStatus(t, other.get(t, "/providers"), http.StatusOK)
}

func TestCrossOriginFormsAreRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	form := url.Values{"name": {"Cross " + tag(t)}, "service_model": {"saas"}}.Encode()
	post := func(h http.Header) response {
		return a.do(t, http.MethodPost, "/providers", strings.NewReader(form), withForm(h))
	}
	wantStatus(t, post(http.Header{"Sec-Fetch-Site": {"cross-site"}}), http.StatusForbidden)
	wantStatus(t, post(http.Header{"Origin": {"https://evil.example"}}), http.StatusForbidden)
	wantStatus(t, post(http.Header{"Sec-Fetch-Site": {"same-origin"}, "HX-Request": {"true"}}), http.StatusSeeOther)
	if n := a.countProviders(t, "Cross"); n != 1 {
		t.Errorf("providers stored: got %d, want only the same-origin one", n)
	}
}

func TestChangesAreAudited(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.createProvider(t, "Audited "+tag(t), "iaas")
	r := a.get(t, "/admin/audit?provider="+p.ID)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.body), "provider.added") || !strings.Contains(string(r.body), "added provider "+p.Name) {
		t.Errorf("the audit page for provider %s lacks its provider.added entry", p.ID)
	}
	wantStatus(t, a.get(t, "/admin/audit?from=2026-02-30"), http.StatusUnprocessableEntity)
}

func TestHSTSOnlyOverTLS(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	for _, secure := range []bool{false, true} {
		uc := app.New(store, func() time.Time { return now })
		srv := server.New(server.Options{App: uc, SecureCookies: secure, Log: slog.New(slog.DiscardHandler)})
		a := &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
		r := a.get(t, "/login")
		if got := r.header.Get("Strict-Transport-Security") != ""; got != secure {
			t.Errorf("SecureCookies %v: HSTS sent %v", secure, got)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
			if r.header.Get(h) == "" {
				t.Errorf("header %s missing", h)
			}
		}
	}
}

func TestSignInReturnsToLocalPathsOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Viewer)
	anon := a.anonymous()
	r := anon.get(t, "/providers/123?sort=score")
	if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != "/login?next=%2Fproviders%2F123%3Fsort%3Dscore" {
		t.Fatalf("anonymous page view: got %d to %q, want 303 to the sign-in page with next", r.status, loc)
	}
	for next, want := range map[string]string{
		"/providers/123?sort=score": "/providers/123?sort=score",
		"//evil.example/steal":      "/providers",
		"https://evil.example/":     "/providers",
		`/\evil.example`:            "/providers",
	} {
		form := url.Values{"email": {email}, "password": {testPassword}, "next": {next}}
		r := anon.do(t, http.MethodPost, "/login", strings.NewReader(form.Encode()), withForm(nil))
		if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != want {
			t.Errorf("sign in with next=%q: got %d to %q, want 303 to %q", next, r.status, loc, want)
		}
	}
}

func TestReportNamesTheEvaluator(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Who "+tag(t), "saas")
	r := a.get(t, "/evaluations/"+ev.ID+"/report")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.body), "Test admin") {
		t.Error("the report does not name who started the evaluation (the signed-in admin, \"Test admin\")")
	}
}

// A session ends after an hour without requests, and lives while it is used.
func TestSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	url := postgrestest.URL(t)
	pool := poolFor(t, url)
	store := postgres.New(pool)
	sessions := pgxstore.NewWithCleanupInterval(pool, 0)
	at := func(clock time.Time) *testApp {
		uc := app.New(store, func() time.Time { return now })
		srv := server.New(server.Options{App: uc, Now: func() time.Time { return clock },
			Log: slog.New(slog.DiscardHandler), Sessions: sessions})
		return &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
	}
	first := at(now)
	cookie := first.signIn(t, first.addUser(t, auth.Viewer))
	later := at(now.Add(25 * time.Minute))
	later.header = cookie
	wantStatus(t, later.get(t, "/providers"), http.StatusOK)
	// 25 minutes after that request the session is still fresh: the request moved "seen" on.
	again := at(now.Add(50 * time.Minute))
	again.header = cookie
	wantStatus(t, again.get(t, "/providers"), http.StatusOK)
	idle := at(now.Add(82 * time.Minute))
	idle.header = cookie
	if r := idle.get(t, "/providers"); r.status != http.StatusSeeOther {
		t.Errorf("after 32 idle minutes: got %d, want 303 to sign in", r.status)
	}
}
