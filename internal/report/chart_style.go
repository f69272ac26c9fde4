package report

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// chartPalette gives each provider of a comparison its colour, in comparison order; the SVG
// and the PDF chart use the same. After ten providers the colours repeat with another fill
// pattern (see chartPattern), so that fifty providers stay apart.
var chartPalette = [10]rgb{
	{78, 121, 167},  // blue
	{242, 142, 43},  // orange
	{225, 87, 89},   // red
	{118, 183, 178}, // teal
	{89, 161, 79},   // green
	{237, 201, 72},  // yellow
	{176, 122, 161}, // purple
	{255, 157, 167}, // pink
	{156, 117, 95},  // brown
	{186, 176, 172}, // grey
}

// chartPattern is how a bar is filled over its colour.
type chartPattern int

// The fill patterns, in the order they are taken: providers 1 to 10 are solid, 11 to 20
// striped one way, and so on.
const (
	patternSolid   chartPattern = iota
	patternRising               // white stripes rising to the right: ////
	patternLevel                // white horizontal stripes
	patternCross                // both diagonals
	patternFalling              // white stripes falling to the right: \\\\
	patternCount
)

// providerColour is the colour and pattern of the provider at index i of a comparison.
func providerColour(i int) (rgb, chartPattern) {
	n := len(chartPalette)
	return chartPalette[i%n], chartPattern((i / n) % int(patternCount))
}

func (c rgb) hex() string { return fmt.Sprintf("#%02x%02x%02x", c.r, c.g, c.b) }

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
