// Package report renders a scored evaluation as PDF, XLSX, CSV and JSON files, and the
// provider portfolio as CSV and XLSX. It does no HTTP and no SQL: the caller loads the
// evaluation, calls assess.Summarize once, and passes the outcome in a Report, so that the
// report page and every file show the same figures.
package report

import (
	"strconv"
	"strings"
	"time"

	"shareline/internal/assess"
)

// Report is everything a scored report shows. Summary comes from one assess.Summarize call
// made by the caller; every renderer takes its figures from it, so that page and files cannot
// disagree.
type Report struct {
	Provider      assess.Provider
	Questionnaire *assess.Questionnaire
	Evaluation    assess.Evaluation // with Answers
	Summary       assess.Summary
	Evaluator     string // who evaluated; may be empty, and is then shown as "not recorded"
	GeneratedAt   time.Time
}

// notRecorded stands in for facts the application does not keep yet, such as the evaluator.
const notRecorded = "not recorded"

func (r Report) evaluator() string {
	if e := strings.TrimSpace(r.Evaluator); e != "" {
		return e
	}
	return notRecorded
}

// elementRow is one element of the questionnaire with its answer (zero when unanswered) and
// what it contributes to its question's score.
type elementRow struct {
	question *assess.Question
	element  *assess.Element
	answer   assess.Answer
	score    assess.ElementScore
	// contribution is the points this element adds to its question's score (0 to 100 across
	// the question), so that a reader can add them up to the question score.
	contribution float64
}

// answered reports whether the element holds an answer (not_applicable included).
func (e elementRow) answered() bool { return e.answer.Answered() }

// elementRows lists every element in questionnaire order, with its score taken from the
// Summary rather than recomputed.
func elementRows(r Report) []elementRow {
	scores := map[string]assess.ElementScore{}
	possible := map[string]float64{}
	for _, qs := range r.Summary.Score.Questions {
		for _, es := range qs.Elements {
			scores[assess.Ref(es.Question, es.Element)] = es
			if es.Applies {
				possible[qs.Key] += es.Weight
			}
		}
	}
	out := make([]elementRow, 0, r.Questionnaire.ElementCount())
	for i := range r.Questionnaire.Questions {
		qu := &r.Questionnaire.Questions[i]
		for j := range qu.Elements {
			el := &qu.Elements[j]
			ref := assess.Ref(qu.Key, el.Key)
			es, ok := scores[ref]
			if !ok {
				es = assess.ElementScore{Question: qu.Key, Element: el.Key, Weight: el.Weight, Applies: true}
			}
			row := elementRow{question: qu, element: el, answer: r.Evaluation.Answers[ref], score: es}
			if es.Applies && possible[qu.Key] > 0 {
				row.contribution = 100 * es.Weight * es.Credit / possible[qu.Key]
			}
			out = append(out, row)
		}
	}
	return out
}

// answerText is an answer in words, on one line: status labels, option labels, numbers with
// their unit, ISO dates, and a matrix as "Layer: Owner; ...".
func answerText(el *assess.Element, v assess.Value) string {
	if !v.IsSet() {
		return "Not answered"
	}
	switch v.Type {
	case assess.TypeStatus:
		return v.Status.Label()
	case assess.TypeMatrix:
		parts := make([]string, 0, len(assess.Layers))
		for _, l := range assess.Layers {
			parts = append(parts, l.Label()+": "+ownerText(v.Matrix[l]))
		}
		return strings.Join(parts, "; ")
	case assess.TypeChoice:
		return optionLabel(el, v.Choice)
	case assess.TypeMulti:
		if len(v.Multi) == 0 {
			return "None"
		}
		labels := make([]string, 0, len(v.Multi))
		for _, key := range v.Multi {
			labels = append(labels, optionLabel(el, key))
		}
		return strings.Join(labels, ", ")
	case assess.TypeNumber:
		return numberText(v.Number, el.Unit)
	case assess.TypeDate:
		return v.Date.String()
	case assess.TypeText:
		return v.Text
	}
	return ""
}

// ownerText names a layer's owner, or says that none was given.
func ownerText(o assess.Owner) string {
	if o == "" {
		return "not assigned"
	}
	return o.Label()
}

func optionLabel(el *assess.Element, key string) string {
	if o, ok := el.Option(key); ok {
		return o.Label
	}
	return key
}

// numberText writes a number as people read it, with its unit ("1 day", "365 days").
func numberText(n float64, unit string) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	switch {
	case unit == "":
		return s
	case n == 1 && strings.HasSuffix(unit, "s"):
		return s + " " + strings.TrimSuffix(unit, "s")
	}
	return s + " " + unit
}

// evidenceText lists evidence links with the day each applies to, joined by "; ".
func evidenceText(ev []assess.Evidence) string {
	parts := make([]string, 0, len(ev))
	for _, e := range ev {
		parts = append(parts, evidenceItem(e))
	}
	return strings.Join(parts, "; ")
}

func evidenceItem(e assess.Evidence) string {
	if e.EffectiveDate.IsZero() {
		return e.URL
	}
	return e.URL + " (effective " + e.EffectiveDate.String() + ")"
}

// score1 is a score or a percentage as shown: one decimal, from assess.Round1.
func score1(x float64) string { return strconv.FormatFloat(assess.Round1(x), 'f', 1, 64) }

// creditText is an element's credit as a percentage, or why it has none.
func creditText(es assess.ElementScore) string {
	if !es.Applies {
		return "not applicable"
	}
	return strconv.FormatFloat(assess.Round1(100*es.Credit), 'f', -1, 64) + "%"
}

// numberCell is a plain number for CSV cells: no exponent, no trailing zeros.
func numberCell(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// timeText writes an instant in UTC, to the minute.
func timeText(t time.Time) string {
	if t.IsZero() {
		return notRecorded
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// questionTitle is the title of the question with key, or the key itself.
func questionTitle(q *assess.Questionnaire, key string) string {
	for _, qu := range q.Questions {
		if qu.Key == key {
			return qu.Title
		}
	}
	return key
}

// MatrixRow is one layer of the responsibility matrix: the provider's claim beside the
// reference owner for the offering's service model.
type MatrixRow struct {
	Layer     assess.Layer
	Claimed   assess.Owner // empty when the layer is not assigned
	Reference assess.Owner
	Deviation bool
}

// matrixElement finds the questionnaire's first matrix element, the one whose answer the
// split is read from (as assess does).
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

// matrixRows lists every layer with its claimed and reference owner; deviations are taken
// from the Summary.
func matrixRows(r Report) []MatrixRow {
	var claimed map[assess.Layer]assess.Owner
	deviates := map[assess.Layer]bool{}
	if qu, el, ok := matrixElement(r.Questionnaire); ok {
		claimed = r.Evaluation.Answers[assess.Ref(qu.Key, el.Key)].Value.Matrix
		for _, d := range r.Summary.Deviations {
			if d.Question == qu.Key && d.Element == el.Key {
				deviates[d.Layer] = true
			}
		}
	}
	out := make([]MatrixRow, 0, len(assess.Layers))
	for _, l := range assess.Layers {
		out = append(out, MatrixRow{
			Layer:     l,
			Claimed:   claimed[l],
			Reference: assess.ReferenceOwner(r.Provider.ServiceModel, l),
			Deviation: deviates[l],
		})
	}
	return out
}

// retainedNote says where "What stays with you" was read from.
func retainedNote(r Report) string {
	if r.Summary.Retained.From != assess.FromReference {
		return "Read from the provider's answered responsibility matrix."
	}
	for _, m := range matrixRows(r) {
		if m.Claimed != "" {
			return "The responsibility matrix is not fully answered, so layers without a claimed owner " +
				"follow the reference split for " + r.Provider.ServiceModel.Label() + "."
		}
	}
	return "The responsibility matrix is not answered yet, so this list follows the reference split for " +
		r.Provider.ServiceModel.Label() + "."
}
