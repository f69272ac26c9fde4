package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// deprecatedSince is when the API's deprecated paths were replaced (RFC 9745: an instant as
// seconds since the epoch): 2026-12-01.
const deprecatedSince = "@1796083200"

// deprecated keeps an old path answering as its successor does, marked with a Deprecation
// header (RFC 9745) and a Link to the path to use instead. successor is a route pattern; its
// {name} parts are filled from the request's own.
func (s *Server) deprecated(successor string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		target := successor
		if rctx := chi.RouteContext(r.Context()); rctx != nil {
			for i, k := range rctx.URLParams.Keys {
				target = strings.ReplaceAll(target, "{"+k+"}", rctx.URLParams.Values[i])
			}
		}
		w.Header().Set("Deprecation", deprecatedSince)
		w.Header().Set("Link", "<"+target+`>; rel="successor-version"`)
		h(w, r)
	}
}
