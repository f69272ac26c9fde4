package xlsx

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

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

func TestWriteComparison(t *testing.T) {
	c := reporttest.Three(t)
	var buf bytes.Buffer
	if err := WriteComparison(&buf, report.Comparison{Comparison: c, GeneratedBy: "Ana Müller", GeneratedAt: reporttest.Generated}); err != nil {
		t.Fatalf("WriteComparison: %v", err)
	}
	reporttest.KeepArtifact(t, "compare3.xlsx", buf.Bytes())
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
	// Scores: header, service model, then coverage, tier, progress, evidenced, verified, questions.
	wantText(t, f, SheetScores, "B1", reporttest.Nordic)
	wantText(t, f, SheetScores, "D1", reporttest.Script)
	wantText(t, f, SheetScores, "C2", "IaaS · Offering 2")
	wantText(t, f, SheetScores, "A3", "Coverage score")
	wantNumber(t, f, SheetScores, "B3", assess.Round1(c.Providers[0].Summary.Score.Overall))
	wantNumber(t, f, SheetScores, "C3", 42.5)
	wantStyleFill(t, f, SheetScores, "B3", best)
	wantStyleFill(t, f, SheetScores, "C3", "")
	wantText(t, f, SheetScores, "B4", "Adequate")
	wantText(t, f, SheetScores, "A7", "Verified (% of credited weight)")
	wantText(t, f, SheetScores, "A8", "Score: Shared security model")
	wantNumber(t, f, SheetScores, "C8", 100)
	wantStyleFill(t, f, SheetScores, "C8", best)
	wantText(t, f, SheetScores, "D9", "not applicable") // abuse cases do not apply to the PaaS one
	// Elements: a title row per question, then each element: answer and credit per provider.
	wantText(t, f, SheetElements, "C1", reporttest.Nordic+" · credit")
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
	wantText(t, f, SheetExcluded, "A2", reporttest.Never)
	wantText(t, f, SheetExcluded, "D2", "not assessed yet")
}

func TestWriteComparisonWithoutExcluded(t *testing.T) {
	c := reporttest.Three(t)
	c.Excluded = nil
	var buf bytes.Buffer
	if err := WriteComparison(&buf, report.Comparison{Comparison: c, GeneratedBy: "Ana Müller", GeneratedAt: reporttest.Generated}); err != nil {
		t.Fatalf("WriteComparison: %v", err)
	}
	f := openXLSX(t, buf.Bytes())
	if got, want := f.GetSheetList(), []string{SheetScores, SheetElements, SheetMatrix}; !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
}

func TestWriteComparisonWithoutSplit(t *testing.T) {
	c := reporttest.NoSplitComparison(t)
	var buf bytes.Buffer
	if err := WriteComparison(&buf, report.Comparison{Comparison: c, GeneratedBy: "Ana Müller", GeneratedAt: reporttest.Generated}); err != nil {
		t.Fatalf("WriteComparison: %v", err)
	}
	f := openXLSX(t, buf.Bytes())
	if got, want := f.GetSheetList(), []string{SheetScores, SheetElements}; !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
	wantText(t, f, SheetScores, "B1", "Acme")
	wantText(t, f, SheetElements, "A3", "Policies")
}

func TestMatrixNoteNamesTheLayersAlwaysKept(t *testing.T) {
	got := matrixNote(reporttest.Questionnaire(t).Split)
	if !strings.Contains(got, "(User permissions, Privileged actions)") {
		t.Errorf("matrix note = %q, want the split's layers always kept", got)
	}
}
