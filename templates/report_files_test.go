package templates

import (
	"context"
	"strings"
	"testing"

	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

// TestPagesSayWhenPDFsCannotBeMade renders the report and compare pages on a server without
// Chromium: each says so in place of its PDF link, and still offers the other formats.
func TestPagesSayWhenPDFsCannotBeMade(t *testing.T) {
	ctx := WithPDFUnavailable(context.Background(), "no Chromium found")
	r := reporttest.Full(t, "Acme")
	var page strings.Builder
	if err := ReportPage(ReportView{Report: r, Rows: r.Rows(), Matrix: r.Matrix(), FollowUps: r.FollowUps()}).Render(ctx, &page); err != nil {
		t.Fatal(err)
	}
	wantHTML(t, page.String(), []string{`data-testid="download-pdf-unavailable"`, "PDF unavailable", `data-testid="download-xlsx"`, `data-testid="download-csv"`},
		[]string{`data-testid="download-pdf"`})

	c := reporttest.Three(t)
	var cmp strings.Builder
	if err := ComparePage(CompareView{IDs: []string{"1,2,3,4"}, Comparison: c, Rows: report.CompareRows(c)}).Render(ctx, &cmp); err != nil {
		t.Fatal(err)
	}
	wantHTML(t, cmp.String(), []string{`data-testid="compare-pdf-unavailable"`, `data-testid="compare-csv"`}, []string{`data-testid="compare-pdf"`})

	var ok strings.Builder
	if err := ReportPage(ReportView{Report: r, Rows: r.Rows()}).Render(context.Background(), &ok); err != nil {
		t.Fatal(err)
	}
	wantHTML(t, ok.String(), []string{`data-testid="download-pdf"`}, []string{"PDF unavailable"})
}

// TestReportPageShowsTheExecutiveSummary checks the board-facing part of the page: the
// marking, the status with who and when, the weakest areas.
func TestReportPageShowsTheExecutiveSummary(t *testing.T) {
	r := reporttest.Full(t, "Nordić Cloud Ünited")
	r.Marking = "Board only"
	wantHTML(t, reportPage(t, r), []string{`data-testid="executive-summary"`, "Board only", "Completed by Jean Dupont on 2026-11-29 09:30 UTC",
		`data-testid="weakest"`, "Periodic security assessments: 40.0 / 100", `data-testid="work-to-you"`}, nil)
	wantHTML(t, reportPage(t, reporttest.Empty(t)), []string{report.DefaultMarking, "Draft, in progress", "Not assessed"}, []string{"0.0 / 100", "Poor"})
}

// TestComparePageRanks shows the ranking table on the compare page, best first.
func TestComparePageRanks(t *testing.T) {
	c := reporttest.Many(t, 10)
	var b strings.Builder
	if err := ComparePage(CompareView{IDs: []string{"1"}, Comparison: c, Rows: report.CompareRows(c)}).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if n := strings.Count(html, `data-testid="ranking-row"`); n != 10 {
		t.Errorf("ranking has %d rows, want 10", n)
	}
	first := report.Ranking(c)[0].Provider
	if i, j := strings.Index(html, `data-testid="compare-ranking"`), strings.Index(html, `data-testid="compare-chart"`); i < 0 || j < i || !strings.Contains(html[i:j], first) {
		t.Errorf("the ranking (with %s first) does not come before the chart", first)
	}
	wantHTML(t, html, []string{`data-testid="compare-heatmap"`, "Coverage score by provider"}, nil)
}
