package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/templates"
)

type principalKey struct{}

// principal is who makes the request: the signed-in user, or an anonymous principal.
func principal(r *http.Request) app.Principal {
	if p, ok := r.Context().Value(principalKey{}).(app.Principal); ok {
		return p
	}
	return app.Anonymous(clientAddr(r))
}

// withPrincipal stores who makes the request, and the navigation it may see, in its context.
func withPrincipal(r *http.Request, u auth.User, via string) context.Context {
	p := app.Principal{User: u, RemoteAddr: clientAddr(r), Via: via}
	noteRequestUser(r.Context(), u.ID)
	ctx := context.WithValue(r.Context(), principalKey{}, p)
	return templates.WithNav(ctx, templates.Nav{
		Name: u.Name, Role: u.Role.Label(),
		CanAddProvider: app.Can(p, app.EditProviders, app.Resource{}),
		CanAdmin:       app.Can(p, app.ManageAccounts, app.Resource{}),
	})
}

// authenticate finds who makes the request: a bearer token on the API, else the session's
// user, read with the session itself in one query (appSessions). Only active users count; a
// session whose user was deactivated, or whose sessions were ended, is not found, and the
// request goes on as anonymous.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := cutBearer(h) // the scheme in any case
			if !ok || !isAPI(r) {
				s.error(w, r, auth.ErrUnauthenticated)
				return
			}
			u, _, err := s.app.TokenUser(ctx, token, clientAddr(r))
			if err != nil {
				s.error(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(withPrincipal(r, u, "token")))
			return
		}
		u, found, err := sessionUser(ctx)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if id := s.sessions.GetInt64(ctx, sessionUserKey); id != 0 {
			if !s.stillActive(ctx) || !found || u.ID != id || !u.Active {
				if err := s.sessions.Destroy(ctx); err != nil {
					s.error(w, r, err)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			ctx = withPrincipal(r, u, "session")
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// require lets the request through when its principal may do action at all (the use case
// then asks again about the resource). Anonymous browsers are sent to sign in and brought
// back; anonymous API calls get 401; others 403.
func (s *Server) require(action app.Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := principal(r)
			switch {
			case !p.Signed() && !isAPI(r):
				s.redirectToSignIn(w, r)
			case !p.Signed():
				s.error(w, r, auth.ErrUnauthenticated)
			case p.Via == "session" && s.mustSetUpTwoStep(r, p):
				target := "/account/two-step"
				if isHTMX(r) {
					w.Header().Set("HX-Redirect", target)
					w.WriteHeader(http.StatusForbidden)
					return
				}
				http.Redirect(w, r, target, http.StatusSeeOther)
			case p.Via == "session" && s.needsRecentSignIn(r, action):
				s.askForPasswordAgain(w, r)
			case !app.Can(p, action, app.Resource{}):
				// Refusals are recorded: a user probing for what their role does not allow shows.
				if err := s.app.RecordForbidden(r.Context(), p, r.Method+" "+r.URL.Path); err != nil {
					s.log.ErrorContext(r.Context(), "recording a refusal", "err", err)
				}
				s.error(w, r, auth.ErrForbidden)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// can is the policy's answer for the request's principal, for view models to show or hide
// controls; the use cases enforce the same answer.
func can(r *http.Request, action app.Action, res app.Resource) bool {
	return app.Can(principal(r), action, res)
}

// noteDownload records in the audit log that the request's principal downloaded file: a
// report of an evaluation, or an export (providerID and evaluationID 0). A failure to record is
// logged and the download goes on, as a refusal would only hide the file from its reader.
func (s *Server) noteDownload(r *http.Request, providerID, evaluationID int64, file string) {
	if err := s.app.RecordDownload(r.Context(), principal(r), providerID, evaluationID, file); err != nil {
		s.log.ErrorContext(r.Context(), "recording a download", "file", file, "err", err)
	}
}

// mustSetUpTwoStep reports whether the session's user must set up two-step sign-in (required of
// them when they signed in) before this request: everything but that page and signing out waits.
func (s *Server) mustSetUpTwoStep(r *http.Request, p app.Principal) bool {
	if p.User.TOTPEnabled || !s.sessions.GetBool(r.Context(), sessionMFASetupKey) {
		return false
	}
	return !strings.HasPrefix(r.URL.Path, "/account/two-step") && r.URL.Path != "/logout"
}

// recentSignIn is how recent a session's sign-in (or its last confirmation of the password)
// must be for the actions in recentSignInActions: admin changes to accounts (roles, resets,
// deactivations, tokens) and reopening an evaluation.
const recentSignIn = 15 * time.Minute

var recentSignInActions = map[app.Action]bool{app.ManageAccounts: true, app.ReopenEvaluations: true}

// needsRecentSignIn reports whether this request changes something that asks for the password
// again, and the session's sign-in is older than recentSignIn.
func (s *Server) needsRecentSignIn(r *http.Request, action app.Action) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || !recentSignInActions[action] {
		return false
	}
	ctx := r.Context()
	last := max(s.sessions.GetInt64(ctx, sessionSignedInKey), s.sessions.GetInt64(ctx, sessionReauthKey))
	return s.now().Sub(time.Unix(last, 0)) > recentSignIn
}

// askForPasswordAgain answers a change that needs a recent sign-in with the page that asks for
// the password, which then sends the user back to where they were to make the change again.
func (s *Server) askForPasswordAgain(w http.ResponseWriter, r *http.Request) {
	target := "/account/confirm?next=" + url.QueryEscape(returnPathFor(r))
	if isAPI(r) {
		writeJSON(w, http.StatusForbidden, map[string]apiError{"error": {Code: "reauthentication_required",
			Message: "This change needs a sign-in less than 15 minutes old: confirm your password at " + target + ", or use an API token."}})
		return
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	s.render(w, r, http.StatusForbidden, templates.ConfirmPasswordPage(templates.ConfirmPasswordForm{Next: returnPathFor(r), Asked: true}))
}

// returnPathFor is the page to go back to after confirming the password: the page a form was
// posted from, which is the path of the change without its last element (an admin change to
// /admin/users/7/role returns to /admin/users, a reopening to the evaluation).
func returnPathFor(r *http.Request) string {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/admin/users/"):
		return "/admin/users"
	case strings.HasPrefix(p, "/admin/tokens/"):
		return "/admin/tokens"
	case strings.HasPrefix(p, "/evaluations/"):
		return strings.TrimSuffix(p, "/reopen")
	}
	return localPath(p)
}
