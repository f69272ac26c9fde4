package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// requestOut is a request as the API answers it.
type requestOut struct {
	ID          string  `json:"id"`
	Status      string  `json:"status"`
	URL         string  `json:"url"`
	ExpiresAt   string  `json:"expires_at"`
	DueDate     string  `json:"due_date"`
	SentBy      string  `json:"sent_by"`
	SubmittedAt *string `json:"submitted_at"`
	Email       string  `json:"email"`
	EmailedAt   *string `json:"emailed_at"`
	EmailFailed *string `json:"email_failed_at"`
}

// sendRequest asks Ada at the provider to answer an evaluation, through the API.
func (a *testApp) sendRequest(t *testing.T, evaluationID string) requestOut {
	t.Helper()
	var out requestOut
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+evaluationID+"/requests", map[string]string{
		"contact_name": "Ada Contact", "contact_email": "ada@acme.example", "due_date": "2026-04-30", "message": "Please answer by the end of the month.",
	}), http.StatusCreated, "Request", &out)
	return out
}

// linkPath is the path of a request link's URL.
func linkPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/r/") {
		t.Fatalf("link %q: want an absolute URL with a /r/ path", link)
	}
	return u.Path
}

// respondent opens a request link as a browser without an account, and returns the same server
// seen with the respondent cookie only.
func (a *testApp) respondent(t *testing.T, link string) *testApp {
	t.Helper()
	r := a.anonymous().get(t, linkPath(t, link))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/respond" {
		t.Fatalf("open the link: got %d to %q, want 303 to /respond; %s", r.status, r.header.Get("Location"), r)
	}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name != "shareline_respondent" {
			continue
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Errorf("respondent cookie %+v: want HttpOnly, SameSite=Lax, Path=/", c)
		}
		if strings.Contains(link, c.Value) {
			t.Errorf("the respondent cookie is the link's token, want a session token of its own")
		}
		b := *a
		b.header = http.Header{"Cookie": {c.Name + "=" + c.Value}}
		return &b
	}
	t.Fatalf("open the link: no respondent cookie in %v", r.header)
	return nil
}

func TestRequestsAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Requested "+tag(t), "saas")
	req := a.sendRequest(t, ev.ID)
	if req.Email != "off" || req.EmailedAt != nil {
		t.Errorf("created without a mail server: got email %q, emailed_at %v; want off and null", req.Email, req.EmailedAt)
	}
	if req.Status != "sent" || req.ExpiresAt != "2026-05-15T00:00:00.000000Z" || !strings.HasPrefix(req.URL, "http://example.com/r/") {
		t.Errorf("created: got status %q, expires %q, url %q; want sent, 2026-05-15T00:00:00.000000Z (due day + 14), a /r/ link", req.Status, req.ExpiresAt, req.URL)
	}
	if token := strings.TrimPrefix(linkPath(t, req.URL), "/r/"); len(token) != 43 {
		t.Errorf("token %q: got %d characters, want 43 (32 bytes, base64url)", token, len(token))
	}
	list := a.get(t, "/api/v1/evaluations/"+ev.ID+"/requests")
	wantStatus(t, list, http.StatusOK)
	if strings.Contains(string(list.body), "/r/") || !strings.Contains(string(list.body), `"status":"sent"`) {
		t.Errorf("list: got %s, want the request's state and never its link", list.body)
	}
	if strings.Contains(a.logs.String(), strings.TrimPrefix(linkPath(t, req.URL), "/r/")) {
		t.Errorf("the server's log holds the link's token")
	}

	t.Run("refused fields are named", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			body  map[string]string
			field string
		}{
			{"an email without a domain", map[string]string{"contact_name": "Ada", "contact_email": "ada@", "due_date": "2026-04-30"}, "contact_email"},
			{"a due date in the past", map[string]string{"contact_name": "Ada", "contact_email": "ada@acme.example", "due_date": "2026-04-14"}, "due_date"},
			{"a name too long", map[string]string{"contact_name": strings.Repeat("a", 201), "contact_email": "ada@acme.example", "due_date": "2026-04-30"}, "contact_name"},
			{"no name", map[string]string{"contact_email": "ada@acme.example", "due_date": "2026-04-30"}, "contact_name"},
		} {
			r := a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/requests", c.body)
			wantAPIError(t, r, http.StatusUnprocessableEntity, "invalid", c.field)
		}
	})
	t.Run("a viewer may list but not send", func(t *testing.T) {
		v := a.as(t, auth.Viewer)
		wantStatus(t, v.get(t, "/api/v1/evaluations/"+ev.ID+"/requests"), http.StatusOK)
		wantStatus(t, v.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/requests", map[string]string{}), http.StatusForbidden)
		wantStatus(t, v.do(t, http.MethodPost, "/api/v1/requests/"+req.ID+"/revoke", nil, nil), http.StatusForbidden)
	})
	t.Run("unknown ids", func(t *testing.T) {
		wantStatus(t, a.get(t, "/api/v1/evaluations/"+noSuchID+"/requests"), http.StatusNotFound)
		wantStatus(t, a.do(t, http.MethodPost, "/api/v1/requests/"+noSuchID+"/revoke", nil, nil), http.StatusNotFound)
	})
	t.Run("revoked twice is a conflict", func(t *testing.T) {
		other := a.sendRequest(t, ev.ID)
		wantStatus(t, a.do(t, http.MethodPost, "/api/v1/requests/"+other.ID+"/revoke", nil, nil), http.StatusOK)
		wantAPIError(t, a.do(t, http.MethodPost, "/api/v1/requests/"+other.ID+"/revoke", nil, nil), http.StatusConflict, "conflict", "")
		wantAPIError(t, a.do(t, http.MethodPost, "/api/v1/requests/"+other.ID+"/reissue", nil, nil), http.StatusConflict, "conflict", "")
	})
	t.Run("a completed evaluation takes no request", func(t *testing.T) {
		_, done := a.evaluated(t, "Completed "+tag(t), "saas")
		a.workedExample(t, done.ID)
		wantStatus(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+done.ID+"/complete", map[string]bool{"confirm": true}), http.StatusOK)
		wantAPIError(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+done.ID+"/requests", map[string]string{
			"contact_name": "Ada", "contact_email": "ada@acme.example", "due_date": "2026-04-30"}), http.StatusConflict, "conflict", "")
	})
}

// TestRespondentReachesOnlyItsOwnEvaluation: a respondent session answers its own evaluation
// and is refused everywhere else: other evaluations, providers, the team's pages and the API.
func TestRespondentReachesOnlyItsOwnEvaluation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	own, ev := a.evaluated(t, "Own "+word, "paas")
	other, otherEv := a.evaluated(t, "Other "+word, "saas")
	a.workedExample(t, otherEv.ID)
	req := a.sendRequest(t, ev.ID)
	resp := a.respondent(t, req.URL)

	page := resp.get(t, "/respond")
	wantStatus(t, page, http.StatusOK)
	body := string(page.body)
	for _, want := range []string{"Own " + word, "Please answer by the end of the month.", "2026-04-30", `data-testid="reference-split"`,
		"The reference split for PaaS", `action="/respond/answers/shared_model.matrix"`} {
		if !strings.Contains(body, want) {
			t.Errorf("respondent page: want %q on it", want)
		}
	}
	for _, never := range []string{"Other " + word, `data-testid="overall-score"`, `data-testid="credit-`, "Tier", "tier-", `data-testid="history-`,
		"Deviation", "Weight", "/evaluations/", "/providers", "/admin", "Sign out"} {
		if strings.Contains(body, never) {
			t.Errorf("respondent page: got %q on it, want nothing of scores, tiers, history or the team's pages", never)
		}
	}

	// The team's pages and API, with the respondent cookie only.
	for _, target := range []string{"/", "/providers", "/providers/" + own.ID, "/providers/" + other.ID, "/evaluations/" + ev.ID,
		"/evaluations/" + otherEv.ID, "/evaluations/" + ev.ID + "/summary", "/evaluations/" + ev.ID + "/report",
		"/evaluations/" + ev.ID + "/answers/abuse_cases.malware/history", "/compare?ids=" + own.ID + "," + other.ID, "/admin/audit", "/account"} {
		r := resp.get(t, target)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("GET %s as the respondent: got %d (Location %q), want 303 to /login", target, r.status, r.header.Get("Location"))
		}
	}
	for _, target := range []string{"/api/v1/evaluations/" + ev.ID, "/api/v1/evaluations/" + otherEv.ID, "/api/v1/providers",
		"/api/v1/providers/" + own.ID, "/api/v1/evaluations/" + ev.ID + "/requests", "/api/v1/evaluations/" + ev.ID + "/report.json"} {
		wantAPIError(t, resp.get(t, target), http.StatusUnauthorized, "unauthenticated", "")
	}
	for _, c := range []struct{ method, target string }{
		{http.MethodPut, "/api/v1/evaluations/" + ev.ID + "/answers/abuse_cases.malware"},
		{http.MethodPut, "/api/v1/evaluations/" + otherEv.ID + "/answers/abuse_cases.malware"},
		{http.MethodPost, "/api/v1/requests/" + req.ID + "/reissue"},
		{http.MethodPost, "/api/v1/evaluations/" + ev.ID + "/complete"},
	} {
		wantStatus(t, resp.sendJSON(t, c.method, c.target, `{"value":"yes"}`), http.StatusUnauthorized)
	}
	r := resp.postForm(t, "/evaluations/"+otherEv.ID+"/answers/abuse_cases.malware", url.Values{"type": {"status"}, "value": {"no"}}, false)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("the team's answer form as the respondent: got %d, want 303 to /login", r.status)
	}

	// Its own evaluation: a JSON save and a form save land there, and nowhere else.
	saved := resp.sendJSON(t, http.MethodPut, "/respond/answers/abuse_cases.malware", `{"value":"partial","explanation":"Scanned daily."}`)
	wantStatus(t, saved, http.StatusOK)
	if b := string(saved.body); !strings.Contains(b, `"version":1`) || strings.Contains(b, "score") || saved.header.Get("ETag") != `"v1"` {
		t.Errorf("respondent JSON save: got %s (ETag %q), want the answer at version 1 without any score", b, saved.header.Get("ETag"))
	}
	form := resp.postForm(t, "/respond/answers/abuse_cases.privilege_abuse", url.Values{"type": {"status"}, "value": {"yes"}, "base_version": {"0"}}, true)
	wantStatus(t, form, http.StatusOK)
	if b := string(form.body); !strings.Contains(b, "Saved") || strings.Contains(b, "score-panel") || strings.Contains(b, "credit") {
		t.Errorf("respondent htmx save: got %s, want Saved and nothing of the score", b)
	}
	answers := a.evaluation(t, ev.ID).Answers
	if string(answers["abuse_cases.malware"].Value) != `"partial"` || string(answers["abuse_cases.privilege_abuse"].Value) != `"yes"` {
		t.Errorf("own evaluation: got %v, want the respondent's answers", answers)
	}
	if got := a.evaluation(t, otherEv.ID).Answers["abuse_cases.malware"]; got.Version != 1 {
		t.Errorf("the other evaluation's answer: got version %d, want 1 (the worked example's only)", got.Version)
	}
	hist := a.get(t, "/api/v1/evaluations/"+ev.ID+"/answers/abuse_cases.malware/history")
	if !strings.Contains(string(hist.body), `"actor":"Ada Contact via request link"`) {
		t.Errorf("history: got %s, want the save recorded as Ada Contact via request link", hist.body)
	}

	// Validation, versions and conflicts as the team's.
	wantAPIError(t, resp.sendJSON(t, http.MethodPut, "/respond/answers/assessments.last_independent_audit", `{"value":"`+tomorrow+`"}`),
		http.StatusUnprocessableEntity, "invalid", "value")
	conflict := resp.sendJSON(t, http.MethodPut, "/respond/answers/abuse_cases.malware", `{"value":"no","base_version":0}`)
	wantAPIError(t, conflict, http.StatusConflict, "conflict", "")
	if !strings.Contains(string(conflict.body), `"current"`) {
		t.Errorf("conflict: got %s, want the current answer", conflict.body)
	}
	wantAPIError(t, resp.sendJSON(t, http.MethodPut, "/respond/answers/no_such.element", `{"value":"yes"}`), http.StatusNotFound, "not_found", "")

	// Submitting makes the respondent's side read-only; the team sees it.
	wantStatus(t, resp.postForm(t, "/respond/submit", url.Values{}, false), http.StatusUnprocessableEntity)
	sub := resp.postForm(t, "/respond/submit", url.Values{"confirm": {"yes"}}, false)
	if sub.status != http.StatusSeeOther {
		t.Fatalf("submit: got %s, want 303", sub)
	}
	wantAPIError(t, resp.sendJSON(t, http.MethodPut, "/respond/answers/abuse_cases.malware", `{"value":"no"}`), http.StatusConflict, "conflict", "")
	after := string(resp.get(t, "/respond").body)
	if !strings.Contains(after, `data-testid="submitted"`) || strings.Contains(after, `data-testid="submit-form"`) || strings.Contains(after, `action="/respond/answers/`) {
		t.Errorf("after submitting: want the page read-only, without forms")
	}
	if !strings.Contains(string(a.get(t, "/api/v1/evaluations/"+ev.ID+"/requests").body), `"status":"submitted"`) {
		t.Errorf("the team's list: want the request submitted")
	}
	team := string(a.get(t, "/evaluations/"+ev.ID).body)
	if !strings.Contains(team, `data-testid="request-status-`+req.ID+`">Submitted`) {
		t.Errorf("the team's evaluation page: want the request listed as Submitted")
	}

	// The audit log has every respondent action, by the contact's name via the link.
	entries, _, err := a.uc.Audit(context.Background(), app.CommandLine(), auth.AuditQuery{ProviderID: mustID(t, own.ID), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		if e.Actor == "Ada Contact via request link" && e.UserID == 0 {
			seen[e.Action]++
		}
	}
	for _, action := range []string{auth.ActionRequestOpened, auth.ActionAnswerSaved, auth.ActionRequestSubmitted} {
		if seen[action] == 0 {
			t.Errorf("audit: no %s by Ada Contact via request link; got %v", action, seen)
		}
	}
	if seen[auth.ActionAnswerSaved] != 2 {
		t.Errorf("audit: got %d answer saves by the contact, want 2", seen[auth.ActionAnswerSaved])
	}
}

// TestRequestLinksRevokedExpiredReissued: an unknown link 404, a revoked or expired one 410
// naming who sent it (for the link and for sessions opened from it), a reissued link kills the
// old one and its sessions.
func TestRequestLinksRevokedExpiredReissued(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	a := newAppOn(t, store)
	_, ev := a.evaluated(t, "Links "+tag(t), "iaas")

	wantStatus(t, a.anonymous().get(t, "/r/"+strings.Repeat("A", 43)), http.StatusNotFound)
	wantStatus(t, a.anonymous().get(t, "/r/short"), http.StatusNotFound)
	wantStatus(t, a.anonymous().get(t, "/respond"), http.StatusUnauthorized)

	t.Run("revoked", func(t *testing.T) {
		req := a.sendRequest(t, ev.ID)
		resp := a.respondent(t, req.URL)
		wantStatus(t, a.do(t, http.MethodPost, "/api/v1/requests/"+req.ID+"/revoke", nil, nil), http.StatusOK)
		for name, r := range map[string]response{
			"the link":         a.anonymous().get(t, linkPath(t, req.URL)),
			"its session page": resp.get(t, "/respond"),
			"its session save": resp.sendJSON(t, http.MethodPut, "/respond/answers/abuse_cases.malware", `{"value":"yes"}`),
		} {
			if r.status != http.StatusGone || !strings.Contains(string(r.body), "revoked") || !strings.Contains(string(r.body), "Ask Test admin") {
				t.Errorf("%s: got %s, want 410 saying it was revoked and naming who sent it", name, r)
			}
		}
	})
	t.Run("expired", func(t *testing.T) {
		req := a.sendRequest(t, ev.ID)
		resp := a.respondent(t, req.URL)
		later := newAppAt(t, store, time.Date(2026, time.May, 15, 0, 0, 1, 0, time.UTC), false)
		later.header = resp.header
		// A session lasts 12 hours at most: past that it is gone, and the page says to open the
		// link again, which is refused once the link expired.
		r := later.get(t, "/respond")
		if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "open that link again") {
			t.Errorf("a session past its lifetime: got %s, want 401 saying to open the link again", r)
		}
		r = later.anonymous().get(t, linkPath(t, req.URL))
		if r.status != http.StatusGone || !strings.Contains(string(r.body), "expired") || !strings.Contains(string(r.body), "Test admin") {
			t.Errorf("an expired link: got %s, want 410 naming who sent it", r)
		}
	})
	t.Run("reissued", func(t *testing.T) {
		req := a.sendRequest(t, ev.ID)
		old := a.respondent(t, req.URL)
		var again requestOut
		decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/requests/"+req.ID+"/reissue", nil, nil), http.StatusCreated, "Request", &again)
		if again.URL == "" || again.URL == req.URL || again.ID != req.ID {
			t.Fatalf("reissue: got %+v, want the same request with a new link", again)
		}
		wantStatus(t, a.anonymous().get(t, linkPath(t, req.URL)), http.StatusNotFound)
		wantStatus(t, old.get(t, "/respond"), http.StatusUnauthorized)
		wantStatus(t, old.sendJSON(t, http.MethodPut, "/respond/answers/abuse_cases.malware", `{"value":"yes"}`), http.StatusUnauthorized)
		wantStatus(t, a.respondent(t, again.URL).get(t, "/respond"), http.StatusOK)
	})
}

// TestRespondentChangesRefusedFromAnotherSite: the respondent's saves and submission have the
// team's forms' cross-origin protection.
func TestRespondentChangesRefusedFromAnotherSite(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Forged "+tag(t), "saas")
	resp := a.respondent(t, a.sendRequest(t, ev.ID).URL)
	for _, h := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"https://evil.example"}}} {
		put := resp.do(t, http.MethodPut, "/respond/answers/abuse_cases.malware", strings.NewReader(`{"value":"yes"}`),
			http.Header{"Content-Type": {"application/json"}, "Sec-Fetch-Site": h["Sec-Fetch-Site"], "Origin": h["Origin"]})
		wantAPIError(t, put, http.StatusForbidden, "forbidden", "")
		for _, target := range []string{"/respond/answers/abuse_cases.malware", "/respond/submit"} {
			post := resp.do(t, http.MethodPost, target, strings.NewReader("type=status&value=yes&confirm=yes"),
				http.Header{"Content-Type": {formType}, "Sec-Fetch-Site": h["Sec-Fetch-Site"], "Origin": h["Origin"]})
			wantStatus(t, post, http.StatusForbidden)
		}
	}
	if got := a.evaluation(t, ev.ID).Answers["abuse_cases.malware"].Version; got != 0 {
		t.Errorf("after forged saves: got version %d, want nothing saved", got)
	}
	if !strings.Contains(string(a.get(t, "/api/v1/evaluations/"+ev.ID+"/requests").body), `"status":"opened"`) {
		t.Errorf("after a forged submission: want the request still only opened")
	}
}

// TestRequestLinkTriesLimited: openings of request links are limited per client address, and
// the log never holds a link's token.
func TestRequestLinkTriesLimited(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	logs := &syncBuffer{}
	uc := app.New(store, func() time.Time { return now })
	srv := server.New(server.Options{App: uc, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(logs, nil)), LinkTries: 3})
	a := &testApp{h: validateAPI(t, srv.Handler()), logs: logs, uc: uc}
	a.header = a.signIn(t, a.addUser(t, auth.Admin))
	_, ev := a.evaluated(t, "Limited "+tag(t), "saas")
	req := a.sendRequest(t, ev.ID)
	anon := a.anonymous()
	wantStatus(t, anon.get(t, "/r/"+strings.Repeat("B", 43)), http.StatusNotFound)
	wantStatus(t, anon.get(t, "/r/"+strings.Repeat("C", 43)), http.StatusNotFound)
	wantStatus(t, anon.get(t, linkPath(t, req.URL)), http.StatusSeeOther)
	r := anon.get(t, linkPath(t, req.URL))
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("a fourth try within the minute: got %d (Retry-After %q), want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	token := strings.TrimPrefix(linkPath(t, req.URL), "/r/")
	if log := logs.String(); strings.Contains(log, token) || !strings.Contains(log, "path=/r/[redacted]") {
		t.Errorf("log: want /r/[redacted] and never the token")
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	for _, c := range s {
		id = id*10 + int64(c-'0')
	}
	return id
}

// TestRequestFormsOnTheEvaluationPage: the team sends, reissues and revokes from the evaluation
// page; the link is shown once, and the page lists each request's state.
func TestRequestFormsOnTheEvaluationPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Forms "+tag(t), "saas")
	page := string(a.get(t, "/evaluations/"+ev.ID).body)
	if !strings.Contains(page, `data-testid="request-form"`) || !strings.Contains(page, `data-testid="no-requests"`) || !strings.Contains(page, `value="2026-04-29"`) {
		t.Errorf("evaluation page: want the request form, proposing a due date 14 days ahead, and no request yet")
	}
	bad := a.postForm(t, "/evaluations/"+ev.ID+"/requests", url.Values{"contact_name": {"Ada"}, "contact_email": {"not an email"}, "due_date": {"2026-04-01"}}, false)
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	for _, want := range []string{`data-testid="error-contact_email"`, `data-testid="error-due_date"`, `value="not an email"`, "is in the past"} {
		if !strings.Contains(string(bad.body), want) {
			t.Errorf("refused form: want %q", want)
		}
	}
	sent := a.postForm(t, "/evaluations/"+ev.ID+"/requests", url.Values{"contact_name": {"Ada Contact"}, "contact_email": {"ada@acme.example"}, "due_date": {"2026-04-30"}}, false)
	wantStatus(t, sent, http.StatusCreated)
	link := regexpLink.FindString(string(sent.body))
	if link == "" {
		t.Fatalf("sent: no link shown in %s", sent)
	}
	if again := string(a.get(t, "/evaluations/"+ev.ID).body); strings.Contains(again, link) || !strings.Contains(again, ">Sent</span>") {
		t.Errorf("the page again: want the request listed as Sent and its link never shown again")
	}
	a.respondent(t, "http://example.com"+link)
	if !strings.Contains(string(a.get(t, "/evaluations/"+ev.ID).body), ">Opened</span>") {
		t.Errorf("after the contact opened it: want the request listed as Opened")
	}
	var list struct{ Requests []requestOut }
	decodeJSON(t, a.get(t, "/api/v1/evaluations/"+ev.ID+"/requests"), http.StatusOK, "RequestList", &list)
	id := list.Requests[0].ID
	re := a.postForm(t, "/requests/"+id+"/reissue", url.Values{}, false)
	wantStatus(t, re, http.StatusCreated)
	if l := regexpLink.FindString(string(re.body)); l == "" || l == link {
		t.Errorf("reissued: got link %q, want a new one shown", l)
	}
	wantStatus(t, a.anonymous().get(t, link), http.StatusNotFound)
	rv := a.postForm(t, "/requests/"+id+"/revoke", url.Values{}, false)
	if rv.status != http.StatusSeeOther {
		t.Fatalf("revoke: got %s, want 303", rv)
	}
	if page := string(a.get(t, rv.header.Get("Location")).body); !strings.Contains(page, ">Revoked</span>") || strings.Contains(page, `data-testid="revoke-`+id+`"`) {
		t.Errorf("after revoking: want the request listed as Revoked, without its revoke button")
	}
}

var regexpLink = regexp.MustCompile(`/r/[A-Za-z0-9_-]{43}`)

// TestRequestLinkNeverKeptForReplays: an Idempotency-Key keeps the answer for retries, but not
// the link in it: the token is stored nowhere, and a replay comes without url.
func TestRequestLinkNeverKeptForReplays(t *testing.T) {
	t.Parallel()
	pool := postgrestest.Pool(t)
	store := postgres.New(pool)
	seed(t, store)
	a := newAppOn(t, store)
	_, ev := a.evaluated(t, "Replayed "+tag(t), "saas")
	body := `{"contact_name":"Ada","contact_email":"ada@acme.example","due_date":"2026-04-30"}`
	key := http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": {"create-" + tag(t)}}
	send := func() (response, requestOut) {
		r := a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/requests", strings.NewReader(body), key)
		var out requestOut
		decodeJSON(t, r, http.StatusCreated, "Request", &out)
		return r, out
	}
	_, first := send()
	replay, again := send()
	if replay.header.Get("Idempotent-Replayed") != "true" || again.ID != first.ID || again.URL != "" || first.URL == "" {
		t.Errorf("replay: got id %s, url %q (Idempotent-Replayed %q); want request %s again without its link",
			again.ID, again.URL, replay.header.Get("Idempotent-Replayed"), first.ID)
	}
	var reissued requestOut
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/requests/"+first.ID+"/reissue", nil, http.Header{"Idempotency-Key": {"reissue-" + tag(t)}}),
		http.StatusCreated, "Request", &reissued)
	for _, link := range []string{first.URL, reissued.URL} {
		token := strings.TrimPrefix(linkPath(t, link), "/r/")
		var n int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM idempotency_keys WHERE position($1::bytea IN body) > 0`, []byte(token)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("idempotency_keys: %d answers hold the link's token, want none", n)
		}
	}
}

// TestRespondentCookieSecureWhenCookiesAre: under Secure cookies the respondent's cookie is a
// Secure __Host- cookie, apart from the team's session cookie.
func TestRespondentCookieSecureWhenCookiesAre(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	uc := app.New(store, func() time.Time { return now })
	srv := server.New(server.Options{App: uc, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler), SecureCookies: true,
		BaseURL: "https://shareline.example.com/"})
	a := &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
	a.header = a.bearer(t, auth.Evaluator)
	_, ev := a.evaluated(t, "Secure "+tag(t), "saas")
	link := a.sendRequest(t, ev.ID).URL
	a.header = nil
	if !strings.HasPrefix(link, "https://shareline.example.com/r/") {
		t.Errorf("link: got %q, want it on the base URL", link)
	}
	r := a.get(t, linkPath(t, link))
	wantStatus(t, r, http.StatusSeeOther)
	cookies := (&http.Response{Header: r.header}).Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-shareline_respondent" || !cookies[0].Secure || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookies: got %+v, want one Secure, HttpOnly, SameSite=Lax __Host-shareline_respondent", cookies)
	}
	a.header = http.Header{"Cookie": {cookies[0].Name + "=" + cookies[0].Value}}
	wantStatus(t, a.get(t, "/respond"), http.StatusOK)
	a.header = http.Header{"Cookie": {"shareline_respondent=" + cookies[0].Value}}
	wantStatus(t, a.get(t, "/respond"), http.StatusUnauthorized)
}
