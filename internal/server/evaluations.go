package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/report"
)

// evaluationView is an evaluation with everything needed to show it, summarized today.
type evaluationView struct {
	Evaluation    assess.Evaluation
	Provider      assess.Provider
	Questionnaire *assess.Questionnaire
	Summary       assess.Summary
}

// loadEvaluation reads an evaluation, its provider and its pinned questionnaire, and scores it as
// of today, so that a score stored on an earlier day is never shown as current.
func (s *Server) loadEvaluation(ctx context.Context, id int64) (evaluationView, error) {
	ev, err := s.store.FindEvaluation(ctx, id)
	if err != nil {
		return evaluationView{}, err
	}
	p, err := s.store.FindProvider(ctx, ev.ProviderID)
	if err != nil {
		return evaluationView{}, err
	}
	q, err := s.questionnaires.Find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
	if err != nil {
		return evaluationView{}, err
	}
	return evaluationView{ev, p, q, assess.Summarize(q, p.ServiceModel, ev.Answers, ev.ScoreDay(s.today()))}, nil
}

// saveAnswer checks an answer against the evaluation's own questionnaire version and stores it,
// returning the stored answer and the evaluation's new score. Both the API and the form save
// through here; it reads only the evaluation's head, so that a save costs few queries.
func (s *Server) saveAnswer(ctx context.Context, evaluationID int64, ref string, in assess.AnswerInput, by auth.Actor) (assess.Answer, assess.Score, error) {
	head, err := s.store.FindEvaluationHead(ctx, evaluationID)
	if err != nil {
		return assess.Answer{}, assess.Score{}, err
	}
	q, err := s.questionnaires.Find(head.QuestionnaireKey, head.QuestionnaireVersion)
	if err != nil {
		return assess.Answer{}, assess.Score{}, err
	}
	question, element, _ := strings.Cut(ref, ".")
	a, err := q.NewAnswer(question, element, in, s.today())
	if err != nil {
		return assess.Answer{}, assess.Score{}, err
	}
	return s.store.SaveAnswer(ctx, evaluationID, a, s.today(), by)
}

// startEvaluation starts an evaluation of a provider on the newest default questionnaire.
func (s *Server) startEvaluation(ctx context.Context, providerID int64, by auth.Actor) (assess.Evaluation, error) {
	if _, err := s.store.FindProvider(ctx, providerID); err != nil {
		return assess.Evaluation{}, err
	}
	q, err := s.questionnaires.Latest(assess.DefaultKey)
	if err != nil {
		return assess.Evaluation{}, err
	}
	return s.store.CreateEvaluation(ctx, providerID, q, s.today(), by)
}

func (s *Server) handleEvaluationCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ev, err := s.startEvaluation(r.Context(), id, actor(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.loadEvaluation(r.Context(), ev.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/evaluations/"+idString(ev.ID))
	writeJSON(w, http.StatusCreated, newEvaluationJSON(v.Evaluation, v.Summary))
}

func (s *Server) handleEvaluationGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.loadEvaluation(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newEvaluationJSON(v.Evaluation, v.Summary))
}

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
	var in *assess.AnswerInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	if in == nil {
		s.error(w, r, assess.Invalid("body", `want an object such as {"value": "yes"}; {"value": null} clears an answer`))
		return
	}
	saved, score, err := s.saveAnswer(r.Context(), id, chi.URLParam(r, "ref"), *in, actor(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, answerSaved{newAnswerJSON(saved), report.NewScoreJSON(score)})
}

type revisionJSON struct {
	Version     int               `json:"version"`
	OldValue    assess.Value      `json:"old_value"`
	NewValue    assess.Value      `json:"new_value"`
	Explanation string            `json:"explanation"`
	Evidence    []assess.Evidence `json:"evidence"`
	Actor       string            `json:"actor"`
	At          time.Time         `json:"at"`
}

// handleAnswerHistory lists every save of one element, newest first.
func (s *Server) handleAnswerHistory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	question, element, _ := strings.Cut(chi.URLParam(r, "ref"), ".")
	revs, err := s.store.AnswerHistory(r.Context(), id, question, element)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]revisionJSON, 0, len(revs))
	for _, rv := range revs {
		ev := rv.Evidence
		if ev == nil {
			ev = []assess.Evidence{}
		}
		out = append(out, revisionJSON{rv.Version, rv.OldValue, rv.NewValue, rv.Explanation, ev, rv.Actor, rv.At})
	}
	writeJSON(w, http.StatusOK, map[string][]revisionJSON{"revisions": out})
}

// lifecycle runs one status change on the evaluation in the URL and answers with the evaluation
// (API) or sends the browser back to it.
func (s *Server) lifecycle(w http.ResponseWriter, r *http.Request, created bool, change func(id int64) (assess.Evaluation, error)) {
	id, err := pathID(r)
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
		http.Redirect(w, r, "/evaluations/"+idString(ev.ID), http.StatusSeeOther)
		return
	}
	v, err := s.loadEvaluation(r.Context(), ev.ID)
	if err != nil {
		s.error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/evaluations/"+idString(ev.ID))
	}
	writeJSON(w, status, newEvaluationJSON(v.Evaluation, v.Summary))
}

func (s *Server) handleEvaluationComplete(w http.ResponseWriter, r *http.Request) {
	s.lifecycle(w, r, false, func(id int64) (assess.Evaluation, error) {
		return s.store.CompleteEvaluation(r.Context(), id, s.today(), actor(r))
	})
}

func (s *Server) handleEvaluationReopen(w http.ResponseWriter, r *http.Request) {
	s.lifecycle(w, r, false, func(id int64) (assess.Evaluation, error) {
		return s.store.ReopenEvaluation(r.Context(), id, actor(r))
	})
}

func (s *Server) handleEvaluationReassess(w http.ResponseWriter, r *http.Request) {
	s.lifecycle(w, r, true, func(id int64) (assess.Evaluation, error) {
		return s.store.Reassess(r.Context(), id, s.today(), actor(r))
	})
}
