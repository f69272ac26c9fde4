package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
	"shareline/templates"
)

// handleScoringPage explains how one questionnaire version's scores are reached.
func (s *Server) handleScoringPage(w http.ResponseWriter, r *http.Request) {
	version, err := strconv.Atoi(chi.URLParam(r, "version"))
	if err != nil || version < 1 || strconv.Itoa(version) != chi.URLParam(r, "version") {
		s.error(w, r, assess.ErrNotFound)
		return
	}
	q, err := s.app.Questionnaire(r.Context(), principal(r), chi.URLParam(r, "key"), version)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.ScoringPage(q))
}
