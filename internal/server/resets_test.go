package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/mail/smtptest"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// resetBase is the base URL the reset tests' server is configured with: links are made on it.
const resetBase = "http://shareline.example"

var mailedResetLink = regexp.MustCompile(`http://shareline\.example/login/reset\?token=([A-Za-z0-9_-]{43})`)

// resetApp is a server that emails reset links through a real SMTP server, on a database the
// test can also query.
type resetApp struct {
	dbApp
	smtp *smtptest.Server
}

func newResetApp(t *testing.T) resetApp {
	t.Helper()
	pool := poolFor(t, postgrestest.URL(t))
	store := postgres.New(pool)
	logs := &syncBuffer{}
	uc := app.New(store, func() time.Time { return now })
	srv := server.New(server.Options{App: uc, Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(logs, nil)), BaseURL: resetBase})
	a := &testApp{h: validateAPI(t, srv.Handler()), logs: logs, uc: uc}
	mail := smtptest.Start(t, smtptest.Options{})
	mailLinks(t, a, mail)
	return resetApp{dbApp{a, pool}, mail}
}

// ask posts the forgot form for email as a client at addr (host:port).
func (a resetApp) ask(t *testing.T, addr, email string) response {
	t.Helper()
	form := url.Values{"email": {email}}
	req := httptest.NewRequest(http.MethodPost, "/login/forgot", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", formType)
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return response{method: http.MethodPost, target: "/login/forgot", status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// mailedToken waits for the next email, checks it goes to email, and returns its link's token.
func (a resetApp) mailedToken(t *testing.T, email string) string {
	t.Helper()
	m := a.smtp.Wait(t, 10*time.Second)
	subject, body := readMail(t, m)
	if len(m.To) != 1 || m.To[0] != email {
		t.Errorf("reset email: got to %v, want %s only", m.To, email)
	}
	if subject != "Shareline: reset your password" {
		t.Errorf("reset email subject: got %q", subject)
	}
	match := mailedResetLink.FindStringSubmatch(body)
	if match == nil {
		t.Fatalf("reset email: no link on %s in\n%s", resetBase, body)
	}
	return match[1]
}

func resetForm(token, password string) url.Values {
	return url.Values{"token": {token}, "password": {password}, "confirm_password": {password}}
}

const newTestPassword = "a brand new test password"

// ASVS 2.5.6: asking for a reset link answers the same for an account that exists and one that
// does not (status, redirect, page), and only the account that exists gets an email.
func TestResetAskAnswersTheSameKnownOrNot(t *testing.T) {
	t.Parallel()
	a := newResetApp(t)
	known := a.addUser(t, auth.Viewer)

	k := a.ask(t, "192.0.2.10:1", known)
	u := a.ask(t, "192.0.2.11:1", "nobody-"+tag(t)+"@example.com")
	if k.status != http.StatusSeeOther || u.status != k.status {
		t.Fatalf("answers: known %d, unknown %d; want 303 for both", k.status, u.status)
	}
	if k.header.Get("Location") != u.header.Get("Location") || string(k.body) != string(u.body) {
		t.Errorf("answers differ: known to %q (%q), unknown to %q (%q)", k.header.Get("Location"), k.body, u.header.Get("Location"), u.body)
	}
	page := a.anonymous().get(t, k.header.Get("Location"))
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(string(page.body), "If an account uses that address, a link is on its way") {
		t.Errorf("the page after asking: want the neutral answer, got %s", page)
	}
	a.mailedToken(t, known)
	a.smtp.None(t, 500*time.Millisecond) // nothing for the unknown address

	bad := a.ask(t, "192.0.2.12:1", "not an email")
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), `data-testid="error-email"`) {
		t.Errorf("a malformed email: got %d, want 422 beside the field", bad.status)
	}
	if n := a.count(t, `SELECT count(*) FROM password_reset_requests WHERE remote_addr = '192.0.2.12'`); n != 0 {
		t.Errorf("a malformed email was counted (%d asks), want none", n)
	}
	if n := a.count(t, `SELECT count(*) FROM password_reset_requests WHERE account_key = $1`, auth.SignInKey(known)); n != 1 {
		t.Errorf("asks stored under the account's key: %d, want 1", n)
	}
}

// The mailed link sets a new password once: every session of the user ends, the change is
// noticed and audited, the old password stops working, and the link's token reaches neither
// the request log nor another site (no Referer).
func TestResetLinkWorksOnceAndEndsSessions(t *testing.T) {
	t.Parallel()
	a := newResetApp(t)
	email := a.addUser(t, auth.Viewer)
	user := a.user(t, email)
	old := a.browserOf(a.signIn(t, email))
	wantStatus(t, old.get(t, "/providers"), http.StatusOK)

	wantStatus(t, a.ask(t, "192.0.2.20:1", email), http.StatusSeeOther)
	token := a.mailedToken(t, email)
	anon := a.anonymous()

	page := anon.get(t, "/login/reset?token="+token)
	wantStatus(t, page, http.StatusOK)
	if got := page.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("reset page: Referrer-Policy %q, want no-referrer", got)
	}
	if !strings.Contains(string(page.body), `name="token" value="`+token+`"`) || !strings.Contains(string(page.body), `action="/login/reset"`) {
		t.Errorf("reset page: want a form that posts the token on in a hidden field")
	}

	weak := anon.post(t, "/login/reset", resetForm(token, "password123"))
	if weak.status != http.StatusUnprocessableEntity || !strings.Contains(string(weak.body), `data-testid="error-password"`) {
		t.Errorf("a breached password: got %d, want 422 beside the field", weak.status)
	}
	mismatch := anon.post(t, "/login/reset", url.Values{"token": {token}, "password": {newTestPassword}, "confirm_password": {"something else entirely"}})
	if mismatch.status != http.StatusUnprocessableEntity || !strings.Contains(string(mismatch.body), `data-testid="error-confirm_password"`) {
		t.Errorf("passwords that differ: got %d, want 422 beside the confirmation", mismatch.status)
	}

	done := anon.post(t, "/login/reset", resetForm(token, newTestPassword))
	if done.status != http.StatusSeeOther || done.header.Get("Location") != "/login?done=reset" {
		t.Fatalf("reset: got %d to %q, want 303 to /login?done=reset; %s", done.status, done.header.Get("Location"), done)
	}
	if got := done.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("reset answer: Referrer-Policy %q, want no-referrer", got)
	}
	if signin := anon.get(t, "/login?done=reset"); !strings.Contains(string(signin.body), `data-testid="signin-notice"`) {
		t.Errorf("the sign-in page after a reset does not say the password is set")
	}
	wantSignedOut(t, "after a reset through the link", old)
	if r := anon.postSignIn(t, email, testPassword, nil); r.status != http.StatusUnauthorized {
		t.Errorf("the old password after the reset: got %d, want 401", r.status)
	}
	if r := anon.postSignIn(t, email, newTestPassword, nil); r.status != http.StatusSeeOther {
		t.Errorf("the new password: got %d, want 303 (signed in)", r.status)
	}

	again := anon.get(t, "/login/reset?token="+token)
	if again.status != http.StatusGone || !strings.Contains(string(again.body), "used already") || !strings.Contains(string(again.body), `href="/login/forgot"`) {
		t.Errorf("the link a second time: got %d, want 410 saying it was used, offering to ask again; %s", again.status, again)
	}
	if r := anon.post(t, "/login/reset", resetForm(token, "yet another new password")); r.status != http.StatusGone {
		t.Errorf("posting the used link: got %d, want 410", r.status)
	}
	if n := a.count(t, `SELECT count(*) FROM password_resets WHERE user_id = $1 AND ended = 'used'`, user.ID); n != 1 {
		t.Errorf("links ended as used: %d, want 1", n)
	}
	if n := a.count(t, `SELECT count(*) FROM security_notices WHERE user_id = $1 AND action = $2`, user.ID, auth.ActionPasswordResetByLink); n != 1 {
		t.Errorf("security notices of the reset: %d, want 1", n)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE subject_user_id = $1 AND action = $2`, user.ID, auth.ActionPasswordResetByLink); n != 1 {
		t.Errorf("audit entries of the reset: %d, want 1", n)
	}
	if n := a.count(t, `SELECT count(*) FROM audit_log WHERE subject_user_id = $1 AND action = $2`, user.ID, auth.ActionSessionsEnded); n != 1 {
		t.Errorf("audit entries of the sessions ended: %d, want 1", n)
	}
	if logs := a.logs.String(); strings.Contains(logs, token) || !strings.Contains(logs, "path=/login/reset") {
		t.Errorf("request log: want /login/reset logged without its token; got\n%s", logs)
	}
}

// A new link replaces the live one; an expired link and a made-up one are refused with a page
// that offers to ask again.
func TestResetLinksReplacedExpiredUnknown(t *testing.T) {
	t.Parallel()
	a := newResetApp(t)
	email := a.addUser(t, auth.Viewer)
	anon := a.anonymous()

	wantStatus(t, a.ask(t, "192.0.2.30:1", email), http.StatusSeeOther)
	first := a.mailedToken(t, email)
	wantStatus(t, a.ask(t, "192.0.2.30:1", email), http.StatusSeeOther)
	second := a.mailedToken(t, email)
	if r := anon.get(t, "/login/reset?token="+first); r.status != http.StatusGone || !strings.Contains(string(r.body), "newer password reset link") {
		t.Errorf("the replaced link: got %d, want 410 saying a newer one was sent; %s", r.status, r)
	}
	if r := anon.post(t, "/login/reset", resetForm(first, newTestPassword)); r.status != http.StatusGone {
		t.Errorf("posting the replaced link: got %d, want 410", r.status)
	}
	if n := a.count(t, `SELECT count(*) FROM password_resets WHERE ended = 'replaced'`); n != 1 {
		t.Errorf("links ended as replaced: %d, want 1", n)
	}

	if _, err := a.pool.Exec(context.Background(), `UPDATE password_resets SET expires_at = $1 WHERE ended_at IS NULL`, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r := anon.get(t, "/login/reset?token="+second); r.status != http.StatusGone || !strings.Contains(string(r.body), "expired") {
		t.Errorf("the expired link: got %d, want 410 saying it expired; %s", r.status, r)
	}
	if r := anon.post(t, "/login/reset", resetForm(second, newTestPassword)); r.status != http.StatusGone {
		t.Errorf("posting the expired link: got %d, want 410", r.status)
	}
	if r := anon.postSignIn(t, email, testPassword, nil); r.status != http.StatusSeeOther {
		t.Errorf("the old password after refused links: got %d, want 303 (unchanged)", r.status)
	}

	for _, token := range []string{"", "short", strings.Repeat("A", 43), strings.Repeat("!", 43)} {
		r := anon.get(t, "/login/reset?token="+url.QueryEscape(token))
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `data-testid="reset-ask-again"`) {
			t.Errorf("made-up token %q: got %d, want 400 offering to ask again", token, r.status)
		}
	}
}

// At most 3 links an hour go to one account (the 4th ask gets the same answer and no email),
// and one address may ask 10 times an hour (the 11th gets 429).
func TestResetAskLimits(t *testing.T) {
	t.Parallel()
	a := newResetApp(t)
	email := a.addUser(t, auth.Viewer)
	for i := range 4 {
		addr := "192.0.2." + string(rune('1'+i)) + "0:1" // another address each time
		wantStatus(t, a.ask(t, addr, email), http.StatusSeeOther)
		if i < 3 {
			a.mailedToken(t, email)
		}
	}
	a.smtp.None(t, 500*time.Millisecond)

	const addr = "198.51.100.9:1"
	for i := range 10 {
		if r := a.ask(t, addr, "someone-"+string(rune('a'+i))+"@example.com"); r.status != http.StatusSeeOther {
			t.Fatalf("ask %d from one address: got %d, want 303", i+1, r.status)
		}
	}
	r := a.ask(t, addr, email)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), `data-testid="forgot-error"`) {
		t.Errorf("the 11th ask from one address: got %d (Retry-After %q), want 429 with a page saying why", r.status, r.header.Get("Retry-After"))
	}
	if r := a.ask(t, "198.51.100.10:1", "someone-else@example.com"); r.status != http.StatusSeeOther {
		t.Errorf("another address: got %d, want 303", r.status)
	}
}

// A reset does not get round two-step sign-in: afterwards the user signs in with the new
// password and still their code.
func TestResetKeepsTwoStepSignIn(t *testing.T) {
	t.Parallel()
	a := newResetApp(t)
	email := a.addUser(t, auth.Viewer)
	enrollTOTP(t, a.browserOf(a.signIn(t, email)))

	wantStatus(t, a.ask(t, "192.0.2.40:1", email), http.StatusSeeOther)
	token := a.mailedToken(t, email)
	done := a.anonymous().post(t, "/login/reset", resetForm(token, newTestPassword))
	if done.status != http.StatusSeeOther || done.header.Get("Location") != "/login?done=reset" || sessionCookie(done) != "" {
		t.Fatalf("reset: got %d to %q (cookie %q), want 303 to sign-in and no session", done.status, done.header.Get("Location"), sessionCookie(done))
	}
	r := a.anonymous().postSignIn(t, email, newTestPassword, nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login/second-factor") {
		t.Errorf("the new password of a user with two-step sign-in: got %d to %q, want 303 to /login/second-factor", r.status, r.header.Get("Location"))
	}
}

// Without SMTP the forgot page says resets go through an admin, and sends nothing; the
// sign-in page links to it either way.
func TestResetWithoutMailGoesThroughAnAdmin(t *testing.T) {
	t.Parallel()
	a := newApp(t).anonymous()
	email := a.addUser(t, auth.Viewer)
	if r := a.get(t, "/login"); !strings.Contains(string(r.body), `href="/login/forgot"`) || !strings.Contains(string(r.body), "Forgot your password?") {
		t.Errorf("the sign-in page has no link to the forgot page")
	}
	for _, r := range []response{a.get(t, "/login/forgot"), a.post(t, "/login/forgot", url.Values{"email": {email}})} {
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `data-testid="forgot-by-admin"`) || strings.Contains(string(r.body), `data-testid="forgot-form"`) {
			t.Errorf("%s %s without SMTP: got %d, want 200 saying resets go through an admin, with no form", r.method, r.target, r.status)
		}
	}
}
