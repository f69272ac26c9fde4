// Package pdf renders Shareline's report model (package report) as PDF: one evaluation's
// report (WriteReport) and a comparison of providers (WriteComparison), on A4 pages with the
// DejaVu Sans faces embedded (fonts/, under the licence in fonts/LICENSE-DejaVu.txt). Every
// figure, word and rule comes from package report; this package only lays it out.
package pdf

import (
	_ "embed"
	"fmt"
	"io"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The embedded font: DejaVu Sans, whose licence is fonts/LICENSE-DejaVu.txt.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const fontFamily = "DejaVuSans"

// fontGlyphs is what both embedded faces can draw, read once from their cmaps.
var fontGlyphs = sync.OnceValues(func() (*glyphSet, error) {
	regular, err := readGlyphSet(fontRegular)
	if err != nil {
		return nil, err
	}
	bold, err := readGlyphSet(fontBold)
	if err != nil {
		return nil, err
	}
	regular.intersect(bold)
	return regular, nil
})

// Page geometry of an A4 portrait page, in millimetres.
const (
	pageMarginX   = 18.0
	pageTop       = 20.0 // first content line below the running header
	pageBodyEnd   = 279.0
	footerLine    = 284.0
	headerLine    = 13.5
	pageNumberKey = "{nb}"
)

// pageGeometry places the body of a page, in millimetres: the side margins, the first content
// line below the running header, and the last line above the footer.
type pageGeometry struct {
	marginX, top, bodyEnd float64
}

var portraitA4 = pageGeometry{marginX: pageMarginX, top: pageTop, bodyEnd: pageBodyEnd}

// rgb is a colour.
type rgb struct{ r, g, b int }

// The palette: dark ink for text, a navy accent, quiet greys for rules and secondary text.
var (
	colInk      = rgb{17, 24, 39}
	colMuted    = rgb{75, 85, 99}
	colFaint    = rgb{107, 114, 128}
	colRule     = rgb{209, 213, 219}
	colAccent   = rgb{30, 58, 95}
	colLink     = rgb{29, 78, 216}
	colHeadFill = rgb{232, 238, 245}
	colPanel    = rgb{243, 246, 249}
	colBarBack  = rgb{229, 231, 235}
	colDevFill  = rgb{255, 247, 230}
	colDevText  = rgb{180, 83, 9}
	colWhite    = rgb{255, 255, 255}
)

// textStyle is a font size in points, a weight and a colour.
type textStyle struct {
	size  float64
	bold  bool
	color rgb
}

// lineHeight is the height of one line of text in this style, in millimetres.
func (s textStyle) lineHeight() float64 { return s.size * 0.3528 * 1.32 }

func (s textStyle) with(c rgb) textStyle       { s.color = c; return s }
func (s textStyle) heavy() textStyle           { s.bold = true; return s }
func (s textStyle) sized(pt float64) textStyle { s.size = pt; return s }

var (
	stBody    = textStyle{9.5, false, colInk}
	stSmall   = textStyle{8, false, colMuted}
	stTiny    = textStyle{7.5, false, colFaint}
	stHeading = textStyle{13, true, colAccent}
	stTh      = textStyle{8, true, colMuted}
)

// pdfCanvas is a PDF being written with the embedded font: the fpdf document, the glyphs it
// can draw, and the page geometry that the text and table helpers below lay out against. The
// single report and the comparison both draw on one.
type pdfCanvas struct {
	pdf    *fpdf.Fpdf
	glyphs *glyphSet
	geo    pageGeometry
	width  float64 // content width
	// repeat, when set, redraws a table's header after a page break inside the table.
	repeat func()
}

// newCanvas starts an A4 document in orientation "P" or "L" with DejaVu Sans embedded.
func newCanvas(orientation string, geo pageGeometry) (*pdfCanvas, error) {
	glyphs, err := fontGlyphs()
	if err != nil {
		return nil, err
	}
	c := &pdfCanvas{pdf: fpdf.New(orientation, "mm", "A4", ""), glyphs: glyphs, geo: geo}
	pageW, _ := c.pdf.GetPageSize()
	c.width = pageW - 2*geo.marginX
	p := c.pdf
	// The alias must be known before fonts are added: fpdf keeps digits in the subset for it.
	p.AliasNbPages(pageNumberKey)
	p.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	p.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	p.SetMargins(geo.marginX, geo.top, geo.marginX)
	p.SetAutoPageBreak(false, 0)
	p.SetCellMargin(0)
	p.SetCatalogSort(true) // the same input gives the same bytes
	p.SetAuthor("Shareline", true)
	p.SetCreator("Shareline", true)
	return c, nil
}

// output checks for an error fpdf kept and writes the document.
func (d *pdfCanvas) output(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

// describe sets the document's title, subject and dates (none when created is zero), and what
// draws each page's running header and footer.
func (d *pdfCanvas) describe(title, subject string, created time.Time, header, footer func()) {
	p := d.pdf
	p.SetTitle(d.clean(title), true)
	p.SetSubject(d.clean(subject), true)
	if !created.IsZero() {
		p.SetCreationDate(created)
		p.SetModificationDate(created)
	}
	p.SetHeaderFunc(header)
	p.SetFooterFunc(footer)
}

// clean makes text drawable with the embedded font.
func (d *pdfCanvas) clean(s string) string { return d.glyphs.drawable(s) }

// newPage starts a page and puts the cursor at the top of its body, redrawing a table header
// if a table is being drawn.
func (d *pdfCanvas) newPage() {
	d.pdf.AddPage()
	d.pdf.SetY(d.geo.top)
	if d.repeat != nil {
		d.repeat()
	}
}

func (d *pdfCanvas) y() float64 { return d.pdf.GetY() }

func (d *pdfCanvas) setY(y float64) { d.pdf.SetY(y) }

// space moves down by h, or to the next page if h does not fit.
func (d *pdfCanvas) space(h float64) {
	if d.y()+h > d.geo.bodyEnd {
		d.newPage()
		return
	}
	d.setY(d.y() + h)
}

// ensure starts a new page unless h more millimetres fit on this one.
func (d *pdfCanvas) ensure(h float64) {
	if d.y()+h > d.geo.bodyEnd {
		d.newPage()
	}
}

func (d *pdfCanvas) use(s textStyle) {
	style := ""
	if s.bold {
		style = "B"
	}
	d.pdf.SetFont(fontFamily, style, s.size)
	d.pdf.SetTextColor(s.color.r, s.color.g, s.color.b)
}

// textAt draws one line of text in a box of width w whose top is at y.
func (d *pdfCanvas) textAt(x, y, w float64, s string, st textStyle, align string) {
	d.use(st)
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, st.lineHeight(), d.clean(s), "", 0, align, false, 0, "")
}

// fit shortens s with an ellipsis until it is no wider than w.
func (d *pdfCanvas) fit(s string, w float64, st textStyle) string {
	if d.width1(s, st) <= w {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && d.width1(string(runes)+"…", st) > w {
		runes = runes[:len(runes)-1]
	}
	return string(runes) + "…"
}

func (d *pdfCanvas) width1(s string, st textStyle) float64 {
	d.use(st)
	return d.pdf.GetStringWidth(d.clean(s))
}

func (d *pdfCanvas) fill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }
func (d *pdfCanvas) draw(c rgb) { d.pdf.SetDrawColor(c.r, c.g, c.b) }
func (d *pdfCanvas) box(x, y, w, h float64, c rgb) {
	if w <= 0 || h <= 0 {
		return // fpdf would still paint a hairline
	}
	d.fill(c)
	d.pdf.Rect(x, y, w, h, "F")
}

// rule draws a horizontal line across the content width.
func (d *pdfCanvas) rule(y float64, c rgb, width float64) {
	d.draw(c)
	d.pdf.SetLineWidth(width)
	d.pdf.Line(d.geo.marginX, y, d.geo.marginX+d.width, y)
}

// heading writes a section heading, first making sure that it and the first keep millimetres
// of its content fit on the page.
func (d *pdfCanvas) heading(title string, keep float64) {
	d.space(7)
	h := stHeading.lineHeight() + 3
	d.ensure(h + keep)
	d.textAt(d.geo.marginX, d.y(), d.width, title, stHeading, "L")
	d.rule(d.y()+stHeading.lineHeight()+0.8, colAccent, 0.35)
	d.setY(d.y() + h)
}

// para writes wrapped text across the content width.
func (d *pdfCanvas) para(s string, st textStyle) {
	d.row([]pdfColumn{{x: d.geo.marginX, w: d.width, lines: d.wrap(s, d.width, st)}}, rowOpts{})
}
