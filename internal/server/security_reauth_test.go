package server_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// ASVS 3.7.1: admin actions (a role change, a password reset, reopening an evaluation) ask for
// the password again when the sign-in is more than 15 minutes old; within 15 minutes, or once
// the password is given again, they go through.
func TestSecurityAdminActionsAskForThePasswordAgain(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	at := func(clock time.Time) *testApp {
		uc := app.New(store, func() time.Time { return now })
		srv := server.New(server.Options{App: uc, Now: func() time.Time { return clock }, Log: slog.New(slog.DiscardHandler)})
		return &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
	}
	first := at(now)
	adminEmail := first.addUser(t, auth.Admin)
	cookie := first.signIn(t, adminEmail)
	first.header = cookie
	_, ev := first.evaluated(t, "Reauth Cloud "+tag(t), "saas")
	first.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	wantStatus(t, first.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", map[string]bool{"confirm": true}), http.StatusOK)
	target := first.user(t, first.addUser(t, auth.Viewer))
	role := "/admin/users/" + idOf(target.ID) + "/role"

	soon := at(now.Add(10 * time.Minute))
	soon.header = cookie
	wantStatus(t, soon.post(t, role, url.Values{"role": {"evaluator"}}), http.StatusSeeOther)

	later := at(now.Add(20 * time.Minute))
	later.header = cookie
	for _, change := range []struct {
		path string
		form url.Values
	}{
		{role, url.Values{"role": {"admin"}}},
		{"/admin/users/" + idOf(target.ID) + "/password", url.Values{"password": {"a reset that waits 1"}}},
		{"/evaluations/" + ev.ID + "/reopen", nil},
	} {
		r := later.post(t, change.path, change.form)
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), `action="/account/confirm"`) {
			t.Errorf("POST %s 20 minutes after sign-in: got %d, want 403 with the password form", change.path, r.status)
		}
	}
	if u := first.user(t, target.Email); u.Role != auth.Evaluator {
		t.Errorf("the refused role change went through: role %s", u.Role)
	}
	if r := later.post(t, "/account/confirm", url.Values{"password": {"not the password"}, "next": {"/admin/users"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a wrong password to confirm: got %d, want 422", r.status)
	}
	r := later.post(t, "/account/confirm", url.Values{"password": {testPassword}, "next": {"/admin/users"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/users" {
		t.Fatalf("confirming the password: got %d to %q, want 303 back to /admin/users", r.status, r.header.Get("Location"))
	}
	wantStatus(t, later.post(t, role, url.Values{"role": {"admin"}}), http.StatusSeeOther)
	wantStatus(t, later.post(t, "/evaluations/"+ev.ID+"/reopen", nil), http.StatusSeeOther)
}
