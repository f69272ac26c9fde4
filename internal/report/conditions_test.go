package report_test

import (
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// An element whose condition fails is "not asked" in every rendering: its row's answer and
// credit, and a question where nothing is asked.
func TestNotAskedElementsAndQuestions(t *testing.T) {
	q, err := assess.ParseQuestionnaire([]byte(`{"key":"t","version":1,"title":"T","questions":[
		{"key":"a","title":"A","elements":[{"key":"uses","label":"Uses it","type":"status"}]},
		{"key":"b","title":"B","elements":[{"key":"how","label":"How","type":"text","section":"Details","when":{"element":"a.uses","any_of":["yes"]}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	today := assess.Date{Year: 2026, Month: 6, Day: 1}
	answers := map[string]assess.Answer{
		"a.uses": {Question: "a", Element: "uses", Value: assess.Value{Type: assess.TypeStatus, Status: assess.No}, Version: 1},
		"b.how":  {Question: "b", Element: "how", Value: assess.Value{Type: assess.TypeText, Text: "kept from before"}, Version: 1},
	}
	r := report.Report{Questionnaire: q, Evaluation: assess.Evaluation{Answers: answers},
		Summary: assess.Summary{Score: assess.ScoreEvaluation(q, answers, today)}}
	rows := r.Rows()
	if got := rows[1].CreditText(); got != report.NotAsked {
		t.Errorf("credit of the element not asked: %q, want %q", got, report.NotAsked)
	}
	if got := rows[1].AnswerText(); !strings.HasPrefix(got, "not asked: asked only when “Uses it” is “Yes”") || strings.Contains(got, "kept from before") {
		t.Errorf("answer of the element not asked: %q, want its condition and not the answer it kept", got)
	}
	if rows[0].Heading != "" || rows[1].Heading != "Details" {
		t.Errorf("headings %q, %q; want none, then the section Details", rows[0].Heading, rows[1].Heading)
	}
	if got := rows[0].AnswerText(); got != "No" {
		t.Errorf("answer of an element asked: %q", got)
	}
	if _, text, ok := report.QuestionFigure(r.Summary.Score, "b"); ok || text != report.NotAsked {
		t.Errorf("question with nothing asked: %q, %v; want %q", text, ok, report.NotAsked)
	}
}
