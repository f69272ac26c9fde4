package report

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
)

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// wantNumber fails unless the cell holds a number (not text that looks like one).
func wantNumber(t *testing.T, f *excelize.File, sheet, cell string, want float64) {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s has cell type %v, want a number", sheet, cell, typ)
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := strconv.ParseFloat(raw, 64)
	if err != nil || got != want {
		t.Errorf("%s!%s = %q, want the number %v", sheet, cell, raw, want)
	}
}

func wantFrozenHeader(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("%s panes = %+v, want the header row frozen", sheet, panes)
	}
}

func TestWriteXLSX(t *testing.T) {
	r := fullReport(t, "Nordić Cloud Ünited")
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f := openXLSX(t, buf.Bytes())
	sheets := f.GetSheetList()
	for _, s := range []string{SheetSummary, SheetAnswers, SheetMatrix, SheetFollowUps} {
		if !slices.Contains(sheets, s) {
			t.Errorf("sheets = %v, want %s", sheets, s)
		}
		wantFrozenHeader(t, f, s)
	}
	answers, err := f.GetRows(SheetAnswers)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(answers), r.Questionnaire.ElementCount()+1; got != want {
		t.Errorf("Answers has %d rows, want %d (header and one per element)", got, want)
	}
	// Row 2 is shared_model.matrix: credit 7/8, weight 2, contribution 100 × 2 × 0.875 / 4.
	wantNumber(t, f, SheetAnswers, "F2", 0.875)
	wantNumber(t, f, SheetAnswers, "G2", 2)
	wantNumber(t, f, SheetAnswers, "H2", assess.Round1(100*2*0.875/4))
	if v, _ := f.GetCellValue(SheetAnswers, "D3"); v != `=HYPERLINK("http://evil")` {
		t.Errorf("Answers!D3 = %q, want the explanation as text", v)
	}
	if typ, _ := f.GetCellType(SheetAnswers, "D3"); typ == excelize.CellTypeFormula {
		t.Error("Answers!D3 is a formula; an explanation must stay text")
	}
	summary := summaryValues(t, f)
	if got := summary["Provider"]; got != "Nordić Cloud Ünited" {
		t.Errorf("Summary provider = %q", got)
	}
	wantNumber(t, f, SheetSummary, summaryCell(t, f, "Coverage score"), assess.Round1(r.Summary.Score.Overall))
	wantNumber(t, f, SheetSummary, summaryCell(t, f, "Progress (%)"), assess.Round1(r.Summary.Score.Progress))
	wantNumber(t, f, SheetSummary, summaryCell(t, f, "Score: Abuse cases"), 83.3)
	if got := summary["Tier"]; got != r.Summary.Score.Tier.Label() {
		t.Errorf("Summary tier = %q, want %q", got, r.Summary.Score.Tier.Label())
	}
	if got := summary["Score as of"]; got != "2026-11-29" {
		t.Errorf("Summary score as of = %q, want 2026-11-29", got)
	}
	matrix, _ := f.GetRows(SheetMatrix)
	if len(matrix) != len(assess.Layers)+1 {
		t.Fatalf("Matrix has %d rows, want %d", len(matrix), len(assess.Layers)+1)
	}
	if app := matrix[5]; app[0] != "Application" || app[1] != "Customer" || app[2] != "Provider" || app[3] != "yes" {
		t.Errorf("Matrix application row = %q, want a deviation from Provider to Customer", app)
	}
}

func summaryValues(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, row := range rows {
		if len(row) >= 2 {
			out[row[0]] = row[1]
		}
	}
	return out
}

func summaryCell(t *testing.T, f *excelize.File, label string) string {
	t.Helper()
	rows, _ := f.GetRows(SheetSummary)
	for i, row := range rows {
		if len(row) > 0 && row[0] == label {
			return "B" + strconv.Itoa(i+1)
		}
	}
	t.Fatalf("Summary has no row %q", label)
	return ""
}

func TestWritePortfolioXLSX(t *testing.T) {
	q := defaultQuestionnaire(t)
	var buf bytes.Buffer
	if err := WritePortfolioXLSX(&buf, q, portfolio(q, 10000, 0)); err != nil {
		t.Fatalf("WritePortfolioXLSX: %v", err)
	}
	f := openXLSX(t, buf.Bytes())
	// Raw values: formatting 10,000 rows of dates takes excelize seconds.
	rows, err := f.GetRows(SheetPortfolio, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), 10001; got != want {
		t.Fatalf("Providers has %d rows, want %d", got, want)
	}
	wantFrozenHeader(t, f, SheetPortfolio)
	if got, want := len(rows[0]), 10+len(q.Questions); got != want {
		t.Errorf("header has %d columns, want %d: %v", got, want, rows[0])
	}
	wantNumber(t, f, SheetPortfolio, "A2", 1)
	wantNumber(t, f, SheetPortfolio, "E2", 1001)
	wantNumber(t, f, SheetPortfolio, "F2", 72.3)
	wantNumber(t, f, SheetPortfolio, "K2", 20.3)
	if v, _ := f.GetCellValue(SheetPortfolio, "J2"); v != "" {
		t.Errorf("a question that does not apply has score %q, want an empty cell", v)
	}
	if v, _ := f.GetCellValue(SheetPortfolio, "N2"); v != "2026-11-29" {
		t.Errorf("as_of = %q, want 2026-11-29", v)
	}
	for _, cell := range []string{"E4", "F4", "G4", "H4", "I4", "N4", "O4"} {
		if v, _ := f.GetCellValue(SheetPortfolio, cell); v != "" {
			t.Errorf("never-evaluated provider has %s = %q, want empty", cell, v)
		}
	}
}

func TestWritePortfolioXLSXStopsOnError(t *testing.T) {
	q := defaultQuestionnaire(t)
	var buf bytes.Buffer
	if err := WritePortfolioXLSX(&buf, q, portfolio(q, 100, 7)); err == nil {
		t.Error("WritePortfolioXLSX succeeded, want the iterator's error")
	}
	if buf.Len() != 0 {
		t.Errorf("WritePortfolioXLSX wrote %d bytes after an error, want none", buf.Len())
	}
}
