package server

import (
	"context"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/alexedwards/scs/v2"
)

// Session lifetimes: a session ends 30 minutes after its last request, and eight hours after
// sign-in whatever happens (ASVS 4.0.3 3.3.2 at level 2: 30 minutes idle, 12 hours at most).
const (
	sessionIdle     = 30 * time.Minute
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
	if secure {
		// Browsers accept a __Host- cookie only when it is Secure, has Path=/ and no Domain: no
		// sibling subdomain and no plain-HTTP page can then set or overwrite it.
		sm.Cookie.Name = "__Host-shareline_session"
	}
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	sm.Cookie.Domain = ""
	return sm
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
// sign-in page cannot be used to send people elsewhere. It cleans the path first, as
// http.Redirect would (so that /./\host cannot become /\host after the check), then checks what
// is left: no scheme or host, no backslash (browsers read one as a slash) and no control
// character, raw or percent-encoded. Anything refused returns to /providers.
func localPath(next string) string {
	const fallback = "/providers"
	if len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return fallback
	}
	// Clean as http.Redirect does: the raw text before '?', keeping a trailing slash.
	p, query, hasQuery := strings.Cut(next, "?")
	cleaned := path.Clean(p)
	if strings.HasSuffix(p, "/") && cleaned != "/" {
		cleaned += "/"
	}
	if hasQuery {
		cleaned += "?" + query
	}
	u, err := url.Parse(cleaned)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		strings.HasPrefix(cleaned, "//") || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.HasPrefix(u.Path, "/login") {
		return fallback
	}
	// Refuse what hides under one or more layers of percent-encoding too.
	for text, i := next+" "+cleaned, 0; i < 4; i++ {
		if strings.ContainsFunc(text, func(c rune) bool { return c == '\\' || unicode.IsControl(c) }) ||
			strings.Contains(strings.ToLower(text), "%5c") {
			return fallback
		}
		decoded, err := url.PathUnescape(text)
		if err != nil {
			return fallback
		}
		if decoded == text {
			break
		}
		text = decoded
	}
	return cleaned
}
