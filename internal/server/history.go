package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

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
	ref := chi.URLParam(r, "ref")
	question, element, _ := strings.Cut(ref, ".")
	revs, err := s.store.AnswerHistory(r.Context(), id, question, element)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.loadEvaluation(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	q, el, _ := v.Questionnaire.Element(question, element)
	s.render(w, r, http.StatusOK, templates.HistoryPage(templates.HistoryView{
		Evaluation: v.Evaluation, Provider: v.Provider, Question: q, Element: el, Revisions: revs,
	}))
}

// handleAnswerRestoreForm saves an earlier revision's answer again, as a new revision.
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
	question, element, _ := strings.Cut(ref, ".")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.error(w, r, assess.Invalid("version", "want the version to restore"))
		return
	}
	revs, err := s.store.AnswerHistory(r.Context(), id, question, element)
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, rv := range revs {
		if rv.Version != version {
			continue
		}
		a := assess.Answer{Question: question, Element: element, Value: rv.NewValue, Explanation: rv.Explanation, Evidence: rv.Evidence}
		if _, _, err := s.store.SaveAnswer(r.Context(), id, a, s.today(), actor(r)); err != nil {
			s.error(w, r, err)
			return
		}
		http.Redirect(w, r, "/evaluations/"+idString(id)+"/answers/"+ref+"/history", http.StatusSeeOther)
		return
	}
	s.error(w, r, assess.ErrNotFound)
}
