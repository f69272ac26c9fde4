package server

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/templates"
)

// notices are what a page says after a change it was sent back to (?done=...).
var notices = map[string]string{
	"completed":  "Completed: the evaluation is locked and its score frozen. It now speaks for the provider.",
	"reopened":   "Reopened: the evaluation is a draft again and is scored as of today.",
	"reassessed": "Reassessment started from the completed evaluation's answers. Review each answer and save changes as you go.",
	"restored":   "Restored: the earlier answer is saved again as a new version.",
	"saved":      "Saved.",
	"reviewed":   "Review saved.",
	"attached":   "File attached: it is kept with the answer and listed in reports with its SHA-256.",
	"detached":   "File removed from the answer; the earlier version in its history still has it.",
	"revoked":    "Revoked: the request's link no longer works.",
}

// page builds the evaluation page's view, every element showing its stored answer, with what
// the signed-in user may do.
func (s *Server) page(r *http.Request, v app.EvaluationView) templates.EvaluationView {
	tv := templates.EvaluationView{
		Provider: v.Provider, Questionnaire: v.Questionnaire, Evaluation: v.Evaluation,
		Summary: v.Summary, Today: s.app.Today(), Elements: map[string]templates.ElementState{},
		Notice: notices[r.URL.Query().Get("done")], MaxUpload: s.app.MaxUpload(),
		Asked: v.Questionnaire.Asked(v.Evaluation.Answers),
	}
	tv.CanEdit, tv.CanComplete, tv.CanReopen, tv.CanReassess = evaluationControls(r, v)
	answered, total := v.Summary.Score.Counts()
	tv.Unanswered, tv.Total = total-answered, total
	tv.CanReview, tv.Pending = canReview(r, v), assess.PendingReviews(v.Evaluation.Answers)
	tv.ReviewFilter, _ = reviewFilter(r.URL.Query().Get("review"))
	tv.ReviewCounts = map[assess.Verdict]int{}
	for _, a := range v.Evaluation.Answers {
		if a.Answered() {
			tv.ReviewCounts[a.Review.State()]++
		}
	}
	for qi := range v.Questionnaire.Questions {
		q := &v.Questionnaire.Questions[qi]
		for ei := range q.Elements {
			el := &q.Elements[ei]
			ref := assess.Ref(q.Key, el.Key)
			st := templates.StateFromAnswer(q, el, v.Evaluation.ServiceModel, v.Evaluation.Answers[ref])
			st.ReadOnly = !tv.CanEdit
			tv.Elements[ref] = st
		}
	}
	return tv
}

func (s *Server) handleEvaluationCreateForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	ev, err := s.app.StartEvaluation(r.Context(), principal(r), id, r.PostForm.Get("questionnaire"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/evaluations/"+idString(ev.ID), http.StatusSeeOther)
}

func (s *Server) handleEvaluationPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if _, ok := reviewFilter(r.URL.Query().Get("review")); !ok {
		s.error(w, r, assess.Invalid("review", "want pending, accepted, clarify or rejected, or no filter"))
		return
	}
	s.renderEvaluationPage(w, r, http.StatusOK, id, nil)
}

func (s *Server) handleEvaluationSummaryPage(w http.ResponseWriter, r *http.Request) {
	s.renderEvaluation(w, r, templates.SummaryPage)
}

func (s *Server) renderEvaluation(w http.ResponseWriter, r *http.Request, page func(templates.EvaluationView) templ.Component) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, page(s.page(r, v)))
}

// handleAnswerSaveForm saves one element from the team's evaluation form.
func (s *Server) handleAnswerSaveForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.saveAnswerForm(w, r, id, chi.URLParam(r, "ref"), s.teamAnswerPage(r, id))
}

// teamAnswerPage is the team's evaluation page, as an element's forms return to it.
func (s *Server) teamAnswerPage(r *http.Request, id int64) answerPage {
	return answerPage{
		view: func(v app.EvaluationView) templates.EvaluationView { return s.page(r, v) },
		full: templates.EvaluationPage,
		done: "/evaluations/" + idString(id),
	}
}

// answerPage is the page an element's form is on: the team's evaluation page or a
// respondent's. view builds its view model, full renders the whole page, done is where a plain
// form post goes once saved.
type answerPage struct {
	view func(app.EvaluationView) templates.EvaluationView
	full func(templates.EvaluationView) templ.Component
	done string
}

// saveAnswerForm saves one element from its form, for the team and for respondents alike. htmx
// gets the element's status (and, on the team's page, the new score panel); a plain form post
// is redirected back to the element, or, when refused, gets the page again with the person's
// input kept and the problems shown beside the element.
func (s *Server) saveAnswerForm(w http.ResponseWriter, r *http.Request, id int64, ref string, pg answerPage) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	if r.PostForm.Get("type") == "" {
		s.error(w, r, assess.Invalid("type", "the form is incomplete: reload the page and answer again"))
		return
	}
	in, rows := answerFromForm(r.PostForm)
	_, _, err := s.app.SaveAnswer(r.Context(), principal(r), id, ref, in)
	// A bad evidence link does not hold back the rest of the element: the rest is saved, each
	// refused row keeping what was stored in its place, and the refused rows stay on the form
	// with their problems until fixed.
	var refused *assess.ValidationError
	if bad, only := assess.RefusedEvidence(err); only {
		errors.As(err, &refused)
		var salvaged assess.AnswerInput
		if salvaged, err = s.salvage(r, id, ref, in, rows, bad); err == nil {
			_, _, err = s.app.SaveAnswer(r.Context(), principal(r), id, ref, salvaged)
		}
	}
	var ve *assess.ValidationError
	var vc *assess.VersionConflict
	status := http.StatusUnprocessableEntity
	if errors.As(err, &vc) {
		status = http.StatusConflict
	}
	if err != nil && vc == nil && !errors.As(err, &ve) {
		s.error(w, r, err)
		return
	}
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if vc != nil {
		// Show what is stored now beside what the person typed; saving again keeps theirs.
		_, el, _ := v.Questionnaire.Element(vc.Current.Question, vc.Current.Element)
		ve = assess.Invalid("value", "%s Current answer: %s.", conflictMessage(vc), assess.AnswerText(el, vc.Current.Value))
	}
	tv := pg.view(v)
	st := tv.Elements[ref]
	switch {
	case ve != nil:
		st = stateFromForm(st, r.PostForm, formErrors(ve.Fields, rows))
		st.Conflict = vc != nil
	case refused != nil:
		st = stateFromForm(st, r.PostForm, formErrors(refused.Fields, rows))
		st.Saved = true
	default:
		st.Saved = true
	}
	tv.Elements[ref] = st
	if ve == nil && refused != nil {
		ve = refused
	}
	switch {
	case isHTMX(r) && ve != nil:
		s.render(w, r, status, templates.SaveResponse(tv, st))
	case isHTMX(r):
		s.render(w, r, http.StatusOK, templates.SaveResponse(tv, st))
	case ve != nil:
		s.render(w, r, status, pg.full(tv))
	default:
		http.Redirect(w, r, pg.done+"?done=saved#"+templates.DOMID("el", ref), http.StatusSeeOther)
	}
}

// answerFromForm turns an element's form fields into the same input the API takes, so that both
// are checked by one validator. A field left empty means "not answered". rows gives, for each
// evidence item, the form row it came from (blank rows are left out).
func answerFromForm(f url.Values) (in assess.AnswerInput, rows []int) {
	in = assess.AnswerInput{Explanation: f.Get("explanation"), Value: formValue(f)}
	if base, err := strconv.Atoi(f.Get("base_version")); err == nil {
		in.BaseVersion = &base
	}
	for i, e := range formEvidence(f) {
		if strings.TrimSpace(e.URL) != "" || strings.TrimSpace(e.EffectiveDate) != "" {
			in.Evidence = append(in.Evidence, e)
			rows = append(rows, i)
		}
	}
	// The element's files come after its links, as hidden fields: a save keeps them.
	files, dates, until := f["evidence_file"], f["evidence_file_date"], f["evidence_file_until"]
	for i, id := range files {
		in.Evidence = append(in.Evidence, assess.EvidenceInput{FileID: id, EffectiveDate: at(dates, i), ValidUntil: at(until, i)})
	}
	return in, rows
}

// salvage is the input with each refused evidence item replaced by the one stored in its form
// row, if any: a refused edit of a link changes nothing, the rest of the element is saved.
func (s *Server) salvage(r *http.Request, id int64, ref string, in assess.AnswerInput, rows, refused []int) (assess.AnswerInput, error) {
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		return in, err
	}
	var stored []assess.Evidence
	for _, e := range v.Evaluation.Answers[ref].Evidence {
		if !e.IsFile() {
			stored = append(stored, e)
		}
	}
	out := in
	out.Evidence = nil
	for i, e := range in.Evidence {
		if slices.Contains(refused, i) {
			// A refused file (one that is not this evaluation's) is dropped; a refused link
			// keeps the one stored in its row.
			if i >= len(rows) || rows[i] >= len(stored) {
				continue
			}
			e = assess.EvidenceInput{URL: stored[rows[i]].URL, EffectiveDate: stored[rows[i]].EffectiveDate.String()}
		}
		out.Evidence = append(out.Evidence, e)
	}
	return out, nil
}

// formEvidence is every evidence row of the form as sent, blank ones included.
func formEvidence(f url.Values) []assess.EvidenceInput {
	urls, dates := f["evidence_url"], f["evidence_date"]
	out := make([]assess.EvidenceInput, 0, max(len(urls), len(dates)))
	for i := 0; i < max(len(urls), len(dates)); i++ {
		out = append(out, assess.EvidenceInput{URL: at(urls, i), EffectiveDate: at(dates, i)})
	}
	return out
}

// formErrors names evidence problems by the form row they are shown on.
func formErrors(fields map[string]string, rows []int) map[string]string {
	out := make(map[string]string, len(fields))
	for field, msg := range fields {
		if i, part, ok := assess.ParseEvidenceField(field); ok && i < len(rows) {
			field = assess.EvidenceField(rows[i], part)
		}
		out[field] = msg
	}
	return out
}

// formValue encodes the value fields as JSON for the element type the form says it renders
// (the validator checks the value against the real element, so a forged type only gets a
// refusal): value.<layer> selects make a matrix, checkboxes a list, a number input a number.
func formValue(f url.Values) json.RawMessage {
	switch assess.AnswerType(f.Get("type")) {
	case assess.TypeMatrix:
		matrix := map[string]string{}
		for k, vs := range f {
			if layer, ok := strings.CutPrefix(k, "value."); ok && len(vs) > 0 && vs[0] != "" {
				matrix[layer] = vs[0]
			}
		}
		if len(matrix) == 0 {
			return nil
		}
		return mustJSON(matrix)
	case assess.TypeMulti:
		if len(f["value"]) == 0 {
			return nil // no box ticked yet: not answered
		}
		return mustJSON(f["value"])
	}
	raw := strings.TrimSpace(f.Get("value"))
	if raw == "" {
		return nil
	}
	// ParseFloat also reads "NaN" and "Inf", which are no answer: those stay text and are refused.
	if n, err := strconv.ParseFloat(raw, 64); err == nil && !math.IsNaN(n) && !math.IsInf(n, 0) && f.Get("type") == string(assess.TypeNumber) {
		return mustJSON(n)
	}
	return mustJSON(raw)
}

// mustJSON encodes values that always encode: strings, numbers, lists and maps of strings.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// stateFromForm shows what the person sent, with its problems, instead of the stored answer.
func stateFromForm(st templates.ElementState, f url.Values, errs map[string]string) templates.ElementState {
	st.Value = f.Get("value")
	st.Multi = f["value"]
	st.Matrix = map[assess.Layer]string{}
	for _, l := range st.Element.Split().Keys() {
		st.Matrix[l] = f.Get("value." + string(l))
	}
	st.Explanation = f.Get("explanation")
	st.Evidence = formEvidence(f)
	st.Errors = errs
	return st
}
