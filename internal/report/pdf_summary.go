package report

import (
	"fmt"

	"shareline/internal/assess"
)

// tierColour is the colour of a tier: green for strong through red for poor.
func tierColour(t assess.Tier) rgb {
	switch t {
	case assess.Strong:
		return rgb{21, 128, 61}
	case assess.Adequate:
		return rgb{77, 124, 15}
	case assess.Weak:
		return rgb{217, 119, 6}
	}
	return rgb{185, 28, 28}
}

// titleBlock writes the first page's head: who and what was evaluated, the facts of the
// evaluation, and the score panel.
func (d *pdfDoc) titleBlock() {
	p := d.r.Provider
	d.box(0, 0, 210, 4, colAccent)
	d.textAt(pageMarginX, 12, d.width, "SHARELINE  ·  SECURITY COVERAGE REPORT", stTiny.heavy().with(colAccent), "L")
	d.setY(18)
	d.para(p.Name, textStyle{20, true, colInk})
	sub := p.ServiceModel.Label()
	if p.Offering != "" {
		sub = p.Offering + "  ·  " + sub
	}
	d.para(sub, textStyle{11.5, false, colMuted})
	d.space(3)
	d.rule(d.y(), colRule, 0.3)
	d.space(4)
	top := d.y()
	d.scorePanel(pageMarginX+d.width-62, top, 62)
	d.setY(top)
	d.factsTable(pageMarginX, 104)
	d.setY(max(d.y(), top+scorePanelHeight))
}

// factsTable lists the facts of the evaluation as label and value rows.
func (d *pdfDoc) factsTable(x, w float64) {
	r := d.r
	s := r.Summary.Score
	q := r.Questionnaire
	facts := [][2]string{
		{"Provider", r.Provider.Name},
		{"Offering", r.Provider.Offering},
		{"Service model", r.Provider.ServiceModel.Label()},
		{"Questionnaire", fmt.Sprintf("%s, version %d (%s)", q.Title, q.Version, q.Key)},
		{"Scoring version", fmt.Sprint(s.ScoringVersion)},
		{"Evaluated by", r.evaluator()},
		{"Evaluation started", timeText(r.Evaluation.CreatedAt)},
		{"Last updated", timeText(r.Evaluation.UpdatedAt)},
		{"Score as of", s.AsOf.String()},
	}
	if r.Provider.Website != "" {
		facts = append(facts, [2]string{"Website", r.Provider.Website})
	}
	labelW := 32.0
	for _, f := range facts {
		value := f[1]
		if value == "" {
			value = "—"
		}
		lines := d.wrap(value, w-labelW, stBody.sized(9))
		if f[0] == "Website" {
			lines = linked(d.wrap(value, w-labelW, stBody.sized(9).with(colLink)), value)
		}
		d.row([]pdfColumn{
			{x: x, w: labelW, lines: []pdfLine{{h: lines[0].h, segs: []pdfSeg{{text: f[0], style: stSmall}}}}},
			{x: x + labelW, w: w - labelW, lines: lines},
		}, rowOpts{padTop: 0.9, padBottom: 0.9})
	}
}

// scorePanel draws the coverage score, the tier, progress and evidence share in a box.
func (d *pdfDoc) scorePanel(x, y, w float64) {
	s := d.r.Summary.Score
	d.fill(colPanel)
	d.pdf.RoundedRect(x, y, w, scorePanelHeight, 2.5, "1234", "F")
	in := x + 5
	d.textAt(in, y+4, w-10, "COVERAGE SCORE", stTiny.heavy(), "L")
	big := textStyle{30, true, tierColour(s.Tier)}
	score := score1(s.Overall)
	d.textAt(in, y+9, w-10, score, big, "L")
	d.textAt(in+d.width1(score, big)+1.5, y+15.5, 20, "/ 100", stSmall, "L")
	// Tier badge.
	badge := textStyle{9, true, colWhite}
	label := s.Tier.Label()
	bw := d.width1(label, badge) + 7
	d.fill(tierColour(s.Tier))
	d.pdf.RoundedRect(in, y+24, bw, 6, 1.5, "1234", "F")
	d.textAt(in, y+24+(6-badge.lineHeight())/2, bw, label, badge, "C")
	d.meter(in, y+34, w-10, "Progress", s.Progress, "of elements answered")
	d.meter(in, y+46, w-10, "Evidenced", s.Evidenced, "of credited weight backed by evidence")
}

const scorePanelHeight = 60.0

// meter draws a labelled percentage, a thin bar and what the percentage counts.
func (d *pdfDoc) meter(x, y, w float64, label string, pct float64, note string) {
	d.textAt(x, y, w, label, stSmall.heavy(), "L")
	d.textAt(x, y, w, score1(pct)+"%", stSmall.heavy().with(colInk), "R")
	d.box(x, y+4.4, w, 1.6, colBarBack)
	d.box(x, y+4.4, w*clamp(pct/100), 1.6, colAccent)
	d.textAt(x, y+6.8, w, note, stTiny, "L")
}

func clamp(x float64) float64 { return min(max(x, 0), 1) }

// questionBars draws a bar per question with its score, or "not applicable".
func (d *pdfDoc) questionBars() {
	d.heading("Scores by question", 12)
	labelW, barW, scoreW := 66.0, 62.0, 14.0
	barX := pageMarginX + labelW + 2
	valueX := barX + barW + 2
	noteX := valueX + scoreW + 3
	noteW := pageMarginX + d.width - noteX
	for i, qs := range d.r.Summary.Score.Questions {
		title := fmt.Sprintf("%d. %s", i+1, questionTitle(d.r.Questionnaire, qs.Key))
		lines := d.wrap(title, labelW, stBody.sized(9))
		h := max(columnHeight(pdfColumn{lines: lines}), 5) + 3.2
		d.ensure(h)
		top := d.y()
		d.row([]pdfColumn{{x: pageMarginX, w: labelW, lines: lines}}, rowOpts{padTop: 1.6, padBottom: 1.6})
		barY := top + 1.6 + (stBody.sized(9).lineHeight()-4)/2
		d.box(barX, barY, barW, 4, colBarBack)
		answered := fmt.Sprintf("%d of %d answered", qs.Answered, qs.Total)
		if qs.Scored {
			d.box(barX, barY, barW*clamp(qs.Score/100), 4, tierColour(assess.TierOf(qs.Score)))
			d.textAt(valueX, top+1.6, scoreW, score1(qs.Score), stBody.sized(9).heavy(), "R")
		} else {
			d.textAt(barX+2, top+1.6, barW, "not applicable", stSmall, "L")
		}
		d.textAt(noteX, top+2, noteW, answered, stTiny, "R")
		d.setY(max(d.y(), top+h))
	}
	d.space(1)
	d.para("Bars show each question's score out of 100; the coverage score is their mean. "+
		"Elements answered “not applicable” are left out of their question.", stTiny)
}

// matrixSection draws each layer's claimed owner beside the reference, deviations marked.
func (d *pdfDoc) matrixSection() {
	model := d.r.Provider.ServiceModel.Label()
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
	for _, m := range matrixRows(d.r) {
		claimed := textLine(ownerText(m.Claimed), stBody.sized(9), "L")
		if m.Claimed == "" {
			claimed = textLine("not assigned", stSmall, "L")
		}
		o := rowOpts{padTop: 1.6, padBottom: 1.6, rule: true}
		remark := pdfLine{h: stSmall.lineHeight()}
		if m.Deviation {
			o.background = &colDevFill
			remark = textLine("▲ Deviation", stSmall.heavy().with(colDevText), "L")
		}
		d.row([]pdfColumn{
			{x: xs[0], w: ws[0], lines: []pdfLine{textLine(m.Layer.Label(), stBody.sized(9).heavy(), "L")}},
			{x: xs[1], w: ws[1], lines: []pdfLine{claimed}},
			{x: xs[2], w: ws[2], lines: []pdfLine{textLine(m.Reference.Label(), stBody.sized(9), "L")}},
			{x: xs[3], w: ws[3], lines: []pdfLine{remark}},
		}, o)
	}
	d.repeat = nil
	d.space(1.5)
	note := fmt.Sprintf("A deviation is a claimed owner that differs from the reference split for %s. "+
		"It is not wrong by itself, but it moves work across the line: review it with the provider.", model)
	if _, _, ok := matrixElement(d.r.Questionnaire); !ok {
		note = "This questionnaire has no responsibility matrix: the reference split for " + model + " is shown."
	}
	d.para(note, stTiny)
}
