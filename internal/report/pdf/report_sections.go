package pdf

import (
	"fmt"
	"strconv"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// matrixSection draws each layer's claimed owner beside the reference, deviations marked. A
// questionnaire without a responsibility split has no matrix: nothing is drawn.
func (d *reportDoc) matrixSection() {
	rows := d.r.Matrix()
	if len(rows) == 0 {
		return
	}
	model := d.r.Evaluation.ServiceModel.Label()
	d.heading("Responsibility matrix", 30)
	xs := []float64{pageMarginX + 2, pageMarginX + 46, pageMarginX + 92, pageMarginX + 134}
	ws := []float64{42, 44, 40, d.width - 118}
	header := func() {
		titles := []string{"Layer", "Claimed by the provider", "Reference for " + model, ""}
		cols := make([]pdfColumn, len(titles))
		for i, t := range titles {
			cols[i] = pdfColumn{x: xs[i], w: ws[i], lines: []pdfLine{textLine(t, stTh, "L")}}
		}
		d.row(cols, rowOpts{padTop: 1.8, padBottom: 1.8, background: &colHeadFill})
	}
	d.repeat = header
	header()
	for _, m := range rows {
		claimed := textLine(assess.OwnerText(m.Claimed), stBody.sized(9), "L")
		if m.Claimed == "" {
			claimed = textLine(assess.OwnerText(m.Claimed), stSmall, "L")
		}
		o := rowOpts{padTop: 1.6, padBottom: 1.6, rule: true}
		remark := pdfLine{h: stSmall.lineHeight()}
		if m.Deviation {
			o.background = &colDevFill
			remark = textLine("▲ Deviation", stSmall.heavy().with(colDevText), "L")
		}
		d.row([]pdfColumn{
			{x: xs[0], w: ws[0], lines: []pdfLine{textLine(m.Label, stBody.sized(9).heavy(), "L")}},
			{x: xs[1], w: ws[1], lines: []pdfLine{claimed}},
			{x: xs[2], w: ws[2], lines: []pdfLine{textLine(m.Reference.Label(), stBody.sized(9), "L")}},
			{x: xs[3], w: ws[3], lines: []pdfLine{remark}},
		}, o)
	}
	d.repeat = nil
	d.space(1.5)
	note := fmt.Sprintf("A deviation is a claimed owner that differs from the reference split for %s. "+
		"It is not wrong by itself, but it moves work across the line: review it with the provider.", model)
	if _, _, ok := d.r.MatrixElement(); !ok {
		note = "This questionnaire asks no responsibility matrix: the reference split for " + model + " is shown."
	}
	d.para(note, stTiny)
}

// retainedSection is "What stays with you": a checklist of the layers the customer keeps,
// each with what keeping it means. A questionnaire that says nothing about it gets no section.
func (d *reportDoc) retainedSection() {
	ret := d.r.Summary.Retained
	if !ret.Applies() {
		return
	}
	split := d.r.Questionnaire.Split
	d.heading("What stays with you", 24)
	d.para(d.r.RetainedNote(), stSmall)
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
		label := split.Label(l.Layer)
		title := pdfLine{h: stBody.lineHeight(), segs: []pdfSeg{
			{text: label, style: stBody.heavy()},
			{dx: d.width1(label, stBody.heavy()) + 2, text: "(" + tag + ")", style: stSmall},
		}}
		lines := append([]pdfLine{title}, d.wrap(split.Retain(l.Layer), textW, stBody.sized(9).with(colMuted))...)
		d.row([]pdfColumn{
			{x: pageMarginX + 1, w: 6, lines: []pdfLine{{h: stBody.lineHeight(), segs: []pdfSeg{{box: true}}}}},
			{x: textX, w: textW, lines: lines},
		}, rowOpts{padTop: 1.8, padBottom: 1.8, rule: true})
	}
}

// followUpSection lists the follow-up questions for the provider, heaviest first.
func (d *reportDoc) followUpSection() {
	fus := d.r.FollowUps()
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
			report.PlainNumber(f.Weight), report.CreditPercent(f.Credit))
		lines := d.wrap(context, textW, stTiny)
		lines = append(lines, d.wrap(f.Text, textW, stBody)...)
		d.row([]pdfColumn{
			{x: pageMarginX, w: 8, lines: []pdfLine{textLine(strconv.Itoa(i+1)+".", stBody.heavy().with(colAccent), "L")}},
			{x: textX, w: textW, lines: lines},
		}, rowOpts{padTop: 1.8, padBottom: 1.8, rule: true})
	}
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
func (d *reportDoc) answersSection() {
	d.heading("Answers in detail", 40)
	rows := d.r.Rows()
	for i := range d.r.Questionnaire.Questions {
		qu := &d.r.Questionnaire.Questions[i]
		d.questionHead(i+1, qu)
		for _, row := range rows {
			if row.Question.Key == qu.Key {
				d.elementRow(row)
			}
		}
		d.repeat = nil
	}
}

func (d *reportDoc) questionHead(n int, qu *assess.Question) {
	d.space(4)
	_, score, ok := report.QuestionFigure(d.r.Summary.Score, qu.Key)
	if ok {
		score = "Score " + score
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
func (d *reportDoc) elementRow(row report.Row) {
	x := pageMarginX + 2
	detailW := d.width - ansElementW - ansWeightW - ansCreditW - 2
	detailX := x + ansElementW
	credit := textLine(row.CreditText(), stBody.sized(9).heavy().with(creditColour(row.Score.Credit)), "R")
	if !row.Score.Applies {
		credit = textLine("n/a", stSmall, "R")
	}
	d.row([]pdfColumn{
		{x: x, w: ansElementW - ansGap, lines: d.wrap(row.Element.Label, ansElementW-ansGap, stBody.sized(9).heavy())},
		{x: detailX, w: detailW - ansGap, lines: d.answerLines(row, detailW-ansGap)},
		{x: detailX + detailW, w: ansWeightW, lines: []pdfLine{textLine(report.PlainNumber(row.Score.Weight), stBody.sized(9), "R")}},
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
func (d *reportDoc) answerLines(row report.Row, w float64) []pdfLine {
	v := row.Answer.Value
	var lines []pdfLine
	switch {
	case !v.IsSet():
		lines = d.wrap(row.AnswerText(), w, stBody.sized(9).with(colFaint))
	case v.Type == assess.TypeMatrix:
		lines = d.matrixLines(row.Element.Split(), v, w)
	default:
		lines = d.wrap(row.AnswerText(), w, stBody.sized(9))
	}
	if row.Answer.Explanation != "" {
		lines = append(lines, pdfLine{h: 1})
		lines = append(lines, d.wrap(row.Answer.Explanation, w, stSmall)...)
	}
	for _, e := range row.Answer.Evidence {
		lines = append(lines, linked(d.wrap("↗ "+report.EvidenceText(e), w, stSmall.with(colLink)), e.URL)...)
	}
	if row.Element.Evidence && len(row.Answer.Evidence) == 0 && row.Score.Applies && v.IsSet() {
		lines = append(lines, d.wrap("No evidence linked (evidence expected)", w, stTiny.with(colDevText))...)
	}
	return lines
}

// matrixLines shows a matrix answer as a small table: each layer of the split and its claimed
// owner.
func (d *reportDoc) matrixLines(split *assess.Split, v assess.Value, w float64) []pdfLine {
	st := stSmall.with(colInk)
	var lines []pdfLine
	for _, l := range split.Keys() {
		ownerSt := st
		if v.Matrix[l] == "" {
			ownerSt = stSmall.with(colFaint)
		}
		lines = append(lines, pdfLine{h: st.lineHeight() + 0.3, segs: []pdfSeg{
			{text: split.Label(l), style: stSmall, w: 36},
			{dx: 36, text: assess.OwnerText(v.Matrix[l]), style: ownerSt, w: w - 36},
		}})
	}
	return lines
}
