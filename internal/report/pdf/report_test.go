package pdf_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"shareline/internal/report"
	"shareline/internal/report/pdf"
	"shareline/internal/report/reporttest"
	"shareline/templates"
)

// reportPDF renders a report's print layout, as the server does, and prints it.
func reportPDF(t testing.TB, r report.Report) []byte {
	t.Helper()
	var html bytes.Buffer
	v := templates.ReportView{Report: r, Rows: r.Rows(), Matrix: r.Matrix(), FollowUps: r.FollowUps(), RetainedNote: r.RetainedNote()}
	if err := templates.ReportDocument(v).Render(context.Background(), &html); err != nil {
		t.Fatal(err)
	}
	return printDoc(t, pdf.Document{HTML: html.String(), Footer: report.MarkingOr(r.Marking),
		Meta: pdf.Metadata{Title: r.Title(), Author: r.GeneratedByText(), Subject: r.Subject(), Keywords: r.Keywords(), Created: r.GeneratedAt}})
}

// TestReportPDFInEveryScript prints a full report for a provider named in each script and reads
// it as a document system would.
func TestReportPDFInEveryScript(t *testing.T) {
	for _, n := range reporttest.ScriptNames {
		t.Run(n.Script, func(t *testing.T) {
			r := reporttest.Full(t, n.Name)
			r.GeneratedBy = "Eve Example"
			path := saved(t, reportPDF(t, r), "report-"+n.Script+".pdf")
			text := pdfText(t, path)
			if !n.Found(text) {
				t.Errorf("pdftotext lacks %q in logical order", n.Want)
			}
			for _, want := range []string{"Executive summary", report.DefaultMarking, "Completed by Jean Dupont on 2026-11-29 09:30 UTC",
				"The three weakest areas", "Deviations that move work to you", "What stays with you", "Generated 2026-11-29 14:05 UTC by Eve Example",
				"Answers in detail", "A national scheme", "Page 1 of", "IR plan v4.pdf", reporttest.PlanFileSHA256} {
				if !strings.Contains(text, want) {
					t.Errorf("pdftotext lacks %q", want)
				}
			}
			if strings.Contains(text, "□") {
				t.Error("pdftotext gives □")
			}
			checkFonts(t, path)
			checkQPDF(t, path)
			info := pdfInfo(t, path)
			if !n.Found(info["Title"]) || !strings.HasPrefix(info["Title"], "Security coverage report: ") {
				t.Errorf("pdfinfo Title = %q, want the report title with %q", info["Title"], n.Want)
			}
			if info["Author"] != "Eve Example" || info["Tagged"] != "yes" {
				t.Errorf("pdfinfo Author %q Tagged %q, want Eve Example and yes", info["Author"], info["Tagged"])
			}
			bookmarks := strings.Join(outline(t, path), " | ")
			for _, q := range r.Questionnaire.Questions {
				if !strings.Contains(bookmarks, q.Title) {
					t.Errorf("outline %q lacks question %q", bookmarks, q.Title)
				}
			}
			if n.Script == "latin-composed" {
				pages(t, path, "report-full")
			}
		})
	}
}

// TestReportPDFNotAssessed prints an evaluation with nothing answered: "Not assessed", no
// 0.0 and no Poor, a draft with who started it.
func TestReportPDFNotAssessed(t *testing.T) {
	r := reporttest.Empty(t)
	path := saved(t, reportPDF(t, r), "report-empty.pdf")
	pages(t, path, "report-empty")
	text := pdfText(t, path)
	for _, want := range []string{"Not assessed", "Draft, in progress: started by Ana Müller", "not completed"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	for _, bad := range []string{"0.0 / 100", "Poor", "Completed by", "by not recorded"} {
		if strings.Contains(text, bad) {
			t.Errorf("pdftotext has %q", bad)
		}
	}
}

func TestReportPDFMarkingIsConfigurable(t *testing.T) {
	r := reporttest.Full(t, "Acme")
	r.Marking = "Internal use only"
	text := pdfText(t, saved(t, reportPDF(t, r), "marking.pdf"))
	if !strings.Contains(text, "Internal use only") || strings.Contains(text, report.DefaultMarking) {
		t.Errorf("pdftotext %q..., want the marking Internal use only and not the default", text[:min(200, len(text))])
	}
}

// BenchmarkPDFReport prints a full report with the warm browser: what a download costs.
func BenchmarkPDFReport(b *testing.B) {
	if err := renderer().Available(); err != nil {
		b.Skip(err)
	}
	r := reporttest.Full(b, "Nordić Cloud Ünited")
	reportPDF(b, r) // warm the browser
	b.ResetTimer()
	for b.Loop() {
		reportPDF(b, r)
	}
}
