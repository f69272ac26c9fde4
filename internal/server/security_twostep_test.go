package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shareline/internal/auth"
)

// enrollTOTP turns two-step sign-in on for the signed-in browser and returns the secret and the
// recovery codes the page showed.
func enrollTOTP(t *testing.T, browser *testApp) (string, []string) {
	t.Helper()
	page := browser.get(t, "/account/two-step")
	wantStatus(t, page, http.StatusOK)
	m := regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`).FindSubmatch(page.body)
	if m == nil || !strings.Contains(string(page.body), `src="data:image/png;base64,`) {
		t.Fatalf("the two-step page shows no secret and QR code:\n%s", page)
	}
	secret := string(m[1])
	wrong := browser.post(t, "/account/two-step", url.Values{"code": {"000000"}})
	if wrong.status != http.StatusUnprocessableEntity || !strings.Contains(string(wrong.body), `aria-describedby="error-code"`) {
		t.Errorf("a wrong code while setting up: got %d, want 422 beside the code field", wrong.status)
	}
	code, err := auth.TOTPCode(secret, now)
	if err != nil {
		t.Fatal(err)
	}
	done := browser.post(t, "/account/two-step", url.Values{"code": {code}})
	wantStatus(t, done, http.StatusOK)
	codes := regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`).FindAllStringSubmatch(string(done.body), -1)
	if len(codes) != 10 {
		t.Fatalf("recovery codes shown: %d, want 10", len(codes))
	}
	var out []string
	for _, c := range codes {
		out = append(out, c[1])
	}
	return secret, out
}

// passwordStep posts the password and returns the half-signed-in browser.
func (a *testApp) passwordStep(t *testing.T, email string) *testApp {
	t.Helper()
	r := a.anonymous().postSignIn(t, email, testPassword, nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login/second-factor") {
		t.Fatalf("the password of a user with two-step sign-in: got %d to %q, want 303 to /login/second-factor", r.status, r.header.Get("Location"))
	}
	return a.browserOf(http.Header{"Cookie": {sessionCookie(r)}})
}

// secondStep posts a code and returns the answer, with the browser now holding its cookie.
func secondStep(t *testing.T, b *testApp, code string) response {
	t.Helper()
	r := b.post(t, "/login/second-factor", url.Values{"code": {code}, "next": {"/providers"}})
	if c := sessionCookie(r); c != "" {
		b.header = http.Header{"Cookie": {c}}
	}
	return r
}

// ASVS 2.7/2.8: TOTP as a second factor, with one-time recovery codes. A code is accepted once
// only, and so is each recovery code; wrong codes are slowed down as wrong passwords are.
func TestSecurityTotpSignIn(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	email := d.addUser(t, auth.Evaluator)
	secret, codes := enrollTOTP(t, d.browserOf(d.signIn(t, email)))

	me := d.passwordStep(t, email)
	if r := me.get(t, "/providers"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("after the password alone: GET /providers got %d, want 303 to sign in", r.status)
	}
	if r := secondStep(t, me, "123456"); r.status != http.StatusUnauthorized || !regexp.MustCompile(`id="second-factor-code"[^>]*aria-invalid="true"`).Match(r.body) {
		t.Errorf("a wrong code: got %d, want 401 with the field marked invalid", r.status)
	}
	// The code of the step the setup used is spent; the next step's (a clock 30 s ahead) is not.
	used, _ := auth.TOTPCode(secret, now)
	if r := secondStep(t, me, used); r.status != http.StatusUnauthorized {
		t.Errorf("the code the setup used: got %d, want 401", r.status)
	}
	code, err := auth.TOTPCode(secret, now.Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if r := secondStep(t, me, code); r.status != http.StatusSeeOther || r.header.Get("Location") != "/providers" {
		t.Fatalf("the right code: got %d to %q, want 303 to /providers", r.status, r.header.Get("Location"))
	}
	wantStatus(t, me.get(t, "/providers"), http.StatusOK)

	// The same code again (the clock stands still): refused.
	again := d.passwordStep(t, email)
	if r := secondStep(t, again, code); r.status != http.StatusUnauthorized {
		t.Errorf("a code used before: got %d, want 401", r.status)
	}
	// A recovery code, once.
	if r := secondStep(t, again, strings.ToUpper(codes[0])); r.status != http.StatusSeeOther {
		t.Errorf("a recovery code: got %d, want 303", r.status)
	}
	third := d.passwordStep(t, email)
	if r := secondStep(t, third, codes[0]); r.status != http.StatusUnauthorized {
		t.Errorf("a recovery code used before: got %d, want 401", r.status)
	}
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE action = 'signin.second_factor_failed'`); n != 4 {
		t.Errorf("audit entries for wrong codes: %d, want 4", n)
	}
	// Wrong codes count as failed sign-ins (a success clears them): five in a row, and the next
	// attempt waits.
	for _, c := range []string{"000001", "000002", "000003", "000004"} {
		secondStep(t, third, c)
	}
	if r := secondStep(t, third, codes[1]); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("after five wrong codes: got %d, want 429 with Retry-After", r.status)
	}
	// The account page lists the changes.
	page := me.get(t, "/account")
	for _, want := range []string{"turned on two-step sign-in", "signed in with a recovery code"} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("the account page does not show %q", want)
		}
	}
}

// ASVS 2.7 (admin): an admin requires two-step sign-in of admins or of everyone; a user it
// covers who has none is sent to set it up at sign-in, and can do nothing else until then.
func TestSecurityTotpRequiredByAdmin(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	wantStatus(t, d.post(t, "/admin/security", url.Values{"mfa_required": {"sometimes"}}), http.StatusUnprocessableEntity)
	wantStatus(t, d.post(t, "/admin/security", url.Values{"mfa_required": {"admins"}}), http.StatusSeeOther)
	if n := d.count(t, `SELECT count(*) FROM audit_log WHERE action = 'setting.changed' AND strpos(summary, 'admins') > 0`); n != 1 {
		t.Errorf("audit entries for the setting: %d, want 1", n)
	}
	viewer := d.addUser(t, auth.Viewer)
	r := d.anonymous().postSignIn(t, viewer, testPassword, nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/providers" {
		t.Errorf("a viewer while admins must: got %d to %q, want 303 to /providers", r.status, r.header.Get("Location"))
	}
	admin := d.addUser(t, auth.Admin)
	r = d.anonymous().postSignIn(t, admin, testPassword, nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/two-step" {
		t.Fatalf("an admin without two-step sign-in: got %d to %q, want 303 to /account/two-step", r.status, r.header.Get("Location"))
	}
	b := d.browserOf(http.Header{"Cookie": {sessionCookie(r)}})
	if r := b.get(t, "/admin/users"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/two-step" {
		t.Errorf("before setting it up: GET /admin/users got %d to %q, want 303 to /account/two-step", r.status, r.header.Get("Location"))
	}
	enrollTOTP(t, b)
	wantStatus(t, b.get(t, "/admin/users"), http.StatusOK)
	// It cannot be turned off while required.
	if r := b.post(t, "/account/two-step/disable", url.Values{"password": {testPassword}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("turning it off while required: got %d, want 422", r.status)
	}
	// Another admin turns it off for them (a lost authenticator): their sessions end.
	u := d.user(t, admin)
	wantStatus(t, d.post(t, "/admin/users/"+idOf(u.ID)+"/two-step/reset", nil), http.StatusSeeOther)
	wantSignedOut(t, "after an admin turned two-step sign-in off", b)

	wantStatus(t, d.post(t, "/admin/security", url.Values{"mfa_required": {"everyone"}}), http.StatusSeeOther)
	r = d.anonymous().postSignIn(t, viewer, testPassword, nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/two-step" {
		t.Errorf("a viewer when everyone must: got %d to %q, want 303 to /account/two-step", r.status, r.header.Get("Location"))
	}
}
