package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// Session lifetimes: a session ends an hour after its last request, and eight hours after
// sign-in whatever happens.
const (
	sessionIdle     = time.Hour
	sessionLifetime = 8 * time.Hour
	sessionUserKey  = "user_id"
	sessionSeenKey  = "seen" // unix seconds of the last request, at a minute's resolution
	// seenResolution is how stale "seen" may get before a request rewrites it: the idle timeout
	// is kept here rather than by scs, which would rewrite the session on every request.
	seenResolution = time.Minute
)

func newSessions(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	if store != nil { // nil keeps scs's in-memory store, which only tests should use
		sm.Store = store
	}
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = "shareline_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	return sm
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
			u, err := s.store.FindTokenUser(ctx, auth.HashToken(token))
			if errors.Is(err, assess.ErrNotFound) {
				err = auth.ErrUnauthenticated // unknown, revoked, or its user deactivated
			}
			if err != nil {
				s.error(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(withActor(auth.WithUser(ctx, u), r, u, "token")))
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
			u, err := s.store.FindUser(ctx, id)
			switch {
			case err == nil && u.Active:
				ctx = withActor(auth.WithUser(ctx, u), r, u, "session")
			case err == nil || errors.Is(err, assess.ErrNotFound):
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

// stillActive ends sessions idle for longer than sessionIdle, and notes this request's time
// when the last note is more than seenResolution old.
func (s *Server) stillActive(ctx context.Context) bool {
	now := s.now()
	seen := time.Unix(s.sessions.GetInt64(ctx, sessionSeenKey), 0)
	if now.Sub(seen) > sessionIdle {
		return false
	}
	if now.Sub(seen) > seenResolution {
		s.sessions.Put(ctx, sessionSeenKey, now.Unix())
	}
	return true
}

// require lets the request through when its user has at least role need. Anonymous browsers
// are sent to sign in and brought back; anonymous API calls get 401; others 403.
func (s *Server) require(need auth.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, ok := auth.UserFrom(r.Context())
			switch {
			case !ok && !isAPI(r):
				s.redirectToSignIn(w, r)
			case !ok:
				s.error(w, r, auth.ErrUnauthenticated)
			case !u.Role.Allows(need):
				s.error(w, r, auth.ErrForbidden)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

func (s *Server) redirectToSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	if next := r.URL.RequestURI(); r.Method == http.MethodGet && next != "/" {
		target += "?next=" + url.QueryEscape(next)
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// localPath accepts only a path on this site as a place to return to after sign-in, so that the
// sign-in page cannot be used to send people elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) ||
		strings.ContainsAny(next, "\r\n\t") || strings.HasPrefix(next, "/login") {
		return "/providers"
	}
	return next
}

type actorKey struct{}

func withActor(ctx context.Context, r *http.Request, u auth.User, via string) context.Context {
	return context.WithValue(ctx, actorKey{}, auth.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, RemoteAddr: clientAddr(r), Via: via})
}

// actor is who makes the request, for the audit log.
func actor(r *http.Request) auth.Actor {
	if a, ok := r.Context().Value(actorKey{}).(auth.Actor); ok {
		return a
	}
	return auth.Actor{RemoteAddr: clientAddr(r)}
}

// clientAddr is the client's IP address (the proxy's, unless the server trusts X-Forwarded-For;
// see Options.TrustProxy).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
