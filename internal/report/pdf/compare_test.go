package pdf_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/pdf"
	"shareline/internal/report/reporttest"
	"shareline/templates"
)

func comparePDF(t testing.TB, c assess.Comparison) []byte {
	t.Helper()
	rc := report.Comparison{Comparison: c, GeneratedAt: reporttest.Generated, GeneratedBy: "Eve Example"}
	var html bytes.Buffer
	if err := templates.ComparePrint(templates.ComparePrintView{Comparison: rc, Rows: report.CompareRows(c)}).Render(context.Background(), &html); err != nil {
		t.Fatal(err)
	}
	return printDoc(t, pdf.Document{HTML: html.String(), Landscape: true, Footer: report.MarkingOr(""),
		Meta: pdf.Metadata{Title: rc.Title(), Author: "Eve Example", Keywords: rc.Keywords(), Created: rc.GeneratedAt}})
}

// firstPage is the text of page 1, laid out as on the page (pdftotext -layout), so that each
// line of a table reads as one line.
func firstPage(t testing.TB, path string) string {
	t.Helper()
	out := run(t, tool(t, "pdftotext", "poppler-utils"), "-layout", "-enc", "UTF-8", "-f", "1", "-l", "1", path, "-")
	return strings.Join(strings.Fields(bidiControls.Replace(out)), " ")
}

// TestComparisonPDF compares 2, 10 and 50 providers: page 1 ranks every one of them, and the
// file reads back as the report does.
func TestComparisonPDF(t *testing.T) {
	for _, n := range []int{2, 10, 50} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := reporttest.Many(t, n)
			path := saved(t, comparePDF(t, c), fmt.Sprintf("compare-%d.pdf", n))
			if n == 50 {
				pages(t, path, "compare-50")
			}
			page1 := firstPage(t, path)
			for i, r := range report.Ranking(c) {
				if want := fmt.Sprintf("%d %s %s %s", i+1, r.Provider, r.Model, r.Coverage); !strings.Contains(page1, want) {
					t.Errorf("page 1 lacks the ranking line %q", want)
				}
			}
			for _, want := range []string{"Ranking", "Generated 2026-11-29 14:05 UTC by Eve Example", report.DefaultMarking} {
				if !strings.Contains(page1, want) {
					t.Errorf("page 1 lacks %q", want)
				}
			}
			text := pdfText(t, path)
			for _, want := range []string{"Coverage score by provider", "Question scores by provider", "The comparison in detail"} {
				if !strings.Contains(text, want) {
					t.Errorf("pdftotext lacks %q", want)
				}
			}
			checkFonts(t, path)
			checkQPDF(t, path)
			if info := pdfInfo(t, path); !strings.HasPrefix(info["Page size"], "841.92 x 595.92") || info["Tagged"] != "yes" {
				t.Errorf("pdfinfo page size %q tagged %q, want A4 landscape and tagged", info["Page size"], info["Tagged"])
			}
		})
	}
}

func TestComparisonPDFInEveryScript(t *testing.T) {
	q := reporttest.Questionnaire(t)
	var in []assess.CompareInput
	for i, n := range reporttest.ScriptNames {
		in = append(in, reporttest.CompareInput(t, q, int64(i+1), n.Name, assess.SaaS, reporttest.RussianInputs()))
	}
	path := saved(t, comparePDF(t, reporttest.CompareOf(t, q, in, assess.SortByCoverage)), "compare-scripts.pdf")
	text := firstPage(t, path)
	for _, n := range reporttest.ScriptNames {
		if !n.Found(text) {
			t.Errorf("%s: page 1 lacks %q", n.Script, n.Want)
		}
	}
	checkFonts(t, path)
}

// BenchmarkPDFComparison50 prints a 50-provider comparison with the warm browser.
func BenchmarkPDFComparison50(b *testing.B) {
	if err := renderer().Available(); err != nil {
		b.Skip(err)
	}
	c := reporttest.Many(b, 50)
	comparePDF(b, c)
	b.ResetTimer()
	for b.Loop() {
		comparePDF(b, c)
	}
}
