package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"shareline/internal/auth"
	"shareline/web"
)

// public marks routes anyone may call.
const public auth.Role = ""

// route is one line of the route table: what answers, and the role it needs.
type route struct {
	method  string
	pattern string
	role    auth.Role
	handler http.HandlerFunc
}

// table lists every route the server answers, with the role each needs. Viewers read and
// export; evaluators also change providers and evaluations; admins also manage accounts.
func (s *Server) table() []route {
	get, post, put := http.MethodGet, http.MethodPost, http.MethodPut
	return []route{
		{get, "/login", public, s.handleSignInPage},
		{post, "/login", public, s.handleSignIn},
		{post, "/logout", auth.Viewer, s.handleSignOut},

		// Browser pages.
		{get, "/", auth.Viewer, s.handleHome},
		{get, "/providers", auth.Viewer, s.handleProvidersPage},
		{get, "/providers/new", auth.Evaluator, s.handleProviderNewPage},
		{post, "/providers", auth.Evaluator, s.handleProviderCreateForm},
		{get, "/providers/export.{format}", auth.Viewer, s.handlePortfolioExport},
		{get, "/providers/{id}", auth.Viewer, s.handleProviderPage},
		{get, "/providers/{id}/edit", auth.Evaluator, s.handleProviderEditPage},
		{post, "/providers/{id}", auth.Evaluator, s.handleProviderUpdateForm},
		{post, "/providers/{id}/evaluations", auth.Evaluator, s.handleEvaluationCreateForm},
		{get, "/evaluations/{id}", auth.Viewer, s.handleEvaluationPage},
		{get, "/evaluations/{id}/summary", auth.Viewer, s.handleEvaluationSummaryPage},
		{get, "/evaluations/{id}/report", auth.Viewer, s.handleReportPage},
		{get, "/evaluations/{id}/report.{format}", auth.Viewer, s.handleReportFile},
		{post, "/evaluations/{id}/answers/{ref}", auth.Evaluator, s.handleAnswerSaveForm},
		{get, "/evaluations/{id}/answers/{ref}/history", auth.Viewer, s.handleAnswerHistoryPage},
		{post, "/evaluations/{id}/answers/{ref}/restore", auth.Evaluator, s.handleAnswerRestoreForm},
		{post, "/evaluations/{id}/complete", auth.Evaluator, s.handleEvaluationComplete},
		{post, "/evaluations/{id}/reopen", auth.Admin, s.handleEvaluationReopen},
		{post, "/evaluations/{id}/reassess", auth.Evaluator, s.handleEvaluationReassess},
		{get, "/compare", auth.Viewer, s.handleComparePage},
		{get, "/compare.{format}", auth.Viewer, s.handleCompareFile},
		{get, "/tokens", auth.Viewer, s.handleTokensPage},
		{post, "/tokens", auth.Viewer, s.handleTokenCreateForm},
		{post, "/tokens/{id}/revoke", auth.Viewer, s.handleTokenRevokeForm},
		{get, "/admin/users", auth.Admin, s.handleUsersPage},
		{post, "/admin/users", auth.Admin, s.handleUserCreateForm},
		{post, "/admin/users/{id}/role", auth.Admin, s.handleUserRoleForm},
		{post, "/admin/users/{id}/active", auth.Admin, s.handleUserActiveForm},
		{post, "/admin/users/{id}/password", auth.Admin, s.handleUserPasswordForm},
		{get, "/admin/tokens", auth.Admin, s.handleAllTokensPage},
		{post, "/admin/tokens/{id}/revoke", auth.Admin, s.handleAnyTokenRevokeForm},
		{get, "/admin/audit", auth.Admin, s.handleAuditPage},

		// JSON API.
		{get, "/api/v1/openapi.json", public, s.handleOpenAPI},
		{get, "/api/v1/questionnaires/{key}", auth.Viewer, s.handleQuestionnaireGet},
		{get, "/api/v1/providers", auth.Viewer, s.handleProviderList},
		{post, "/api/v1/providers", auth.Evaluator, s.handleProviderCreate},
		{get, "/api/v1/providers/export.{format}", auth.Viewer, s.handlePortfolioExport},
		{get, "/api/v1/providers/{id}", auth.Viewer, s.handleProviderGet},
		{post, "/api/v1/providers/{id}/evaluations", auth.Evaluator, s.handleEvaluationCreate},
		{get, "/api/v1/evaluations/{id}", auth.Viewer, s.handleEvaluationGet},
		{get, "/api/v1/evaluations/{id}/report.{format}", auth.Viewer, s.handleReportFile},
		{put, "/api/v1/evaluations/{id}/answers/{ref}", auth.Evaluator, s.handleAnswerSave},
		{get, "/api/v1/evaluations/{id}/answers/{ref}/history", auth.Viewer, s.handleAnswerHistory},
		{post, "/api/v1/evaluations/{id}/complete", auth.Evaluator, s.handleEvaluationComplete},
		{post, "/api/v1/evaluations/{id}/reopen", auth.Admin, s.handleEvaluationReopen},
		{post, "/api/v1/evaluations/{id}/reassess", auth.Evaluator, s.handleEvaluationReassess},
		{get, "/api/v1/compare", auth.Viewer, s.handleCompareAPI},
		{get, "/api/v1/compare.{format}", auth.Viewer, s.handleCompareFile},
	}
}

// routes builds the router from the table. Every request passes cross-origin protection and
// authentication; each route then checks its own role.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.logRequests, s.recoverer, s.securityHeaders, middleware.GetHead)
	if s.trustProxy {
		r.Use(middleware.RealIP)
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.error(w, r, errRouteMissing) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { s.error(w, r, errMethod) })
	// Static files and health checks need no session, and must answer whatever the database does.
	r.Handle("/static/*", http.StripPrefix("/static/", web.Static()))
	r.Get("/healthz", s.handleHealth)
	r.Get("/readyz", s.handleReady)

	r.Group(func(r chi.Router) {
		r.Use(s.crossOrigin, s.sessions.LoadAndSave, s.authenticate)
		for _, rt := range s.table() {
			h := http.Handler(rt.handler)
			if rt.role != public {
				h = s.require(rt.role)(h)
			}
			r.Method(rt.method, rt.pattern, h)
		}
	})
	return r
}
