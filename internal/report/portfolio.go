package report

import (
	"fmt"
	"io"
	"iter"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
)

// SheetPortfolio is the name of the portfolio workbook's only sheet.
const SheetPortfolio = "Providers"

// WritePortfolioXLSX writes the portfolio as a workbook with one sheet, Providers: the same
// columns as WritePortfolioCSV (question columns titled by question), scores and percentages
// as numbers with one decimal, as_of and the last update as dates. Providers never evaluated
// get empty score cells. Rows go through excelize's StreamWriter, which keeps at most 16 MB of
// sheet data in memory and spills the rest to a temporary file, so memory stays flat with
// tens of thousands of providers (the compressed file itself is assembled in memory before it
// is written to w). rows is read once; an error from it stops the write and is returned, and
// nothing is written to w.
func WritePortfolioXLSX(w io.Writer, q *assess.Questionnaire, rows iter.Seq2[assess.ProviderListing, error]) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetPortfolio); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetPortfolio)
	if err != nil {
		return err
	}
	if err := startPortfolioSheet(sw, st, q); err != nil {
		return fmt.Errorf("report: portfolio xlsx: %w", err)
	}
	n := 1
	for listing, err := range rows {
		if err != nil {
			return err
		}
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, portfolioCells(st, q, listing)); err != nil {
			return fmt.Errorf("report: portfolio xlsx row %d: %w", n, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: portfolio xlsx: %w", err)
	}
	return f.Write(w)
}

// startPortfolioSheet sets widths and the frozen header, which a StreamWriter takes only
// before the first row, then writes the header row.
func startPortfolioSheet(sw *excelize.StreamWriter, st xlsxStyles, q *assess.Questionnaire) error {
	header := []string{"Provider ID", "Provider", "Offering", "Service model", "Evaluation ID", "Score", "Tier", "Progress (%)"}
	for _, qu := range q.Questions {
		header = append(header, qu.Title)
	}
	header = append(header, "As of", "Last updated")
	widths := []float64{12, 32, 28, 14, 14, 10, 12, 12}
	for range q.Questions {
		widths = append(widths, 18)
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
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	return sw.SetRow("A1", cells, excelize.RowOpts{Height: 30})
}

// portfolioCells is one provider's row; nil cells stay empty.
func portfolioCells(st xlsxStyles, q *assess.Questionnaire, l assess.ProviderListing) []any {
	cells := make([]any, 0, len(q.Questions)+10)
	cells = append(cells, l.ID, l.Name, l.Offering, l.ServiceModel.Label())
	ev := l.Latest
	if ev == nil {
		return cells // the remaining cells stay empty
	}
	s := ev.Score
	score := func(x float64) excelize.Cell { return excelize.Cell{StyleID: st.score, Value: assess.Round1(x)} }
	cells = append(cells, ev.ID, score(s.Overall), s.Tier.Label(), score(s.Progress))
	for _, qu := range q.Questions {
		if qs, ok := s.Question(qu.Key); ok && qs.Scored {
			cells = append(cells, score(qs.Score))
		} else {
			cells = append(cells, nil)
		}
	}
	var asOf, updated any
	if !s.AsOf.IsZero() {
		asOf = excelize.Cell{StyleID: st.day, Value: s.AsOf.Time()}
	}
	if !ev.UpdatedAt.IsZero() {
		updated = excelize.Cell{StyleID: st.when, Value: ev.UpdatedAt.UTC()}
	}
	return append(cells, asOf, updated)
}
