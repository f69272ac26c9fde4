// Package server is Shareline's HTTP layer: browser pages (templ and htmx) and the JSON API.
// It talks to storage only through the small Store interface below, so that it never depends on
// a database package.
package server

import (
	"context"
	"iter"
	"log/slog"
	"net/http"
	"time"

	"shareline/internal/assess"
)

// Store is what the handlers need from storage.
type Store interface {
	Ping(ctx context.Context) error
	CreateProvider(ctx context.Context, p assess.Provider) (assess.Provider, error)
	UpdateProvider(ctx context.Context, p assess.Provider) (assess.Provider, error)
	FindProvider(ctx context.Context, id int64) (assess.Provider, error)
	ListProviders(ctx context.Context, q assess.ProviderQuery, today assess.Date) (assess.ProviderPage, error)
	CreateEvaluation(ctx context.Context, providerID int64, q *assess.Questionnaire, today assess.Date) (assess.Evaluation, error)
	FindEvaluation(ctx context.Context, id int64) (assess.Evaluation, error)
	ListEvaluations(ctx context.Context, providerID int64, today assess.Date) ([]assess.Evaluation, error)
	SaveAnswer(ctx context.Context, evaluationID int64, a assess.Answer, today assess.Date) (assess.Answer, assess.Score, error)
	RefreshScores(ctx context.Context, today assess.Date) (int, error)
	ProviderListings(ctx context.Context) iter.Seq2[assess.ProviderListing, error]
}

// Server holds what every handler shares.
type Server struct {
	store          Store
	questionnaires *assess.Builtin
	now            func() time.Time
	log            *slog.Logger
}

// Options configure a Server. Now defaults to time.Now and Log to slog.Default().
type Options struct {
	Store          Store
	Questionnaires *assess.Builtin
	Now            func() time.Time
	Log            *slog.Logger
}

// New returns a Server; Handler gives its routes.
func New(opt Options) *Server {
	s := &Server{store: opt.Store, questionnaires: opt.Questionnaires, now: opt.Now, log: opt.Log}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// today is the calendar day on the server's clock: dates are checked and scored against it.
func (s *Server) today() assess.Date { return assess.DateOf(s.now()) }

// Handler returns the router with every route and middleware.
func (s *Server) Handler() http.Handler { return s.routes() }
