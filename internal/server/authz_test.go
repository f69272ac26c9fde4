package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// expectedRoles is who may call each route, written out here rather than read from the server,
// so that a route whose protection changes fails this test.
var expectedRoles = map[string]auth.Role{
	"GET /login": "", "POST /login": "", "GET /api/v1/openapi.json": "",
	"POST /logout": auth.Viewer,

	"GET /account":                                 auth.Viewer,
	"POST /account/password":                       auth.Viewer,
	"POST /account/sessions/{id}/end":              auth.Viewer,
	"POST /account/sessions/end-others":            auth.Viewer,
	"POST /admin/users/{id}/signin-failures/clear": auth.Admin,
	"GET /login/second-factor":                     "",
	"POST /login/second-factor":                    "",
	"GET /login/forgot":                            "",
	"POST /login/forgot":                           "",
	"GET /login/reset":                             "",
	"POST /login/reset":                            "",
	"GET /account/two-step":                        auth.Viewer,
	"POST /account/two-step":                       auth.Viewer,
	"POST /account/two-step/disable":               auth.Viewer,
	"POST /account/two-step/recovery-codes":        auth.Viewer,
	"POST /admin/users/{id}/two-step/reset":        auth.Admin,
	"GET /admin/security":                          auth.Admin,
	"POST /admin/security":                         auth.Admin,
	"GET /account/confirm":                         auth.Viewer,
	"POST /account/confirm":                        auth.Viewer,

	"GET /":                                          auth.Viewer,
	"GET /providers":                                 auth.Viewer,
	"GET /providers/export.{format}":                 auth.Viewer,
	"GET /providers/{id}":                            auth.Viewer,
	"GET /evaluations/{id}":                          auth.Viewer,
	"GET /evaluations/{id}/summary":                  auth.Viewer,
	"GET /evaluations/{id}/report":                   auth.Viewer,
	"GET /evaluations/{id}/report.{format}":          auth.Viewer,
	"GET /tokens":                                    auth.Viewer,
	"GET /questionnaires/{key}/{version}/scoring":    auth.Viewer,
	"GET /compare":                                   auth.Viewer,
	"GET /compare.{format}":                          auth.Viewer,
	"GET /api/v1/compare":                            auth.Viewer,
	"GET /api/v1/compare.{format}":                   auth.Viewer,
	"POST /tokens":                                   auth.Viewer,
	"POST /tokens/{id}/revoke":                       auth.Viewer,
	"GET /providers/new":                             auth.Evaluator,
	"POST /providers":                                auth.Evaluator,
	"GET /providers/{id}/edit":                       auth.Evaluator,
	"POST /providers/{id}":                           auth.Evaluator,
	"POST /providers/{id}/evaluations":               auth.Evaluator,
	"POST /providers/{id}/archive":                   auth.Evaluator,
	"POST /providers/{id}/restore":                   auth.Evaluator,
	"POST /evaluations/{id}/answers/{ref}":           auth.Evaluator,
	"GET /admin/users":                               auth.Admin,
	"POST /admin/users":                              auth.Admin,
	"POST /admin/users/{id}/role":                    auth.Admin,
	"POST /admin/users/{id}/active":                  auth.Admin,
	"POST /admin/users/{id}/password":                auth.Admin,
	"GET /admin/tokens":                              auth.Admin,
	"POST /admin/tokens/{id}/revoke":                 auth.Admin,
	"GET /admin/audit":                               auth.Admin,
	"GET /admin/questionnaires":                      auth.Admin,
	"GET /admin/questionnaires/template.xlsx":        auth.Admin,
	"GET /admin/questionnaires/template.csv":         auth.Admin,
	"GET /admin/questionnaires/{key}/{version}.json": auth.Admin,
	"POST /admin/questionnaires/preview":             auth.Admin,
	"POST /admin/questionnaires/publish":             auth.Admin,

	"GET /api/v1/questionnaires/{key}":                         auth.Viewer,
	"GET /api/v1/providers":                                    auth.Viewer,
	"GET /api/v1/providers/export.{format}":                    auth.Viewer,
	"GET /api/v1/exports/portfolio.{format}":                   auth.Viewer,
	"GET /api/v1/evaluations/{id}/answers/{ref}":               auth.Viewer,
	"PATCH /api/v1/providers/{id}":                             auth.Evaluator,
	"GET /api/v1/providers/{id}/evaluations":                   auth.Viewer,
	"POST /api/v1/providers/{id}/archive":                      auth.Evaluator,
	"POST /api/v1/providers/{id}/restore":                      auth.Evaluator,
	"GET /api/v1/questionnaires":                               auth.Viewer,
	"GET /api/v1/providers/{id}":                               auth.Viewer,
	"GET /api/v1/evaluations/{id}/answers/{ref}/history":       auth.Viewer,
	"POST /api/v1/evaluations/{id}/complete":                   auth.Evaluator,
	"POST /api/v1/evaluations/{id}/reopen":                     auth.Admin,
	"POST /api/v1/evaluations/{id}/reassess":                   auth.Evaluator,
	"POST /evaluations/{id}/complete":                          auth.Evaluator,
	"GET /evaluations/{id}/answers/{ref}/history":              auth.Viewer,
	"POST /evaluations/{id}/answers/{ref}/restore":             auth.Evaluator,
	"POST /evaluations/{id}/answers/{ref}/review":              auth.Evaluator,
	"PUT /api/v1/evaluations/{id}/answers/{ref}/review":        auth.Evaluator,
	"POST /evaluations/{id}/answers/{ref}/files":               auth.Evaluator,
	"GET /evaluations/{id}/answers/{ref}/attach":               auth.Evaluator,
	"POST /evaluations/{id}/answers/{ref}/files/{file}/detach": auth.Evaluator,
	"POST /api/v1/evaluations/{id}/answers/{ref}/files":        auth.Evaluator,
	"GET /files/{file}":                                        auth.Viewer,
	"GET /api/v1/files/{file}":                                 auth.Viewer,
	"POST /evaluations/{id}/reopen":                            auth.Admin,
	"POST /evaluations/{id}/reassess":                          auth.Evaluator,
	"GET /api/v1/evaluations/{id}":                             auth.Viewer,
	"GET /api/v1/evaluations/{id}/report.{format}":             auth.Viewer,
	"POST /api/v1/providers":                                   auth.Evaluator,
	"POST /api/v1/providers/{id}/evaluations":                  auth.Evaluator,
	"PUT /api/v1/evaluations/{id}/answers/{ref}":               auth.Evaluator,
	"GET /api/v1/evaluations/{id}/requests":                    auth.Viewer,
	"POST /api/v1/evaluations/{id}/requests":                   auth.Evaluator,
	"POST /api/v1/requests/{id}/revoke":                        auth.Evaluator,
	"POST /api/v1/requests/{id}/reissue":                       auth.Evaluator,
	"POST /evaluations/{id}/requests":                          auth.Evaluator,
	"POST /requests/{id}/revoke":                               auth.Evaluator,
	"POST /requests/{id}/reissue":                              auth.Evaluator,

	// A request link is public (an unknown one is 404); the respondent's pages take only the
	// session it opens, which no team credential is (respondent_test.go tests them with one).
	"GET /r/{token}":                                  respondentLink,
	"GET /respond":                                    respondentOnly,
	"POST /respond/answers/{ref}":                     respondentOnly,
	"POST /respond/answers/{ref}/reply":               respondentOnly,
	"POST /respond/answers/{ref}/files":               respondentOnly,
	"GET /respond/answers/{ref}/attach":               respondentOnly,
	"POST /respond/answers/{ref}/files/{file}/detach": respondentOnly,
	"GET /respond/files/{file}":                       respondentOnly,
	"PUT /respond/answers/{ref}":                      respondentOnly,
	"POST /respond/submit":                            respondentOnly,
}

// respondentOnly marks the routes of a respondent session, and respondentLink the request link.
const (
	respondentOnly auth.Role = "respondent session"
	respondentLink auth.Role = "request link"
)

// principal is someone making requests: a session cookie or a bearer token, or neither.
type principal struct {
	name   string
	role   auth.Role // what the credentials allow; "" for none
	header http.Header
	token  bool
}

// TestAuthorizationMatrix sends every route of the router (walked, so that no new route can
// escape) as every kind of caller, and checks each answer against the role the route needs.
func TestAuthorizationMatrix(t *testing.T) {
	store := postgrestest.Store(t)
	uc := app.New(store, func() time.Time { return now })
	srv := server.New(server.Options{App: uc, Now: func() time.Time { return now },
		Log: slog.New(slog.DiscardHandler)})
	a := &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
	roles := expectedRoles

	// Things for the ids in the paths to name.
	admin := a.as(t, auth.Admin)
	p, ev := admin.evaluated(t, "Matrix "+tag(t), "saas")
	victim := a.addUser(t, auth.Viewer)
	victimUser := a.user(t, victim)
	victimToken := a.token(t, victimUser.ID, "victim")
	req := admin.sendRequest(t, ev.ID)
	admin.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	var file uploadedOut
	decodeJSON(t, admin.upload(t, filesPath(ev.ID, "abuse_cases.malware"), "matrix.pdf", pdfBytes, today, "", nil), http.StatusCreated, "FileUploaded", &file)
	ids := map[string]string{"providers": p.ID, "evaluations": ev.ID, "users": idOf(victimUser.ID), "tokens": idOf(victimToken), "requests": req.ID,
		"files": file.File.ID}

	principals := []principal{{name: "anonymous"}}
	for _, role := range auth.Roles {
		principals = append(principals,
			principal{name: string(role), role: role, header: a.signIn(t, a.addUser(t, role))},
			principal{name: string(role) + " token", role: role, token: true, header: a.bearer(t, role)})
	}
	deactivated := a.addUser(t, auth.Admin)
	deactivatedHeader := a.signIn(t, deactivated)
	deactivatedToken := a.bearerFor(t, deactivated)
	u := a.user(t, deactivated)
	if _, err := a.uc.SetActive(context.Background(), app.CommandLine(), u.ID, false); err != nil {
		t.Fatal(err)
	}
	principals = append(principals, principal{name: "deactivated admin", header: deactivatedHeader},
		principal{name: "deactivated admin token", token: true, header: deactivatedToken})

	var routes []string
	err := chi.Walk(a.h.(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodHead || strings.HasPrefix(pattern, "/static/") || pattern == "/healthz" || pattern == "/readyz" {
			return nil
		}
		routes = append(routes, method+" "+pattern)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Signing out ends the caller's session: leave it for last.
	sort.SliceStable(routes, func(i, j int) bool {
		return !strings.HasSuffix(routes[i], "/logout") && strings.HasSuffix(routes[j], "/logout")
	})

	for _, rt := range routes {
		need, ok := roles[rt]
		if !ok {
			t.Errorf("route %s is served but the test does not say who may call it: add it to expectedRoles", rt)
			continue
		}
		method, pattern, _ := strings.Cut(rt, " ")
		target := fillPath(pattern, ids)
		api := strings.HasPrefix(pattern, "/api/")
		for _, pr := range principals {
			r := a.do(t, method, target, strings.NewReader(""), withForm(pr.header))
			checkAccess(t, rt, pr, need, api, r)
		}
	}
}

func checkAccess(t *testing.T, rt string, pr principal, need auth.Role, api bool, r response) {
	t.Helper()
	toSignIn := r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/login")
	valid := pr.role != "" && (api || !pr.token)
	switch {
	case rt == "GET /api/v1/openapi.json":
		// The API's description is public, whatever credentials come with the request.
		if r.status != http.StatusOK {
			t.Errorf("%s as %s: got %d, want 200", rt, pr.name, r.status)
		}
	case need == respondentLink:
		if r.status != http.StatusNotFound {
			t.Errorf("%s as %s: got %d, want 404 (no such link; the team's credentials mean nothing here)", rt, pr.name, r.status)
		}
	case need == respondentOnly:
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s as %s: got %d, want 401 (only a respondent session reaches it)", rt, pr.name, r.status)
		}
	case pr.token && !(valid && api):
		// A token that is not valid here (unknown, revoked, deactivated, or outside the API) is
		// refused wherever it is sent.
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s as %s: got %d, want 401", rt, pr.name, r.status)
		}
	case need == "":
		// Public: the handler answers (a failed sign-in is its own 401).
		if (r.status == http.StatusUnauthorized && rt != "POST /login" && rt != "POST /login/second-factor") || r.status == http.StatusForbidden || toSignIn {
			t.Errorf("%s as %s: got %d, want the public route to answer", rt, pr.name, r.status)
		}
	case rt == "POST /logout" && valid:
		if !toSignIn {
			t.Errorf("%s as %s: got %d, want 303 to /login", rt, pr.name, r.status)
		}
	case !valid && api:
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s as %s: got %d, want 401", rt, pr.name, r.status)
		}
	case !valid:
		if !toSignIn {
			t.Errorf("%s as %s: got %d (Location %q), want 303 to /login", rt, pr.name, r.status, r.header.Get("Location"))
		}
	case !pr.role.Allows(need):
		if r.status != http.StatusForbidden {
			t.Errorf("%s as %s: got %d, want 403 (the route needs %s)", rt, pr.name, r.status, need)
		}
	default:
		if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden || toSignIn || r.status >= 500 {
			t.Errorf("%s as %s: got %d, want the handler's own answer (role %s suffices)", rt, pr.name, r.status, pr.role)
		}
	}
}

// fillPath puts real ids into a route pattern.
func fillPath(pattern string, ids map[string]string) string {
	parts := strings.Split(pattern, "/")
	for i, part := range parts {
		switch {
		case part == "{id}" && i > 0:
			parts[i] = ids[parts[i-1]]
		case part == "{key}":
			parts[i] = "shared-responsibility"
		case part == "{ref}":
			parts[i] = "abuse_cases.malware"
		case part == "{file}":
			parts[i] = ids["files"]
		case strings.HasSuffix(part, ".{format}"):
			parts[i] = strings.TrimSuffix(part, "{format}") + "csv"
			if strings.HasPrefix(part, "report") {
				parts[i] = "report.json"
			}
		}
	}
	return strings.Join(parts, "/")
}

func withForm(h http.Header) http.Header {
	out := h.Clone()
	if out == nil {
		out = http.Header{}
	}
	out.Set("Content-Type", formType)
	return out
}

func idOf(id int64) string { return url.PathEscape(strconv.FormatInt(id, 10)) }
