package pdf

import (
	"fmt"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// Columns and cells of the comparison table, in millimetres.
const (
	cmpLabelW   = 62.0
	cmpMaxColW  = 68.0
	cmpPad      = 1.2
	cmpMaxLines = 8 // a longer answer is cut with "…": the XLSX and CSV have it whole
	cmpBarH     = 1.2
)

// tableCols places the label column and one column per provider of a set.
type tableCols struct {
	x, w float64 // the provider columns: the first one's left edge, and each one's width
	st   textStyle
}

func (d *compareDoc) tableCols(n int) tableCols {
	t := tableCols{x: d.geo.marginX + cmpLabelW, w: min((d.width-cmpLabelW)/float64(n), cmpMaxColW)}
	t.st = stBody.sized(8)
	if n > 4 {
		t.st = stBody.sized(7.5)
	}
	return t
}

func (t tableCols) colX(i int) float64 { return t.x + float64(i)*t.w }

// table draws the providers from..to-1 as columns of the comparison table, on pages of
// their own.
func (d *compareDoc) table(from, to int) {
	n := len(d.c.Providers)
	d.caption = ""
	if from > 0 || to < n {
		d.caption = fmt.Sprintf("Providers %d–%d of %d", from+1, to, n)
	}
	d.repeat = nil
	d.newPage()
	t := d.tableCols(to - from)
	header := func() { d.tableHeader(from, to, t) }
	header()
	d.repeat = header
	for start := 0; start < len(d.rows); {
		title := d.groupTitle(d.rows[start])
		end := start + 1
		for end < len(d.rows) && d.groupTitle(d.rows[end]) == title {
			end++
		}
		d.group(title, d.rows[start:end], from, to, t)
		start = end
	}
	d.repeat = nil
	d.space(2)
	legend := "Green and bold: the best value in the row (none is marked when all agree). "
	if d.c.Questionnaire.Split != nil {
		legend += "▲ on amber: a claimed owner that differs from the reference split for the service model the " +
			"provider was evaluated for, the reference in brackets. "
	}
	d.para(legend+"The bar under a score shows it out of 100.", stTiny)
}

func (d *compareDoc) groupTitle(r report.CompareRow) string {
	switch r.Group {
	case report.CompareSummary:
		return "Summary"
	case report.CompareQuestions:
		return "Score by question"
	case report.CompareElements:
		return "Answers: " + report.QuestionTitle(d.c.Questionnaire, r.Question)
	}
	return "Responsibility: who secures each layer"
}

// tableHeader draws the caption of a set of providers and a row with each one's colour,
// name, number (as in the chart), service model and offering.
func (d *compareDoc) tableHeader(from, to int, t tableCols) {
	x := d.geo.marginX
	right := t.colX(to - from)
	if d.caption != "" {
		d.textAt(x, d.y(), right-x, d.caption, stSmall.heavy().with(colAccent), "L")
		d.setY(d.y() + stSmall.lineHeight() + 1)
	}
	nameSt, subSt := t.st.sized(t.st.size+0.5).heavy(), stTiny
	names := make([][]pdfLine, 0, to-from)
	h := 0.0
	for i := from; i < to; i++ {
		nameW := t.w - 2*cmpPad - 5
		lines := d.capLines(d.wrap(d.c.Providers[i].Evaluation.ProviderName, nameW, nameSt), 3, nameW)
		names = append(names, lines)
		h = max(h, columnHeight(pdfColumn{lines: lines}))
	}
	h += subSt.lineHeight() + 2*cmpPad
	top := d.y()
	d.box(x, top, right-x, h, colHeadFill)
	d.textAt(x+cmpPad, top+h-cmpPad-stTh.lineHeight(), cmpLabelW, "Provider", stTh, "L")
	for i := from; i < to; i++ {
		cx := t.colX(i - from)
		d.swatch(cx+cmpPad, top+cmpPad+0.6, 3.2, 2.6, i)
		d.drawLines(names[i-from], cx+cmpPad+5, top+cmpPad, t.w-2*cmpPad-5)
		ev := d.c.Providers[i].Evaluation
		sub := fmt.Sprintf("#%d · %s", i+1, ev.ServiceModel.Label())
		if ev.Offering != "" {
			sub += " · " + ev.Offering
		}
		d.textAt(cx+cmpPad+5, top+h-cmpPad-subSt.lineHeight(), t.w-2*cmpPad-5, d.fit(sub, t.w-2*cmpPad-5, subSt), subSt, "L")
	}
	d.setY(top + h)
	d.draw(colAccent)
	d.pdf.SetLineWidth(0.35)
	d.pdf.Line(x, top+h, right, top+h)
}

// group draws a titled group of rows. A group that fits on a page is not split: it starts a
// new page instead. A longer one keeps at least its title and first row together.
func (d *compareDoc) group(title string, rows []report.CompareRow, from, to int, t tableCols) {
	measured := make([]measuredRow, len(rows))
	titleH := stSmall.lineHeight() + 2*cmpPad + 1.2
	total := titleH
	for i, r := range rows {
		measured[i] = d.measureRow(r, from, to, t)
		total += measured[i].h
	}
	if d.y()+total > d.geo.bodyEnd && total < (d.geo.bodyEnd-d.geo.top)*0.75 {
		d.newPage()
	}
	d.ensure(titleH + measured[0].h)
	d.groupTitleRow(title, to-from, t)
	for _, m := range measured {
		d.compareRow(m, t)
	}
}

// groupTitleRow writes the title of a group of rows across the table.
func (d *compareDoc) groupTitleRow(title string, n int, t tableCols) {
	h := stSmall.lineHeight() + 2*cmpPad
	d.space(1.2)
	top := d.y()
	d.box(d.geo.marginX, top, t.colX(n)-d.geo.marginX, h, colPanel)
	d.textAt(d.geo.marginX+cmpPad, top+cmpPad, t.colX(n)-d.geo.marginX, title, stSmall.heavy().with(colAccent), "L")
	d.setY(top + h)
}

// measuredRow is a row of the table wrapped to its columns, ready to draw.
type measuredRow struct {
	label []pdfLine
	cells []report.CompareCell
	lines [][]pdfLine
	textH float64 // the tallest cell's text
	bars  bool    // score cells, with a bar beneath the text
	h     float64 // the whole row, padding included
}

func (d *compareDoc) measureRow(r report.CompareRow, from, to int, t tableCols) measuredRow {
	m := measuredRow{label: d.wrap(r.Label, cmpLabelW-2*cmpPad, t.st.with(colInk)), cells: r.Cells[from:to]}
	m.textH = columnHeight(pdfColumn{lines: m.label})
	m.lines = make([][]pdfLine, len(m.cells))
	for i, c := range m.cells {
		m.lines[i] = d.cellLines(c, t.w-2*cmpPad, t.st)
		m.textH = max(m.textH, columnHeight(pdfColumn{lines: m.lines[i]}))
		m.bars = m.bars || c.Shade >= 0
	}
	m.h = m.textH + 2*cmpPad
	if m.bars {
		m.h += cmpBarH + 1
	}
	return m
}

// compareRow draws one row: its label, then each provider's cell, best and deviation cells
// filled, score cells with a bar beneath. A row never splits across pages.
func (d *compareDoc) compareRow(m measuredRow, t tableCols) {
	d.ensure(m.h)
	top := d.y()
	for i, c := range m.cells {
		switch {
		case c.Deviation:
			d.box(t.colX(i), top, t.w, m.h, colDevMark)
		case c.Best:
			d.box(t.colX(i), top, t.w, m.h, colBestFill)
		}
	}
	d.drawLines(m.label, d.geo.marginX+cmpPad, top+cmpPad, cmpLabelW-2*cmpPad)
	for i, c := range m.cells {
		d.drawLines(m.lines[i], t.colX(i)+cmpPad, top+cmpPad, t.w-2*cmpPad)
		if c.Shade >= 0 && c.Value != nil {
			barY, barW := top+cmpPad+m.textH+0.6, t.w-2*cmpPad
			d.box(t.colX(i)+cmpPad, barY, barW, cmpBarH, colBarBack)
			d.box(t.colX(i)+cmpPad, barY, barW*c.Shade, cmpBarH, tierColour(assess.TierOf(*c.Value)))
		}
	}
	d.draw(colRule)
	d.pdf.SetLineWidth(0.15)
	d.pdf.Line(d.geo.marginX, top+m.h, t.colX(len(m.cells)), top+m.h)
	d.setY(top + m.h)
}

// cellLines is a cell's text wrapped to width w, dressed by its marks.
func (d *compareDoc) cellLines(c report.CompareCell, w float64, st textStyle) []pdfLine {
	text := c.Text
	switch {
	case c.Deviation:
		text, st = "▲ "+text, st.heavy().with(colDevText)
	case c.Best:
		st = st.heavy().with(colBestText)
	case c.Faint:
		st = st.with(colFaint)
	}
	return d.capLines(d.wrap(text, w, st), cmpMaxLines, w)
}

// capLines keeps at most n lines of width w, ending the last one kept with "…" when it cut.
func (d *pdfCanvas) capLines(lines []pdfLine, n int, w float64) []pdfLine {
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	last := &lines[n-1].segs[0]
	last.text = d.fit(last.text+" …", w, last.style)
	return lines
}

// drawLines draws wrapped lines from (x, y) in a column of width w.
func (d *compareDoc) drawLines(lines []pdfLine, x, y, w float64) {
	col := pdfColumn{x: x, w: w}
	for _, l := range lines {
		for _, s := range l.segs {
			d.drawSeg(col, s, y, l.h)
		}
		y += l.h
	}
}
