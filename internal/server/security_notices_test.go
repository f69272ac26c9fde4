package server_test

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	shmail "shareline/internal/mail"
	"shareline/internal/mail/smtptest"
)

// ASVS 2.2.3, 2.5.5, 3.3.4: every change to a user's credentials or sessions, whoever makes it,
// is written as a notice to that user in the change's own transaction: a password changed or
// reset, two-step sign-in on or off, recovery codes made anew or used, a token made or revoked,
// sessions ended, a role changed, the account deactivated and reactivated.
func TestSecurityEveryCredentialChangeIsNoticed(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	ctx, cli := context.Background(), app.CommandLine()
	email := d.addUser(t, auth.Viewer)
	u := d.user(t, email)
	me := app.Principal{User: u, RemoteAddr: "192.0.2.10", Via: "session"}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Two sessions of the user's: one ended on its own, then the others.
	d.signIn(t, email)
	d.signIn(t, email)
	sessions, err := d.uc.Sessions(ctx, me, "")
	must("list sessions", err)
	must("end a session", d.uc.EndSession(ctx, me, sessions[0].ID))

	const second = "a second long passphrase"
	must("change own password", d.uc.ChangePassword(ctx, me, testPassword, second, ""))
	key, err := d.uc.NewTOTPKey(ctx, me)
	must("new TOTP key", err)
	code, _ := auth.TOTPCode(key.Secret, now)
	_, err = d.uc.EnableTOTP(ctx, me, key.Secret, code)
	must("enable TOTP", err)
	codes, err := d.uc.RegenerateRecoveryCodes(ctx, me, second)
	must("regenerate recovery codes", err)
	_, err = d.uc.SecondFactor(ctx, u.ID, codes[0], "192.0.2.10")
	must("sign in with a recovery code", err)
	must("disable TOTP", d.uc.DisableTOTP(ctx, me, second))
	_, tok, err := d.uc.CreateToken(ctx, me, 0, "CI export", "")
	must("create a token", err)
	must("revoke a token", d.uc.RevokeToken(ctx, me, tok.ID, false, ""))
	_, err = d.uc.EndOtherSessions(ctx, me, "")
	must("end other sessions", err)
	_, err = d.uc.SetRole(ctx, cli, u.ID, "evaluator", true)
	must("change the role", err)
	_, err = d.uc.ResetPassword(ctx, cli, u.ID, testPassword, false)
	must("reset the password", err)
	mailLinks(t, d.testApp, smtptest.Start(t, smtptest.Options{}))
	links := make(chan string, 1)
	must("ask for a reset link", d.uc.AskPasswordReset(ctx, email, "192.0.2.10", func(token string) string {
		links <- token
		return "http://shareline.example/login/reset?token=" + token
	}, slog.New(slog.DiscardHandler)))
	_, err = d.uc.ResetPasswordWithLink(ctx, <-links, second, "192.0.2.10")
	must("reset the password with the link", err)
	_, err = d.uc.SetActive(ctx, cli, u.ID, false)
	must("deactivate", err)
	_, err = d.uc.SetActive(ctx, cli, u.ID, true)
	must("reactivate", err)

	rows, err := d.pool.Query(ctx, `SELECT DISTINCT action FROM security_notices WHERE user_id = $1`, u.ID)
	must("read notices", err)
	var got []string
	for rows.Next() {
		var a string
		must("scan", rows.Scan(&a))
		got = append(got, a)
	}
	must("rows", rows.Err())
	for _, want := range auth.NoticeActions {
		if !slices.Contains(got, want) {
			t.Errorf("no notice of %s: the user is not told of it (got %v)", want, got)
		}
	}
	// Nothing secret is kept with them.
	for _, secret := range []string{second, testPassword, key.Secret, codes[0], codes[1]} {
		if n := d.count(t, `SELECT count(*) FROM security_notices WHERE strpos(lower(summary), lower($1)) > 0`, secret); n != 0 {
			t.Errorf("%d notices hold a secret the change used", n)
		}
	}
	// Nobody else is told: the admins' and others' notices are their own.
	if n := d.count(t, `SELECT count(*) FROM security_notices WHERE user_id <> $1`, u.ID); n != 0 {
		t.Errorf("%d notices went to other users", n)
	}
}

// ASVS 2.2.3 in the app: a change made by someone else (here an admin) is shown on the user's
// next page, once; htmx fragments leave it for a whole page; the account page lists it after.
func TestSecurityNoticesAreShownOnceOnTheNextPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	email := a.addUser(t, auth.Viewer)
	u := a.user(t, email)
	me := a.browserOf(a.signIn(t, email))
	if page := me.get(t, "/providers"); strings.Contains(string(page.body), `data-testid="security-notices"`) {
		t.Fatal("a notice is shown before any change")
	}
	_, _, err := a.uc.CreateToken(context.Background(), a.adminPrincipal(t), u.ID, "made by the admin", "")
	if err != nil {
		t.Fatal(err)
	}
	frag := me.do(t, http.MethodGet, "/providers", nil, http.Header{http.CanonicalHeaderKey("HX-Request"): {"true"}})
	wantStatus(t, frag, http.StatusOK)
	if strings.Contains(string(frag.body), `data-testid="security-notices"`) {
		t.Error("an htmx fragment shows the notice (it should wait for a whole page)")
	}
	page := me.get(t, "/providers")
	wantStatus(t, page, http.StatusOK)
	body := string(page.body)
	if !strings.Contains(body, `data-testid="security-notices"`) || !strings.Contains(body, "An API token was created") ||
		!strings.Contains(body, `created token &#34;made by the admin&#34; for `+email) {
		t.Fatalf("the next page does not tell of the admin's token: %s", page)
	}
	again := me.get(t, "/providers")
	if strings.Contains(string(again.body), `data-testid="security-notices"`) {
		t.Error("the notice is shown a second time")
	}
	if acct := me.get(t, "/account"); !strings.Contains(string(acct.body), `created token &#34;made by the admin&#34;`) {
		t.Error("the account page does not list the change")
	}
}

// adminPrincipal is the test's signed-in admin as the use cases see them.
func (a *testApp) adminPrincipal(t *testing.T) app.Principal {
	t.Helper()
	for _, u := range mustUsers(t, a) {
		if u.Role == auth.Admin {
			return app.Principal{User: u, RemoteAddr: "192.0.2.1", Via: "session"}
		}
	}
	t.Fatal("no admin")
	return app.Principal{}
}

func mustUsers(t *testing.T, a *testApp) []auth.User {
	t.Helper()
	us, err := a.uc.Users(context.Background(), app.CommandLine())
	if err != nil {
		t.Fatal(err)
	}
	return us
}

// mailing sends the app's notices through a real SMTP server in the test, until it ends.
func mailing(t *testing.T, a *testApp, smtpURL string, o app.MailOptions) {
	t.Helper()
	cfg, err := shmail.ParseURL(smtpURL, "Shareline <shareline@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.uc.RunNoticeMail(ctx, shmail.New(cfg), o, slog.New(slog.NewTextHandler(a.logs, nil)))
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// readMail parses a received message and decodes its body.
func readMail(t *testing.T, m smtptest.Message) (subject, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		t.Fatalf("reading the message: %v", err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	r := io.Reader(msg.Body)
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return subject, string(b)
}

// ASVS 2.2.3 by email: with SMTP configured, the user gets an email naming the change, to their
// address, from the configured sender, and never with the password or token it set.
func TestSecurityNoticesAreEmailed(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	srv := smtptest.Start(t, smtptest.Options{})
	mailing(t, a, srv.URL(""), app.MailOptions{Poll: 50 * time.Millisecond, BaseURL: "https://shareline.example.com"})
	email := a.addUser(t, auth.Viewer)
	u := a.user(t, email)

	const newPassword = "reset by the admin 77"
	wantStatus(t, a.post(t, "/admin/users/"+idOf(u.ID)+"/password", url.Values{"password": {newPassword}}), http.StatusSeeOther)
	m := srv.Wait(t, 20*time.Second)
	subject, body := readMail(t, m)
	if len(m.To) != 1 || m.To[0] != email || m.From != "shareline@example.com" {
		t.Errorf("envelope: got from %q to %v, want shareline@example.com to %s", m.From, m.To, email)
	}
	// A reset ends the user's sessions too: both are told, in one email.
	if !strings.Contains(subject, "Shareline") || !strings.Contains(body, "Your password was reset by an admin") ||
		!strings.Contains(body, "reset the password of "+email) || !strings.Contains(body, "Sessions were ended") ||
		!strings.Contains(body, "https://shareline.example.com/account") {
		t.Errorf("the email does not name the change:\nSubject: %s\n%s", subject, body)
	}
	if strings.Contains(body, newPassword) || strings.Contains(string(m.Data), newPassword) {
		t.Error("the email carries the new password")
	}

	// A token made by the user: the email names it, never its value.
	signed := a.anonymous().postSignIn(t, email, newPassword, nil)
	wantStatus(t, signed, http.StatusSeeOther)
	me := a.browserOf(http.Header{"Cookie": {sessionCookie(signed)}})
	r := me.post(t, "/tokens", url.Values{"name": {"laptop script"}})
	token := regexp.MustCompile(`shl_[A-Za-z0-9_-]+`).Find(r.body)
	if token == nil {
		t.Fatalf("no token shown: %s", r)
	}
	m = srv.Wait(t, 20*time.Second)
	subject, body = readMail(t, m)
	if subject != "Shareline: An API token was created" || !strings.Contains(body, `created token "laptop script"`) {
		t.Errorf("the token email: got subject %q, body:\n%s", subject, body)
	}
	if strings.Contains(string(m.Data), string(token)) || strings.Contains(string(m.Data), string(token[4:])) {
		t.Error("the email carries the token")
	}
	srv.None(t, 300*time.Millisecond)
}

// A mail server that never answers holds up nothing: the change answers at once, and the mail
// stays due for a retry.
func TestSecurityNoticeMailNeverHoldsUpTheChange(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() { // accepts, then says nothing
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	mailing(t, d.testApp, "smtp://"+ln.Addr().String(), app.MailOptions{Poll: 20 * time.Millisecond, Timeout: 500 * time.Millisecond, Retry: time.Hour})
	email := d.addUser(t, auth.Viewer)
	u := d.user(t, email)
	time.Sleep(100 * time.Millisecond) // the loop is polling
	start := time.Now()
	wantStatus(t, d.post(t, "/admin/users/"+idOf(u.ID)+"/password", url.Values{"password": {"reset by the admin 77"}}), http.StatusSeeOther)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the reset took %v with a mail server that hangs, want well under 2 s", took)
	}
	deadline := time.Now().Add(10 * time.Second)
	for d.count(t, `SELECT count(*) FROM security_notices WHERE user_id = $1 AND mail_attempts > 0 AND mail_error <> ''`, u.ID) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the failed try was not noted")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := d.count(t, `SELECT count(*) FROM security_notices WHERE user_id = $1 AND (mailed_at IS NOT NULL OR mail_given_up)`, u.ID); n != 0 {
		t.Errorf("%d notices marked mailed or given up after one failed try", n)
	}
	if !strings.Contains(d.logs.String(), "a security notice email was not sent") {
		t.Error("the failed try is not logged")
	}
}

// A refused mail is retried until it goes, and given up after the last attempt.
func TestSecurityNoticeMailIsRetried(t *testing.T) {
	t.Parallel()
	d := newDBApp(t)
	srv := smtptest.Start(t, smtptest.Options{})
	cfg, err := shmail.ParseURL(srv.URL(""), "shareline@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sender, log := shmail.New(cfg), slog.New(slog.NewTextHandler(d.logs, nil))
	o := app.MailOptions{Retry: time.Millisecond, Attempts: 3}
	ctx := context.Background()
	email := d.addUser(t, auth.Viewer)
	u := d.user(t, email)
	if _, _, err := d.uc.CreateToken(ctx, app.CommandLine(), u.ID, "one", ""); err != nil {
		t.Fatal(err)
	}

	srv.Refuse(true)
	if n, err := d.uc.DeliverNotices(ctx, sender, o, log); n != 0 || err != nil {
		t.Fatalf("a refused send: got %d sent, %v; want 0, nil", n, err)
	}
	time.Sleep(20 * time.Millisecond)
	srv.Refuse(false)
	if n, err := d.uc.DeliverNotices(ctx, sender, o, log); n != 1 || err != nil {
		t.Fatalf("the retry: got %d sent, %v; want 1, nil", n, err)
	}
	if m := srv.Wait(t, 5*time.Second); m.To[0] != email {
		t.Errorf("the retry went to %v", m.To)
	}
	if n := d.count(t, `SELECT count(*) FROM security_notices WHERE user_id = $1 AND mailed_at IS NOT NULL AND mail_attempts = 2`, u.ID); n != 1 {
		t.Errorf("mailed after two tries: %d notices, want 1", n)
	}

	// Refused every time: given up after the third try, and not tried again.
	if _, _, err := d.uc.CreateToken(ctx, app.CommandLine(), u.ID, "two", ""); err != nil {
		t.Fatal(err)
	}
	srv.Refuse(true)
	for range 4 {
		if _, err := d.uc.DeliverNotices(ctx, sender, o, log); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := d.count(t, `SELECT count(*) FROM security_notices WHERE user_id = $1 AND mail_given_up AND mail_attempts = 3`, u.ID); n != 1 {
		t.Errorf("given up after 3 tries: %d notices, want 1", n)
	}
}
