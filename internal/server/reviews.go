package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/templates"
)

// handleAnswerReview records the team's verdict on one answer (PUT .../answers/{ref}/review)
// and answers with the answer, its review and thread, and the evaluation's new score.
func (s *Server) handleAnswerReview(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	in, err := decodeObject[assess.ReviewInput](w, r, `{"verdict": "accepted"}`)
	if err != nil {
		s.error(w, r, err)
		return
	}
	saved, score, err := s.app.ReviewAnswer(r.Context(), principal(r), id, chi.URLParam(r, "ref"), in)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, answerSaved{newAnswerJSON(saved), report.NewScoreJSON(score)})
}

// handleAnswerReviewForm records a verdict from the evaluation page's review form: back to the
// element, or, when refused, the page again (422) with what was typed kept beside the element.
func (s *Server) handleAnswerReviewForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	ref := chi.URLParam(r, "ref")
	in := assess.ReviewInput{Verdict: r.PostForm.Get("verdict"), Comment: r.PostForm.Get("comment")}
	_, _, err = s.app.ReviewAnswer(r.Context(), principal(r), id, ref, in)
	var ve *assess.ValidationError
	switch {
	case errors.As(err, &ve):
		s.renderEvaluationPage(w, r, http.StatusUnprocessableEntity, id, func(tv *templates.EvaluationView) {
			if st, ok := tv.Elements[ref]; ok {
				st.ReviewInput, st.ReviewErrors = in, ve.Fields
				tv.Elements[ref] = st
			}
		})
	case err != nil:
		s.error(w, r, err)
	default:
		http.Redirect(w, r, "/evaluations/"+idString(id)+"?done=reviewed"+filterQuery(r)+"#"+templates.DOMID("review", ref), http.StatusSeeOther)
	}
}

// filterQuery keeps the review filter the form was posted under (its hidden field) on the way
// back to the page.
func filterQuery(r *http.Request) string {
	if f, ok := reviewFilter(r.PostForm.Get("filter")); ok && f != "" {
		return "&review=" + string(f)
	}
	return ""
}

// reviewFilter reads the evaluation page's review filter: "" for every element, or a verdict;
// ok is false for anything else.
func reviewFilter(q string) (assess.Verdict, bool) {
	if q == "" {
		return "", true
	}
	for _, v := range assess.Verdicts {
		if string(v) == q {
			return v, true
		}
	}
	return "", false
}

// handleRespondReplyForm adds the respondent's reply to the clarification asked on one element.
func (s *Server) handleRespondReplyForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	p, ref, body := principal(r), chi.URLParam(r, "ref"), r.PostForm.Get("body")
	_, err := s.app.ReplyToClarification(r.Context(), p, ref, body)
	var ve *assess.ValidationError
	switch {
	case errors.As(err, &ve):
		v, err := s.app.Respondent(r.Context(), p)
		if err != nil {
			s.error(w, r, err)
			return
		}
		tv := s.respondentView(r, v.EvaluationView, v.Request)
		if st, ok := tv.Elements[ref]; ok {
			st.ReplyBody, st.ReplyErrors = body, ve.Fields
			tv.Elements[ref] = st
		}
		s.render(w, r, http.StatusUnprocessableEntity, templates.RespondPage(s.respondPage(r, tv, v.Request)))
	case err != nil:
		s.error(w, r, err)
	default:
		http.Redirect(w, r, "/respond?done=replied#"+templates.DOMID("clarification", ref), http.StatusSeeOther)
	}
}

// canReview says whether the page offers the review form: the policy allows it and the
// evaluation takes changes.
func canReview(r *http.Request, v app.EvaluationView) bool {
	res := app.Resource{ProviderID: v.Evaluation.ProviderID, EvaluationID: v.Evaluation.ID}
	return assess.CheckActive(v.Provider) == nil && assess.CheckEditable(v.Evaluation) == nil && can(r, app.ReviewAnswers, res)
}
