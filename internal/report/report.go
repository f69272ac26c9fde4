// Package report is the model of Shareline's scored files: a Report of one evaluation, with its
// rows, matrix, facts and follow-ups, and a comparison's rows, each with one rule for every
// figure and word they show. It writes what needs nothing but the standard library (CSV and
// JSON, the portfolio CSV, file names); the PDF and XLSX renderers in report/pdf and
// report/xlsx read the same model. It does no HTTP and no SQL: the caller loads the evaluation,
// calls assess.Summarize once, and passes the outcome in a Report, so that the report page and
// every file show the same figures.
package report

import (
	"fmt"
	"strings"
	"time"

	"shareline/internal/assess"
)

// Report is everything a scored report shows. Summary comes from one assess.Summarize call
// made by the caller; every renderer takes its figures from it, so that page and files cannot
// disagree. The provider is the one the evaluation recorded when it started (its
// ProviderName, Offering and ServiceModel), so that editing the provider later never changes
// a report.
type Report struct {
	Questionnaire *assess.Questionnaire
	Evaluation    assess.Evaluation // with Answers
	Summary       assess.Summary
	GeneratedAt   time.Time
	// GeneratedBy is who asked for the file (the signed-in user's name); it is the author of
	// the PDF and the creator of the workbook.
	GeneratedBy string
	// Marking is the confidentiality marking printed on every page; MarkingOr gives the
	// default when it is empty.
	Marking string
}

// NotRecorded stands in for a fact the evaluation does not hold, such as who started it.
const NotRecorded = "not recorded"

// EvaluatedBy is who started the evaluation, or NotRecorded.
func (r Report) EvaluatedBy() string { return orNotRecorded(r.Evaluation.CreatedBy) }

func orNotRecorded(s string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return NotRecorded
}

// Fact is one line of a report's facts: a label, the value as text, and the value as a
// spreadsheet holds it (a string, an int, a time.Time in UTC or an assess.Date).
type Fact struct {
	Label string
	Text  string
	Value any
}

// Facts lists who and what was evaluated, on which questionnaire and rules, by whom and when,
// in the order every rendering shows them. Completed by and when appear only for a completed
// evaluation.
func (r Report) Facts() []Fact {
	ev, q, s := r.Evaluation, r.Questionnaire, r.Summary.Score
	text := func(label, value string) Fact { return Fact{label, value, value} }
	instant := func(label string, t time.Time) Fact {
		if t.IsZero() {
			return text(label, NotRecorded)
		}
		return Fact{label, TimeText(t), t.UTC()}
	}
	facts := []Fact{
		text("Provider", ev.ProviderName),
		text("Offering", ev.Offering),
		text("Service model", ev.ServiceModel.Label()),
		text("Questionnaire", fmt.Sprintf("%s, version %d (%s)", q.Title, q.Version, q.Key)),
		{"Scoring version", fmt.Sprint(s.ScoringVersion), s.ScoringVersion},
		text("Status", ev.Status.Label()),
		text("Evaluated by", r.EvaluatedBy()),
		instant("Evaluation started", ev.CreatedAt),
	}
	if ev.Status == assess.EvaluationCompleted {
		facts = append(facts, text("Completed by", orNotRecorded(ev.CompletedBy)), instant("Completed", ev.CompletedAt))
	}
	facts = append(facts, instant("Last updated", ev.UpdatedAt))
	if !s.AsOf.IsZero() {
		facts = append(facts, Fact{"Score as of", s.AsOf.String(), s.AsOf})
	}
	return facts
}

// Row is one element of the questionnaire with its answer (zero when unanswered) and what it
// contributes to its question's score, as every rendering shows it.
type Row struct {
	Question *assess.Question
	Element  *assess.Element
	Answer   assess.Answer
	Score    assess.ElementScore
	// Contribution is the points this element adds to its question's score (0 to 100 across
	// the question), so that a reader can add them up to the question score.
	Contribution float64
	// Heading is the element's section when the row is the first of it, else empty: where a
	// table of rows puts the section's heading.
	Heading string

	questionnaire *assess.Questionnaire // to describe the element's condition
}

// Ref is the row's "question.element" key.
func (r Row) Ref() string { return assess.Ref(r.Question.Key, r.Element.Key) }

// Answered reports whether the element holds an answer (not_applicable included).
func (r Row) Answered() bool { return r.Answer.Answered() }

// Asked reports whether the element is asked: false when its condition does not hold, and the
// element is then left out of every figure.
func (r Row) Asked() bool { return r.Element.When == nil || r.Score.Asked }

// AnswerText is the answer in words, on one line; for an element not asked, why not (an answer
// it kept from before does not count, so it is not shown as one).
func (r Row) AnswerText() string {
	if !r.Asked() {
		return NotAsked + ": asked only when " + r.questionnaire.Describe(r.Element.When)
	}
	return assess.AnswerText(r.Element, r.Answer.Value)
}

// ReviewText is the team's verdict on the row's answer, with its comment ("Rejected: no SOC 2
// report"); empty when the element is unanswered.
func (r Row) ReviewText() string {
	if !r.Answered() {
		return ""
	}
	return r.Answer.Review.Text()
}

// AnsweredByText is who gave the row's answer: the provider's contact (through which request)
// or a user of the team; empty when the element was never answered.
func (r Row) AnsweredByText() string {
	if r.Answer.Version == 0 {
		return ""
	}
	return r.Answer.By.Text()
}

// CreditText is the element's credit as a percentage, or "not applicable".
func (r Row) CreditText() string {
	if !r.Asked() {
		return NotAsked
	}
	if !r.Score.Applies {
		return NotApplicable
	}
	return CreditPercent(r.Score.Credit)
}

// Rows lists every element in questionnaire order, with its score taken from the Summary
// rather than recomputed.
func (r Report) Rows() []Row {
	s := r.Summary.Score
	out := make([]Row, 0, r.Questionnaire.ElementCount())
	for i := range r.Questionnaire.Questions {
		qu := &r.Questionnaire.Questions[i]
		qs, _ := s.Question(qu.Key)
		possible := 0.0
		for _, es := range qs.Elements {
			if es.Applies {
				possible += es.Weight
			}
		}
		for j := range qu.Elements {
			el := &qu.Elements[j]
			es, ok := s.Element(qu.Key, el.Key)
			if !ok {
				es = assess.ElementScore{Question: qu.Key, Element: el.Key, Weight: el.Weight, Applies: true, Asked: true}
			}
			row := Row{Question: qu, Element: el, Answer: r.Evaluation.Answers[assess.Ref(qu.Key, el.Key)], Score: es, questionnaire: r.Questionnaire}
			if es.Applies && possible > 0 {
				row.Contribution = 100 * es.Weight * es.Credit / possible
			}
			if el.Section != "" && (j == 0 || qu.Elements[j-1].Section != el.Section) {
				row.Heading = el.Section
			}
			out = append(out, row)
		}
	}
	return out
}

// FollowUps lists the questions to send back to the provider, heaviest first (assess.FollowUps
// of the report's answers and score).
func (r Report) FollowUps() []assess.FollowUp {
	return assess.FollowUps(r.Questionnaire, r.Evaluation.Answers, r.Summary.Score)
}

// MatrixRow is one layer of the responsibility matrix: the provider's claim beside the
// reference owner for the evaluated service model.
type MatrixRow struct {
	Layer     assess.Layer
	Label     string       // the layer's name, from the questionnaire's split
	Claimed   assess.Owner // empty when the layer is not assigned
	Reference assess.Owner
	Deviation bool
}

// MatrixElement finds the questionnaire's first matrix element, the one whose answer the
// split is read from (as assess does).
func (r Report) MatrixElement() (*assess.Question, *assess.Element, bool) {
	return matrixElement(r.Questionnaire)
}

func matrixElement(q *assess.Questionnaire) (*assess.Question, *assess.Element, bool) {
	for i := range q.Questions {
		for j := range q.Questions[i].Elements {
			if q.Questions[i].Elements[j].Type == assess.TypeMatrix {
				return &q.Questions[i], &q.Questions[i].Elements[j], true
			}
		}
	}
	return nil, nil, false
}

// Matrix lists every layer of the questionnaire's split with its claimed and reference owner,
// deviations taken from the Summary. A questionnaire without a split has no matrix: nil.
func (r Report) Matrix() []MatrixRow {
	split := r.Questionnaire.Split
	if split == nil {
		return nil
	}
	claimed, deviates := claims(r.Questionnaire, r.Evaluation, r.Summary)
	out := make([]MatrixRow, 0, len(split.Layers))
	for _, l := range split.Keys() {
		out = append(out, MatrixRow{
			Layer:     l,
			Label:     split.Label(l),
			Claimed:   claimed[l],
			Reference: split.ReferenceOwner(r.Evaluation.ServiceModel, l),
			Deviation: deviates[l],
		})
	}
	return out
}

// claims reads an evaluation's claimed owner of each layer from the questionnaire's first
// matrix element, and which of them deviate, from its Summary.
func claims(q *assess.Questionnaire, ev assess.Evaluation, sum assess.Summary) (map[assess.Layer]assess.Owner, map[assess.Layer]bool) {
	qu, el, ok := matrixElement(q)
	if !ok {
		return nil, nil
	}
	deviates := map[assess.Layer]bool{}
	for _, d := range sum.Deviations {
		if d.Question == qu.Key && d.Element == el.Key {
			deviates[d.Layer] = true
		}
	}
	return ev.Answers[assess.Ref(qu.Key, el.Key)].Value.Matrix, deviates
}

// RetainedNote says where "What stays with you" was read from, in a sentence; empty when the
// questionnaire says nothing about what stays with the customer.
func (r Report) RetainedNote() string {
	model := r.Evaluation.ServiceModel.Label()
	switch {
	case !r.Summary.Retained.Applies():
		return ""
	case r.Summary.Retained.From != assess.FromReference:
		return "Read from the provider's answered responsibility matrix."
	}
	for _, m := range r.Matrix() {
		if m.Claimed != "" {
			return "The responsibility matrix is not fully answered, so layers without a claimed owner " +
				"follow the reference split for " + model + "."
		}
	}
	if _, _, ok := r.MatrixElement(); !ok {
		return "This questionnaire asks no responsibility matrix, so this list follows the reference split for " + model + "."
	}
	return "The responsibility matrix is not answered yet, so this list follows the reference split for " + model + "."
}
