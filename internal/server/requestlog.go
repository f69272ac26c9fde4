package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

type requestIDKey struct{}

// requestID gives every request an id, sent back as X-Request-Id, written on every log line of
// the request and shown on error pages as the reference to quote.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestNote is what later handlers tell the request's log line: the user that authentication
// found (0: nobody signed in).
type requestNote struct {
	userID atomic.Int64
}

type requestNoteKey struct{}

// logRequests names each request, resolves its client address (clientaddr.go), and logs one
// line when it ends: route pattern, status, size, duration, user id and client address.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		note := &requestNote{}
		ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey{}, id), requestNoteKey{}, note)
		r = s.withClientAddr(r.WithContext(ctx))
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := chi.RouteContext(r.Context()).RoutePattern()
		s.metrics.observe(route, r.Method, ww.Status(), time.Since(start))
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("route", route), slog.String("path", loggedPath(r.URL.Path)),
			slog.Int("status", ww.Status()), slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
			slog.Int64("user_id", note.userID.Load()), slog.String("client_addr", clientAddr(r)))
	})
}

// noteRequestUser tells the log line of ctx's request who is signed in: authentication calls
// it once it has found the user. Outside a logged request it does nothing.
func noteRequestUser(ctx context.Context, userID int64) {
	if note, ok := ctx.Value(requestNoteKey{}).(*requestNote); ok {
		note.userID.Store(userID)
	}
}

// withRequestIDs makes every log line written with a request's context carry its id.
type withRequestIDs struct{ slog.Handler }

func (h withRequestIDs) Handle(ctx context.Context, rec slog.Record) error {
	if id := requestID(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h withRequestIDs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return withRequestIDs{h.Handler.WithAttrs(attrs)}
}

func (h withRequestIDs) WithGroup(name string) slog.Handler {
	return withRequestIDs{h.Handler.WithGroup(name)}
}

// loggedPath is a request's path as the log keeps it: a request link's token (/r/{token}) is
// a credential, and is replaced by a mark.
func loggedPath(p string) string {
	if strings.HasPrefix(p, "/r/") {
		return "/r/[redacted]"
	}
	return p
}
