package server

import (
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/CAFxX/httpcompression"
	"github.com/andybalholm/brotli"
)

// APIOptions configure the JSON API's manners toward clients.
type APIOptions struct {
	// CORSOrigins are the browser origins ("https://app.example.com") whose pages may call the
	// API with a token (CORS, without cookies). Empty allows none: the API is then same-origin
	// only for browsers, as before.
	CORSOrigins []string
	// RateLimit is how many requests one API token may make per RateWindow; 0 means 600, and a
	// negative number turns the limit off.
	RateLimit int
	// RateWindow defaults to a minute.
	RateWindow time.Duration
}

// apiManners holds what the API's middleware shares.
type apiManners struct {
	origins []string
	limiter *rateLimiter
}

func newAPIManners(opt APIOptions, now func() time.Time) *apiManners {
	m := &apiManners{}
	for _, o := range opt.CORSOrigins {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			m.origins = append(m.origins, o)
		}
	}
	if opt.RateLimit >= 0 {
		limit, window := opt.RateLimit, opt.RateWindow
		if limit == 0 {
			limit = 600
		}
		if window <= 0 {
			window = time.Minute
		}
		m.limiter = &rateLimiter{limit: limit, window: window, now: now, used: map[[32]byte]int{}}
	}
	return m
}

// cutBearer reads a bearer token from an Authorization header; the scheme's case does not
// matter (RFC 9110: "bearer", "Bearer" and "BEARER" are one scheme).
func cutBearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	return token, token != ""
}

// compressible are the responses worth compressing: pages, styles, scripts, JSON, CSV, SVG.
// PDF and XLSX files are compressed already.
var compressible = []string{"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
	"text/csv", "text/plain", "image/svg+xml"}

// compress answers with brotli or gzip when the client accepts them and the response is one of
// the compressible types of 1 KiB or more. A compressed response's ETag gets the encoding as
// a suffix ("abc-br"), since its bytes differ; tags sent back are read without it.
func (s *Server) compress() func(http.Handler) http.Handler {
	adapter, err := httpcompression.Adapter(
		// The fastest levels: on a 86 KB evaluation page brotli 0 took 0.3 ms where 4 took 4.7,
		// gzip 1 0.46 ms where 6 took 0.78 (BENCHMARKS.md), for 11.6 KB against 9.3 KB: on
		// a team's network the CPU costs more than the bytes.
		httpcompression.BrotliCompressionLevel(brotli.BestSpeed),
		httpcompression.GzipCompressionLevel(gzip.BestSpeed),
		httpcompression.ContentTypes(compressible, false),
		httpcompression.MinSize(1024),
	)
	if err != nil {
		panic(fmt.Sprintf("compression options: %v", err)) // fixed options: a programming error
	}
	return func(next http.Handler) http.Handler {
		compressed := adapter(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			compressed.ServeHTTP(&encodingTagger{ResponseWriter: w}, r)
		})
	}
}

// encodingTagger suffixes the ETag of a response that goes out compressed.
type encodingTagger struct {
	http.ResponseWriter
	wrote bool
}

func (w *encodingTagger) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		h := w.Header()
		if enc, tag := h.Get("Content-Encoding"), h.Get("ETag"); enc != "" && strings.HasSuffix(tag, `"`) {
			h.Set("ETag", strings.TrimSuffix(tag, `"`)+"-"+enc+`"`)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *encodingTagger) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *encodingTagger) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *encodingTagger) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withoutEncoding is an entity tag as the server made it, before compression suffixed it.
func withoutEncoding(tag string) string {
	for _, enc := range []string{"-br\"", "-gzip\""} {
		if strings.HasSuffix(tag, enc) {
			return strings.TrimSuffix(tag, enc) + `"`
		}
	}
	return tag
}

// corsHeaders are what a page on an allowed origin may send and read.
const (
	corsAllowHeaders  = "Authorization, Content-Type, Accept, If-Match, If-None-Match, Idempotency-Key"
	corsExposeHeaders = "ETag, Location, Retry-After, RateLimit, RateLimit-Policy, Content-Disposition, Deprecation, Link, X-Request-Id"
	corsAllowMethods  = "GET, HEAD, POST, PUT, PATCH, DELETE"
)

// corsAllowed reports whether a page on origin may call the API.
func (m *apiManners) corsAllowed(origin string) bool {
	return origin != "" && slices.Contains(m.origins, origin)
}

// cors lets pages on the configured origins call the API with a token: preflight requests are
// answered here, before any credential is asked for, and responses name the origin. Cookies are
// never allowed across origins (no Access-Control-Allow-Credentials), so a page elsewhere can
// act only with a token it holds.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if !isAPI(r) || len(s.api.origins) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		if !s.api.corsAllowed(origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		next.ServeHTTP(w, r)
	})
}

// crossOriginAPI reports whether a request comes with a token from a page on an allowed origin:
// such a request carries no cookie authority, so cross-origin protection has nothing to guard.
func (s *Server) crossOriginAPI(r *http.Request) bool {
	return isAPI(r) && r.Header.Get("Authorization") != "" && s.api.corsAllowed(r.Header.Get("Origin"))
}

// rateLimiter counts each token's requests in fixed windows.
type rateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	start time.Time
	used  map[[32]byte]int
}

// take counts one request of a token and says how many are left in the window and when the
// window ends; ok is false when the token has used them all.
func (l *rateLimiter) take(token string) (remaining int, reset time.Duration, ok bool) {
	now := l.now()
	key := sha256.Sum256([]byte(token))
	l.mu.Lock()
	defer l.mu.Unlock()
	if start := now.Truncate(l.window); !start.Equal(l.start) {
		l.start = start
		clear(l.used)
	}
	reset = l.start.Add(l.window).Sub(now)
	if l.used[key] >= l.limit {
		return 0, reset, false
	}
	l.used[key]++
	return l.limit - l.used[key], reset, true
}

// errRateLimited: the token used every request of its window.
var errRateLimited = errors.New("this token made too many requests: wait as long as Retry-After says, then try again")

// limitRate holds each API token to its requests per window, and says where it stands in the
// RateLimit and RateLimit-Policy headers (draft-ietf-httpapi-ratelimit-headers); past the limit
// the answer is 429 with Retry-After, and nothing runs.
func (s *Server) limitRate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := s.api.limiter
		token, ok := cutBearer(r.Header.Get("Authorization"))
		if l == nil || !ok || !isAPI(r) || principal(r).Via != "token" {
			next.ServeHTTP(w, r)
			return
		}
		remaining, reset, ok := l.take(token)
		secs := int((reset + time.Second - 1) / time.Second)
		w.Header().Set("RateLimit-Policy", fmt.Sprintf(`"token";q=%d;w=%d`, l.limit, int(l.window/time.Second)))
		w.Header().Set("RateLimit", fmt.Sprintf(`"token";r=%d;t=%d`, remaining, secs))
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			s.error(w, r, errRateLimited)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// apiTime is an instant as the API writes it: UTC, always with microseconds (the database's
// precision), so that every timestamp has the same shape and sorts as text.
type apiTime time.Time

const apiTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

func (t apiTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(apiTimeLayout) + `"`), nil
}

// apiTimePtr is a nullable apiTime.
func apiTimePtr(t *time.Time) *apiTime {
	if t == nil {
		return nil
	}
	v := apiTime(*t)
	return &v
}
