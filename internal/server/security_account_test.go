package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shareline/internal/auth"
)

// browserOf is the server seen through a session cookie.
func (a *testApp) browserOf(cookie http.Header) *testApp {
	b := a.anonymous()
	b.header = cookie
	return b
}

func (a *testApp) post(t *testing.T, target string, form url.Values) response {
	t.Helper()
	return a.do(t, http.MethodPost, target, strings.NewReader(form.Encode()), withForm(nil))
}

// ASVS 2.1.5, 2.1.6, 3.3.3: a user changes their own password, giving the current one; the
// change ends their other sessions and keeps the one that made it.
func TestSecurityUserChangesOwnPassword(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Viewer)
	here := a.browserOf(a.signIn(t, email))
	elsewhere := a.browserOf(a.signIn(t, email))
	const fresh = "a brand new passphrase 42"

	r := here.post(t, "/account/password", url.Values{"current_password": {"not my password at all"}, "new_password": {fresh}, "confirm_password": {fresh}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `aria-describedby="error-current_password"`) ||
		!regexp.MustCompile(`id="current_password"[^>]*aria-invalid="true"`).Match(r.body) {
		t.Errorf("a wrong current password: got %d, want 422 with the error tied to the field", r.status)
	}
	r = here.post(t, "/account/password", url.Values{"current_password": {testPassword}, "new_password": {fresh}, "confirm_password": {"something else entirely"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `id="error-confirm_password"`) {
		t.Errorf("a confirmation that differs: got %d, want 422 on confirm_password", r.status)
	}
	wantStatus(t, here.post(t, "/account/password", url.Values{"current_password": {testPassword}, "new_password": {fresh}, "confirm_password": {fresh}}), http.StatusSeeOther)

	wantStatus(t, here.get(t, "/providers"), http.StatusOK)
	wantSignedOut(t, "the other session after a password change", elsewhere)
	wantStatus(t, a.anonymous().postSignIn(t, email, testPassword, nil), http.StatusUnauthorized)
	wantStatus(t, a.anonymous().postSignIn(t, email, fresh, nil), http.StatusSeeOther)

	// The change is shown on the account page.
	page := here.get(t, "/account")
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(string(page.body), "changed their password") {
		t.Error("the account page does not show the password change")
	}
}

// ASVS 3.3.4: a user sees their own sessions and ends any of them; nobody ends another's.
func TestSecurityUserSeesAndEndsOwnSessions(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Evaluator)
	here := a.browserOf(a.signIn(t, email))
	other := a.browserOf(a.signIn(t, email))
	page := here.get(t, "/account")
	wantStatus(t, page, http.StatusOK)
	ids := regexp.MustCompile(`data-testid="session-(\d+)"`).FindAllStringSubmatch(string(page.body), -1)
	if len(ids) != 2 || strings.Count(string(page.body), "this session") != 1 {
		t.Fatalf("the account page lists %d sessions (want 2, one marked as this session)", len(ids))
	}
	// The session listed with an End button is the other one.
	end := regexp.MustCompile(`action="/account/sessions/(\d+)/end"`).FindStringSubmatch(string(page.body))
	if end == nil {
		t.Fatal("no End button for the other session")
	}
	// Another user cannot end it.
	stranger := a.as(t, auth.Viewer)
	if r := stranger.post(t, "/account/sessions/"+end[1]+"/end", nil); r.status != http.StatusNotFound {
		t.Errorf("another user ending the session: got %d, want 404", r.status)
	}
	wantStatus(t, other.get(t, "/providers"), http.StatusOK)
	wantStatus(t, here.post(t, "/account/sessions/"+end[1]+"/end", nil), http.StatusSeeOther)
	wantSignedOut(t, "the session ended from the account page", other)
	wantStatus(t, here.get(t, "/providers"), http.StatusOK)

	// End every other session.
	third := a.browserOf(a.signIn(t, email))
	wantStatus(t, here.post(t, "/account/sessions/end-others", nil), http.StatusSeeOther)
	wantSignedOut(t, "after ending every other session", third)
	wantStatus(t, here.get(t, "/providers"), http.StatusOK)
}

// ASVS 2.1.7, 2.1.1, 2.1.9: common and breached passwords, a few characters repeated, and
// spaces only are refused wherever a password is set.
func TestSecurityPasswordRulesRefuseCommonAndRepeated(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, pw := range []string{"qwertyqwerty", "1q2w3e4r5t6y", "Leavemealone", "aaaaaaaaaaaaaaaa", "abababababababab", "                "} {
		r := a.post(t, "/admin/users", url.Values{"email": {"rules-" + tag(t) + "@example.com"}, "name": {"Rules"}, "role": {"viewer"}, "password": {pw}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `data-testid="error-password"`) {
			t.Errorf("a new user with password %q: got %d, want 422 on password", pw, r.status)
		}
	}
	email := a.addUser(t, auth.Viewer)
	me := a.browserOf(a.signIn(t, email))
	r := me.post(t, "/account/password", url.Values{"current_password": {testPassword}, "new_password": {"qwertyqwerty"}, "confirm_password": {"qwertyqwerty"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "common and breached") {
		t.Errorf("changing to a breached password: got %d, want 422 naming the list", r.status)
	}
	// A long passphrase with spaces is fine.
	wantStatus(t, a.post(t, "/admin/users", url.Values{"email": {"ok-" + tag(t) + "@example.com"}, "name": {"OK"}, "role": {"viewer"},
		"password": {"correct horse battery staple x"}}), http.StatusSeeOther)
}

// ASVS 2.2.3 (in the app): changes an admin makes to a user's credentials are shown to the
// user on their account page.
func TestSecurityCredentialChangesAreShownToTheUser(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Viewer)
	u := a.user(t, email)
	wantStatus(t, a.post(t, "/admin/users/"+idOf(u.ID)+"/password", url.Values{"password": {"reset by the admin 77"}}), http.StatusSeeOther)
	form := url.Values{"email": {email}, "password": {"reset by the admin 77"}}
	r := a.anonymous().do(t, http.MethodPost, "/login", strings.NewReader(form.Encode()), withForm(nil))
	wantStatus(t, r, http.StatusSeeOther)
	me := a.browserOf(http.Header{"Cookie": {sessionCookie(r)}})
	page := me.get(t, "/account")
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(string(page.body), "reset the password of "+email) {
		t.Error("the account page does not show the admin's password reset")
	}
}
