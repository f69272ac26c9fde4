package report

import (
	"fmt"

	"shareline/internal/assess"
)

// elementCompareRows lists, question by question, every element with each provider's answer
// in words and its credit. Value is the credit, from 0 to 1.
func elementCompareRows(c assess.Comparison) []CompareRow {
	rows := make([]CompareRow, 0, c.Questionnaire.ElementCount())
	for i := range c.Questionnaire.Questions {
		qu := &c.Questionnaire.Questions[i]
		for j := range qu.Elements {
			el := &qu.Elements[j]
			ref := assess.Ref(qu.Key, el.Key)
			row := CompareRow{Key: "e." + ref, Group: CompareElements, Question: qu.Key, Label: el.Label}
			for _, p := range c.Providers {
				es, _ := p.Summary.Score.Element(qu.Key, el.Key)
				row.Cells = append(row.Cells, elementCell(el, p.Evaluation.Answers[ref], es))
			}
			markBest(row.Cells, higherIsBetter)
			rows = append(rows, row)
		}
	}
	return rows
}

// elementCell is an answer in words followed by its credit ("Partial · credit 50%"). An
// element answered not applicable has no credit; one not answered earns 0.
func elementCell(el *assess.Element, a assess.Answer, es assess.ElementScore) CompareCell {
	answer, credit := assess.AnswerText(el, a.Value), es.Credit
	switch {
	case !a.Answered():
		credit = 0
	case !es.Applies:
		cell := faintCell(answer)
		cell.Answer = answer
		return cell
	case a.Value.Type == assess.TypeMatrix:
		// The responsibility rows show every layer; here a short form keeps cells small.
		answer = matrixSummaryText(el.Split(), a.Value)
	}
	cell := valueCell(credit, answer+" · credit "+CreditPercent(credit), -1)
	cell.Answer = answer
	return cell
}

// matrixSummaryText says how much of a matrix answer is filled in: "7 of 8 layers assigned".
func matrixSummaryText(split *assess.Split, v assess.Value) string {
	assigned := 0
	for _, l := range split.Keys() {
		if v.Matrix[l] != "" {
			assigned++
		}
	}
	return fmt.Sprintf("%d of %d layers assigned", assigned, len(split.Keys()))
}
