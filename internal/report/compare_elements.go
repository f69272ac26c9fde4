package report

import (
	"fmt"
	"strings"

	"shareline/internal/assess"
)

// elementCompareRows lists, question by question, every element with each provider's answer
// in words and its credit. Value is the credit, from 0 to 1.
func elementCompareRows(c assess.Comparison) []CompareRow {
	scores := make([]map[string]assess.ElementScore, len(c.Providers))
	for i, p := range c.Providers {
		scores[i] = elementScoreIndex(p.Summary.Score)
	}
	rows := make([]CompareRow, 0, c.Questionnaire.ElementCount())
	for i := range c.Questionnaire.Questions {
		qu := &c.Questionnaire.Questions[i]
		for j := range qu.Elements {
			el := &qu.Elements[j]
			ref := assess.Ref(qu.Key, el.Key)
			row := CompareRow{Key: "e." + ref, Group: CompareElements, Question: qu.Key, Label: el.Label}
			for k, p := range c.Providers {
				row.Cells = append(row.Cells, elementCell(el, p.Evaluation.Answers[ref], scores[k][ref]))
			}
			markBest(row.Cells, higherIsBetter)
			rows = append(rows, row)
		}
	}
	return rows
}

func elementScoreIndex(s assess.Score) map[string]assess.ElementScore {
	out := make(map[string]assess.ElementScore, 32)
	for _, qs := range s.Questions {
		for _, es := range qs.Elements {
			out[assess.Ref(es.Question, es.Element)] = es
		}
	}
	return out
}

// elementCell is an answer in words followed by its credit ("Partial · credit 50%"). An
// element answered not applicable has no credit; one not answered earns 0.
func elementCell(el *assess.Element, a assess.Answer, es assess.ElementScore) CompareCell {
	switch {
	case !a.Answered():
		return valueCell(0, "Not answered"+creditSuffix(0), -1)
	case !es.Applies:
		return plainCell(answerText(el, a.Value))
	}
	answer := answerText(el, a.Value)
	if a.Value.Type == assess.TypeMatrix {
		// The responsibility rows show every layer; here a short form keeps cells small.
		answer = matrixSummaryText(a.Value)
	}
	return valueCell(es.Credit, answer+creditSuffix(es.Credit), -1)
}

// creditSuffix is what elementCell appends to an answer.
func creditSuffix(credit float64) string { return " · credit " + percentText(credit) }

// compareAnswer is an element cell's answer without its credit.
func compareAnswer(c CompareCell) string {
	if c.Value == nil {
		return c.Text
	}
	return strings.TrimSuffix(c.Text, creditSuffix(*c.Value))
}

// matrixSummaryText says how much of a matrix answer is filled in: "7 of 8 layers assigned".
func matrixSummaryText(v assess.Value) string {
	assigned := 0
	for _, l := range assess.Layers {
		if v.Matrix[l] != "" {
			assigned++
		}
	}
	return fmt.Sprintf("%d of %d layers assigned", assigned, len(assess.Layers))
}
