package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/questionnaires"
	"shareline/internal/server"
)

// now is the server's fixed clock: dates are checked and scored against 2026-04-15, so that no
// test drifts with the calendar.
var now = time.Date(2026, time.April, 15, 12, 0, 0, 0, time.UTC)

const (
	today    = "2026-04-15"
	tomorrow = "2026-04-16"

	jsonType = "application/json; charset=utf-8"
	htmlType = "text/html; charset=utf-8"
	formType = "application/x-www-form-urlencoded"

	// noSuchID is a well-formed id that no test ever creates.
	noSuchID = "9223372036854775807"
)

// testApp is the real router over the real use cases on a real database, with the server's log
// kept for inspection. Its requests carry header: by default the session cookie of a signed-in
// admin. uc is the same App the server calls, for setting up what a test needs.
type testApp struct {
	h      http.Handler
	logs   *syncBuffer
	uc     *app.App
	header http.Header
}

// newApp wires a server to a fresh migrated database.
func newApp(t *testing.T) *testApp {
	t.Helper()
	return newAppOn(t, postgrestest.Store(t))
}

// newBrokenApp wires a server to a Store whose pool is closed after an admin signed in, so that
// every later database call fails the way it does when the database goes away.
func newBrokenApp(t *testing.T) *testApp {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), postgrestest.URL(t))
	if err != nil {
		t.Fatalf("pgxpool.New: got error %v, want a pool", err)
	}
	store := postgres.New(pool)
	seed(t, store)
	a := newAppAt(t, store, now, true)
	pool.Close()
	return a
}

// seed stores the built-in questionnaires, as serve does at start-up.
func seed(t *testing.T, store app.Store) {
	t.Helper()
	builtin, err := questionnaires.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.New(store, nil).SeedQuestionnaires(context.Background(), builtin); err != nil {
		t.Fatalf("seed questionnaires: %v", err)
	}
}

func newAppOn(t *testing.T, store app.Store) *testApp {
	t.Helper()
	return newAppAt(t, store, now, true)
}

// newAppAt is a server whose clock stands still at clock; signIn signs in an admin. A nil store
// gives a server that must not touch storage (the OpenAPI document).
func newAppAt(t *testing.T, store app.Store, clock time.Time, signIn bool) *testApp {
	t.Helper()
	logs := &syncBuffer{}
	var uc *app.App
	if store != nil {
		uc = app.New(store, func() time.Time { return clock })
	}
	srv := server.New(server.Options{
		App: uc,
		Now: func() time.Time { return clock },
		Log: slog.New(slog.NewTextHandler(logs, nil)),
	})
	a := &testApp{h: validateAPI(t, srv.Handler()), logs: logs, uc: uc}
	if signIn && store != nil {
		a.header = a.signIn(t, a.addUser(t, auth.Admin))
	}
	return a
}

// user finds a test user by email.
func (a *testApp) user(t *testing.T, email string) auth.User {
	t.Helper()
	u, err := a.uc.UserByEmail(context.Background(), app.CommandLine(), email)
	if err != nil {
		t.Fatalf("find user %s: %v", email, err)
	}
	return u
}

// testPassword is every test user's password.
const testPassword = "a long enough test password"

// addUser creates an active user with a role and returns their email.
func (a *testApp) addUser(t *testing.T, role auth.Role) string {
	t.Helper()
	email := string(role) + "-" + tag(t) + "@example.com"
	in := app.UserInput{Email: email, Name: "Test " + string(role), Role: string(role), Password: testPassword}
	if _, err := a.uc.CreateUser(context.Background(), app.CommandLine(), in); err != nil {
		t.Fatalf("create %s user: %v", role, err)
	}
	return email
}

// signIn signs in through the sign-in form and returns the session cookie as a header.
func (a *testApp) signIn(t *testing.T, email string) http.Header {
	t.Helper()
	form := url.Values{"email": {email}, "password": {testPassword}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", formType)
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in as %s: got %d, want 303; body: %s", email, rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "shareline_session" {
			return http.Header{"Cookie": {c.Name + "=" + c.Value}}
		}
	}
	t.Fatalf("sign in as %s: no session cookie", email)
	return nil
}

// as is the same server seen by a new signed-in user with role.
func (a *testApp) as(t *testing.T, role auth.Role) *testApp {
	t.Helper()
	b := *a
	b.header = a.signIn(t, a.addUser(t, role))
	return &b
}

// anonymous is the same server seen by someone who has not signed in.
func (a *testApp) anonymous() *testApp {
	b := *a
	b.header = nil
	return &b
}

// syncBuffer is a log sink that parallel requests may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tag returns a random word that a test puts in every provider name it creates and searches
// for, so that its counts and lists only ever see its own providers, even on a shared database.
func tag(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b)
}

// response is what the router answered.
type response struct {
	method, target string
	status         int
	header         http.Header
	body           []byte
}

func (r response) String() string {
	body := string(r.body)
	if len(body) > 600 {
		body = body[:600] + "..."
	}
	return r.method + " " + r.target + " -> " + http.StatusText(r.status) + ": " + body
}

// do sends one request through the router. Every HTML answer is checked for the security
// headers, so that no page can lose them unnoticed.
func (a *testApp) do(t *testing.T, method, target string, body io.Reader, header http.Header) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	for k, vs := range a.header {
		req.Header[k] = vs
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	res := response{method: method, target: target, status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
		checkSecurityHeaders(t, res)
	}
	return res
}

func (a *testApp) get(t *testing.T, target string) response {
	t.Helper()
	return a.do(t, http.MethodGet, target, nil, nil)
}

// sendJSON sends body (a string is sent as it is, anything else is encoded) as application/json.
func (a *testApp) sendJSON(t *testing.T, method, target string, body any) response {
	t.Helper()
	return a.do(t, method, target, strings.NewReader(jsonText(t, body)), http.Header{"Content-Type": {"application/json"}})
}

func jsonText(t *testing.T, body any) string {
	t.Helper()
	if s, ok := body.(string); ok {
		return s
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("encode request body: %v", err)
	}
	return string(b)
}

// postForm sends form fields as a browser does; htmx adds HX-Request.
func (a *testApp) postForm(t *testing.T, target string, form url.Values, htmx bool) response {
	t.Helper()
	h := http.Header{"Content-Type": {formType}}
	if htmx {
		h.Set("HX-Request", "true")
	}
	return a.do(t, http.MethodPost, target, strings.NewReader(form.Encode()), h)
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s %s: got status %d, want %d; body: %s", r.method, r.target, r.status, status, r)
	}
}

// decodeJSON checks status and content type, checks the body against the named schema of the
// OpenAPI document, and decodes it into dst.
func decodeJSON(t *testing.T, r response, status int, schema string, dst any) {
	t.Helper()
	wantStatus(t, r, status)
	if ct := r.header.Get("Content-Type"); ct != jsonType {
		t.Fatalf("%s %s: got Content-Type %q, want %q", r.method, r.target, ct, jsonType)
	}
	checkSchema(t, schema, r.body)
	if dst == nil {
		return
	}
	if err := json.Unmarshal(r.body, dst); err != nil {
		t.Fatalf("%s %s: body does not decode: %v; body: %s", r.method, r.target, err, r.body)
	}
}

// apiErrorBody is the API's error shape.
type apiErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// wantAPIError checks a JSON error answer: status, code, a message, and (when field is not
// empty) that the field is named.
func wantAPIError(t *testing.T, r response, status int, code, field string) apiErrorBody {
	t.Helper()
	var e apiErrorBody
	decodeJSON(t, r, status, "Error", &e)
	if e.Error.Code != code {
		t.Errorf("%s %s: got error code %q, want %q", r.method, r.target, e.Error.Code, code)
	}
	if strings.TrimSpace(e.Error.Message) == "" {
		t.Errorf("%s %s: got an empty error message, want words a person can act on", r.method, r.target)
	}
	if field != "" {
		if _, ok := e.Error.Fields[field]; !ok {
			t.Errorf("%s %s: got error fields %v, want field %q named", r.method, r.target, e.Error.Fields, field)
		}
	}
	return e
}

var idShape = regexp.MustCompile(`^[1-9][0-9]*$`)

// wrongShapeIDs name nothing: every route taking an id answers 404 for each.
var wrongShapeIDs = []string{"abc", "-1", "0", "01", "99999999999999999999", "1.5", "+1", "1e3", "0x1"}

// wantInternalsHidden fails when a body gives away how the server is built.
func wantInternalsHidden(t *testing.T, r response) {
	t.Helper()
	low := strings.ToLower(string(r.body))
	for _, word := range []string{"sql", "pgx", "postgres", "goroutine", "panic", "closed pool", ".go:"} {
		if strings.Contains(low, word) {
			t.Errorf("%s %s: body contains %q, want no internals; body: %s", r.method, r.target, word, r.body)
		}
	}
}

// token makes an API token for a user through the store and returns its id.
func (a *testApp) token(t *testing.T, userID int64, label string) int64 {
	t.Helper()
	_, tok, err := a.uc.CreateToken(context.Background(), app.CommandLine(), userID, label, "")
	if err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

// bearer is the Authorization header of a new token of a new user with role.
func (a *testApp) bearer(t *testing.T, role auth.Role) http.Header {
	t.Helper()
	return a.bearerFor(t, a.addUser(t, role))
}

// bearerFor is the Authorization header of a new token of the user with email.
func (a *testApp) bearerFor(t *testing.T, email string) http.Header {
	t.Helper()
	plain, _, err := a.uc.CreateToken(context.Background(), app.CommandLine(), a.user(t, email).ID, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	return http.Header{"Authorization": {"Bearer " + plain}}
}

// poolFor opens a pool on url, closed when the test ends.
func poolFor(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// signinFailures counts the failed sign-ins within the last hour for an account and an address.
func signinFailures(t *testing.T, store app.Store, email, addr string) (byAccount, byAddr int, oldest time.Time, err error) {
	t.Helper()
	err = store.Read(context.Background(), func(tx app.Tx) error {
		var err error
		byAccount, byAddr, oldest, err = tx.SignIns().Failures(context.Background(), email, addr, time.Hour)
		return err
	})
	return byAccount, byAddr, oldest, err
}
