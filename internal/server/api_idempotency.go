package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// errKeyInFlight: a retry arrived while the first request with its key is still being handled.
var errKeyInFlight = assess.Conflict("a request with this Idempotency-Key is still being handled: retry in a moment")

// keptHeaders are the headers of an answer that a replay repeats.
var keptHeaders = []string{"Content-Type", "Location", "ETag", "Content-Disposition"}

// idempotent makes API POSTs with an Idempotency-Key safe to retry: the first request with a key
// runs and its answer is kept for 24 hours (per principal); a retry with the same key and the
// same request gets that answer again, marked Idempotent-Replayed, without running anything; the
// same key with another request is refused (422). Failures of the server (5xx) are not kept, so
// that a retry runs again.
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" || r.Method != http.MethodPost || !isAPI(r) {
			next.ServeHTTP(w, r)
			return
		}
		if !validIdempotencyKey(key) {
			s.error(w, r, assess.Invalid("Idempotency-Key", "want 1 to 255 visible ASCII characters, such as a UUID"))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				err = errTooLarge
			}
			s.error(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.New()
		for _, part := range []string{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), r.Header.Get("If-Match")} {
			sum.Write([]byte(part + "\n"))
		}
		sum.Write(body)
		hash := sum.Sum(nil)

		ctx, p := r.Context(), principal(r)
		kept, claimed, err := s.app.ClaimIdempotencyKey(ctx, p, key, hash)
		switch {
		case err != nil:
			s.error(w, r, err)
			return
		case !claimed && !bytes.Equal(kept.RequestHash, hash):
			s.error(w, r, assess.Invalid("Idempotency-Key", "was sent with another request in the last 24 hours: use a new key for a new request"))
			return
		case !claimed && !kept.Done:
			w.Header().Set("Retry-After", "1")
			s.error(w, r, errKeyInFlight)
			return
		case !claimed:
			for k, vs := range kept.Header {
				w.Header().Del(k)
				for _, v := range vs {
					w.Header().Add(k, v) // canonical names ("Etag"), as net/http reads them
				}
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(kept.Status)
			w.Write(kept.Body)
			return
		}
		rec := &keepingWriter{ResponseWriter: w}
		secret := &secretNote{}
		r = r.WithContext(context.WithValue(r.Context(), secretNoteKey{}, secret))
		defer func() {
			if v := recover(); v != nil {
				s.releaseKey(r, p, key)
				panic(v)
			}
		}()
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if rec.status >= 500 {
			s.releaseKey(r, p, key)
			return
		}
		res := app.IdempotentResponse{RequestHash: hash, Done: true, Status: rec.status, Header: map[string][]string{}, Body: rec.buf.Bytes()}
		if secret.field != "" {
			res.Body = withoutField(res.Body, secret.field)
		}
		for _, h := range keptHeaders {
			if v := w.Header().Values(h); len(v) > 0 {
				res.Header[h] = v
			}
		}
		if err := s.app.FinishIdempotencyKey(ctx, p, key, res); err != nil {
			s.log.ErrorContext(ctx, "keep idempotent response", "err", err)
			s.releaseKey(r, p, key)
		}
	})
}

// secretNote is how a handler tells idempotent that a field of its JSON answer is a secret
// shown once (a request link), which is left out of the answer kept for replays: a replay comes
// without it, and the secret is stored nowhere.
type secretNote struct{ field string }

type secretNoteKey struct{}

// keepSecretOut marks the top-level field of the request's JSON answer that must not be kept.
func keepSecretOut(r *http.Request, field string) {
	if n, ok := r.Context().Value(secretNoteKey{}).(*secretNote); ok {
		n.field = field
	}
}

// withoutField is a JSON object without one of its top-level fields; a body that is not an
// object is kept as nothing rather than with the secret.
func withoutField(body []byte, field string) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return []byte("{}\n")
	}
	delete(m, field)
	b, err := json.Marshal(m)
	if err != nil {
		return []byte("{}\n")
	}
	return append(b, '\n')
}

func (s *Server) releaseKey(r *http.Request, p app.Principal, key string) {
	if err := s.app.ReleaseIdempotencyKey(r.Context(), p, key); err != nil {
		s.log.ErrorContext(r.Context(), "release idempotency key", "err", err)
	}
}

func validIdempotencyKey(k string) bool {
	return len(k) <= 255 && !strings.ContainsFunc(k, func(c rune) bool { return c < 0x21 || c > 0x7e })
}

// keepingWriter passes an answer through and keeps a copy.
type keepingWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *keepingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *keepingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *keepingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
