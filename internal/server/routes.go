package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"shareline/internal/app"
	"shareline/web"
)

// public marks routes anyone may call.
const public app.Action = ""

// route is one line of the route table: what answers, and the action its caller must be allowed
// (app.Can decides, with the same policy the use cases apply).
type route struct {
	method  string
	pattern string
	action  app.Action
	handler http.HandlerFunc
}

// table lists every route the server answers, with the action each needs.
func (s *Server) table() []route {
	get, post, put := http.MethodGet, http.MethodPost, http.MethodPut
	return []route{
		{get, "/login", public, s.handleSignInPage},
		{post, "/login", public, s.handleSignIn},
		{post, "/logout", app.Read, s.handleSignOut},
		{get, "/account", app.ManageOwnAccount, s.handleAccountPage},
		{post, "/account/password", app.ManageOwnAccount, s.handleAccountPasswordForm},
		{post, "/account/sessions/{id}/end", app.ManageOwnAccount, s.handleAccountSessionEnd},
		{post, "/account/sessions/end-others", app.ManageOwnAccount, s.handleAccountSessionsEnd},
		{get, "/login/second-factor", public, s.handleSecondFactorPage},
		{post, "/login/second-factor", public, s.handleSecondFactor},
		{get, "/login/forgot", public, s.handleForgotPasswordPage},
		{post, "/login/forgot", public, s.handleForgotPassword},
		{get, "/login/reset", public, s.handleResetPasswordPage},
		{post, "/login/reset", public, s.handleResetPassword},
		{get, "/account/two-step", app.ManageOwnAccount, s.handleTwoStepPage},
		{post, "/account/two-step", app.ManageOwnAccount, s.handleTwoStepEnable},
		{post, "/account/two-step/disable", app.ManageOwnAccount, s.handleTwoStepDisable},
		{post, "/account/two-step/recovery-codes", app.ManageOwnAccount, s.handleRecoveryCodes},
		{get, "/account/confirm", app.ManageOwnAccount, s.handleConfirmPasswordPage},
		{post, "/account/confirm", app.ManageOwnAccount, s.handleConfirmPassword},

		// Browser pages.
		{get, "/", app.Read, s.handleHome},
		{get, "/providers", app.Read, s.handleProvidersPage},
		{get, "/providers/new", app.EditProviders, s.handleProviderNewPage},
		{post, "/providers", app.EditProviders, s.handleProviderCreateForm},
		{get, "/providers/export.{format}", app.Read, s.handlePortfolioExport},
		{get, "/providers/{id}", app.Read, s.handleProviderPage},
		{get, "/providers/{id}/edit", app.EditProviders, s.handleProviderEditPage},
		{post, "/providers/{id}", app.EditProviders, s.handleProviderUpdateForm},
		{post, "/providers/{id}/archive", app.EditProviders, s.handleProviderArchive},
		{post, "/providers/{id}/restore", app.EditProviders, s.handleProviderRestore},
		{post, "/providers/{id}/evaluations", app.StartEvaluations, s.handleEvaluationCreateForm},
		{get, "/evaluations/{id}", app.Read, s.handleEvaluationPage},
		{get, "/evaluations/{id}/summary", app.Read, s.handleEvaluationSummaryPage},
		{get, "/evaluations/{id}/report", app.Read, s.handleReportPage},
		{get, "/evaluations/{id}/report.{format}", app.Read, s.handleReportFile},
		{post, "/evaluations/{id}/answers/{ref}", app.EditAnswers, s.handleAnswerSaveForm},
		{get, "/evaluations/{id}/answers/{ref}/history", app.Read, s.handleAnswerHistoryPage},
		{post, "/evaluations/{id}/answers/{ref}/restore", app.EditAnswers, s.handleAnswerRestoreForm},
		{post, "/evaluations/{id}/answers/{ref}/review", app.ReviewAnswers, s.handleAnswerReviewForm},
		{get, "/evaluations/{id}/answers/{ref}/attach", app.EditAnswers, s.handleAttachPage},
		{post, "/evaluations/{id}/answers/{ref}/files", app.EditAnswers, s.handleFileUploadForm},
		{post, "/evaluations/{id}/answers/{ref}/files/{file}/detach", app.EditAnswers, s.handleFileDetachForm},
		{get, "/files/{file}", app.Read, s.handleFileDownload},
		{post, "/evaluations/{id}/complete", app.CompleteEvaluations, s.handleEvaluationComplete},
		{post, "/evaluations/{id}/reopen", app.ReopenEvaluations, s.handleEvaluationReopen},
		{post, "/evaluations/{id}/reassess", app.ReassessEvaluations, s.handleEvaluationReassess},
		{get, "/questionnaires/{key}/{version}/scoring", app.Read, s.handleScoringPage},
		{get, "/compare", app.Read, s.handleComparePage},
		{get, "/compare.{format}", app.Read, s.handleCompareFile},
		{get, "/tokens", app.ManageOwnTokens, s.handleTokensPage},
		{post, "/tokens", app.ManageOwnTokens, s.handleTokenCreateForm},
		{post, "/tokens/{id}/revoke", app.ManageOwnTokens, s.handleTokenRevokeForm},
		{get, "/admin/users", app.ManageAccounts, s.handleUsersPage},
		{post, "/admin/users", app.ManageAccounts, s.handleUserCreateForm},
		{post, "/admin/users/{id}/role", app.ManageAccounts, s.handleUserRoleForm},
		{post, "/admin/users/{id}/active", app.ManageAccounts, s.handleUserActiveForm},
		{post, "/admin/users/{id}/password", app.ManageAccounts, s.handleUserPasswordForm},
		{post, "/admin/users/{id}/signin-failures/clear", app.ManageAccounts, s.handleUserSignInFailuresClear},
		{post, "/admin/users/{id}/two-step/reset", app.ManageAccounts, s.handleUserTwoStepReset},
		{get, "/admin/security", app.ManageAccounts, s.handleSecurityPage},
		{post, "/admin/security", app.ManageAccounts, s.handleSecuritySet},
		{get, "/admin/tokens", app.ManageAccounts, s.handleAllTokensPage},
		{post, "/admin/tokens/{id}/revoke", app.ManageAccounts, s.handleAnyTokenRevokeForm},
		{get, "/admin/audit", app.ReadAudit, s.handleAuditPage},
		{get, "/admin/questionnaires", app.PublishQuestionnaire, s.handleQuestionnairesPage},
		{get, "/admin/questionnaires/template.xlsx", app.PublishQuestionnaire, s.handleQuestionnaireTemplateXLSX},
		{get, "/admin/questionnaires/template.csv", app.PublishQuestionnaire, s.handleQuestionnaireTemplateCSV},
		{get, "/admin/questionnaires/{key}/{version}.json", app.PublishQuestionnaire, s.handleQuestionnaireDownload},
		{post, "/admin/questionnaires/preview", app.PublishQuestionnaire, s.handleQuestionnairePreview},
		{post, "/admin/questionnaires/publish", app.PublishQuestionnaire, s.handlePublishQuestionnaire},

		// JSON API.
		{get, "/api/v1/questionnaires/{key}", app.Read, s.handleQuestionnaireGet},
		{get, "/api/v1/providers", app.Read, s.handleProviderList},
		{post, "/api/v1/providers", app.EditProviders, s.handleProviderCreate},
		{get, "/api/v1/exports/portfolio.{format}", app.Read, s.handlePortfolioExport},
		{get, "/api/v1/providers/export.{format}", app.Read, s.deprecated("/api/v1/exports/portfolio.{format}", s.handlePortfolioExport)},
		{get, "/api/v1/providers/{id}", app.Read, s.handleProviderGet},
		{http.MethodPatch, "/api/v1/providers/{id}", app.EditProviders, s.handleProviderPatch},
		{get, "/api/v1/providers/{id}/evaluations", app.Read, s.handleProviderEvaluations},
		{post, "/api/v1/providers/{id}/archive", app.EditProviders, s.handleProviderArchive},
		{post, "/api/v1/providers/{id}/restore", app.EditProviders, s.handleProviderRestore},
		{get, "/api/v1/questionnaires", app.Read, s.handleQuestionnaireList},
		{post, "/api/v1/providers/{id}/evaluations", app.StartEvaluations, s.handleEvaluationCreate},
		{get, "/api/v1/evaluations/{id}", app.Read, s.handleEvaluationGet},
		{get, "/api/v1/evaluations/{id}/report.{format}", app.Read, s.handleReportFile},
		{get, "/api/v1/evaluations/{id}/answers/{ref}", app.Read, s.handleAnswerGet},
		{put, "/api/v1/evaluations/{id}/answers/{ref}", app.EditAnswers, s.handleAnswerSave},
		{get, "/api/v1/evaluations/{id}/answers/{ref}/history", app.Read, s.handleAnswerHistory},
		{put, "/api/v1/evaluations/{id}/answers/{ref}/review", app.ReviewAnswers, s.handleAnswerReview},
		{post, "/api/v1/evaluations/{id}/answers/{ref}/files", app.EditAnswers, s.handleFileUpload},
		{get, filesAPIPath + "{file}", app.Read, s.handleFileDownload},
		{post, "/api/v1/evaluations/{id}/complete", app.CompleteEvaluations, s.handleEvaluationComplete},
		{post, "/api/v1/evaluations/{id}/reopen", app.ReopenEvaluations, s.handleEvaluationReopen},
		{post, "/api/v1/evaluations/{id}/reassess", app.ReassessEvaluations, s.handleEvaluationReassess},
		{post, "/evaluations/{id}/requests", app.SendRequests, s.handleRequestCreateForm},
		{post, "/requests/{id}/revoke", app.SendRequests, s.handleRequestRevokeForm},
		{post, "/requests/{id}/reissue", app.SendRequests, s.handleRequestReissueForm},
		{post, "/api/v1/evaluations/{id}/requests", app.SendRequests, s.handleRequestCreate},
		{get, "/api/v1/evaluations/{id}/requests", app.Read, s.handleRequestList},
		{post, "/api/v1/requests/{id}/revoke", app.SendRequests, s.handleRequestRevoke},
		{post, "/api/v1/requests/{id}/reissue", app.SendRequests, s.handleRequestReissue},
		{get, "/api/v1/compare", app.Read, s.handleCompareAPI},
		{get, "/api/v1/compare.{format}", app.Read, s.handleCompareFile},
	}
}

// respondentTable lists the routes of a provider's contact who came through a request link.
// They read the respondent session only (respondentSession), never the team's; the link itself
// (/r/{token}) needs no session and is limited per client address.
func (s *Server) respondentTable() []route {
	return []route{
		{http.MethodGet, "/respond", app.Read, s.handleRespondPage},
		{http.MethodPost, "/respond/answers/{ref}", app.EditAnswers, s.handleRespondAnswerForm},
		{http.MethodPut, "/respond/answers/{ref}", app.EditAnswers, s.handleRespondAnswer},
		{http.MethodPost, "/respond/answers/{ref}/reply", app.EditAnswers, s.handleRespondReplyForm},
		{http.MethodGet, "/respond/answers/{ref}/attach", app.EditAnswers, s.handleRespondAttachPage},
		{http.MethodPost, "/respond/answers/{ref}/files", app.EditAnswers, s.handleRespondUpload},
		{http.MethodPost, "/respond/answers/{ref}/files/{file}/detach", app.EditAnswers, s.handleRespondDetach},
		{http.MethodGet, "/respond/files/{file}", app.Read, s.handleFileDownload},
		{http.MethodPost, "/respond/submit", app.Respond, s.handleRespondSubmit},
	}
}

// routes builds the router from the table. Every request passes cross-origin protection and
// authentication; each route then checks its own role.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.logRequests, s.recoverer, s.securityHeaders, s.compress(), middleware.GetHead, s.cors, s.negotiate)
	// No RealIP: logRequests resolves the client address from trusted proxies only (clientaddr.go).
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.error(w, r, errRouteMissing) })
	r.MethodNotAllowed(s.methodNotAllowed)
	// Static files and health checks need no session, and must answer whatever the database does.
	r.Handle("/static/*", http.StripPrefix("/static/", web.Static()))
	r.Get("/healthz", s.handleHealth)
	r.Get("/readyz", s.handleReady)
	// The API's description is public, and is served whatever credentials come with the request.
	r.Get("/api/v1/openapi.json", s.handleOpenAPI)

	r.Group(func(r chi.Router) {
		r.Use(s.crossOrigin, s.loadSession, s.authenticate)
		for _, rt := range s.table() {
			h := http.Handler(rt.handler)
			if rt.method == http.MethodPost && strings.HasPrefix(rt.pattern, "/api/") {
				h = s.idempotent(h) // Idempotency-Key
			}
			if rt.action != public {
				h = s.require(rt.action)(h)
			}
			h = s.limitRate(h) // API tokens only
			r.Method(rt.method, rt.pattern, h)
		}
	})
	// Request links and the respondent's pages: the same cross-origin protection as the team's
	// forms, and nothing of the team's session.
	r.Group(func(r chi.Router) {
		r.Use(s.crossOrigin)
		r.With(s.limitLinkTries).Get("/r/{token}", s.handleRequestLink)
		r.Group(func(r chi.Router) {
			r.Use(s.respondentSession)
			for _, rt := range s.respondentTable() {
				r.Method(rt.method, rt.pattern, s.requireGrant(rt.action, rt.handler))
			}
		})
	})
	return r
}
