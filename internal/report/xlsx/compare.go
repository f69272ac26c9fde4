package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// Sheet names of the comparison workbook, beside SheetMatrix.
const (
	SheetScores   = "Scores"
	SheetElements = "Elements"
	SheetExcluded = "Excluded"
)

// cellKind is how a comparison cell's number is formatted.
type cellKind int

const (
	kindText   cellKind = iota
	kindScore           // 0 to 100, one decimal
	kindCredit          // 0 to 1, shown as a percentage
	kindCount
	kindPercent // 0 to 100 in the model, stored as 0 to 1 and shown as a percentage, as credits are
	numKinds
)

// compareStyles are the styles of the comparison workbook: the report's, plus one per kind of
// cell and mark (plain, best, deviation).
type compareStyles struct {
	xlsxStyles
	group int
	cells [numKinds][3]int
}

const (
	markNone = iota
	markBestCell
	markDeviationCell
)

func newCompareStyles(f *excelize.File, base xlsxStyles) (compareStyles, error) {
	st := compareStyles{xlsxStyles: base}
	var err error
	formats := [numKinds]*string{kindScore: ptr("0.0"), kindCredit: ptr("0.0%"), kindCount: ptr("0"), kindPercent: ptr("0.0%")}
	fills := [3]string{markBestCell: "D9F2E0", markDeviationCell: "FDE9C4"}
	for k := range st.cells {
		for m := range st.cells[k] {
			s := excelize.Style{CustomNumFmt: formats[k], Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}
			if m != markNone {
				s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fills[m]}}
				s.Font = &excelize.Font{Bold: true, Color: map[int]string{markBestCell: "156E34", markDeviationCell: "9A4A06"}[m]}
			}
			if st.cells[k][m], err = f.NewStyle(&s); err != nil {
				return st, fmt.Errorf("xlsx: style: %w", err)
			}
		}
	}
	st.group, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "1E3A5F"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F1F4F8"}}})
	return st, err
}

// cellStyle is the style of a cell of the given kind with its marks.
func (st compareStyles) cellStyle(k cellKind, c report.CompareCell) int {
	switch {
	case c.Deviation:
		return st.cells[k][markDeviationCell]
	case c.Best:
		return st.cells[k][markBestCell]
	}
	return st.cells[k][markNone]
}

// rowKind is how a row's numbers are formatted.
func rowKind(r report.CompareRow) cellKind {
	switch {
	case r.Key == report.RowRetained:
		return kindCount
	case r.Key == report.RowProgress || r.Key == report.RowEvidenced || r.Key == report.RowVerified:
		return kindPercent
	case r.Group == report.CompareElements:
		return kindCredit
	case r.Key == report.RowTier || r.Group == report.CompareResponsibility:
		return kindText
	}
	return kindScore
}

// WriteComparison writes a comparison as a workbook with the sheets Scores (coverage, tier,
// progress, evidence share and each question's score), Elements (each element's answer and
// its credit, two columns per provider), Matrix (each layer's claimed owner and the number of
// layers the customer keeps; only when the questionnaire has a responsibility split), and
// Excluded when some providers were listed apart. Rows are labelled in the first column and
// providers head the columns, in comparison order, named as their evaluations recorded them.
// Scores, percentages, credits and counts are stored as numbers. The best value of a row is
// bold on green, a deviation from the reference split bold on amber. The header row and the
// label column are frozen.
func WriteComparison(w io.Writer, rc report.Comparison) error {
	c := rc.Comparison
	sheets := []string{SheetScores, SheetElements}
	withMatrix := c.Questionnaire != nil && c.Questionnaire.Split != nil
	if withMatrix {
		sheets = append(sheets, SheetMatrix)
	}
	if len(c.Excluded) > 0 {
		sheets = append(sheets, SheetExcluded)
	}
	f, base, err := newWorkbook(sheets...)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := newCompareStyles(f, base)
	if err != nil {
		return err
	}
	rows := report.CompareRows(c)
	steps := []func() error{
		func() error { return writeCompareScores(f, st, c, rows) },
		func() error { return writeCompareElements(f, st, c, rows) },
		func() error { return writeCompareExcluded(f, st, c) },
	}
	if withMatrix {
		steps = append(steps, func() error { return writeCompareMatrix(f, st, c, rows) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("xlsx: comparison: %w", err)
		}
	}
	return writeWorkbook(f, w, workbookMeta{Title: rc.Title(), Subject: fmt.Sprintf("%d providers compared", len(c.Providers)),
		Keywords: strings.Join(rc.Keywords(), ", "), By: rc.GeneratedBy, At: rc.GeneratedAt})
}

// grid writes cells to a sheet by column and row (both from 1).
type grid struct {
	f          *excelize.File
	sheet      string
	err        error
	cols, rows int // the used range so far
}

func (g *grid) set(col, row int, v any, style int) {
	if g.err != nil {
		return
	}
	g.cols, g.rows = max(g.cols, col), max(g.rows, row)
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		err = g.f.SetCellValue(g.sheet, cell, v)
	}
	if err == nil && style != 0 {
		err = g.f.SetCellStyle(g.sheet, cell, cell, style)
	}
	g.err = err
}

// finish sets the column widths (the first, then every other) and freezes the header row
// and the label column.
//
// It also sets up printing (fit to width, header rows repeated, landscape when wide) and the
// used range.
func (g *grid) finish(cols int, first, others float64) error {
	if g.err != nil {
		return g.err
	}
	if err := g.f.SetColWidth(g.sheet, "A", "A", first); err != nil {
		return err
	}
	if cols > 1 {
		last, _ := excelize.ColumnNumberToName(cols)
		if err := g.f.SetColWidth(g.sheet, "B", last, others); err != nil {
			return err
		}
	}
	if err := printSetup(g.f, g.sheet, g.cols, g.rows, 2, cols > 3); err != nil {
		return err
	}
	return g.f.SetPanes(g.sheet, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"})
}

// providerHeader writes the header row (label, then each provider's name, span columns
// apart) and a row under it with each provider's service model and offering.
func providerHeader(g *grid, st compareStyles, c assess.Comparison, label string, span int) {
	g.set(1, 1, label, st.header)
	g.set(1, 2, "Service model · offering", st.bold)
	for i, p := range c.Providers {
		col := 2 + i*span
		for k := range span {
			g.set(col+k, 1, p.Evaluation.ProviderName, st.header)
		}
		about := p.Evaluation.ServiceModel.Label()
		if p.Evaluation.Offering != "" {
			about += " · " + p.Evaluation.Offering
		}
		g.set(col, 2, about, st.wrap)
	}
}

// cellValue is what a sheet stores for a cell: its number when it has one, else its text.
func cellValue(c report.CompareCell) any {
	if c.Value != nil {
		return *c.Value
	}
	return c.Text
}

// valueRow writes a row's label and one cell per provider, its number when it has one.
func valueRow(g *grid, st compareStyles, r int, label string, row report.CompareRow) {
	g.set(1, r, label, st.bold)
	kind := rowKind(row)
	for i, cell := range row.Cells {
		v := cellValue(cell)
		if x, ok := v.(float64); ok && kind == kindPercent {
			v = x / 100
		}
		g.set(2+i, r, v, st.cellStyle(kind, cell))
	}
}

func writeCompareScores(f *excelize.File, st compareStyles, c assess.Comparison, rows []report.CompareRow) error {
	g := &grid{f: f, sheet: SheetScores}
	providerHeader(g, st, c, "Row", 1)
	r := 3
	for _, row := range rows {
		if row.Group != report.CompareSummary && row.Group != report.CompareQuestions {
			continue
		}
		label := row.Label
		if row.Group == report.CompareQuestions {
			label = "Score: " + label
		}
		valueRow(g, st, r, label, row)
		r++
	}
	return g.finish(1+len(c.Providers), 40, 22)
}

func writeCompareElements(f *excelize.File, st compareStyles, c assess.Comparison, rows []report.CompareRow) error {
	g := &grid{f: f, sheet: SheetElements}
	providerHeader(g, st, c, "Element", 2)
	for i, p := range c.Providers {
		g.set(3+2*i, 1, p.Evaluation.ProviderName+" · credit", st.header)
	}
	r, question := 3, ""
	for _, row := range rows {
		if row.Group != report.CompareElements {
			continue
		}
		if row.Question != question {
			question = row.Question
			for col := 1; col <= 1+2*len(c.Providers); col++ {
				g.set(col, r, "", st.group)
			}
			g.set(1, r, report.QuestionTitle(c.Questionnaire, question), st.group)
			r++
		}
		g.set(1, r, row.Label, st.bold)
		for i, cell := range row.Cells {
			g.set(2+2*i, r, cell.Answer, st.cellStyle(kindText, cell))
			var credit any = report.NotApplicable
			if cell.Value != nil {
				credit = *cell.Value
			}
			g.set(3+2*i, r, credit, st.cellStyle(kindCredit, cell))
		}
		r++
	}
	if g.err != nil {
		return g.err
	}
	if err := g.finish(1+2*len(c.Providers), 40, 26); err != nil {
		return err
	}
	for i := range c.Providers {
		col, _ := excelize.ColumnNumberToName(3 + 2*i)
		if err := f.SetColWidth(SheetElements, col, col, 11); err != nil {
			return err
		}
	}
	return nil
}

func writeCompareMatrix(f *excelize.File, st compareStyles, c assess.Comparison, rows []report.CompareRow) error {
	g := &grid{f: f, sheet: SheetMatrix}
	providerHeader(g, st, c, "Layer", 1)
	r := 3
	for _, row := range rows {
		if row.Group != report.CompareResponsibility {
			continue
		}
		valueRow(g, st, r, row.Label, row)
		r++
	}
	g.set(1, r+1, matrixNote(c.Questionnaire.Split), 0)
	return g.finish(1+len(c.Providers), 40, 24)
}

// matrixNote explains the Matrix sheet's marks and how the layers kept are counted.
func matrixNote(split *assess.Split) string {
	kept := "layers owned by the customer or shared"
	if len(split.AlwaysRetained) > 0 {
		always := make([]string, 0, len(split.AlwaysRetained))
		for _, l := range split.AlwaysRetained {
			always = append(always, split.Label(l))
		}
		kept += ", plus those the customer always keeps (" + strings.Join(always, ", ") + ")"
	}
	return "A claimed owner on amber differs from the reference split for the service model the provider " +
		"was evaluated for (the reference in brackets). Layers you keep: " + kept + "; the fewest is marked best."
}

func writeCompareExcluded(f *excelize.File, st compareStyles, c assess.Comparison) error {
	if len(c.Excluded) == 0 {
		return nil
	}
	rows := make([][]any, 0, len(c.Excluded))
	for _, e := range c.Excluded {
		rows = append(rows, []any{e.Provider.Name, e.Provider.Offering, e.Provider.ServiceModel.Label(), e.Reason})
	}
	t := sheetTable{name: SheetExcluded, header: []string{"Provider", "Offering", "Service model", "Why it is not compared"},
		widths: []float64{36, 28, 14, 70}, rows: rows, wide: true}
	return t.write(f, st.xlsxStyles)
}
