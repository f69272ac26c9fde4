package xlsx

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/reporttest"
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

// reportWorkbook writes a report as XLSX and opens it.
func reportWorkbook(t *testing.T, r report.Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReport(&buf, r); err != nil {
		t.Fatalf("WriteReport: %v", err)
	}
	reporttest.KeepArtifact(t, report.FileName(r, "xlsx").ASCII, buf.Bytes())
	return openXLSX(t, buf.Bytes())
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

func wantText(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	got, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("%s!%s = %q, want %q", sheet, cell, got, want)
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

func TestWriteReport(t *testing.T) {
	r := reporttest.Full(t, "Nordić Cloud Ünited")
	f := reportWorkbook(t, r)
	if got, want := f.GetSheetList(), []string{SheetSummary, SheetAnswers, SheetMatrix, SheetFollowUps}; !slices.Equal(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	for _, s := range f.GetSheetList() {
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
	wantText(t, f, SheetAnswers, "D3", `=HYPERLINK("http://evil")`)
	if typ, _ := f.GetCellType(SheetAnswers, "D3"); typ == excelize.CellTypeFormula {
		t.Error("Answers!D3 is a formula; an explanation must stay text")
	}
	if !slices.ContainsFunc(answers, func(row []string) bool {
		return slices.ContainsFunc(row, func(c string) bool {
			return strings.Contains(c, "IR plan v4.pdf (file, 1.5 KiB; SHA-256 "+reporttest.PlanFileSHA256)
		})
	}) {
		t.Error("Answers lists no evidence file with its SHA-256")
	}
	summary := summaryValues(t, f)
	for label, want := range map[string]string{
		"Provider": "Nordić Cloud Ünited", "Tier": r.Summary.Score.Tier.Label(), "Score as of": "2026-11-29",
		"Status": "Completed", "Completed by": "Jean Dupont", "Stays with you: User permissions": r.Questionnaire.Split.Retain("user_permissions"),
	} {
		if got := summary[label]; got != want {
			t.Errorf("Summary %s = %q, want %q", label, got, want)
		}
	}
	wantNumber(t, f, SheetSummary, summaryCell(t, f, "Coverage score"), assess.Round1(r.Summary.Score.Overall))
	wantNumber(t, f, SheetSummary, summaryCell(t, f, "Progress"), assess.Round1(r.Summary.Score.Progress)/100)
	wantNumber(t, f, SheetSummary, summaryCell(t, f, "Score: Abuse cases"), 83.3)
	matrix, _ := f.GetRows(SheetMatrix)
	if n := len(r.Questionnaire.Split.Layers) + 1; len(matrix) != n {
		t.Fatalf("Matrix has %d rows, want %d", len(matrix), n)
	}
	if os := matrix[4]; os[0] != "Operating system" {
		t.Errorf("Matrix os row = %q, want the split's label", os)
	}
	if app := matrix[5]; app[0] != "Application" || app[1] != "Customer" || app[2] != "Provider" || app[3] != "yes" {
		t.Errorf("Matrix application row = %q, want a deviation from Provider to Customer", app)
	}
}

// TestWriteReportNotAssessed writes an evaluation with nothing answered: "Not assessed"
// instead of a coverage score and a tier.
func TestWriteReportNotAssessed(t *testing.T) {
	r := reporttest.Empty(t)
	f := reportWorkbook(t, r)
	summary := summaryValues(t, f)
	for label, want := range map[string]string{
		"Coverage score": "Not assessed", "Tier": "Not assessed", "Score: Abuse cases": "not assessed", "Status": "In progress",
	} {
		if got := summary[label]; got != want {
			t.Errorf("Summary %s = %q, want %q", label, got, want)
		}
	}
	if _, ok := summary["Completed by"]; ok {
		t.Error("a draft's Summary has Completed by")
	}
}

// TestWriteReportWithoutSplit writes a report on a questionnaire without a responsibility
// split: no Matrix sheet, and nothing about what stays with the customer.
func TestWriteReportWithoutSplit(t *testing.T) {
	r := reporttest.Build(t, reporttest.NoSplit(t), "Acme", "Email", assess.SaaS, reporttest.NoSplitInputs())
	f := reportWorkbook(t, r)
	if got, want := f.GetSheetList(), []string{SheetSummary, SheetAnswers, SheetFollowUps}; !slices.Equal(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	for label := range summaryValues(t, f) {
		if strings.HasPrefix(label, "What stays with you") || strings.HasPrefix(label, "Stays with you") {
			t.Errorf("Summary has %q, want nothing about what stays with the customer", label)
		}
	}
	wantNumber(t, f, SheetSummary, summaryCell(t, f, "Coverage score"), assess.Round1(r.Summary.Score.Overall))
	rows, _ := f.GetRows(SheetAnswers)
	if len(rows) != r.Questionnaire.ElementCount()+1 {
		t.Errorf("Answers has %d rows, want %d", len(rows), r.Questionnaire.ElementCount()+1)
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
