package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
)

// questionnaireJSON is a questionnaire's definition as stored (its responsibility split, when
// it has one, included), so that a client can render the form without hard-coding anything.
type questionnaireJSON struct {
	*assess.Questionnaire
	Statuses []assess.Status `json:"statuses"`
}

func (s *Server) handleQuestionnaireGet(w http.ResponseWriter, r *http.Request) {
	version := 0
	if raw := r.URL.Query().Get("version"); raw != "" {
		v, err := strconv.Atoi(raw)
		if err != nil {
			s.error(w, r, assess.Invalid("version", "want a whole number"))
			return
		}
		if v < 1 {
			s.error(w, r, assess.ErrNotFound) // versions start at 1: no such version
			return
		}
		version = v
	}
	q, err := s.app.Questionnaire(r.Context(), principal(r), chi.URLParam(r, "key"), version)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, questionnaireJSON{q, assess.Statuses})
}
