package report

import (
	"fmt"
	"strconv"

	"shareline/internal/assess"
)

// retainedSection is "What stays with you": a checklist of the layers the customer keeps,
// each with what keeping it means.
func (d *pdfDoc) retainedSection() {
	ret := d.r.Summary.Retained
	d.heading("What stays with you", 24)
	d.para(retainedNote(d.r), stSmall)
	d.space(1.5)
	textX, textW := pageMarginX+8, d.width-8
	for _, l := range ret.Layers {
		tag := "you keep it"
		switch {
		case l.Always:
			tag = "always yours, whatever the provider claims"
		case l.Owner == assess.SharedOwns:
			tag = "shared with the provider"
		}
		if l.From == assess.FromReference && !l.Always {
			tag += ", from the reference split"
		}
		title := pdfLine{h: stBody.lineHeight(), segs: []pdfSeg{
			{text: l.Layer.Label(), style: stBody.heavy()},
			{dx: d.width1(l.Layer.Label(), stBody.heavy()) + 2, text: "(" + tag + ")", style: stSmall},
		}}
		lines := append([]pdfLine{title}, d.wrap(l.Layer.Retain(), textW, stBody.sized(9).with(colMuted))...)
		d.row([]pdfColumn{
			{x: pageMarginX + 1, w: 6, lines: []pdfLine{{h: stBody.lineHeight(), segs: []pdfSeg{{box: true}}}}},
			{x: textX, w: textW, lines: lines},
		}, rowOpts{padTop: 1.8, padBottom: 1.8, rule: true})
	}
}

// followUpSection lists the follow-up questions for the provider, heaviest first.
func (d *pdfDoc) followUpSection() {
	fus := FollowUps(d.r)
	d.heading("Follow-up questions for the provider", 22)
	if len(fus) == 0 {
		d.para("None: every element that applies earns full credit.", stBody)
		return
	}
	d.para("Every element with less than full credit, heaviest first (weight × missing credit). "+
		"Send them to the provider as they are.", stSmall)
	d.space(1.5)
	textX, textW := pageMarginX+9, d.width-9
	for i, f := range fus {
		context := fmt.Sprintf("%s  ·  %s  ·  weight %s, credit %s", f.QuestionTitle, f.ElementLabel,
			numberCell(f.Weight), percentText(f.Credit))
		lines := d.wrap(context, textW, stTiny)
		lines = append(lines, d.wrap(f.Text, textW, stBody)...)
		d.row([]pdfColumn{
			{x: pageMarginX, w: 8, lines: []pdfLine{textLine(strconv.Itoa(i+1)+".", stBody.heavy().with(colAccent), "L")}},
			{x: textX, w: textW, lines: lines},
		}, rowOpts{padTop: 1.8, padBottom: 1.8, rule: true})
	}
}

// percentText writes a credit from 0 to 1 as a percentage.
func percentText(credit float64) string {
	return strconv.FormatFloat(assess.Round1(100*credit), 'f', -1, 64) + "%"
}

// Columns of the answers table.
const (
	ansElementW = 46.0
	ansWeightW  = 14.0
	ansCreditW  = 20.0
	ansGap      = 3.0
)

// answersSection writes, question by question, every element with its answer, explanation,
// evidence and credit.
func (d *pdfDoc) answersSection() {
	d.heading("Answers in detail", 40)
	rows := elementRows(d.r)
	for i := range d.r.Questionnaire.Questions {
		qu := &d.r.Questionnaire.Questions[i]
		qs, _ := d.r.Summary.Score.Question(qu.Key)
		d.questionHead(i+1, qu, qs)
		for _, row := range rows {
			if row.question.Key == qu.Key {
				d.elementRow(row)
			}
		}
		d.repeat = nil
	}
}

func (d *pdfDoc) questionHead(n int, qu *assess.Question, qs assess.QuestionScore) {
	d.space(4)
	score := "not applicable"
	if qs.Scored {
		score = "Score " + score1(qs.Score)
	}
	titleSt := textStyle{11, true, colInk}
	prompt := d.wrap(qu.Prompt, d.width, stSmall)
	d.ensure(titleSt.lineHeight() + columnHeight(pdfColumn{lines: prompt}) + 30)
	d.row([]pdfColumn{
		{x: pageMarginX, w: d.width - 40, lines: d.wrap(fmt.Sprintf("%d. %s", n, qu.Title), d.width-40, titleSt)},
		{x: pageMarginX + d.width - 40, w: 40, lines: []pdfLine{textLine(score, titleSt.with(colAccent), "R")}},
	}, rowOpts{})
	if qu.Prompt != "" {
		d.row([]pdfColumn{{x: pageMarginX, w: d.width, lines: prompt}}, rowOpts{padBottom: 1})
	}
	d.space(1)
	header := func() {
		if d.y() <= pageTop+0.01 {
			d.row([]pdfColumn{{x: pageMarginX, w: d.width,
				lines: []pdfLine{textLine(fmt.Sprintf("%d. %s (continued)", n, qu.Title), stSmall.heavy(), "L")}}},
				rowOpts{padBottom: 1.5})
		}
		x := pageMarginX + 2
		detailW := d.width - ansElementW - ansWeightW - ansCreditW - 2
		d.row([]pdfColumn{
			{x: x, w: ansElementW, lines: []pdfLine{textLine("Element", stTh, "L")}},
			{x: x + ansElementW, w: detailW, lines: []pdfLine{textLine("Answer, explanation and evidence", stTh, "L")}},
			{x: x + ansElementW + detailW, w: ansWeightW, lines: []pdfLine{textLine("Weight", stTh, "R")}},
			{x: x + ansElementW + detailW + ansWeightW, w: ansCreditW - 2, lines: []pdfLine{textLine("Credit", stTh, "R")}},
		}, rowOpts{padTop: 1.6, padBottom: 1.6, background: &colHeadFill})
	}
	d.repeat = header
	header()
}

// elementRow writes one element: its label, its answer with explanation and evidence, its
// weight and its credit.
func (d *pdfDoc) elementRow(row elementRow) {
	x := pageMarginX + 2
	detailW := d.width - ansElementW - ansWeightW - ansCreditW - 2
	detailX := x + ansElementW
	credit := textLine(percentText(row.score.Credit), stBody.sized(9).heavy().with(creditColour(row.score.Credit)), "R")
	if !row.score.Applies {
		credit = textLine("n/a", stSmall, "R")
	}
	d.row([]pdfColumn{
		{x: x, w: ansElementW - ansGap, lines: d.wrap(row.element.Label, ansElementW-ansGap, stBody.sized(9).heavy())},
		{x: detailX, w: detailW - ansGap, lines: d.answerLines(row, detailW-ansGap)},
		{x: detailX + detailW, w: ansWeightW, lines: []pdfLine{textLine(numberCell(row.score.Weight), stBody.sized(9), "R")}},
		{x: detailX + detailW + ansWeightW, w: ansCreditW - 2, lines: []pdfLine{credit}},
	}, rowOpts{padTop: 2, padBottom: 2, rule: true})
}

// creditColour marks full credit green, part credit amber and none red.
func creditColour(c float64) rgb {
	switch {
	case c >= 1:
		return tierColour(assess.Strong)
	case c > 0:
		return tierColour(assess.Weak)
	}
	return tierColour(assess.Poor)
}

// answerLines stacks an element's answer, explanation and evidence.
func (d *pdfDoc) answerLines(row elementRow, w float64) []pdfLine {
	v := row.answer.Value
	var lines []pdfLine
	switch {
	case !v.IsSet():
		lines = d.wrap("Not answered", w, stBody.sized(9).with(colFaint))
	case v.Type == assess.TypeMatrix:
		lines = d.matrixLines(v, w)
	default:
		lines = d.wrap(answerText(row.element, v), w, stBody.sized(9))
	}
	if row.answer.Explanation != "" {
		lines = append(lines, pdfLine{h: 1})
		lines = append(lines, d.wrap(row.answer.Explanation, w, stSmall)...)
	}
	for _, e := range row.answer.Evidence {
		lines = append(lines, linked(d.wrap("↗ "+evidenceItem(e), w, stSmall.with(colLink)), e.URL)...)
	}
	if row.element.Evidence && len(row.answer.Evidence) == 0 && row.score.Applies && v.IsSet() {
		lines = append(lines, d.wrap("No evidence linked (evidence expected)", w, stTiny.with(colDevText))...)
	}
	return lines
}

// matrixLines shows a matrix answer as a small table: each layer and its claimed owner.
func (d *pdfDoc) matrixLines(v assess.Value, w float64) []pdfLine {
	st := stSmall.with(colInk)
	var lines []pdfLine
	for _, l := range assess.Layers {
		owner, ownerSt := ownerText(v.Matrix[l]), st
		if v.Matrix[l] == "" {
			ownerSt = stSmall.with(colFaint)
		}
		lines = append(lines, pdfLine{h: st.lineHeight() + 0.3, segs: []pdfSeg{
			{text: l.Label(), style: stSmall, w: 36},
			{dx: 36, text: owner, style: ownerSt, w: w - 36},
		}})
	}
	return lines
}
