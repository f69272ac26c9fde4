package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres"
)

// store is d's database as another server would open it.
func (d dbApp) store() app.Store { return postgres.New(d.pool) }

// tokenAt is an API client with token on a server whose clock stands at at, over d's database.
func (d dbApp) tokenAt(t *testing.T, at time.Time, token string) *testApp {
	t.Helper()
	a := newAppAt(t, d.store(), at, false)
	a.header = http.Header{"Authorization": {"Bearer " + token}}
	return a
}

// apiErrorOf reads an error answer's code and message.
func apiErrorOf(t *testing.T, r response) (code, message string) {
	t.Helper()
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("%s %s: the body is not an error: %s", r.method, r.target, r)
	}
	return body.Error.Code, body.Error.Message
}

// ASVS 3.5.2: API tokens are session credentials, not static secrets. Each ends at the expiry
// chosen when it was made (90 days unless told, at most 365), and earlier once unused for 30
// days; each use noted moves that idle expiry on. Past either, the API answers 401 with the code
// token_expired and says when and why; the refusal is recorded, and the tokens page shows both
// expiries.
func TestSecurityTokensExpire(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	email := d.addUser(t, auth.Viewer)
	u := d.user(t, email)
	ctx := context.Background()
	short, tok, err := d.uc.CreateToken(ctx, app.CommandLine(), u.ID, "ten days", "10")
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(10 * 24 * time.Hour); !tok.ExpiresAt.Equal(want) || !tok.IdleExpiresAt.Equal(now.Add(30*24*time.Hour)) {
		t.Errorf("a 10-day token: expires %v, idle expiry %v; want %v and 30 days from now", tok.ExpiresAt, tok.IdleExpiresAt, want)
	}
	wantTokenStatus(t, "a new token", d.tokenAt(t, now, short), http.StatusOK)
	wantTokenStatus(t, "9 days later", d.tokenAt(t, now.Add(9*24*time.Hour), short), http.StatusOK)
	r := d.tokenAt(t, now.Add(10*24*time.Hour+time.Minute), short).get(t, "/api/v1/providers")
	code, msg := apiErrorOf(t, r)
	if r.status != http.StatusUnauthorized || code != "token_expired" || !strings.Contains(msg, "expired on 2026-04-25 12:00 UTC") ||
		!strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("past its expiry: got %d %q %q (WWW-Authenticate %q), want 401 token_expired saying when", r.status, code, msg, r.header.Get("WWW-Authenticate"))
	}

	// The default lifetime; unused for 30 days it stops, while a use moves the idle expiry on.
	idle, tok, err := d.uc.CreateToken(ctx, app.CommandLine(), u.ID, "idle", "")
	if err != nil {
		t.Fatal(err)
	}
	if !tok.ExpiresAt.Equal(now.Add(90 * 24 * time.Hour)) {
		t.Errorf("a token made without a lifetime expires %v, want 90 days from now", tok.ExpiresAt)
	}
	kept, _, err := d.uc.CreateToken(ctx, app.CommandLine(), u.ID, "kept in use", "")
	if err != nil {
		t.Fatal(err)
	}
	r = d.tokenAt(t, now.Add(31*24*time.Hour), idle).get(t, "/api/v1/providers")
	if code, msg := apiErrorOf(t, r); r.status != http.StatusUnauthorized || code != "token_expired" || !strings.Contains(msg, "not used for 30 days") {
		t.Errorf("unused for 31 days: got %d %q %q, want 401 token_expired naming the 30 idle days", r.status, code, msg)
	}
	wantTokenStatus(t, "used after 20 days", d.tokenAt(t, now.Add(20*24*time.Hour), kept), http.StatusOK)
	wantTokenStatus(t, "used again 25 days after that", d.tokenAt(t, now.Add(45*24*time.Hour), kept), http.StatusOK)
	wantTokenStatus(t, "the idle token used later still", d.tokenAt(t, now.Add(32*24*time.Hour), idle), http.StatusUnauthorized)
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE action = 'token.failed' AND summary LIKE '%expired token%'`); n < 2 {
		t.Errorf("%d expired-token refusals recorded, want at least 2", n)
	}

	// Lifetimes out of range are refused with a sentence, and nothing is made.
	for _, days := range []string{"0", "366", "ten", "-3", "1.5"} {
		if _, _, err := d.uc.CreateToken(ctx, app.CommandLine(), u.ID, "bad", days); err == nil || !strings.Contains(err.Error(), "from 1 to 365") {
			t.Errorf("a token of %q days: got error %v, want one asking for 1 to 365", days, err)
		}
	}
	if n := d.count(t, `SELECT count(*) FROM api_tokens WHERE label = 'bad'`); n != 0 {
		t.Errorf("%d tokens made with a bad lifetime, want none", n)
	}

	// The page: the form takes the lifetime, the list shows both expiries and what expired.
	me := d.browserOf(d.signIn(t, email))
	page := me.post(t, "/tokens", url.Values{"name": {"from the page"}, "expires_in_days": {"400"}})
	if page.status != http.StatusUnprocessableEntity || !strings.Contains(string(page.body), "from 1 to 365") || !strings.Contains(string(page.body), `value="400"`) {
		t.Errorf("a 400-day token from the page: got %d, want 422 asking for 1 to 365 and keeping 400; body: %s", page.status, page)
	}
	page = me.post(t, "/tokens", url.Values{"name": {"from the page"}, "expires_in_days": {"30"}})
	if page.status != http.StatusCreated || !strings.Contains(string(page.body), "It expires 2026-05-15") {
		t.Errorf("a 30-day token from the page: got %d, want 201 saying it expires 2026-05-15; body: %s", page.status, page)
	}
	later := newAppAt(t, d.store(), now.Add(11*24*time.Hour), false)
	list := later.browserOf(later.signIn(t, email)).get(t, "/tokens")
	for _, want := range []string{"Expires", "Unless used by", "expired 2026-04-25", "2026-07-14"} {
		if !strings.Contains(string(list.body), want) {
			t.Errorf("the tokens page 11 days on does not show %q", want)
		}
	}
}
