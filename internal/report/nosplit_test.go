package report_test

import (
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

// noSplitReport is a report on a questionnaire without a responsibility split.
func noSplitReport(t *testing.T) report.Report {
	t.Helper()
	return reporttest.Build(t, reporttest.NoSplit(t), "Acme", "Email", assess.SaaS, reporttest.NoSplitInputs())
}

func TestReportWithoutSplit(t *testing.T) {
	r := noSplitReport(t)
	if m := r.Matrix(); m != nil {
		t.Errorf("Matrix = %+v, want none", m)
	}
	if got := r.RetainedNote(); got != "" {
		t.Errorf("RetainedNote = %q, want nothing", got)
	}
	if len(r.FollowUps()) == 0 {
		t.Error("no follow-ups")
	}
	_, byElement := reportCSV(t, r)
	if got := byElement["people.frameworks"][10]; got != "Home-grown" {
		t.Errorf("frameworks answer = %q", got)
	}

	got, raw := decodeReport(t, r)
	if got.Matrix == nil || len(got.Matrix) != 0 {
		t.Errorf("matrix = %v, want []", got.Matrix)
	}
	if got.Retained != nil {
		t.Errorf("retained = %+v, want null", got.Retained)
	}
	if !strings.Contains(raw, `"matrix": []`) || !strings.Contains(raw, `"retained": null`) {
		t.Error(`JSON lacks "matrix": [] or "retained": null`)
	}
	if got.Score.Overall == nil {
		t.Error("score overall is null, want a score")
	}
}
