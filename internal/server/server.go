// Package server is Shareline's HTTP layer: browser pages (templ and htmx) and the JSON API.
// Handlers parse and validate the request, call one use case of internal/app, and render; the
// rules (who may, what may change, how it scores) live in app and assess.
package server

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/report/pdf"
)

// Server holds what every handler shares.
type Server struct {
	app            *app.App
	now            func() time.Time
	log            *slog.Logger
	sessions       *scs.SessionManager
	secure         bool
	trustedProxies []netip.Prefix
	metrics        *Metrics
	api            *apiManners
	pdf            *pdf.Renderer
	linkTries      *rateLimiter // openings of request links, per client address
	baseURL        string
}

// Options configure a Server. Now (the clock of file names and sessions; the App has its own)
// defaults to time.Now and Log to slog.Default().
type Options struct {
	App *app.App
	Now func() time.Time
	Log *slog.Logger
	// Sessions keeps browser sessions (in PostgreSQL, so that every process shares them).
	Sessions scs.Store
	// SecureCookies marks cookies Secure and sends HSTS: set it when clients reach the server
	// over TLS, directly or through a proxy.
	SecureCookies bool
	// TrustedProxies are the addresses of the reverse proxies in front of the server. A request
	// from one of them is taken to come from the address its X-Forwarded-For names (read from
	// the right, past every trusted hop; see clientaddr.go); from anywhere else, from its peer.
	// Empty trusts no one, so that clients cannot pose as any address to the sign-in limits.
	TrustedProxies []netip.Prefix
	// Metrics, when set, counts and times requests per route.
	Metrics *Metrics
	// API sets the JSON API's CORS origins and rate limit.
	API APIOptions
	// PDF prints the PDF reports; nil shares the process's one warm Chromium (pdfRenderer).
	PDF *pdf.Renderer
	// LinkTries is how many times a minute one client address may open request links (/r/):
	// 0 means 20, a negative number no limit.
	LinkTries int
	// BaseURL is the address users reach Shareline at (https://shareline.example.com), which
	// request links are made on; empty makes them on the host each request came to.
	BaseURL string
}

// New returns a Server; Handler gives its routes.
func New(opt Options) *Server {
	s := &Server{app: opt.App, now: opt.Now, log: opt.Log,
		sessions: newSessions(opt.Sessions, opt.SecureCookies), secure: opt.SecureCookies, trustedProxies: opt.TrustedProxies,
		metrics: opt.Metrics, pdf: opt.PDF, baseURL: strings.TrimRight(opt.BaseURL, "/")}
	// A session store that fails is the database failing: answer as for any outage, never with
	// scs's default of the raw error text.
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.error(w, r, fmt.Errorf("sessions: %w: %w", assess.ErrUnavailable, err))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.pdf == nil {
		s.pdf = pdfRenderer()
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = slog.New(withRequestIDs{s.log.Handler()})
	s.api = newAPIManners(opt.API, s.now)
	if opt.LinkTries >= 0 {
		s.linkTries = &rateLimiter{limit: cmp.Or(opt.LinkTries, defaultLinkTries), window: time.Minute, now: s.now, used: map[[32]byte]int{}}
	}
	return s
}

// Handler returns the router with every route and middleware.
func (s *Server) Handler() http.Handler { return s.routes() }
