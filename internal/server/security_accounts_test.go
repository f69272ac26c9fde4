package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
	"shareline/internal/sessionstore"
)

// productionSessions is the session store serve passes to the server.
func productionSessions(pool *pgxpool.Pool) scs.Store {
	return sessionstore.New(pgxstore.NewWithCleanupInterval(pool, 0))
}

// dbApp is a test server whose database the test can also query directly.
type dbApp struct {
	*testApp
	pool *pgxpool.Pool
}

func newDBApp(t *testing.T) dbApp {
	t.Helper()
	pool := poolFor(t, postgrestest.URL(t))
	store := postgres.New(pool)
	seed(t, store)
	return dbApp{newAppOn(t, store), pool}
}

// count runs a count(*) query.
func (d dbApp) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := d.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// signInFrom posts the sign-in form as a client at addr (host:port).
func (a *testApp) signInFrom(addr, email, password string) response {
	form := url.Values{"email": {email}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", formType)
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return response{method: http.MethodPost, target: "/login", status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// Finding 2: 80 concurrent wrong passwords for one account all got 401, none 429, because the
// failures were counted before the hash and recorded after it.
func TestSecuritySignInParallelGuessesAreCounted(t *testing.T) {
	t.Parallel()
	a := newDBApp(t)
	email := a.addUser(t, auth.Viewer)
	const n = 80
	statuses := make([]response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = a.signInFrom("198.51.100.7:4000", email, "wrong password number "+strconv.Itoa(i))
		})
	}
	wg.Wait()
	counted := map[int]int{}
	defer func() { t.Logf("80 concurrent wrong passwords for one account: statuses %v", counted) }()
	for _, r := range statuses {
		counted[r.status]++
		if r.status == http.StatusTooManyRequests || r.status == http.StatusServiceUnavailable {
			if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 {
				t.Errorf("%d without Retry-After seconds: %q", r.status, r.header.Get("Retry-After"))
			}
		}
	}
	if counted[http.StatusUnauthorized] > 5 || counted[http.StatusUnauthorized]+counted[http.StatusTooManyRequests]+counted[http.StatusServiceUnavailable] != n {
		t.Errorf("80 concurrent wrong passwords: got statuses %v, want at most 5 checked (401) and the rest refused (429/503)", counted)
	}
	if got := a.count(t, `SELECT count(*) FROM signin_failures WHERE remote_addr = '198.51.100.7'`); got != counted[http.StatusUnauthorized] {
		t.Errorf("failures recorded: %d, want one per checked password (%d)", got, counted[http.StatusUnauthorized])
	}
}

// Finding 2: password hashes are capped, however many accounts are tried at once. Each of 80
// concurrent sign-ins names its own account from its own address, so no limit per account or
// address applies; the server must still refuse what it cannot hash at once.
func TestSecuritySignInHashesAreCapped(t *testing.T) {
	t.Parallel()
	a := newDBApp(t)
	const n = 80
	emails := make([]string, n)
	for i := range n {
		emails[i] = fmt.Sprintf("nobody-%d-%s@example.com", i, tag(t))
	}
	statuses := make([]response, n)
	var wg sync.WaitGroup
	peak := heapPeak(func() {
		for i := range n {
			wg.Go(func() {
				statuses[i] = a.signInFrom(fmt.Sprintf("203.0.113.%d:4000", i+1), emails[i], "wrong password number "+strconv.Itoa(i))
			})
		}
		wg.Wait()
	})
	counted := map[int]int{}
	defer func() {
		t.Logf("80 concurrent sign-ins to 80 accounts: statuses %v; peak heap in use %d MiB", counted, peak>>20)
	}()
	for _, r := range statuses {
		counted[r.status]++
		if r.status == http.StatusServiceUnavailable && r.header.Get("Retry-After") == "" {
			t.Errorf("503 without Retry-After")
		}
	}
	if counted[http.StatusServiceUnavailable] == 0 || counted[http.StatusUnauthorized]+counted[http.StatusServiceUnavailable] != n {
		t.Errorf("80 concurrent sign-ins to 80 accounts: got statuses %v, want some refused with 503 and the rest 401", counted)
	}
	// A refusal is not a failure: only what was checked is counted.
	if got := a.count(t, `SELECT count(*) FROM signin_failures WHERE remote_addr LIKE '203.0.113.%'`); got != counted[http.StatusUnauthorized] {
		t.Errorf("failures recorded: %d, want one per checked password (%d)", got, counted[http.StatusUnauthorized])
	}
}

// Finding 3: an overlong email answered 500, was never counted, and still cost a hash.
func TestSecuritySignInRefusesMalformedEmailsFirst(t *testing.T) {
	t.Parallel()
	a := newDBApp(t)
	for _, email := range []string{strings.Repeat("a", 290) + "@example.com", "correct horse battery staple", strings.Repeat("x", 5000)} {
		r := a.signInFrom("192.0.2.55:1", email, "some password or other")
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("sign in as %.30q...: got %d, want 422", email, r.status)
		}
		wantInternalsHidden(t, r)
		if !strings.Contains(string(r.body), "email address") || !strings.Contains(string(r.body), `aria-invalid="true"`) {
			t.Errorf("sign in as %.30q...: the page does not say the email is not an email address beside the field", email)
		}
	}
	if n := a.count(t, `SELECT count(*) FROM signin_failures`); n != 0 {
		t.Errorf("malformed emails recorded %d failures, want none (nothing was checked)", n)
	}
}

// Findings 3 and 10: neither the failures table nor the audit log keeps what was typed in the
// email field; the failures table keeps a fixed-length key of the account.
func TestSecurityFailedSignInsKeepNoTypedEmail(t *testing.T) {
	t.Parallel()
	a := newDBApp(t)
	typed := "nobody-" + tag(t) + "@example.com"
	wantStatus(t, a.signInFrom("192.0.2.56:1", typed, "a wrong password here"), http.StatusUnauthorized)
	if n := a.count(t, `SELECT count(*) FROM signin_failures s WHERE strpos(lower(row_to_json(s)::text), $1) > 0`, typed); n != 0 {
		t.Errorf("signin_failures keeps the typed email in %d rows", n)
	}
	if n := a.count(t, `SELECT count(*) FROM signin_failures`); n != 1 {
		t.Errorf("signin_failures: %d rows, want the one failure", n)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE strpos(summary, $1) > 0`, typed); n != 0 {
		t.Errorf("the audit log keeps the typed email in %d entries", n)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE action = 'signin.failed'`); n != 1 {
		t.Errorf("audit log: %d failed sign-ins, want 1", n)
	}
}

// Finding 5: failures from one address slow that address down for that account; the owner
// signing in from elsewhere is not locked out, and an admin can clear the slowdown.
func TestSecuritySignInSlowdownIsPerAccountAndAddress(t *testing.T) {
	t.Parallel()
	a := newDBApp(t)
	email := a.addUser(t, auth.Viewer)
	const attacker, owner = "198.51.100.66:1", "192.0.2.77:1"
	for i := range 10 {
		a.signInFrom(attacker, email, "wrong password number "+strconv.Itoa(i))
	}
	r := a.signInFrom(attacker, email, testPassword)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("the guessing address, right password: got %d (Retry-After %q), want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	if r := a.signInFrom(owner, email, testPassword); r.status != http.StatusSeeOther {
		t.Errorf("the owner from another address: got %d, want 303 (signed in)", r.status)
	}
	// Another account from the guessing address is not slowed by these failures.
	other := a.addUser(t, auth.Viewer)
	if r := a.signInFrom(attacker, other, testPassword); r.status != http.StatusSeeOther {
		t.Errorf("another account from the guessing address: got %d, want 303", r.status)
	}

	// An admin clears the slowdown of the account, and that is audited.
	u := a.user(t, email)
	wantStatus(t, a.do(t, http.MethodPost, "/admin/users/"+idOf(u.ID)+"/signin-failures/clear", nil, withForm(nil)), http.StatusSeeOther)
	if r := a.signInFrom(attacker, email, testPassword); r.status != http.StatusSeeOther {
		t.Errorf("after an admin cleared the failures: got %d, want 303", r.status)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE action = 'user.signin_failures_cleared' AND strpos(summary, $1) > 0`, email); n != 1 {
		t.Errorf("audit entries for the clearing: %d, want 1", n)
	}
}

// signedInUser is a user of role with a session cookie and an API token.
func (d dbApp) signedInUser(t *testing.T, role auth.Role) (auth.User, *testApp, *testApp) {
	t.Helper()
	email := d.addUser(t, role)
	browser := d.anonymous()
	browser.header = d.signIn(t, email)
	api := d.anonymous()
	api.header = d.bearerFor(t, email)
	wantStatus(t, browser.get(t, "/providers"), http.StatusOK)
	wantStatus(t, api.get(t, "/api/v1/providers"), http.StatusOK)
	return d.user(t, email), browser, api
}

func wantSignedOut(t *testing.T, what string, browser *testApp) {
	t.Helper()
	if r := browser.get(t, "/providers"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("%s: the old session got %d, want 303 to /login", what, r.status)
	}
}

func wantTokenStatus(t *testing.T, what string, api *testApp, status int) {
	t.Helper()
	if r := api.get(t, "/api/v1/providers"); r.status != status {
		t.Errorf("%s: the token got %d, want %d", what, r.status, status)
	}
}

// Finding 6: a password reset, a role change and a deactivation end every session of the
// user; the admin may revoke their tokens too, and deactivation always does, so that
// reactivating revives neither.
func TestSecurityAccountChangesEndSessions(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	admin := func(path string, form url.Values) {
		t.Helper()
		r := d.do(t, http.MethodPost, path, strings.NewReader(form.Encode()), withForm(nil))
		wantStatus(t, r, http.StatusSeeOther)
	}
	t.Run("password reset, tokens kept", func(t *testing.T) {
		u, browser, api := d.signedInUser(t, auth.Viewer)
		admin("/admin/users/"+idOf(u.ID)+"/password", url.Values{"password": {"another long password 1"}})
		wantSignedOut(t, "password reset", browser)
		wantTokenStatus(t, "password reset without revoking tokens", api, http.StatusOK)
	})
	t.Run("password reset, tokens revoked", func(t *testing.T) {
		u, browser, api := d.signedInUser(t, auth.Viewer)
		admin("/admin/users/"+idOf(u.ID)+"/password", url.Values{"password": {"another long password 2"}, "revoke_tokens": {"on"}})
		wantSignedOut(t, "password reset", browser)
		wantTokenStatus(t, "password reset revoking tokens", api, http.StatusUnauthorized)
	})
	t.Run("role change", func(t *testing.T) {
		u, browser, api := d.signedInUser(t, auth.Evaluator)
		admin("/admin/users/"+idOf(u.ID)+"/role", url.Values{"role": {"viewer"}, "revoke_tokens": {"on"}})
		wantSignedOut(t, "role change", browser)
		wantTokenStatus(t, "role change revoking tokens", api, http.StatusUnauthorized)
	})
	t.Run("deactivate and reactivate", func(t *testing.T) {
		u, browser, api := d.signedInUser(t, auth.Viewer)
		admin("/admin/users/"+idOf(u.ID)+"/active", url.Values{"active": {"false"}})
		admin("/admin/users/"+idOf(u.ID)+"/active", url.Values{"active": {"true"}})
		wantSignedOut(t, "deactivate and reactivate", browser)
		wantTokenStatus(t, "deactivate and reactivate", api, http.StatusUnauthorized)
	})
}

// Finding 10: refusals (403), failed token authentications and downloads are in the audit log.
func TestSecurityAuditRecordsRefusalsAndDownloads(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	p, ev := d.evaluated(t, "Audited Downloads "+tag(t), "saas")

	viewer := d.as(t, auth.Viewer)
	wantStatus(t, viewer.get(t, "/admin/users"), http.StatusForbidden)
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE action = 'access.forbidden' AND strpos(summary, '/admin/users') > 0 AND user_id IS NOT NULL`); n != 1 {
		t.Errorf("audit entries for the 403: %d, want 1", n)
	}

	bad := d.anonymous()
	bad.header = http.Header{"Authorization": {"Bearer shl_not-a-real-token"}}
	wantStatus(t, bad.get(t, "/api/v1/providers"), http.StatusUnauthorized)
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE action = 'token.failed'`); n != 1 {
		t.Errorf("audit entries for the failed token: %d, want 1", n)
	}
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE strpos(summary, 'shl_not-a-real-token') > 0`); n != 0 {
		t.Error("the audit log keeps the token that was sent")
	}

	wantStatus(t, d.get(t, "/evaluations/"+ev.ID+"/report.csv"), http.StatusOK)
	wantStatus(t, d.get(t, "/api/v1/evaluations/"+ev.ID+"/report.pdf"), http.StatusOK)
	wantStatus(t, d.get(t, "/providers/export.csv"), http.StatusOK)
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE action = 'report.downloaded' AND evaluation_id = $1 AND provider_id = $2`, ev.ID, p.ID); n != 2 {
		t.Errorf("audit entries for the report downloads: %d, want 2", n)
	}
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE action = 'export.downloaded'`); n != 1 {
		t.Errorf("audit entries for the portfolio export: %d, want 1", n)
	}
}

// queryCounter counts the statements a pool sends.
type queryCounter struct {
	mu sync.Mutex
	n  int
}

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *queryCounter) take() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = 0
	return n
}

// Issue 17: authentication is one query per request, for a session as for a token, with the
// session store production uses; and a deactivation made through one server takes effect at
// once on another.
func TestSecurityAuthenticationIsOneQuery(t *testing.T) {
	t.Parallel()
	url := postgrestest.URL(t)
	counter := &queryCounter{}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := postgres.New(pool)
	seed(t, store)
	servers := make([]*testApp, 2)
	for i := range servers {
		uc := app.New(store, func() time.Time { return now })
		srv := server.New(server.Options{App: uc, Now: func() time.Time { return now },
			Log: slog.New(slog.DiscardHandler), Sessions: productionSessions(pool)})
		servers[i] = &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
	}
	email := servers[0].addUser(t, auth.Viewer)
	browser := servers[0].anonymous()
	browser.header = servers[0].signIn(t, email)
	api := servers[0].anonymous()
	api.header = servers[0].bearerFor(t, email)
	// A route that authenticates and then fails before any use case: a malformed id.
	browser.get(t, "/providers/not-an-id")
	api.get(t, "/api/v1/providers/not-an-id")
	counter.take()
	if r := browser.get(t, "/providers/not-an-id"); r.status != http.StatusNotFound {
		t.Fatalf("signed-in GET /providers/not-an-id: got %d, want 404", r.status)
	}
	if n := counter.take(); n != 1 {
		t.Errorf("a session request made %d queries, want 1", n)
	}
	if r := api.get(t, "/api/v1/providers/not-an-id"); r.status != http.StatusNotFound {
		t.Fatalf("token GET /api/v1/providers/not-an-id: got %d, want 404", r.status)
	}
	if n := counter.take(); n != 1 {
		t.Errorf("a token request made %d queries, want 1", n)
	}

	// Deactivated through the first server, refused at once by the second.
	other := *servers[1]
	other.header = browser.header
	wantStatus(t, other.get(t, "/providers"), http.StatusOK)
	otherAPI := *servers[1]
	otherAPI.header = api.header
	wantStatus(t, otherAPI.get(t, "/api/v1/providers"), http.StatusOK)
	if _, err := servers[0].uc.SetActive(context.Background(), app.CommandLine(), servers[0].user(t, email).ID, false); err != nil {
		t.Fatal(err)
	}
	wantSignedOut(t, "deactivated on another server", &other)
	wantTokenStatus(t, "deactivated on another server", &otherAPI, http.StatusUnauthorized)
}

// Finding 10: a provider edit records what it changed, before and after, in the audit log
// (through the form, as a person edits).
func TestSecurityProviderEditsRecordBeforeAndAfter(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	name := "Before Cloud " + tag(t)
	p, err := d.uc.CreateProvider(context.Background(), app.CommandLine(), assess.ProviderInput{Name: name, Offering: "Object storage", ServiceModel: "iaas"})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"name": {name}, "offering": {"Block storage"}, "service_model": {"iaas"}, "website": {""}, "notes": {"under NDA"}}
	wantStatus(t, d.post(t, "/providers/"+idOf(p.ID), form), http.StatusSeeOther)
	var summary string
	if err := d.pool.QueryRow(context.Background(), `SELECT summary FROM audit_log WHERE action = 'provider.edited' AND provider_id = $1`, p.ID).Scan(&summary); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`offering "Object storage" → "Block storage"`, `notes "" → "under NDA"`} {
		if !strings.Contains(summary, want) {
			t.Errorf("the audit entry of the edit: got %q, want it to say %s", summary, want)
		}
	}
	if strings.Contains(summary, "name ") {
		t.Errorf("the audit entry names a field that did not change: %q", summary)
	}
}

// heapPeak runs f and returns the most heap in use while it ran, sampled every 2 ms.
func heapPeak(f func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	<-sampled
	return peak.Load()
}
