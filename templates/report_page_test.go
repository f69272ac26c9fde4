package templates

import (
	"context"
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

// reportPage renders the report page of r as the server builds it.
func reportPage(t *testing.T, r report.Report) string {
	t.Helper()
	v := ReportView{Report: r, Rows: r.Rows(), Matrix: r.Matrix(), FollowUps: r.FollowUps(), RetainedNote: r.RetainedNote()}
	var b strings.Builder
	if err := ReportPage(v).Render(context.Background(), &b); err != nil {
		t.Fatalf("ReportPage: %v", err)
	}
	return b.String()
}

func wantHTML(t *testing.T, html string, want, unwanted []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, w := range unwanted {
		if strings.Contains(html, w) {
			t.Errorf("page has %q", w)
		}
	}
}

func TestReportPage(t *testing.T) {
	r := reporttest.Full(t, "Nordić Cloud Ünited")
	wantHTML(t, reportPage(t, r), []string{
		`data-testid="report-provider">Nordić Cloud Ünited</h1>`, `data-testid="overall-score">` + r.Summary.Score.Text() + `</span>`,
		`data-testid="tier"`, `data-testid="report-as-of">2026-11-29</dd>`, `data-testid="report-matrix"`, "Operating system",
		`data-testid="retained-user_permissions"`, `data-testid="follow-ups"`, `data-testid="report-row-shared_model.documented"`,
		"Completed by", "Jean Dupont", "87.5%",
	}, []string{"Not assessed"})
}

func TestReportPageNotAssessed(t *testing.T) {
	wantHTML(t, reportPage(t, reporttest.Empty(t)), []string{
		`data-testid="overall-score">Not assessed</span>`, `data-testid="question-score-abuse_cases">not assessed</span>`,
		"not assessed",
	}, []string{`data-testid="tier"`, ">0.0<", "/100</small>"})
}

func TestReportPageWithoutSplit(t *testing.T) {
	r := reporttest.Build(t, reporttest.NoSplit(t), "Acme", "Email", assess.SaaS, reporttest.NoSplitInputs())
	wantHTML(t, reportPage(t, r), []string{`data-testid="report-provider">Acme</h1>`, "Frameworks followed", `data-testid="follow-ups"`},
		[]string{"report-matrix", "Responsibility matrix", `data-testid="retained"`, "What stays with you"})
}

func TestComparePageWithoutSplit(t *testing.T) {
	c := reporttest.NoSplitComparison(t)
	v := CompareView{IDs: []string{"1", "2"}, Comparison: c, Rows: report.CompareRows(c)}
	var b strings.Builder
	if err := ComparePage(v).Render(context.Background(), &b); err != nil {
		t.Fatalf("ComparePage: %v", err)
	}
	wantHTML(t, b.String(), []string{`data-testid="row-coverage"`, `data-testid="compare-chart"`, "<svg", "best first by coverage score"},
		[]string{"Responsibility", `data-testid="row-retained"`})
}
