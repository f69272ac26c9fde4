package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
)

// questionnaireJSON is a questionnaire's definition with the reference split it compares claims
// against, so that a client can render the form without hard-coding anything.
type questionnaireJSON struct {
	*assess.Questionnaire
	Layers         []assess.Layer                                        `json:"layers"`
	Owners         []assess.Owner                                        `json:"owners"`
	Statuses       []assess.Status                                       `json:"statuses"`
	ReferenceSplit map[assess.ServiceModel]map[assess.Layer]assess.Owner `json:"reference_split"`
}

func (s *Server) handleQuestionnaireGet(w http.ResponseWriter, r *http.Request) {
	key := chi.URLParam(r, "key")
	var q *assess.Questionnaire
	var err error
	if raw := r.URL.Query().Get("version"); raw != "" {
		version, convErr := strconv.Atoi(raw)
		if convErr != nil {
			s.error(w, r, assess.Invalid("version", "want a whole number"))
			return
		}
		q, err = s.questionnaires.Find(key, version)
	} else {
		q, err = s.questionnaires.Latest(key)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	split := map[assess.ServiceModel]map[assess.Layer]assess.Owner{}
	for _, m := range assess.ServiceModels {
		split[m] = map[assess.Layer]assess.Owner{}
		for _, l := range assess.Layers {
			split[m][l] = assess.ReferenceOwner(m, l)
		}
	}
	writeJSON(w, http.StatusOK, questionnaireJSON{q, assess.Layers, assess.Owners, assess.Statuses, split})
}
