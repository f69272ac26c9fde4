package server

import (
	"fmt"
	"net/http"
	"strings"
)

// recoverer turns a panic into the same 500 answer as any internal error, logged with a reference.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.error(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders are sent on every response. The policy allows only this origin's scripts and
// styles, which is why htmx is configured (in the layout) to inject no inline styles and never eval.
// HSTS goes out when clients reach the server over TLS.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.TLS != nil || s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		noStore(h, r)
		next.ServeHTTP(w, r)
	})
}

// noStore keeps every answer but the static files out of browser and proxy caches: pages, htmx
// fragments, API JSON, downloads and errors of a signed-in person hold what providers said under
// NDA, and must not be read back from a shared computer's cache after sign-out. Answers to
// anonymous requests (the sign-in page, health checks) get the same header, which costs nothing.
// Static files keep the lifetime web.Static gives them.
func noStore(h http.Header, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/static/") {
		return
	}
	h.Set("Cache-Control", "no-store")
}

// crossOrigin refuses state-changing browser requests sent from another site, using the
// browser's Sec-Fetch-Site and Origin headers. Requests without them (API clients with a bearer
// token, which carry no cookie) pass.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, errCrossOrigin)
	}))
	return cop.Handler(next)
}
