package pdf

import "strings"

// pdfSeg is a piece of text on a line, at dx from the column's left edge. A segment may
// instead be a check box to tick by hand.
type pdfSeg struct {
	dx    float64
	w     float64 // 0: to the column's right edge
	text  string
	style textStyle
	align string
	link  string
	box   bool
}

// pdfLine is one line of a column.
type pdfLine struct {
	h    float64
	segs []pdfSeg
}

// pdfColumn is a column of a table row: a left edge, a width and its lines.
type pdfColumn struct {
	x, w  float64
	lines []pdfLine
}

// rowOpts dress a row: inner padding, a background, a rule beneath.
type rowOpts struct {
	padTop, padBottom float64
	background        *rgb
	rule              bool
}

// textLine is a single-segment line.
func textLine(s string, st textStyle, align string) pdfLine {
	return pdfLine{h: st.lineHeight(), segs: []pdfSeg{{text: s, style: st, align: align}}}
}

// wrap breaks text into lines no wider than w; explicit line breaks are kept.
func (d *pdfCanvas) wrap(s string, w float64, st textStyle) []pdfLine {
	d.use(st)
	var out []pdfLine
	for _, para := range strings.Split(d.clean(s), "\n") {
		parts := d.pdf.SplitText(para, w)
		if len(parts) == 0 {
			parts = []string{""}
		}
		for _, p := range parts {
			out = append(out, textLine(strings.TrimRight(p, " "), st, "L"))
		}
	}
	return out
}

// linked marks every segment of lines as a link to url.
func linked(lines []pdfLine, url string) []pdfLine {
	for i := range lines {
		for j := range lines[i].segs {
			lines[i].segs[j].link = url
		}
	}
	return lines
}

func columnHeight(c pdfColumn) float64 {
	h := 0.0
	for _, l := range c.lines {
		h += l.h
	}
	return h
}

// row draws a table row. A row that fits on a fresh page is never split: it moves to the
// next page whole. A row taller than a page is split between lines.
func (d *pdfCanvas) row(cols []pdfColumn, o rowOpts) {
	pads := o.padTop + o.padBottom
	h := 0.0
	for _, c := range cols {
		h = max(h, columnHeight(c))
	}
	if d.y()+h+pads > d.geo.bodyEnd && h+pads <= d.geo.bodyEnd-d.geo.top-10 {
		d.newPage()
	}
	for {
		fits := d.geo.bodyEnd - d.y() - pads
		now, rest, chunk := splitColumns(cols, fits)
		if chunk == 0 && !empty(rest) && d.y() > d.geo.top+20 {
			d.newPage()
			continue
		}
		if chunk == 0 && !empty(rest) {
			// Not even one line fits on a fresh page: draw one anyway rather than loop.
			now, rest, chunk = splitColumns(cols, rest[0].lines[0].h+d.geo.bodyEnd)
		}
		d.drawChunk(now, chunk, o)
		if empty(rest) {
			return
		}
		d.newPage()
		cols = rest
	}
}

// splitColumns takes from each column the lines that fit in height avail, and returns them,
// what is left, and the height of the tallest part taken.
func splitColumns(cols []pdfColumn, avail float64) (now, rest []pdfColumn, h float64) {
	for _, c := range cols {
		used, n := 0.0, 0
		for n < len(c.lines) && used+c.lines[n].h <= avail+0.001 {
			used += c.lines[n].h
			n++
		}
		h = max(h, used)
		now = append(now, pdfColumn{x: c.x, w: c.w, lines: c.lines[:n]})
		rest = append(rest, pdfColumn{x: c.x, w: c.w, lines: c.lines[n:]})
	}
	return now, rest, h
}

func empty(cols []pdfColumn) bool {
	for _, c := range cols {
		if len(c.lines) > 0 {
			return false
		}
	}
	return true
}

func (d *pdfCanvas) drawChunk(cols []pdfColumn, h float64, o rowOpts) {
	top := d.y()
	total := h + o.padTop + o.padBottom
	if o.background != nil {
		d.box(d.geo.marginX, top, d.width, total, *o.background)
	}
	for _, c := range cols {
		y := top + o.padTop
		for _, l := range c.lines {
			for _, s := range l.segs {
				d.drawSeg(c, s, y, l.h)
			}
			y += l.h
		}
	}
	if o.rule {
		d.draw(colRule)
		d.pdf.SetLineWidth(0.15)
		d.pdf.Line(d.geo.marginX, top+total, d.geo.marginX+d.width, top+total)
	}
	d.setY(top + total)
}

func (d *pdfCanvas) drawSeg(c pdfColumn, s pdfSeg, y, h float64) {
	w := s.w
	if w == 0 {
		w = c.w - s.dx
	}
	if s.box {
		size := min(h*0.7, 3.4)
		d.draw(colMuted)
		d.pdf.SetLineWidth(0.3)
		d.pdf.Rect(c.x+s.dx, y+(h-size)/2, size, size, "D")
		return
	}
	d.use(s.style)
	d.pdf.SetXY(c.x+s.dx, y)
	d.pdf.CellFormat(w, h, d.clean(s.text), "", 0, s.align, false, 0, s.link)
}
