package pdf

import (
	"fmt"
	"io"
	"time"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// Page geometry of an A4 landscape page, in millimetres.
const (
	landFooterLine = 197.0
	landHeaderLine = 11.5
	// comparePerPage is the most provider columns one page of the comparison table holds.
	comparePerPage = 6
)

var landscapeA4 = pageGeometry{marginX: 15, top: 17, bodyEnd: 193}

// Colours of the comparison table's marks.
var (
	colBestFill = rgb{220, 242, 226}
	colBestText = rgb{21, 110, 52}
	colDevMark  = rgb{253, 236, 200}
)

// compareDoc is a comparison being written as a PDF.
type compareDoc struct {
	*pdfCanvas
	c       assess.Comparison
	rows    []report.CompareRow
	asOf    assess.Date
	caption string // which providers the current table pages show, for the running header
}

// WriteComparison writes a comparison as an A4 landscape PDF with DejaVu Sans embedded: a
// title block (questionnaire, sort, the day the scores are as of), a bar chart of every
// provider's question scores drawn natively, then the comparison table with the row labels
// in the first column and one column per provider. When more providers are compared than
// fit a page (six), the columns are split into balanced sets, each set on its own pages with
// the label column repeated and a caption such as "Providers 6–10 of 20". Providers listed
// apart are given last, with the reason. Each compared provider is named, with its offering
// and service model, as its evaluation recorded them. A character the font lacks comes out as
// "□".
func WriteComparison(w io.Writer, c assess.Comparison) error {
	canvas, err := newCanvas("L", landscapeA4)
	if err != nil {
		return err
	}
	d := &compareDoc{pdfCanvas: canvas, c: c, rows: report.CompareRows(c), asOf: compareAsOf(c, time.Now())}
	d.setup()
	d.newPage()
	d.titleBlock()
	if len(c.Providers) > 0 {
		d.chart()
		for _, set := range providerSets(len(c.Providers), comparePerPage) {
			d.table(set[0], set[1])
		}
	}
	d.excludedSection()
	return d.output(w)
}

// compareAsOf is the day a comparison's scores are as of: the first provider's, or today's
// when none was compared.
func compareAsOf(c assess.Comparison, now time.Time) assess.Date {
	if len(c.Providers) > 0 && !c.Providers[0].Summary.Score.AsOf.IsZero() {
		return c.Providers[0].Summary.Score.AsOf
	}
	return assess.DateOf(now)
}

// providerSets splits n providers into the fewest sets of at most per, as even as possible,
// as [from, to) index pairs: 20 by 6 gives four sets of five.
func providerSets(n, per int) [][2]int {
	if n == 0 {
		return nil
	}
	sets := (n + per - 1) / per
	var out [][2]int
	from := 0
	for i := range sets {
		size := n / sets
		if i < n%sets {
			size++
		}
		out = append(out, [2]int{from, from + size})
		from += size
	}
	return out
}

// setup dates the document on the day its scores are as of, so that the same comparison gives
// the same bytes.
func (d *compareDoc) setup() {
	d.describe("Provider comparison: "+d.c.Questionnaire.Title, fmt.Sprintf("%d providers compared", len(d.c.Providers)),
		d.asOf.Time(), d.header, d.footer)
}

func (d *compareDoc) header() {
	if d.pdf.PageNo() == 1 {
		return
	}
	x := d.geo.marginX
	left := fmt.Sprintf("Provider comparison · %s, version %d", d.c.Questionnaire.Title, d.c.Questionnaire.Version)
	d.textAt(x, 6.8, d.width*0.6, d.fit(left, d.width*0.58, stTiny), stTiny, "L")
	d.textAt(x+d.width*0.6, 6.8, d.width*0.4, d.caption, stTiny.heavy(), "R")
	d.rule(landHeaderLine, colRule, 0.2)
}

func (d *compareDoc) footer() {
	x := d.geo.marginX
	d.rule(landFooterLine, colRule, 0.2)
	d.textAt(x, landFooterLine+1.5, d.width*0.7, "Shareline · provider comparison · scores as of "+d.asOf.String(), stTiny, "L")
	page := fmt.Sprintf("Page %d of %s", d.pdf.PageNo(), pageNumberKey)
	d.textAt(x+d.width*0.7, landFooterLine+1.5, d.width*0.3, page, stTiny, "R")
}

// titleBlock writes what is compared, on which questionnaire, in which order, as of when.
func (d *compareDoc) titleBlock() {
	q := d.c.Questionnaire
	d.box(0, 0, 297, 4, colAccent)
	d.textAt(d.geo.marginX, 9, d.width, "SHARELINE  ·  PROVIDER COMPARISON", stTiny.heavy().with(colAccent), "L")
	d.setY(13)
	d.para("Provider comparison", textStyle{18, true, colInk})
	facts := fmt.Sprintf("%s (%s), version %d  ·  best first by %s  ·  scores as of %s  ·  %s compared",
		q.Title, q.Key, q.Version, report.SortText(d.c), d.asOf.String(), plural(len(d.c.Providers), "provider"))
	if n := len(d.c.Excluded); n > 0 {
		facts += fmt.Sprintf(", %s listed apart at the end", plural(n, "provider"))
	}
	d.para(facts, stSmall)
	d.space(1.5)
	d.rule(d.y(), colRule, 0.3)
	d.space(2)
	if len(d.c.Providers) == 0 {
		d.para("No provider could be compared: none has an evaluation on this questionnaire version.", stBody)
	}
}

// plural writes "1 provider" or "3 providers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// excludedSection lists the providers that could not be compared, with the reason.
func (d *compareDoc) excludedSection() {
	if len(d.c.Excluded) == 0 {
		return
	}
	d.caption = ""
	d.repeat = nil
	d.heading("Listed apart", 16)
	d.para("These providers were asked for but are not scored against the others.", stSmall)
	d.space(1.5)
	x := d.geo.marginX
	for _, e := range d.c.Excluded {
		who := e.Provider.Name
		if e.Provider.Offering != "" {
			who += " · " + e.Provider.Offering
		}
		who += " (" + e.Provider.ServiceModel.Label() + ")"
		d.row([]pdfColumn{
			{x: x, w: 110, lines: d.wrap(who, 106, stBody.sized(9).heavy())},
			{x: x + 110, w: d.width - 110, lines: d.wrap(e.Reason, d.width-110, stBody.sized(9))},
		}, rowOpts{padTop: 1.6, padBottom: 1.6, rule: true})
	}
}
