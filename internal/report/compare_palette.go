package report

import (
	"fmt"

	"shareline/internal/assess"
)

// Colour is an RGB colour.
type Colour struct{ R, G, B uint8 }

// Hex writes the colour as "#rrggbb".
func (c Colour) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// providerPalette gives each provider of a comparison its colour, in comparison order; the
// page's chart and the PDF use the same. After ten providers the colours repeat with another
// fill pattern, so that fifty providers stay apart.
var providerPalette = [...]Colour{
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

// PaletteSize is how many providers get a colour of their own before the colours repeat with
// the next pattern.
const PaletteSize = len(providerPalette)

// Pattern is how a provider's bars are filled over its colour.
type Pattern int

// The fill patterns, in the order they are taken: providers 1 to 10 are solid, 11 to 20
// striped one way, and so on.
const (
	PatternSolid   Pattern = iota
	PatternRising          // white stripes rising to the right: ////
	PatternLevel           // white horizontal stripes
	PatternCross           // both diagonals
	PatternFalling         // white stripes falling to the right: \\\\
	patternCount
)

// ProviderColour is the colour and fill pattern of the provider at index i of a comparison.
func ProviderColour(i int) (Colour, Pattern) {
	return providerPalette[i%PaletteSize], Pattern((i / PaletteSize) % int(patternCount))
}

// SortText names what a comparison is sorted by, for people: "coverage score" or a question's
// title.
func SortText(c assess.Comparison) string {
	if c.Sort == "" || c.Sort == assess.SortByCoverage {
		return "coverage score"
	}
	return QuestionTitle(c.Questionnaire, c.Sort)
}
