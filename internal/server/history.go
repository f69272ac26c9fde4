package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/templates"
)

// handleAnswerHistoryPage lists every save of one element, with a way to restore each.
func (s *Server) handleAnswerHistoryPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.app.History(r.Context(), principal(r), id, chi.URLParam(r, "ref"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	res := app.Resource{ProviderID: v.Evaluation.ProviderID, EvaluationID: id}
	s.render(w, r, http.StatusOK, templates.HistoryPage(templates.HistoryView{
		Evaluation: v.Evaluation, Provider: v.Provider, Question: v.Question, Element: v.Element,
		Revisions: v.Revisions, Base: v.Current.Version, Notice: notices[r.URL.Query().Get("done")], Today: s.app.Today(),
		CanRestore: can(r, app.EditAnswers, res) && assess.CheckEditable(v.Evaluation) == nil && assess.CheckActive(v.Provider) == nil,
	}))
}

// handleAnswerRestoreForm saves an earlier revision's answer again, as a new revision, unless
// the answer moved on since the page was opened (base_version).
func (s *Server) handleAnswerRestoreForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	ref := chi.URLParam(r, "ref")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.error(w, r, assess.Invalid("version", "want the version to restore"))
		return
	}
	base, err := strconv.Atoi(r.PostForm.Get("base_version"))
	if err != nil {
		s.error(w, r, assess.Invalid("base_version", "the form is incomplete: reload the history and try again"))
		return
	}
	if _, err := s.app.RestoreRevision(r.Context(), principal(r), id, ref, version, base); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/evaluations/"+idString(id)+"/answers/"+ref+"/history?done=restored", http.StatusSeeOther)
}
