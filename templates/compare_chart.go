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

// Chart geometry, in SVG user units (pixels at 100%).
const (
	chartWidth      = 960.0
	chartPadX       = 24.0
	chartLegendTop  = 78.0
	chartLegendCols = 3
	chartLegendRowH = 22.0
	chartBarX       = 262.0 // the 0 of the axis
	chartBarMaxW    = 630.0 // from 0 to 100
	chartGroupPad   = 12.0
	chartTitleChars = 26 // characters per line of a question title
	chartLegendName = 34 // characters of a provider name in the legend
	chartIDPrefix   = "cmpchart-"
	chartFontFamily = "DejaVu Sans, Verdana, Arial, sans-serif"
)

// The chart's text and grid colours, those of the PDF's ink, secondary text and rules.
const (
	chartInk   = "#111827"
	chartMuted = "#4b5563"
	chartGrid  = "#d1d5db"
)

// chartLayout is the geometry that depends on how many providers are compared.
type chartLayout struct {
	n           int     // providers
	barH, gap   float64 // bar height and the space between bars of a group
	legendRows  int
	plotTop     float64
	groupHeight []float64 // per question
	height      float64
}

func layoutChart(c assess.Comparison) chartLayout {
	l := chartLayout{n: len(c.Providers)}
	switch {
	case l.n <= 4:
		l.barH, l.gap = 16, 6
	case l.n <= 8:
		l.barH, l.gap = 13, 4
	case l.n <= 16:
		l.barH, l.gap = 10, 3
	default:
		l.barH, l.gap = 9, 2
	}
	l.legendRows = (l.n + chartLegendCols - 1) / chartLegendCols
	l.plotTop = chartLegendTop + float64(l.legendRows)*chartLegendRowH + 26
	y := l.plotTop
	for _, qu := range c.Questionnaire.Questions {
		bars := float64(l.n)*l.barH + float64(max(l.n-1, 0))*l.gap
		title := float64(len(wrapWords(qu.Title, chartTitleChars))) * 16
		h := 2*chartGroupPad + max(bars, title)
		l.groupHeight = append(l.groupHeight, h)
		y += h
	}
	l.height = y + 48
	return l
}

// CompareChartSVG draws a comparison as a self-contained SVG: for each question of the
// questionnaire a group of horizontal bars, one per provider, on a 0 to 100 axis, with a
// title and a legend. Each provider has a colour from a palette of ten, repeated with stripes
// after ten providers (report.ProviderColour, as in the PDF), and a number that labels its
// bars and its legend entry, so that twenty or fifty providers stay distinguishable without
// colour. A question without a score for a provider (it does not apply, or the evaluation is
// not assessed) gets no bar but "n/a". The SVG uses presentation attributes only (no style
// attribute or element), so that it passes a Content-Security-Policy without 'unsafe-inline';
// it has role="img", a <title> and a <desc>. Every bar is a rect of class "bar" with
// data-provider (1-based), data-question and data-score attributes.
func CompareChartSVG(c assess.Comparison) string {
	if c.Questionnaire == nil {
		return ""
	}
	l := layoutChart(c)
	var b strings.Builder
	b.Grow(4096 + 900*l.n*len(c.Questionnaire.Questions))
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(`<svg xmlns="http://www.w3.org/2000/svg" class="compare-chart" width="%s" height="%s" viewBox="0 0 %s %s" `+
		`role="img" aria-labelledby="%stitle %sdesc" font-family="%s">`,
		svgNum(chartWidth), svgNum(l.height), svgNum(chartWidth), svgNum(l.height), chartIDPrefix, chartIDPrefix, chartFontFamily)
	w(`<title id="%stitle">Question scores by provider</title>`, chartIDPrefix)
	w(`<desc id="%sdesc">%s</desc>`, chartIDPrefix, xmlEscape(chartDescription(c)))
	writeChartPatterns(&b, l.n)
	w(`<rect width="%s" height="%s" fill="#ffffff"/>`, svgNum(chartWidth), svgNum(l.height))
	w(`<text x="%s" y="36" font-size="21" font-weight="bold" fill="%s">Question scores by provider</text>`, svgNum(chartPadX), chartInk)
	sub := fmt.Sprintf("%s, version %d · scores out of 100, best first by %s · n/a: the question does not apply",
		c.Questionnaire.Title, c.Questionnaire.Version, report.SortText(c))
	w(`<text x="%s" y="58" font-size="12.5" fill="%s">%s</text>`, svgNum(chartPadX), chartMuted, xmlEscape(sub))
	writeChartLegend(&b, c)
	writeChartBands(&b, l)
	writeChartAxis(&b, l)
	y := l.plotTop
	for i, qu := range c.Questionnaire.Questions {
		writeChartGroup(&b, c, l, i, qu, y)
		y += l.groupHeight[i]
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// chartDescription says in words what the chart shows, for assistive technology.
func chartDescription(c assess.Comparison) string {
	names := make([]string, 0, len(c.Providers))
	for i, p := range c.Providers {
		names = append(names, fmt.Sprintf("%d %s", i+1, p.Evaluation.ProviderName))
	}
	return fmt.Sprintf("Grouped bar chart of %d questions with one bar per provider, each a score from 0 to 100. "+
		"Providers: %s. The comparison table gives the same figures.", len(c.Questionnaire.Questions), strings.Join(names, "; "))
}

// chartFill is the fill attribute of provider i's bars and legend swatch.
func chartFill(i int) string {
	colour, pattern := report.ProviderColour(i)
	if pattern == report.PatternSolid {
		return colour.Hex()
	}
	return fmt.Sprintf("url(#%sp%d)", chartIDPrefix, i)
}

// writeChartPatterns defines a striped fill for every provider past the tenth.
func writeChartPatterns(b *strings.Builder, n int) {
	if n <= report.PaletteSize {
		return
	}
	b.WriteString(`<defs>`)
	for i := report.PaletteSize; i < n; i++ {
		colour, pattern := report.ProviderColour(i)
		rotate := map[report.Pattern]string{report.PatternRising: "45", report.PatternLevel: "0", report.PatternCross: "45",
			report.PatternFalling: "-45"}[pattern]
		fmt.Fprintf(b, `<pattern id="%sp%d" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(%s)">`+
			`<rect width="6" height="6" fill="%s"/>`, chartIDPrefix, i, rotate, colour.Hex())
		if pattern == report.PatternLevel {
			b.WriteString(`<line x1="0" y1="1.5" x2="6" y2="1.5" stroke="#ffffff" stroke-width="2"/>`)
		} else {
			b.WriteString(`<line x1="1.5" y1="0" x2="1.5" y2="6" stroke="#ffffff" stroke-width="2"/>`)
		}
		if pattern == report.PatternCross {
			b.WriteString(`<line x1="0" y1="1.5" x2="6" y2="1.5" stroke="#ffffff" stroke-width="2"/>`)
		}
		b.WriteString(`</pattern>`)
	}
	b.WriteString(`</defs>`)
}

// writeChartLegend lists the providers in columns: swatch, number, name and service model.
func writeChartLegend(b *strings.Builder, c assess.Comparison) {
	colW := (chartWidth - 2*chartPadX) / chartLegendCols
	b.WriteString(`<g class="legend">`)
	for i, p := range c.Providers {
		x := chartPadX + float64(i%chartLegendCols)*colW
		y := chartLegendTop + float64(i/chartLegendCols)*chartLegendRowH
		colour, _ := report.ProviderColour(i)
		name, model := p.Evaluation.ProviderName, p.Evaluation.ServiceModel.Label()
		label := fmt.Sprintf("%d. %s · %s", i+1, shorten(name, chartLegendName), model)
		fmt.Fprintf(b, `<g><title>%s</title><rect x="%s" y="%s" width="16" height="14" rx="2" fill="%s" stroke="%s"/>`+
			`<text x="%s" y="%s" font-size="12.5" fill="%s">%s</text></g>`,
			xmlEscape(fmt.Sprintf("%d. %s (%s)", i+1, name, model)),
			svgNum(x), svgNum(y), chartFill(i), colour.Hex(), svgNum(x+22), svgNum(y+11.5), chartInk, xmlEscape(label))
	}
	b.WriteString(`</g>`)
}

// writeChartBands shades every other question's group, beneath the gridlines.
func writeChartBands(b *strings.Builder, l chartLayout) {
	y := l.plotTop
	for i, h := range l.groupHeight {
		if i%2 == 0 {
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="#f4f6f8"/>`,
				svgNum(chartPadX-8), svgNum(y), svgNum(chartWidth-2*chartPadX+16), svgNum(h))
		}
		y += h
	}
}

// writeChartAxis draws the gridlines at 0, 25, 50, 75 and 100 and their labels above and
// below the groups.
func writeChartAxis(b *strings.Builder, l chartLayout) {
	bottom := l.height - 48
	b.WriteString(`<g class="axis">`)
	for tick := 0; tick <= 100; tick += 25 {
		x := svgNum(chartBarX + chartBarMaxW*float64(tick)/100)
		colour, width := chartGrid, "1"
		if tick == 0 {
			colour, width = chartMuted, "1.2"
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`,
			x, svgNum(l.plotTop-4), x, svgNum(bottom+4), colour, width)
		for _, y := range []float64{l.plotTop - 9, bottom + 18} {
			fmt.Fprintf(b, `<text x="%s" y="%s" font-size="11" text-anchor="middle" fill="%s">%d</text>`,
				x, svgNum(y), chartMuted, tick)
		}
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" font-size="12" text-anchor="middle" fill="%s">Question score (0 to 100)</text>`,
		svgNum(chartBarX+chartBarMaxW/2), svgNum(bottom+38), chartMuted)
	b.WriteString(`</g>`)
}

// writeChartGroup draws one question: a band, its title, and a bar (or "n/a") per provider.
func writeChartGroup(b *strings.Builder, c assess.Comparison, l chartLayout, qi int, qu assess.Question, top float64) {
	fmt.Fprintf(b, `<g class="group" data-question="%s">`, xmlEscape(qu.Key))
	fmt.Fprintf(b, `<text x="%s" y="%s" font-size="13.5" font-weight="bold" fill="%s">`, svgNum(chartPadX), svgNum(top+chartGroupPad+12), chartInk)
	for i, line := range wrapWords(fmt.Sprintf("%d. %s", qi+1, qu.Title), chartTitleChars) {
		dy := "0"
		if i > 0 {
			dy = "16"
		}
		fmt.Fprintf(b, `<tspan x="%s" dy="%s">%s</tspan>`, svgNum(chartPadX), dy, xmlEscape(line))
	}
	b.WriteString(`</text>`)
	fontSize := svgNum(min(11, l.barH+1))
	for i, p := range c.Providers {
		y := top + chartGroupPad + float64(i)*(l.barH+l.gap)
		mid := svgNum(y + l.barH/2 + 3.5)
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" text-anchor="end" fill="%s">%d</text>`,
			svgNum(chartBarX-6), mid, fontSize, chartMuted, i+1)
		score, text, ok := report.QuestionFigure(p.Summary.Score, qu.Key)
		if !ok {
			fmt.Fprintf(b, `<text class="na" x="%s" y="%s" font-size="%s" fill="%s">n/a</text>`,
				svgNum(chartBarX+5), mid, fontSize, chartMuted)
			continue
		}
		width := max(chartBarMaxW*report.BarFraction(score), 1.5)
		colour, _ := report.ProviderColour(i)
		fmt.Fprintf(b, `<rect class="bar" data-provider="%d" data-question="%s" data-score="%s" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="0.8">`+
			`<title>%s</title></rect>`,
			i+1, xmlEscape(qu.Key), text, svgNum(chartBarX), svgNum(y), svgNum(width), svgNum(l.barH),
			chartFill(i), colour.Hex(), xmlEscape(fmt.Sprintf("%d. %s: %s %s", i+1, p.Evaluation.ProviderName, qu.Title, text)))
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" fill="%s">%s</text>`,
			svgNum(chartBarX+width+5), mid, fontSize, chartInk, text)
	}
	b.WriteString(`</g>`)
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
