package report

import "shareline/internal/assess"

// Row is one element of a report as every rendering shows it, for renderers outside this
// package (the HTML report page).
type Row struct {
	Question      string
	Element       string
	ElementLabel  string
	Answered      bool
	Answer        string // in words
	Explanation   string
	Evidence      []assess.Evidence
	Credit        string // "50%", or "not applicable"
	Weight        float64
	Contribution  float64 // points this element adds to its question's score
	EvidenceAsked bool
}

// Rows lists every element in questionnaire order.
func (r Report) Rows() []Row {
	rows := elementRows(r)
	out := make([]Row, 0, len(rows))
	for _, e := range rows {
		out = append(out, Row{
			Question: e.question.Key, Element: e.element.Key, ElementLabel: e.element.Label,
			Answered: e.answered(), Answer: answerText(e.element, e.answer.Value),
			Explanation: e.answer.Explanation, Evidence: e.answer.Evidence,
			Credit: creditText(e.score), Weight: e.element.Weight, Contribution: e.contribution,
			EvidenceAsked: e.element.Evidence,
		})
	}
	return out
}

// Matrix lists every layer with its claimed and reference owner, deviations marked.
func (r Report) Matrix() []MatrixRow { return matrixRows(r) }

// RetainedNote says where "What stays with you" was read from, in a sentence.
func (r Report) RetainedNote() string { return retainedNote(r) }

// AnswerText is an answer in words, as every rendering shows it.
func AnswerText(el *assess.Element, v assess.Value) string { return answerText(el, v) }
