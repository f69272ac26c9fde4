package server

import (
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
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
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.crossOriginAPI(r) { // a token from a page on an allowed origin (CORS): no cookie to forge
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// negotiate refuses, with 406, an API request whose Accept header rules out what the route
// produces: JSON, or the file its extension names. Errors are JSON whatever Accept says.
func (s *Server) negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept := r.Header.Values("Accept")
		// An evidence file is whatever type it is: its download is not negotiated.
		if len(accept) == 0 || !(isAPI(r) || r.URL.Path == "/healthz" || r.URL.Path == "/readyz") || strings.HasPrefix(r.URL.Path, filesAPIPath) {
			next.ServeHTTP(w, r)
			return
		}
		produced := producedType(r.URL.Path)
		if !accepts(strings.Join(accept, ","), produced) {
			if !isAPI(r) { // the health checks answer JSON, not an error page
				writeJSON(w, http.StatusNotAcceptable, map[string]apiError{"error": {Code: "not_acceptable", Message: capitalize(errNotAcceptable.Error())}})
				return
			}
			s.error(w, r, fmt.Errorf("%w: this resource is %s", errNotAcceptable, produced))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// producedType is the media type a path answers with when it succeeds.
func producedType(path string) string {
	switch {
	case strings.HasSuffix(path, ".pdf"):
		return "application/pdf"
	case strings.HasSuffix(path, ".xlsx"):
		return xlsxType
	case strings.HasSuffix(path, ".csv"):
		return "text/csv"
	}
	return "application/json"
}

// accepts reports whether an Accept header admits the media type: a range of it, its type/*
// or */*, with a weight above 0.
func accepts(header, mediaType string) bool {
	major, _, _ := strings.Cut(mediaType, "/")
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		if q, ok := params["q"]; ok {
			if w, err := strconv.ParseFloat(q, 64); err != nil || w <= 0 {
				continue
			}
		}
		if mt == "*/*" || mt == mediaType || mt == major+"/*" {
			return true
		}
	}
	return false
}

// methodNotAllowed answers 405 with the Allow header listing the methods the path takes.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.Routes != nil {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if rctx.Routes.Match(chi.NewRouteContext(), m, r.URL.Path) {
				allow = append(allow, m)
			}
		}
		if slices.Contains(allow, http.MethodGet) && !slices.Contains(allow, http.MethodHead) {
			allow = slices.Insert(allow, 1, http.MethodHead) // GetHead answers HEAD for every GET
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
		}
	}
	s.error(w, r, errMethod)
}
