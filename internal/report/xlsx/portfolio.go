package xlsx

import (
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// SheetPortfolio is the name of the portfolio workbook's only sheet.
const SheetPortfolio = "Providers"

// WritePortfolio writes the portfolio as a workbook with one sheet, Providers: the columns of
// report.PortfolioColumns (as report.WritePortfolioCSV, titled), scores and percentages as
// numbers with one decimal, as_of and the last update as dates. A provider not assessed gets
// empty score cells and the tier "Not assessed". Rows go through excelize's StreamWriter, which
// keeps at most 16 MB of sheet data in memory and spills the rest to a temporary file, so
// memory stays flat with tens of thousands of providers (the compressed file itself is
// assembled in memory before it is written to w). rows is read once; an error from it stops
// the write and is returned, and nothing is written to w.
func WritePortfolio(w io.Writer, q *assess.Questionnaire, rows iter.Seq2[assess.ProviderListing, error], by string, at time.Time) error {
	f, st, err := newWorkbook(SheetPortfolio)
	if err != nil {
		return err
	}
	defer f.Close()
	// The rows are not counted before they are streamed, and a StreamWriter writes the used
	// range first: declare none rather than a wrong one ("A1"), so that readers count the rows.
	if err := f.SetSheetDimension(SheetPortfolio, ""); err != nil {
		return err
	}
	if err := portfolioPrintSetup(f); err != nil {
		return fmt.Errorf("xlsx: portfolio: %w", err)
	}
	sw, err := f.NewStreamWriter(SheetPortfolio)
	if err != nil {
		return err
	}
	if err := startPortfolioSheet(sw, st, q); err != nil {
		return fmt.Errorf("xlsx: portfolio: %w", err)
	}
	n := 1
	for listing, err := range rows {
		if err != nil {
			return err
		}
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, portfolioCells(st, report.NewPortfolioRow(q, listing))); err != nil {
			return fmt.Errorf("xlsx: portfolio row %d: %w", n, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: portfolio: %w", err)
	}
	return writeWorkbook(f, w, workbookMeta{Title: "Provider portfolio", Subject: "Every provider's latest score", By: by, At: at})
}

// portfolioPrintSetup prints the portfolio landscape, one page wide, with the header row on
// every page.
func portfolioPrintSetup(f *excelize.File) error {
	landscape := "landscape"
	if err := f.SetPageLayout(SheetPortfolio, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: &landscape, FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
		return err
	}
	if err := f.SetSheetProps(SheetPortfolio, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: SheetPortfolio, RefersTo: "'" + SheetPortfolio + "'!$1:$1"})
}

// startPortfolioSheet sets widths and the frozen header, which a StreamWriter takes only
// before the first row, then writes the header row.
func startPortfolioSheet(sw *excelize.StreamWriter, st xlsxStyles, q *assess.Questionnaire) error {
	cols := report.PortfolioColumns(q)
	widths := []float64{12, 32, 28, 14, 14, 10, 12, 12}
	for len(widths) < len(cols)-2 {
		widths = append(widths, 18) // one per question
	}
	widths = append(widths, 12, 18)
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: st.header, Value: c.Title}
	}
	return sw.SetRow("A1", cells, excelize.RowOpts{Height: 30})
}

// portfolioCells is one provider's row; nil cells stay empty.
func portfolioCells(st xlsxStyles, p report.PortfolioRow) []any {
	figure := func(x *float64) any {
		if x == nil {
			return nil
		}
		return excelize.Cell{StyleID: st.score, Value: *x}
	}
	cells := make([]any, 0, len(p.Questions)+10)
	cells = append(cells, p.Provider.ID, p.Provider.Name, p.Provider.Offering, p.Provider.ServiceModel.Label())
	var id any
	if p.EvaluationID != 0 {
		id = p.EvaluationID
	}
	var progress any
	if p.Progress != nil {
		progress = excelize.Cell{StyleID: st.percent, Value: *p.Progress / 100}
	}
	cells = append(cells, id, figure(p.Score), p.Tier, progress)
	for _, qs := range p.Questions {
		cells = append(cells, figure(qs))
	}
	var asOf, updated any
	if !p.AsOf.IsZero() {
		asOf = excelize.Cell{StyleID: st.day, Value: p.AsOf.Time()}
	}
	if !p.UpdatedAt.IsZero() {
		updated = excelize.Cell{StyleID: st.when, Value: p.UpdatedAt.UTC()}
	}
	return append(cells, asOf, updated)
}
