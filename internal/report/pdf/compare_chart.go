package pdf

import (
	"fmt"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// Geometry of the PDF chart, in millimetres.
const (
	pdfChartAxisW   = 9.0  // the score labels left of the plot
	pdfChartMaxSlot = 14.0 // widest room for one bar
	pdfChartLegendH = 4.6  // one row of the legend
	pdfChartLegendN = 4    // legend columns
	pdfChartTitlesH = 12.0 // provider numbers and question titles under the plot
)

// chart draws every provider's question scores as grouped vertical bars, one group per
// question, with a legend beneath: the PDF's counterpart of the comparison page's chart, in
// the same colours and patterns (report.ProviderColour) and with the same provider numbers.
func (d *compareDoc) chart() {
	d.heading("Question scores by provider", 60)
	n, questions := len(d.c.Providers), d.c.Questionnaire.Questions
	legendRows := (n + pdfChartLegendN - 1) / pdfChartLegendN
	legendH := float64(legendRows)*pdfChartLegendH + 3
	x0, x1 := d.geo.marginX+pdfChartAxisW, d.geo.marginX+d.width
	top := d.y() + 3
	bottom := max(d.geo.bodyEnd-legendH-pdfChartTitlesH-2, top+40)
	d.chartGrid(x0, x1, top, bottom)
	groupW := (x1 - x0) / float64(len(questions))
	for qi, qu := range questions {
		gx := x0 + float64(qi)*groupW
		d.chartGroup(qu, gx, groupW, top, bottom)
		titleSt := stTiny.heavy().with(colInk)
		title := d.capLines(d.wrap(fmt.Sprintf("%d. %s", qi+1, qu.Title), groupW-4, titleSt), 2, groupW-4)
		for li, l := range title {
			d.textAt(gx+2, bottom+4+float64(li)*l.h, groupW-4, l.segs[0].text, titleSt, "C")
		}
	}
	d.chartLegend(bottom + pdfChartTitlesH + 2)
	d.setY(d.geo.bodyEnd)
}

// chartGrid draws the gridlines at 0, 25, 50, 75 and 100 with their labels.
func (d *compareDoc) chartGrid(x0, x1, top, bottom float64) {
	for tick := 0; tick <= 100; tick += 25 {
		y := bottom - (bottom-top)*float64(tick)/100
		d.draw(colRule)
		d.pdf.SetLineWidth(0.15)
		if tick == 0 {
			d.draw(colMuted)
			d.pdf.SetLineWidth(0.3)
		}
		d.pdf.Line(x0, y, x1, y)
		d.textAt(d.geo.marginX, y-stTiny.lineHeight()/2, pdfChartAxisW-1.5, fmt.Sprint(tick), stTiny, "R")
	}
}

// chartGroup draws one question's bars, one per provider, or "n/a" where the question has no
// score (it does not apply, or the evaluation is not assessed); a number under each bar, and its value above when there is room.
func (d *compareDoc) chartGroup(qu assess.Question, gx, groupW, top, bottom float64) {
	n := len(d.c.Providers)
	slot := min((groupW-4)/float64(n), pdfChartMaxSlot)
	start := gx + (groupW-slot*float64(n))/2
	numSt := stTiny.sized(5.5).with(colMuted)
	upright := d.width1(fmt.Sprint(n), numSt)+0.8 > slot
	numbered := slot >= 2 // below that, upright numbers would touch: the legend and table say who is who
	for i, p := range d.c.Providers {
		x, barW := start+float64(i)*slot+slot*0.1, slot*0.8
		switch {
		case !numbered:
		case upright:
			d.uprightText(fmt.Sprint(i+1), x+barW/2, bottom+0.6+d.width1(fmt.Sprint(i+1), numSt), numSt)
		default:
			d.textAt(x-slot*0.1, bottom+0.6, slot, fmt.Sprint(i+1), numSt, "C")
		}
		score, text, ok := report.QuestionFigure(p.Summary.Score, qu.Key)
		if !ok {
			d.notApplicableMark(x, slot, bottom)
			continue
		}
		h := max((bottom-top)*report.BarFraction(score), 0.3)
		d.bar(x, bottom-h, barW, h, i)
		if slot >= 7 {
			valueSt := stTiny.sized(6.5).heavy().with(colInk)
			d.textAt(x-2, bottom-h-valueSt.lineHeight()-0.2, barW+4, text, valueSt, "C")
		}
	}
}

// notApplicableMark says "n/a" where a bar would stand: across it when there is room, else
// turned upright, as small as the room between bars asks.
func (d *compareDoc) notApplicableMark(x, slot, bottom float64) {
	barW := slot * 0.8
	st := stTiny.sized(min(6, slot*2.6)).with(colMuted)
	if d.width1("n/a", st) <= barW {
		d.textAt(x, bottom-st.lineHeight()-0.5, barW, "n/a", st, "C")
		return
	}
	d.uprightText("n/a", x+barW/2, bottom-1, st)
}

// uprightText writes s turned a quarter left, reading upwards from y, centred on x.
func (d *compareDoc) uprightText(s string, x, y float64, st textStyle) {
	d.use(st)
	x += st.size * 0.3528 / 3 // the baseline sits a third of the height right of the centre
	d.pdf.TransformBegin()
	d.pdf.TransformRotate(90, x, y)
	d.pdf.Text(x, y, d.clean(s))
	d.pdf.TransformEnd()
}

// bar fills a rectangle in provider i's colour and pattern, outlined in the colour.
func (d *compareDoc) bar(x, y, w, h float64, i int) {
	c, pattern := report.ProviderColour(i)
	colour := rgb{int(c.R), int(c.G), int(c.B)}
	d.box(x, y, w, h, colour)
	if pattern != report.PatternSolid && w > 0 && h > 0 {
		d.pdf.ClipRect(x, y, w, h, false)
		d.draw(colWhite)
		d.pdf.SetLineWidth(0.35)
		const step = 1.3
		if pattern == report.PatternLevel {
			for yy := y + step/2; yy < y+h; yy += step {
				d.pdf.Line(x, yy, x+w, yy)
			}
		}
		for t := -h; t < w; t += step {
			if pattern == report.PatternRising || pattern == report.PatternCross {
				d.pdf.Line(x+t, y+h, x+t+h, y)
			}
			if pattern == report.PatternFalling || pattern == report.PatternCross {
				d.pdf.Line(x+t, y, x+t+h, y+h)
			}
		}
		d.pdf.ClipEnd()
	}
	d.draw(colour)
	d.pdf.SetLineWidth(0.15)
	d.pdf.Rect(x, y, w, h, "D")
}

// swatch is a small sample of provider i's fill, for a legend or a table header.
func (d *compareDoc) swatch(x, y, w, h float64, i int) { d.bar(x, y, w, h, i) }

// chartLegend lists the providers in columns: swatch, number, name and service model.
func (d *compareDoc) chartLegend(y float64) {
	colW := d.width / pdfChartLegendN
	st := stSmall.sized(7.5).with(colInk)
	for i, p := range d.c.Providers {
		x := d.geo.marginX + float64(i%pdfChartLegendN)*colW
		ly := y + float64(i/pdfChartLegendN)*pdfChartLegendH
		d.swatch(x, ly+0.5, 4.5, 3, i)
		label := fmt.Sprintf("%d. %s · %s", i+1, p.Evaluation.ProviderName, p.Evaluation.ServiceModel.Label())
		d.textAt(x+6, ly, colW-7, d.fit(label, colW-8, st), st, "L")
	}
}
