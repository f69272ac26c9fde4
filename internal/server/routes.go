package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"shareline/web"
)

// routes lists every route the server answers, in one table.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RealIP, s.recoverer, securityHeaders, middleware.GetHead)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.error(w, r, errRouteMissing) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { s.error(w, r, errMethod) })

	r.Get("/healthz", s.handleHealth)
	r.Get("/readyz", s.handleReady)
	r.Handle("/static/*", http.StripPrefix("/static/", web.Static()))

	// Browser pages.
	r.Get("/", s.handleHome)
	r.Get("/providers", s.handleProvidersPage)
	r.Get("/providers/new", s.handleProviderNewPage)
	r.Get("/providers/export.{format}", s.handlePortfolioExport)
	r.Post("/providers", s.handleProviderCreateForm)
	r.Get("/providers/{id}", s.handleProviderPage)
	r.Get("/providers/{id}/edit", s.handleProviderEditPage)
	r.Post("/providers/{id}", s.handleProviderUpdateForm)
	r.Post("/providers/{id}/evaluations", s.handleEvaluationCreateForm)
	r.Get("/evaluations/{id}", s.handleEvaluationPage)
	r.Get("/evaluations/{id}/summary", s.handleEvaluationSummaryPage)
	r.Get("/evaluations/{id}/report", s.handleReportPage)
	r.Get("/evaluations/{id}/report.{format}", s.handleReportFile)
	r.Post("/evaluations/{id}/answers/{ref}", s.handleAnswerSaveForm)

	// JSON API.
	r.Route("/api/v1", func(r chi.Router) {
		r.Get("/openapi.json", s.handleOpenAPI)
		r.Get("/questionnaires/{key}", s.handleQuestionnaireGet)
		r.Get("/providers", s.handleProviderList)
		r.Get("/providers/export.{format}", s.handlePortfolioExport)
		r.Post("/providers", s.handleProviderCreate)
		r.Get("/providers/{id}", s.handleProviderGet)
		r.Post("/providers/{id}/evaluations", s.handleEvaluationCreate)
		r.Get("/evaluations/{id}", s.handleEvaluationGet)
		r.Get("/evaluations/{id}/report.{format}", s.handleReportFile)
		r.Put("/evaluations/{id}/answers/{ref}", s.handleAnswerSave)
	})
	return r
}
