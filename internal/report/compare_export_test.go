package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
)

func TestWriteCompareCSV(t *testing.T) {
	c := threeProviders(t)
	c.Providers[1].Provider.Offering = "+7 495 Moscow" // reads as a formula unless neutralised
	var buf bytes.Buffer
	if err := WriteCompareCSV(&buf, c); err != nil {
		t.Fatalf("WriteCompareCSV: %v", err)
	}
	keepArtifact(t, "compare3.csv", buf.Bytes())
	if !strings.Contains(buf.String(), "\r\n\r\n") {
		t.Error("CSV has no blank line before the providers listed apart")
	}
	records := readCSV(t, buf.Bytes()) // also checks every line has as many fields as the header
	if want := []string{"group", "key", "row", nordic, russian, script}; !slices.Equal(records[0], want) {
		t.Fatalf("header = %q, want %q", records[0], want)
	}
	rows := CompareRows(c)
	if got, want := len(records), 1+2+len(rows)+1; got != want {
		t.Fatalf("CSV has %d records, want %d (header, offering, service model, %d rows, 1 excluded)", got, want, len(rows))
	}
	byKey := map[string][]string{}
	for _, rec := range records[1:] {
		byKey[rec[1]] = rec
	}
	checks := map[string][]string{
		"offering":                   {"provider", "offering", "Offering", "Offering 1", "'+7 495 Moscow", "Offering 3"},
		"service_model":              {"provider", "service_model", "Service model", "SaaS", "IaaS", "PaaS"},
		"coverage":                   {"summary", "coverage", "Coverage score", score1(c.Providers[0].Summary.Score.Overall), "42.5", "26.3"},
		"q.abuse_cases":              {"questions", "q.abuse_cases", "Abuse cases", "83.3", "12.5", "not applicable"},
		"e.abuse_cases.malware":      {"elements", "e.abuse_cases.malware", "Malware", "Partial · credit 50%", "No · credit 0%", "Not applicable"},
		"layer.application":          {"responsibility", "layer.application", "Application", "Customer (reference: Provider)", "Customer", "Shared"},
		"retained":                   {"responsibility", "retained", "Layers you keep", "4", "5", "4"},
		"provider.4":                 {"excluded", "provider.4", `'=HYPERLINK("http://evil") Ltd`, "not evaluated yet", "", ""},
		"e.shared_model.contractual": {"elements", "e.shared_model.contractual", "Customer duties are in the contract", "Partial · credit 50%", "Yes · credit 100%", "No · credit 0%"},
	}
	for key, want := range checks {
		if got := byKey[key]; !slices.Equal(got, want) {
			t.Errorf("line %s = %q, want %q", key, got, want)
		}
	}
}

func TestWriteCompareCSVNobodyCompared(t *testing.T) {
	c := compareOf(t, []assess.CompareInput{
		compareInput(t, 1, "Acme", assess.SaaS, nil), compareInput(t, 2, "Beta", assess.IaaS, nil),
	}, assess.SortByCoverage)
	var buf bytes.Buffer
	if err := WriteCompareCSV(&buf, c); err != nil {
		t.Fatalf("WriteCompareCSV: %v", err)
	}
	records := readCSV(t, buf.Bytes())
	if got := records[len(records)-1]; !slices.Equal(got, []string{"excluded", "provider.2", "Beta", "not evaluated yet"}) {
		t.Errorf("last line = %q, want Beta listed apart", got)
	}
}

// wantStyleFill fails unless the cell's fill is colour (empty: no fill).
func wantStyleFill(t *testing.T, f *excelize.File, sheet, cell, colour string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	if len(style.Fill.Color) > 0 {
		got = strings.ToUpper(style.Fill.Color[0])
	}
	if got != colour {
		t.Errorf("%s!%s fill = %q, want %q", sheet, cell, got, colour)
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

func TestWriteCompareXLSX(t *testing.T) {
	c := threeProviders(t)
	var buf bytes.Buffer
	if err := WriteCompareXLSX(&buf, c); err != nil {
		t.Fatalf("WriteCompareXLSX: %v", err)
	}
	keepArtifact(t, "compare3.xlsx", buf.Bytes())
	f := openXLSX(t, buf.Bytes())
	if got, want := f.GetSheetList(), []string{SheetScores, SheetElements, SheetMatrix, SheetExcluded}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for _, sheet := range []string{SheetScores, SheetElements, SheetMatrix} {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.XSplit != 1 || panes.YSplit != 1 {
			t.Errorf("%s panes = %+v, want the first row and column frozen", sheet, panes)
		}
	}
	const best, deviation = "D9F2E0", "FDE9C4"
	// Scores: header, service model, then coverage, tier, progress, evidenced, questions.
	wantText(t, f, SheetScores, "B1", nordic)
	wantText(t, f, SheetScores, "D1", script)
	wantText(t, f, SheetScores, "C2", "IaaS · Offering 2")
	wantText(t, f, SheetScores, "A3", "Coverage score")
	wantNumber(t, f, SheetScores, "B3", assess.Round1(c.Providers[0].Summary.Score.Overall))
	wantNumber(t, f, SheetScores, "C3", 42.5)
	wantStyleFill(t, f, SheetScores, "B3", best)
	wantStyleFill(t, f, SheetScores, "C3", "")
	wantText(t, f, SheetScores, "B4", "Adequate")
	wantText(t, f, SheetScores, "A7", "Score: Shared security model")
	wantNumber(t, f, SheetScores, "C7", 100)
	wantStyleFill(t, f, SheetScores, "C7", best)
	wantText(t, f, SheetScores, "D8", "not applicable") // abuse cases do not apply to the PaaS one
	// Elements: a title row per question, then each element: answer and credit per provider.
	wantText(t, f, SheetElements, "C1", nordic+" · credit")
	wantText(t, f, SheetElements, "A3", "Shared security model")
	wantText(t, f, SheetElements, "B4", "7 of 8 layers assigned")
	wantNumber(t, f, SheetElements, "C4", 0.875)
	wantNumber(t, f, SheetElements, "E4", 1)
	wantStyleFill(t, f, SheetElements, "E4", best)
	wantText(t, f, SheetElements, "F4", "8 of 8 layers assigned")
	wantNumber(t, f, SheetElements, "G4", 1)
	// Matrix: layers from row 3, then the count of layers kept.
	wantText(t, f, SheetMatrix, "A7", "Application")
	wantText(t, f, SheetMatrix, "B7", "Customer (reference: Provider)")
	wantStyleFill(t, f, SheetMatrix, "B7", deviation)
	wantStyleFill(t, f, SheetMatrix, "C7", "")
	wantStyleFill(t, f, SheetMatrix, "C5", deviation) // network of the IaaS one
	wantText(t, f, SheetMatrix, "A11", "Layers you keep")
	wantNumber(t, f, SheetMatrix, "C11", 5)
	wantStyleFill(t, f, SheetMatrix, "B11", best)
	wantStyleFill(t, f, SheetMatrix, "D11", best)
	wantText(t, f, SheetExcluded, "A2", never)
	wantText(t, f, SheetExcluded, "D2", "not evaluated yet")
}

func TestWriteCompareXLSXWithoutExcluded(t *testing.T) {
	c := threeProviders(t)
	c.Excluded = nil
	var buf bytes.Buffer
	if err := WriteCompareXLSX(&buf, c); err != nil {
		t.Fatalf("WriteCompareXLSX: %v", err)
	}
	f := openXLSX(t, buf.Bytes())
	if got, want := f.GetSheetList(), []string{SheetScores, SheetElements, SheetMatrix}; !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
}

func TestCompareFileName(t *testing.T) {
	at := time.Date(2026, time.November, 29, 23, 59, 0, 0, time.UTC)
	for _, ext := range []string{"pdf", ".xlsx"} {
		want := "shareline-comparison-2026-11-29." + strings.TrimPrefix(ext, ".")
		if got := CompareFileName(assess.Comparison{}, at, ext); got != want {
			t.Errorf("CompareFileName(%q) = %q, want %q", ext, got, want)
		}
	}
}
