package templates

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// Chart geometry, in SVG user units (pixels at 100%). Both charts have one row per provider,
// named in full on its row, so that they read at 50 providers as at 2: no legend to match
// colours against.
const (
	chartWidth      = 960.0
	chartPadX       = 16.0
	chartLabelEnd   = 318.0 // where provider names end and the plot begins
	chartBarMaxW    = 560.0 // coverage bar from 0 to 100
	chartTop        = 64.0  // first row
	chartNameChars  = 44    // characters of a provider name on its row
	chartIDPrefix   = "cmpchart-"
	heatIDPrefix    = "cmpheat-"
	chartFontFamily = "Noto Sans, WenQuanYi Zen Hei, Symbola, DejaVu Sans, Verdana, Arial, sans-serif"
)

// The chart's text and grid colours, those of the print layout.
const (
	chartInk   = "#111827"
	chartMuted = "#4b5563"
	chartGrid  = "#d1d5db"
)

// chartRowHeight is the height of one provider's row: roomy for a few providers, compact for
// many, never below what an 11-unit label needs.
func chartRowHeight(n int) float64 {
	switch {
	case n <= 5:
		return 28
	case n <= 12:
		return 22
	}
	return 17
}

// providerLabel is "3. Name (SaaS)" cut to fit its row.
func providerLabel(i int, p assess.Compared) string {
	return fmt.Sprintf("%d. %s (%s)", i+1, shorten(p.Evaluation.ProviderName, chartNameChars), p.Evaluation.ServiceModel.Label())
}

// tierFill is the colour of a tier, as the tier badges have it.
func tierFill(t assess.Tier) string {
	switch t {
	case assess.Strong:
		return "#15803d"
	case assess.Adequate:
		return "#4d7c0f"
	case assess.Weak:
		return "#b45309"
	case assess.Poor:
		return "#b91c1c"
	}
	return "#9ca3af"
}

// CompareChartSVG draws a comparison's coverage as a self-contained SVG: one horizontal bar
// per provider, in the comparison's order, on a 0 to 100 axis, coloured by tier, with the
// provider's number, name and service model on its row and the score at the bar's end; a
// provider not assessed gets no bar but "Not assessed". The SVG uses presentation attributes
// only (no style attribute or element), so that it passes a Content-Security-Policy without
// 'unsafe-inline'; it has role="img", a <title> and a <desc>. Every bar is a rect of class
// "chart-bar" with data-provider (1-based) and data-score attributes.
func CompareChartSVG(c assess.Comparison) string {
	if c.Questionnaire == nil {
		return ""
	}
	n := len(c.Providers)
	rowH := chartRowHeight(n)
	plotBottom := chartTop + float64(n)*rowH
	height := plotBottom + 40
	var b strings.Builder
	b.Grow(2048 + 600*n)
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	svgOpen(&b, chartIDPrefix, height, "Coverage score by provider", coverageDescription(c))
	w(`<text x="%s" y="24" font-size="17" font-weight="bold" fill="%s">Coverage score by provider</text>`, svgNum(chartPadX), chartInk)
	w(`<text x="%s" y="44" font-size="12" fill="%s">%s</text>`, svgNum(chartPadX), chartMuted,
		xmlEscape(fmt.Sprintf("%s, version %d · out of 100, best first by %s · colour: tier",
			c.Questionnaire.Title, c.Questionnaire.Version, report.SortText(c))))
	for tick := 0; tick <= 100; tick += 25 {
		x := svgNum(chartLabelEnd + chartBarMaxW*float64(tick)/100)
		colour := chartGrid
		if tick == 0 {
			colour = chartMuted
		}
		w(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, x, svgNum(chartTop-4), x, svgNum(plotBottom+2), colour)
		w(`<text x="%s" y="%s" font-size="11" text-anchor="middle" fill="%s">%d</text>`, x, svgNum(plotBottom+16), chartMuted, tick)
	}
	barH := rowH - 7
	for i, p := range c.Providers {
		y := chartTop + float64(i)*rowH
		mid := svgNum(y + rowH/2 + 4)
		if i%2 == 1 {
			w(`<rect x="%s" y="%s" width="%s" height="%s" fill="#f4f6f8"/>`, svgNum(chartPadX-6), svgNum(y), svgNum(chartWidth-2*chartPadX+12), svgNum(rowH))
		}
		w(`<text x="%s" y="%s" font-size="12" text-anchor="end" fill="%s"><title>%s</title>%s</text>`,
			svgNum(chartLabelEnd-8), mid, chartInk, xmlEscape(p.Evaluation.ProviderName), xmlEscape(providerLabel(i, p)))
		s := p.Summary.Score
		if !s.Assessed() {
			w(`<text class="na" x="%s" y="%s" font-size="11.5" fill="%s">Not assessed</text>`, svgNum(chartLabelEnd+6), mid, chartMuted)
			continue
		}
		text := s.Text()
		width := max(chartBarMaxW*report.BarFraction(s.Overall), 1.5)
		w(`<rect class="chart-bar" data-provider="%d" data-score="%s" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
			i+1, text, svgNum(chartLabelEnd), svgNum(y+3.5), svgNum(width), svgNum(barH), tierFill(s.Tier),
			xmlEscape(fmt.Sprintf("%d. %s: %s, %s", i+1, p.Evaluation.ProviderName, text, s.Tier.Label())))
		w(`<text x="%s" y="%s" font-size="11.5" font-weight="bold" fill="%s">%s</text>`, svgNum(chartLabelEnd+width+6), mid, chartInk, text)
		w(`<text x="%s" y="%s" font-size="10.5" fill="%s">%s</text>`, svgNum(chartLabelEnd+width+40), mid, chartMuted, s.Tier.Label())
	}
	w(`<text x="%s" y="%s" font-size="11.5" text-anchor="middle" fill="%s">Coverage score (0 to 100)</text>`,
		svgNum(chartLabelEnd+chartBarMaxW/2), svgNum(plotBottom+33), chartMuted)
	b.WriteString(`</svg>`)
	return b.String()
}

// CompareHeatmapSVG draws each provider's question scores as a heat map: a row per provider
// (as CompareChartSVG has them), a column per question, each cell shaded by its score (red
// for low through green for high, the shades of the comparison table) with the score written
// in it, or "n/a" when the question does not apply or nothing is assessed. Cells are rects of
// class "chart-cell" with data-provider, data-question and data-score attributes.
func CompareHeatmapSVG(c assess.Comparison) string {
	if c.Questionnaire == nil {
		return ""
	}
	n, qs := len(c.Providers), c.Questionnaire.Questions
	rowH := chartRowHeight(n)
	colW := (chartWidth - chartLabelEnd - chartPadX) / float64(max(len(qs), 1))
	head := 3 * 14.0
	top := chartTop + head
	height := top + float64(n)*rowH + 24
	var b strings.Builder
	b.Grow(2048 + 300*n*len(qs))
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	svgOpen(&b, heatIDPrefix, height, "Question scores by provider", heatDescription(c))
	w(`<text x="%s" y="24" font-size="17" font-weight="bold" fill="%s">Question scores by provider</text>`, svgNum(chartPadX), chartInk)
	w(`<text x="%s" y="44" font-size="12" fill="%s">out of 100 · red low, green high · n/a: does not apply or not assessed</text>`, svgNum(chartPadX), chartMuted)
	for j, qu := range qs {
		x := chartLabelEnd + float64(j)*colW + colW/2
		w(`<text x="%s" y="%s" font-size="11" font-weight="bold" text-anchor="middle" fill="%s">`, svgNum(x), svgNum(chartTop+8), chartInk)
		for k, line := range wrapWords(qu.Title, int(colW/7)) {
			if k < 3 {
				w(`<tspan x="%s" dy="%s">%s</tspan>`, svgNum(x), map[bool]string{true: "0", false: "13"}[k == 0], xmlEscape(line))
			}
		}
		b.WriteString(`</text>`)
	}
	for i, p := range c.Providers {
		y := top + float64(i)*rowH
		w(`<text x="%s" y="%s" font-size="12" text-anchor="end" fill="%s"><title>%s</title>%s</text>`,
			svgNum(chartLabelEnd-8), svgNum(y+rowH/2+4), chartInk, xmlEscape(p.Evaluation.ProviderName), xmlEscape(providerLabel(i, p)))
		for j, qu := range qs {
			x := chartLabelEnd + float64(j)*colW
			score, text, ok := report.QuestionFigure(p.Summary.Score, qu.Key)
			if !p.Summary.Score.Assessed() {
				ok = false
			}
			fill, label, data := "#f3f4f6", "n/a", ""
			if ok {
				fill, label, data = heatFill(score), text, fmt.Sprintf(` data-score="%s"`, text)
			}
			w(`<rect class="chart-cell" data-provider="%d" data-question="%s"%s x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="1.5">`+
				`<title>%s</title></rect>`, i+1, xmlEscape(qu.Key), data, svgNum(x), svgNum(y), svgNum(colW), svgNum(rowH), fill,
				xmlEscape(fmt.Sprintf("%d. %s: %s %s", i+1, p.Evaluation.ProviderName, qu.Title, label)))
			w(`<text x="%s" y="%s" font-size="11" text-anchor="middle" fill="%s">%s</text>`,
				svgNum(x+colW/2), svgNum(y+rowH/2+4), map[bool]string{true: chartInk, false: chartMuted}[ok], label)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// heatShades are the eleven shades of score cells, from 0 to 100 by tens, as the comparison
// table's shade classes.
var heatShades = [11]string{"#f8d7d3", "#f6c9c3", "#f4bbb2", "#f8dcb4", "#f9e7b5", "#eeeab3",
	"#dcecb7", "#c8e6b9", "#b3deb7", "#9fd6b1", "#8acfaa"}

func heatFill(score float64) string { return heatShades[int(report.BarFraction(score)*10+0.5)] }

// svgOpen writes the <svg> element with its accessible title and description, and a white
// background.
func svgOpen(b *strings.Builder, prefix string, height float64, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="compare-chart" width="%s" height="%s" viewBox="0 0 %s %s" `+
		`role="img" aria-labelledby="%stitle %sdesc" font-family="%s">`,
		svgNum(chartWidth), svgNum(height), svgNum(chartWidth), svgNum(height), prefix, prefix, chartFontFamily)
	fmt.Fprintf(b, `<title id="%stitle">%s</title><desc id="%sdesc">%s</desc>`, prefix, xmlEscape(title), prefix, xmlEscape(desc))
	fmt.Fprintf(b, `<rect width="%s" height="%s" fill="#ffffff"/>`, svgNum(chartWidth), svgNum(height))
}

// coverageDescription says in words what the coverage chart shows, for assistive technology.
func coverageDescription(c assess.Comparison) string {
	parts := make([]string, 0, len(c.Providers))
	for i, p := range c.Providers {
		parts = append(parts, fmt.Sprintf("%d %s: %s", i+1, p.Evaluation.ProviderName, p.Summary.Score.Text()))
	}
	return "Horizontal bar chart of each provider's coverage score from 0 to 100. " + strings.Join(parts, "; ") +
		". The comparison table gives the same figures."
}

func heatDescription(c assess.Comparison) string {
	return fmt.Sprintf("Heat map of %d questions by %d providers, each cell a score from 0 to 100. The comparison table gives the same figures.",
		len(c.Questionnaire.Questions), len(c.Providers))
}

// svgNum writes a coordinate with at most one decimal.
func svgNum(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// xmlEscape escapes text for an XML text node or a quoted attribute. Characters XML cannot
// hold are replaced with U+FFFD, so that the document always parses.
func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// shorten cuts s to at most n characters, ending with an ellipsis when it cut.
func shorten(s string, n int) string {
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	return strings.TrimRight(string(runes[:n-1]), " ") + "…"
}

// wrapWords breaks s into lines of at most n characters, at spaces where it can.
func wrapWords(s string, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= n:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}
