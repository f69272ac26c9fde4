package pdf

import (
	"fmt"
	"io"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// reportDoc is the single report being written: a canvas and the report it shows.
type reportDoc struct {
	*pdfCanvas
	r report.Report
}

// WriteReport writes the report as an A4 portrait PDF with DejaVu Sans embedded, so that names
// in any European script come out right. A character the font cannot draw is shown as "□"
// rather than dropped. Rows of tables are never split across pages unless a single row is
// taller than a page, and headings stay with what follows them. A questionnaire without a
// responsibility split gets no matrix and no "What stays with you". The same report always
// gives the same bytes.
func WriteReport(w io.Writer, r report.Report) error {
	c, err := newCanvas("P", portraitA4)
	if err != nil {
		return err
	}
	d := &reportDoc{pdfCanvas: c, r: r}
	d.setup()
	d.newPage()
	d.titleBlock()
	d.questionBars()
	d.matrixSection()
	d.retainedSection()
	d.followUpSection()
	d.answersSection()
	return d.output(w)
}

func (d *reportDoc) setup() {
	ev := d.r.Evaluation
	d.describe("Security coverage report: "+ev.ProviderName, ev.ProviderName+" "+ev.Offering, d.r.GeneratedAt, d.header, d.footer)
}

func (d *reportDoc) header() {
	if d.pdf.PageNo() == 1 {
		return
	}
	left := d.r.Evaluation.ProviderName
	if d.r.Evaluation.Offering != "" {
		left += " · " + d.r.Evaluation.Offering
	}
	d.textAt(pageMarginX, 8.5, d.width*0.7, d.fit(left, d.width*0.68, stTiny), stTiny, "L")
	d.textAt(pageMarginX+d.width*0.7, 8.5, d.width*0.3, "Security coverage report", stTiny, "R")
	d.rule(headerLine, colRule, 0.2)
}

func (d *reportDoc) footer() {
	d.rule(footerLine, colRule, 0.2)
	left := "Shareline · generated " + report.TimeText(d.r.GeneratedAt)
	d.textAt(pageMarginX, footerLine+1.5, d.width*0.7, left, stTiny, "L")
	page := fmt.Sprintf("Page %d of %s", d.pdf.PageNo(), pageNumberKey)
	d.textAt(pageMarginX+d.width*0.7, footerLine+1.5, d.width*0.3, page, stTiny, "R")
}

// tierColour is the colour of a tier: green for strong through red for poor, grey when not
// assessed.
func tierColour(t assess.Tier) rgb {
	switch t {
	case assess.Strong:
		return rgb{21, 128, 61}
	case assess.Adequate:
		return rgb{77, 124, 15}
	case assess.Weak:
		return rgb{217, 119, 6}
	case assess.Poor:
		return rgb{185, 28, 28}
	}
	return colFaint
}

// titleBlock writes the first page's head: who and what was evaluated, the facts of the
// evaluation, and the score panel.
func (d *reportDoc) titleBlock() {
	ev := d.r.Evaluation
	d.box(0, 0, 210, 4, colAccent)
	d.textAt(pageMarginX, 12, d.width, "SHARELINE  ·  SECURITY COVERAGE REPORT", stTiny.heavy().with(colAccent), "L")
	d.setY(18)
	d.para(ev.ProviderName, textStyle{20, true, colInk})
	sub := ev.ServiceModel.Label()
	if ev.Offering != "" {
		sub = ev.Offering + "  ·  " + sub
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
func (d *reportDoc) factsTable(x, w float64) {
	labelW := 32.0
	for _, f := range d.r.Facts() {
		value := f.Text
		if value == "" {
			value = "—"
		}
		lines := d.wrap(value, w-labelW, stBody.sized(9))
		d.row([]pdfColumn{
			{x: x, w: labelW, lines: []pdfLine{{h: lines[0].h, segs: []pdfSeg{{text: f.Label, style: stSmall}}}}},
			{x: x + labelW, w: w - labelW, lines: lines},
		}, rowOpts{padTop: 0.9, padBottom: 0.9})
	}
}

// scorePanel draws the coverage score, the tier, progress and evidence share in a box; an
// evaluation with nothing answered shows "Not assessed" instead of a score and a tier.
func (d *reportDoc) scorePanel(x, y, w float64) {
	s := d.r.Summary.Score
	d.fill(colPanel)
	d.pdf.RoundedRect(x, y, w, scorePanelHeight, 2.5, "1234", "F")
	in := x + 5
	d.textAt(in, y+4, w-10, "COVERAGE SCORE", stTiny.heavy(), "L")
	if s.Assessed() {
		big := textStyle{30, true, tierColour(s.Tier)}
		score := s.Text()
		d.textAt(in, y+9, w-10, score, big, "L")
		d.textAt(in+d.width1(score, big)+1.5, y+15.5, 20, "/ 100", stSmall, "L")
		d.tierBadge(in, y+24, s.Tier)
	} else {
		d.textAt(in, y+12, w-10, s.Text(), textStyle{16, true, colFaint}, "L")
		d.textAt(in, y+20, w-10, "Nothing is answered yet.", stSmall, "L")
	}
	d.meter(in, y+34, w-10, "Progress", s.Progress, "of elements answered")
	d.meter(in, y+46, w-10, "Evidenced", s.Evidenced, "of credited weight backed by evidence")
}

const scorePanelHeight = 60.0

// tierBadge draws a tier's name on its colour.
func (d *reportDoc) tierBadge(x, y float64, t assess.Tier) {
	badge := textStyle{9, true, colWhite}
	bw := d.width1(t.Label(), badge) + 7
	d.fill(tierColour(t))
	d.pdf.RoundedRect(x, y, bw, 6, 1.5, "1234", "F")
	d.textAt(x, y+(6-badge.lineHeight())/2, bw, t.Label(), badge, "C")
}

// meter draws a labelled percentage, a thin bar and what the percentage counts.
func (d *reportDoc) meter(x, y, w float64, label string, pct float64, note string) {
	d.textAt(x, y, w, label, stSmall.heavy(), "L")
	d.textAt(x, y, w, report.OneDecimal(pct)+"%", stSmall.heavy().with(colInk), "R")
	d.box(x, y+4.4, w, 1.6, colBarBack)
	d.box(x, y+4.4, w*report.BarFraction(pct), 1.6, colAccent)
	d.textAt(x, y+6.8, w, note, stTiny, "L")
}

// questionBars draws a bar per question with its score, or why it has none.
func (d *reportDoc) questionBars() {
	d.heading("Scores by question", 12)
	labelW, barW, scoreW := 66.0, 62.0, 14.0
	barX := pageMarginX + labelW + 2
	valueX := barX + barW + 2
	noteX := valueX + scoreW + 3
	noteW := pageMarginX + d.width - noteX
	s := d.r.Summary.Score
	for i, qs := range s.Questions {
		title := fmt.Sprintf("%d. %s", i+1, report.QuestionTitle(d.r.Questionnaire, qs.Key))
		lines := d.wrap(title, labelW, stBody.sized(9))
		h := max(columnHeight(pdfColumn{lines: lines}), 5) + 3.2
		d.ensure(h)
		top := d.y()
		d.row([]pdfColumn{{x: pageMarginX, w: labelW, lines: lines}}, rowOpts{padTop: 1.6, padBottom: 1.6})
		barY := top + 1.6 + (stBody.sized(9).lineHeight()-4)/2
		d.box(barX, barY, barW, 4, colBarBack)
		answered := fmt.Sprintf("%d of %d answered", qs.Answered, qs.Total)
		if score, text, ok := report.QuestionFigure(s, qs.Key); ok {
			d.box(barX, barY, barW*report.BarFraction(score), 4, tierColour(assess.TierOf(score)))
			d.textAt(valueX, top+1.6, scoreW, text, stBody.sized(9).heavy(), "R")
		} else {
			d.textAt(barX+2, top+1.6, barW, text, stSmall, "L")
		}
		d.textAt(noteX, top+2, noteW, answered, stTiny, "R")
		d.setY(max(d.y(), top+h))
	}
	d.space(1)
	d.para("Bars show each question's score out of 100; the coverage score is their mean. "+
		"Elements answered “not applicable” are left out of their question.", stTiny)
}
