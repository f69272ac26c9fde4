package server

import (
	"errors"
	"math"
	"net/http"

	"github.com/go-chi/chi/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/report"
)

func (s *Server) handleEvaluationCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = ifMatch(r, func() (string, error) { return s.providerTag(r, id) })
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	ev, err := s.app.StartEvaluation(r.Context(), principal(r), id, r.URL.Query().Get("questionnaire"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.answerEvaluation(w, r, http.StatusCreated, ev.ID)
}

// answerEvaluation answers an API call with the evaluation as it is now; 201 names it in Location.
func (s *Server) answerEvaluation(w http.ResponseWriter, r *http.Request, status int, id int64) {
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/evaluations/"+idString(id))
	}
	writeTagged(w, r, status, newEvaluationJSON(v.Evaluation, v.Summary))
}

func (s *Server) handleEvaluationGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.answerEvaluation(w, r, http.StatusOK, id)
}

// maxVersion bounds the versions a client may name (the document's base_version maximum).
const maxVersion = math.MaxInt32

// answerSaved is the API's answer to a save: the stored answer and the evaluation's new score.
type answerSaved struct {
	answerJSON
	Score report.ScoreJSON `json:"score"`
}

func (s *Server) handleAnswerSave(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	in, matched, err := decodeAnswerPut(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	saved, score, err := s.app.SaveAnswer(r.Context(), principal(r), id, chi.URLParam(r, "ref"), in)
	var vc *assess.VersionConflict
	if matched != nil && errors.As(err, &vc) {
		err = preconditionFailed{vc}
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("ETag", answerTag(saved.Version))
	writeJSON(w, http.StatusOK, answerSaved{newAnswerJSON(saved), report.NewScoreJSON(score)})
}

// decodeAnswerPut reads the body of an answer PUT (the API's, and a respondent's), with the
// version If-Match names, which becomes its base_version; matched is that version, if any.
func decodeAnswerPut(w http.ResponseWriter, r *http.Request) (assess.AnswerInput, *int, error) {
	in, err := decodeObject[assess.AnswerInput](w, r, `{"value": "yes"} ({"value": null} clears an answer)`)
	if err != nil {
		return assess.AnswerInput{}, nil, err
	}
	if in.BaseVersion != nil && *in.BaseVersion > maxVersion {
		return assess.AnswerInput{}, nil, assess.Invalid("base_version", "want 0 (not answered yet) or a version number up to %d", maxVersion)
	}
	// If-Match names the version the change was made from, as base_version does.
	matched, err := ifMatchVersion(r)
	if err == nil && matched != nil && in.BaseVersion != nil && *in.BaseVersion != *matched {
		err = assess.Invalid("base_version", "is %d but If-Match names version %d: send one of them", *in.BaseVersion, *matched)
	}
	if err != nil {
		return assess.AnswerInput{}, nil, err
	}
	if matched != nil {
		in.BaseVersion = matched
	}
	return in, matched, nil
}

type revisionJSON struct {
	Version     int               `json:"version"`
	OldValue    assess.Value      `json:"old_value"`
	NewValue    assess.Value      `json:"new_value"`
	Explanation string            `json:"explanation"`
	Evidence    []assess.Evidence `json:"evidence"`
	Actor       string            `json:"actor"`
	At          apiTime           `json:"at"`
	Note        string            `json:"note"`
}

// handleAnswerHistory lists every save of one element, newest first.
func (s *Server) handleAnswerHistory(w http.ResponseWriter, r *http.Request) {
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
	out := make([]revisionJSON, 0, len(v.Revisions))
	for _, rv := range v.Revisions {
		ev := rv.Evidence
		if ev == nil {
			ev = []assess.Evidence{}
		}
		out = append(out, revisionJSON{rv.Version, rv.OldValue, rv.NewValue, rv.Explanation, ev, rv.Actor, apiTime(rv.At), rv.Note})
	}
	writeJSON(w, http.StatusOK, map[string][]revisionJSON{"revisions": out})
}

// lifecycle runs one status change on the evaluation in the URL and answers with the evaluation
// (API) or sends the browser back to it with a notice.
func (s *Server) lifecycle(w http.ResponseWriter, r *http.Request, created bool, notice string, change func(id int64) (assess.Evaluation, error)) {
	id, err := pathID(r)
	if err == nil && isAPI(r) {
		err = ifMatch(r, func() (string, error) { return s.evaluationTag(r, id) })
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	ev, err := change(id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !isAPI(r) {
		http.Redirect(w, r, "/evaluations/"+idString(ev.ID)+"?done="+notice, http.StatusSeeOther)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.answerEvaluation(w, r, status, ev.ID)
}

// completeInput is the body of a completion: confirm says the person knows how many elements
// are unanswered.
type completeInput struct {
	Confirm bool `json:"confirm"`
}

func (s *Server) handleEvaluationComplete(w http.ResponseWriter, r *http.Request) {
	var in completeInput
	if isAPI(r) {
		if r.ContentLength != 0 {
			if err := decodeJSON(w, r, &in); err != nil {
				s.error(w, r, err)
				return
			}
		}
	} else {
		if err := parseForm(w, r); err != nil {
			s.error(w, r, err)
			return
		}
		in.Confirm = r.PostForm.Get("confirm") == "yes"
	}
	s.lifecycle(w, r, false, "completed", func(id int64) (assess.Evaluation, error) {
		return s.app.Complete(r.Context(), principal(r), id, in.Confirm)
	})
}

func (s *Server) handleEvaluationReopen(w http.ResponseWriter, r *http.Request) {
	s.lifecycle(w, r, false, "reopened", func(id int64) (assess.Evaluation, error) {
		return s.app.Reopen(r.Context(), principal(r), id)
	})
}

func (s *Server) handleEvaluationReassess(w http.ResponseWriter, r *http.Request) {
	s.lifecycle(w, r, true, "reassessed", func(id int64) (assess.Evaluation, error) {
		return s.app.Reassess(r.Context(), principal(r), id)
	})
}

// evaluationControls are the lifecycle controls a page may show for an evaluation: what the
// policy allows the principal, where the domain allows the change. None while its provider is
// archived.
func evaluationControls(r *http.Request, v app.EvaluationView) (edit, complete, reopen, reassess bool) {
	if assess.CheckActive(v.Provider) != nil {
		return false, false, false, false
	}
	evs := v.Siblings
	res := app.Resource{ProviderID: v.Evaluation.ProviderID, EvaluationID: v.Evaluation.ID}
	editable := assess.CheckEditable(v.Evaluation) == nil
	edit = editable && can(r, app.EditAnswers, res)
	complete = editable && can(r, app.CompleteEvaluations, res)
	reopen = !editable && can(r, app.ReopenEvaluations, res) && assess.CheckStartable(evs) == nil
	reassess = can(r, app.ReassessEvaluations, res) && assess.CheckReassessable(v.Evaluation, evs) == nil
	return edit, complete, reopen, reassess
}
