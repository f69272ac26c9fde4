package report

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
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

func newCompareStyles(f *excelize.File) (compareStyles, error) {
	base, err := newXLSXStyles(f)
	st := compareStyles{xlsxStyles: base}
	if err != nil {
		return st, err
	}
	formats := [numKinds]*string{kindScore: ptr("0.0"), kindCredit: ptr("0.0%"), kindCount: ptr("0")}
	fills := [3]string{markBestCell: "D9F2E0", markDeviationCell: "FDE9C4"}
	for k := range st.cells {
		for m := range st.cells[k] {
			s := excelize.Style{CustomNumFmt: formats[k], Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}
			if m != markNone {
				s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fills[m]}}
				s.Font = &excelize.Font{Bold: true, Color: map[int]string{markBestCell: "156E34", markDeviationCell: "9A4A06"}[m]}
			}
			if st.cells[k][m], err = f.NewStyle(&s); err != nil {
				return st, fmt.Errorf("report: xlsx style: %w", err)
			}
		}
	}
	st.group, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "1E3A5F"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F1F4F8"}}})
	return st, err
}

// cellStyle is the style of a cell of the given kind with its marks.
func (st compareStyles) cellStyle(k cellKind, c CompareCell) int {
	switch {
	case c.Deviation:
		return st.cells[k][markDeviationCell]
	case c.Best:
		return st.cells[k][markBestCell]
	}
	return st.cells[k][markNone]
}

// rowKind is how a row's numbers are formatted.
func rowKind(r CompareRow) cellKind {
	switch {
	case r.Key == rowRetained:
		return kindCount
	case r.Group == CompareElements:
		return kindCredit
	case r.Key == rowTier || r.Group == CompareResponsibility:
		return kindText
	}
	return kindScore
}

// WriteCompareXLSX writes a comparison as a workbook with the sheets Scores (coverage, tier,
// progress, evidence share and each question's score), Elements (each element's answer and
// its credit, two columns per provider) and Matrix (each layer's claimed owner and the number
// of layers the customer keeps), plus Excluded when some providers were listed apart. Rows
// are labelled in the first column and providers head the columns, in comparison order.
// Scores, percentages, credits and counts are stored as numbers. The best value of a row is
// bold on green, a deviation from the reference split bold on amber. The header row and the
// label column are frozen.
func WriteCompareXLSX(w io.Writer, c assess.Comparison) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newCompareStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetScores); err != nil {
		return err
	}
	sheets := []string{SheetElements, SheetMatrix}
	if len(c.Excluded) > 0 {
		sheets = append(sheets, SheetExcluded)
	}
	for _, name := range sheets {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	rows := CompareRows(c)
	steps := []func() error{
		func() error { return writeCompareScores(f, st, c, rows) },
		func() error { return writeCompareElements(f, st, c, rows) },
		func() error { return writeCompareMatrix(f, st, c, rows) },
		func() error { return writeCompareExcluded(f, st, c) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("report: comparison xlsx: %w", err)
		}
	}
	f.SetActiveSheet(0)
	title := "Provider comparison"
	if c.Questionnaire != nil {
		title += ": " + c.Questionnaire.Title
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "Shareline"}); err != nil {
		return err
	}
	return f.Write(w)
}

// grid writes cells to a sheet by column and row (both from 1).
type grid struct {
	f     *excelize.File
	sheet string
	err   error
}

func (g *grid) set(col, row int, v any, style int) {
	if g.err != nil {
		return
	}
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
			g.set(col+k, 1, p.Provider.Name, st.header)
		}
		about := p.Provider.ServiceModel.Label()
		if p.Provider.Offering != "" {
			about += " · " + p.Provider.Offering
		}
		g.set(col, 2, about, st.wrap)
	}
}

// cellValue is what a sheet stores for a cell: its number when it has one, else its text.
func cellValue(c CompareCell) any {
	if c.Value != nil {
		return *c.Value
	}
	return c.Text
}

func writeCompareScores(f *excelize.File, st compareStyles, c assess.Comparison, rows []CompareRow) error {
	g := &grid{f: f, sheet: SheetScores}
	providerHeader(g, st, c, "Row", 1)
	r := 3
	for _, row := range rows {
		if row.Group != CompareSummary && row.Group != CompareQuestions {
			continue
		}
		label := row.Label
		if row.Group == CompareQuestions {
			label = "Score: " + label
		}
		g.set(1, r, label, st.bold)
		for i, cell := range row.Cells {
			g.set(2+i, r, cellValue(cell), st.cellStyle(rowKind(row), cell))
		}
		r++
	}
	return g.finish(1+len(c.Providers), 40, 22)
}

func writeCompareElements(f *excelize.File, st compareStyles, c assess.Comparison, rows []CompareRow) error {
	g := &grid{f: f, sheet: SheetElements}
	providerHeader(g, st, c, "Element", 2)
	for i, p := range c.Providers {
		g.set(3+2*i, 1, p.Provider.Name+" · credit", st.header)
	}
	r, question := 3, ""
	for _, row := range rows {
		if row.Group != CompareElements {
			continue
		}
		if row.Question != question {
			question = row.Question
			for col := 1; col <= 1+2*len(c.Providers); col++ {
				g.set(col, r, "", st.group)
			}
			g.set(1, r, questionTitle(c.Questionnaire, question), st.group)
			r++
		}
		g.set(1, r, row.Label, st.bold)
		for i, cell := range row.Cells {
			g.set(2+2*i, r, compareAnswer(cell), st.cellStyle(kindText, cell))
			var credit any = notApplicableText
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

func writeCompareMatrix(f *excelize.File, st compareStyles, c assess.Comparison, rows []CompareRow) error {
	g := &grid{f: f, sheet: SheetMatrix}
	providerHeader(g, st, c, "Layer", 1)
	r := 3
	for _, row := range rows {
		if row.Group != CompareResponsibility {
			continue
		}
		g.set(1, r, row.Label, st.bold)
		for i, cell := range row.Cells {
			g.set(2+i, r, cellValue(cell), st.cellStyle(rowKind(row), cell))
		}
		r++
	}
	g.set(1, r+1, "A claimed owner on amber differs from the reference split for that provider's service model "+
		"(the reference in brackets). Layers you keep: layers owned by the customer or shared, plus user "+
		"permissions and privileged actions, which the customer always keeps; the fewest is marked best.", 0)
	return g.finish(1+len(c.Providers), 40, 24)
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
		widths: []float64{36, 28, 14, 70}, rows: rows}
	return t.write(f, st.xlsxStyles)
}
