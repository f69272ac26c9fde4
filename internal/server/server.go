// Package server is Shareline's HTTP layer: browser pages (templ and htmx) and the JSON API.
// It talks to storage only through the small Store interface below, so that it never depends on
// a database package.
package server

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// Store is what the handlers need from storage.
type Store interface {
	Ping(ctx context.Context) error
	CreateProvider(ctx context.Context, p assess.Provider, by auth.Actor) (assess.Provider, error)
	UpdateProvider(ctx context.Context, p assess.Provider, by auth.Actor) (assess.Provider, error)
	FindProvider(ctx context.Context, id int64) (assess.Provider, error)
	ListProviders(ctx context.Context, q assess.ProviderQuery, today assess.Date) (assess.ProviderPage, error)
	CreateEvaluation(ctx context.Context, providerID int64, q *assess.Questionnaire, today assess.Date, by auth.Actor) (assess.Evaluation, error)
	FindEvaluation(ctx context.Context, id int64) (assess.Evaluation, error)
	FindEvaluationHead(ctx context.Context, id int64) (assess.Evaluation, error)
	AnswerHistory(ctx context.Context, evaluationID int64, question, element string) ([]assess.Revision, error)
	CompleteEvaluation(ctx context.Context, id int64, today assess.Date, by auth.Actor) (assess.Evaluation, error)
	ReopenEvaluation(ctx context.Context, id int64, by auth.Actor) (assess.Evaluation, error)
	Reassess(ctx context.Context, id int64, today assess.Date, by auth.Actor) (assess.Evaluation, error)
	ListEvaluations(ctx context.Context, providerID int64, today assess.Date) ([]assess.Evaluation, error)
	SaveAnswer(ctx context.Context, evaluationID int64, a assess.Answer, today assess.Date, by auth.Actor) (assess.Answer, assess.Score, error)
	RefreshScores(ctx context.Context, today assess.Date) (int, error)
	ProviderListings(ctx context.Context) iter.Seq2[assess.ProviderListing, error]
	LatestEvaluations(ctx context.Context, ids []int64) ([]assess.CompareInput, error)
	Accounts
}

// Accounts is what sign-in, authorization and the admin pages need from storage.
type Accounts interface {
	CountUsers(ctx context.Context) (int, error)
	FindUser(ctx context.Context, id int64) (auth.User, error)
	FindUserByEmail(ctx context.Context, email string) (auth.User, string, error)
	FindTokenUser(ctx context.Context, hash []byte) (auth.User, error)
	ListUsers(ctx context.Context) ([]auth.User, error)
	CreateUser(ctx context.Context, u auth.User, passwordHash string, by auth.Actor) (auth.User, error)
	SetUserRole(ctx context.Context, id int64, role auth.Role, by auth.Actor) (auth.User, error)
	SetUserActive(ctx context.Context, id int64, active bool, by auth.Actor) (auth.User, error)
	SetUserPassword(ctx context.Context, id int64, passwordHash string, by auth.Actor) (auth.User, error)
	CreateToken(ctx context.Context, userID int64, label string, hash []byte, by auth.Actor) (auth.Token, error)
	ListTokens(ctx context.Context, userID int64) ([]auth.Token, error)
	RevokeToken(ctx context.Context, id, ownerID int64, by auth.Actor) error
	RecordAudit(ctx context.Context, e auth.AuditEntry) error
	ListAudit(ctx context.Context, q auth.AuditQuery) ([]auth.AuditEntry, int, error)
	RecordSigninFailure(ctx context.Context, account, remoteAddr string, window time.Duration) error
	SigninFailures(ctx context.Context, account, remoteAddr string, window time.Duration) (int, int, time.Time, error)
	ClearSigninFailures(ctx context.Context, account string) error
}

// Server holds what every handler shares.
type Server struct {
	store          Store
	questionnaires *assess.Builtin
	now            func() time.Time
	log            *slog.Logger
	sessions       *scs.SessionManager
	secure         bool
	trustProxy     bool
	metrics        *Metrics
}

// Options configure a Server. Now defaults to time.Now and Log to slog.Default().
type Options struct {
	Store          Store
	Questionnaires *assess.Builtin
	Now            func() time.Time
	Log            *slog.Logger
	// Sessions keeps browser sessions (in PostgreSQL, so that every process shares them).
	Sessions scs.Store
	// SecureCookies marks cookies Secure and sends HSTS: set it when clients reach the server
	// over TLS, directly or through a proxy.
	SecureCookies bool
	// TrustProxy takes the client address from X-Forwarded-For or X-Real-IP: set it only behind
	// a proxy that sets them, or clients could pose as any address to the sign-in limits.
	TrustProxy bool
	// Metrics, when set, counts and times requests per route.
	Metrics *Metrics
}

// New returns a Server; Handler gives its routes.
func New(opt Options) *Server {
	s := &Server{store: opt.Store, questionnaires: opt.Questionnaires, now: opt.Now, log: opt.Log,
		sessions: newSessions(opt.Sessions, opt.SecureCookies), secure: opt.SecureCookies, trustProxy: opt.TrustProxy,
		metrics: opt.Metrics}
	// A session store that fails is the database failing: answer as for any outage, never with
	// scs's default of the raw error text.
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.error(w, r, fmt.Errorf("sessions: %w: %w", assess.ErrUnavailable, err))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = slog.New(withRequestIDs{s.log.Handler()})
	return s
}

// today is the calendar day on the server's clock: dates are checked and scored against it.
func (s *Server) today() assess.Date { return assess.DateOf(s.now()) }

// Handler returns the router with every route and middleware.
func (s *Server) Handler() http.Handler { return s.routes() }
