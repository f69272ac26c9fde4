package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shareline/internal/auth"
	shmail "shareline/internal/mail"
	"shareline/internal/mail/smtptest"
)

// mailLinks makes the server email request links through srv.
func mailLinks(t *testing.T, a *testApp, srv *smtptest.Server) {
	t.Helper()
	cfg, err := shmail.ParseURL(srv.URL(""), "Shareline <shareline@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	a.uc.UseMailer(shmail.New(cfg))
}

var mailedLink = regexp.MustCompile(`http://example\.com/r/[A-Za-z0-9_-]{43}`)

// With SMTP configured, a request's link is emailed to its contact, replies going to the
// evaluator; the page and the API say whether it went, and a mail server that refuses it
// leaves the request in place with the link to send by hand.
func TestRequestLinksAreEmailed(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	a := newApp(t)
	mailLinks(t, a, srv)
	admin := a.user(t, a.addUser(t, auth.Admin))
	a.header = a.signIn(t, admin.Email)
	_, ev := a.evaluated(t, "Mailed Cloud "+tag(t), "saas")

	req := a.sendRequest(t, ev.ID)
	if req.Email != "sent" || req.EmailedAt == nil || req.EmailFailed != nil {
		t.Errorf("created: got email %q, emailed_at %v, email_failed_at %v; want sent, a time, null", req.Email, req.EmailedAt, req.EmailFailed)
	}
	m := srv.Wait(t, 10*time.Second)
	subject, body := readMail(t, m)
	if len(m.To) != 1 || m.To[0] != "ada@acme.example" {
		t.Errorf("envelope: got to %v, want the contact ada@acme.example only", m.To)
	}
	if !strings.Contains(string(m.Data), "Reply-To: <"+admin.Email+">") {
		t.Errorf("headers: want replies to go to the evaluator %s; got\n%s", admin.Email, m.Data)
	}
	if !strings.Contains(subject, "Mailed Cloud") || !strings.Contains(subject, "2026-04-30") {
		t.Errorf("subject %q: want the provider and the due date", subject)
	}
	if got := mailedLink.FindString(body); got != req.URL {
		t.Errorf("mailed link: got %q, want the link the API showed, %q", got, req.URL)
	}
	for _, want := range []string{"Hello Ada Contact", "Please answer by the end of the month.", "2026-05-15 00:00 UTC", "no account is needed", admin.Email} {
		if !strings.Contains(body, want) {
			t.Errorf("mail body: want %q in\n%s", want, body)
		}
	}
	a.respondent(t, req.URL) // the mailed link opens

	page := string(a.get(t, "/evaluations/"+ev.ID).body)
	if !strings.Contains(page, `data-testid="request-emailed-`+req.ID+`"`) || !strings.Contains(page, "emailed 2026-04-15") {
		t.Errorf("evaluation page: want the request marked as emailed, with when")
	}

	t.Run("a refused email leaves the link to send by hand", func(t *testing.T) {
		srv.Refuse(true)
		var re requestOut
		decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/requests/"+req.ID+"/reissue", nil), http.StatusCreated, "Request", &re)
		if re.Email != "failed" || re.URL == "" || re.EmailFailed == nil || re.EmailedAt != nil {
			t.Errorf("reissued: got email %q, url %q, email_failed_at %v, emailed_at %v; want failed, a link, a time, null (the new link was never emailed)",
				re.Email, re.URL, re.EmailFailed, re.EmailedAt)
		}
		if !strings.Contains(a.logs.String(), "a request link was not emailed") {
			t.Errorf("the log does not say why the link was not emailed")
		}
		sent := a.postForm(t, "/evaluations/"+ev.ID+"/requests", url.Values{"contact_name": {"Bo Contact"}, "contact_email": {"bo@acme.example"}, "due_date": {"2026-04-30"}}, false)
		wantStatus(t, sent, http.StatusCreated)
		b := string(sent.body)
		if !strings.Contains(b, `data-emailed="failed"`) || !strings.Contains(b, "could not be sent") || regexpLink.FindString(b) == "" {
			t.Errorf("page after a refused email: want it to say so and show the link to copy")
		}
		srv.Refuse(false)
		ok := a.postForm(t, "/evaluations/"+ev.ID+"/requests", url.Values{"contact_name": {"Cy Contact"}, "contact_email": {"cy@acme.example"}, "due_date": {"2026-04-30"}}, false)
		wantStatus(t, ok, http.StatusCreated)
		if b := string(ok.body); !strings.Contains(b, `data-emailed="sent"`) || !strings.Contains(b, "was emailed to Cy Contact (cy@acme.example)") {
			t.Errorf("page after an email sent: want it to say so")
		}
		if m := srv.Wait(t, 10*time.Second); m.To[0] != "cy@acme.example" {
			t.Errorf("got a message to %v, want Cy's", m.To)
		}
	})
}
