package server

import (
	"context"
	"net/http"
	"strings"

	"shareline/internal/app"
	"shareline/internal/assess"
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
// user. Only active users count; a deactivated user's session is ended on its next request.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || !isAPI(r) {
				s.error(w, r, auth.ErrUnauthenticated)
				return
			}
			u, err := s.app.TokenUser(ctx, token)
			if err != nil {
				s.error(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(withPrincipal(r, u, "token")))
			return
		}
		if id := s.sessions.GetInt64(ctx, sessionUserKey); id != 0 {
			if !s.stillActive(ctx) {
				if err := s.sessions.Destroy(ctx); err != nil {
					s.error(w, r, err)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			u, err := s.app.SessionUser(ctx, id)
			switch {
			case err == nil:
				ctx = withPrincipal(r, u, "session")
			case assess.IsNotFound(err):
				// Deactivated or gone: the session ends now.
				if err := s.sessions.Destroy(ctx); err != nil {
					s.error(w, r, err)
					return
				}
			default:
				s.error(w, r, err)
				return
			}
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
			case !app.Can(p, action, app.Resource{}):
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
