package report_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

func factsOf(r report.Report) map[string]report.Fact {
	out := map[string]report.Fact{}
	for _, f := range r.Facts() {
		out[f.Label] = f
	}
	return out
}

func TestFacts(t *testing.T) {
	r := reporttest.Full(t, "Nordić Cloud Ünited")
	var labels []string
	for _, f := range r.Facts() {
		labels = append(labels, f.Label)
	}
	want := []string{"Provider", "Offering", "Service model", "Questionnaire", "Scoring version", "Status",
		"Evaluated by", "Evaluation started", "Completed by", "Completed", "Last updated", "Score as of"}
	if !slices.Equal(labels, want) {
		t.Fatalf("facts = %q\nwant %q", labels, want)
	}
	facts := factsOf(r)
	for label, text := range map[string]string{
		"Provider": "Nordić Cloud Ünited", "Offering": "Object storage", "Service model": "SaaS",
		"Questionnaire": "Shared responsibility, version 1 (shared-responsibility)", "Status": "Completed",
		"Evaluated by": "Ana Müller", "Completed by": "Jean Dupont", "Evaluation started": "2026-11-02 09:30 UTC",
		"Score as of": "2026-11-29",
	} {
		if got := facts[label].Text; got != text {
			t.Errorf("fact %s = %q, want %q", label, got, text)
		}
	}
	if v, ok := facts["Score as of"].Value.(assess.Date); !ok || v != reporttest.Day {
		t.Errorf("Score as of value = %#v, want the day", facts["Score as of"].Value)
	}
	if _, ok := facts["Scoring version"].Value.(int); !ok {
		t.Errorf("Scoring version value = %#v, want an int", facts["Scoring version"].Value)
	}
	draft := reporttest.Empty(t)
	draft.Evaluation.CreatedBy = " "
	facts = factsOf(draft)
	if _, ok := facts["Completed by"]; ok {
		t.Error("a draft has a Completed by fact")
	}
	if got := facts["Status"].Text; got != "In progress" {
		t.Errorf("draft status = %q, want In progress", got)
	}
	if got := facts["Evaluated by"].Text; got != report.NotRecorded {
		t.Errorf("evaluated by nobody recorded = %q, want %q", got, report.NotRecorded)
	}
}

// TestReportReadsTheEvaluation checks that a report names the provider as the evaluation
// recorded it, so that editing the provider later changes no completed evaluation's files.
func TestReportReadsTheEvaluation(t *testing.T) {
	r := reporttest.Full(t, "Old name")
	if r.Evaluation.ProviderName != "Old name" || r.Evaluation.ServiceModel != assess.SaaS {
		t.Fatalf("fixture evaluation = %+v", r.Evaluation)
	}
	// A report holds no provider record: there is nothing else it could read.
	if got := factsOf(r)["Provider"].Text; got != "Old name" {
		t.Errorf("Provider fact = %q, want the evaluation's record", got)
	}
	if got := report.FileName(r, "pdf").ASCII; !strings.HasPrefix(got, "shareline-old-name-object-storage-") {
		t.Errorf("FileName = %q, want the evaluation's provider and offering", got)
	}
}

func TestRows(t *testing.T) {
	r := reporttest.Full(t, "Acme")
	rows := r.Rows()
	if len(rows) != r.Questionnaire.ElementCount() {
		t.Fatalf("%d rows, want one per element", len(rows))
	}
	byRef := map[string]report.Row{}
	sums := map[string]float64{}
	for _, row := range rows {
		byRef[row.Ref()] = row
		sums[row.Question.Key] += row.Contribution
	}
	for _, qs := range r.Summary.Score.Questions {
		if qs.Scored && assess.Round1(sums[qs.Key]) != assess.Round1(qs.Score) {
			t.Errorf("%s contributions add up to %v, want the question score %v", qs.Key, sums[qs.Key], qs.Score)
		}
	}
	for ref, want := range map[string][3]string{
		"shared_model.documented":           {"Yes", "100%", "true"},
		"abuse_cases.abuse_reporting":       {"Not applicable", "not applicable", "true"},
		"assessments.last_penetration_test": {"Not answered", "0%", "false"},
		"shared_model.matrix": {"Physical: Provider; Hypervisor: Provider; Network: Provider; Operating system: Provider; " +
			"Application: Customer; User activity: not assigned; User permissions: Customer; Privileged actions: Customer", "87.5%", "true"},
	} {
		row := byRef[ref]
		if got := [3]string{row.AnswerText(), row.CreditText(), fmt.Sprint(row.Answered())}; got != want {
			t.Errorf("%s = %q, want %q", ref, got, want)
		}
	}
}

func TestMatrixAndRetainedNote(t *testing.T) {
	r := reporttest.Full(t, "Acme")
	m := r.Matrix()
	if len(m) != len(r.Questionnaire.Split.Layers) {
		t.Fatalf("%d matrix rows, want one per layer", len(m))
	}
	if m[3].Label != "Operating system" || m[4].Layer != "application" || !m[4].Deviation || m[4].Claimed != assess.CustomerOwns {
		t.Errorf("matrix rows = %+v", m)
	}
	if got := r.RetainedNote(); !strings.Contains(got, "not fully answered") || !strings.Contains(got, "SaaS") {
		t.Errorf("RetainedNote of a partly answered matrix = %q", got)
	}
	if got := reporttest.Empty(t).RetainedNote(); !strings.Contains(got, "not answered yet") || !strings.Contains(got, "IaaS") {
		t.Errorf("RetainedNote of an unanswered matrix = %q", got)
	}
	q := reporttest.Questionnaire(t)
	full := reporttest.Build(t, q, "Acme", "", assess.IaaS, reporttest.RussianInputs())
	if got := full.RetainedNote(); got != "Read from the provider's answered responsibility matrix." {
		t.Errorf("RetainedNote of an answered matrix = %q", got)
	}
}

func TestReportFollowUpsAreTheDomainRule(t *testing.T) {
	r := reporttest.Full(t, "Acme")
	want := assess.FollowUps(r.Questionnaire, r.Evaluation.Answers, r.Summary.Score)
	got := r.FollowUps()
	if len(got) == 0 || !slices.Equal(got, want) {
		t.Errorf("Report.FollowUps = %d follow-ups, want assess.FollowUps' %d", len(got), len(want))
	}
}

func TestNotAssessed(t *testing.T) {
	s := reporttest.Empty(t).Summary.Score
	if s.Assessed() {
		t.Fatal("an evaluation with nothing answered is assessed")
	}
	if got := s.Text(); got != "Not assessed" {
		t.Errorf("ScoreText = %q, want Not assessed", got)
	}
	if _, text, ok := report.QuestionFigure(s, "abuse_cases"); ok || text != "not assessed" {
		t.Errorf("QuestionFigure = %q, %v; want not assessed, no figure", text, ok)
	}
	full := reporttest.Full(t, "Acme").Summary.Score
	if got := full.Text(); got != report.OneDecimal(full.Overall) || got == "0.0" {
		t.Errorf("ScoreText of a scored evaluation = %q", got)
	}
	if score, text, ok := report.QuestionFigure(full, "abuse_cases"); !ok || text != "83.3" || assess.Round1(score) != 83.3 {
		t.Errorf("QuestionFigure(abuse_cases) = %v, %q, %v; want 83.3", score, text, ok)
	}
}
