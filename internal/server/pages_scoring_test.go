package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// The scoring page explains the questionnaire's own rules, and every score links to it.
func TestScoringPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	const path = "/questionnaires/shared-responsibility/1/scoring"
	p := parsePage(t, a.get(t, path), http.StatusOK)
	for id, want := range map[string]string{
		"tier-range-strong":                       "80 or more",
		"tier-range-adequate":                     "60 to below 80",
		"tier-range-weak":                         "40 to below 60",
		"tier-range-poor":                         "below 40",
		"tier-range-not_assessed":                 "Nothing answered yet",
		"rule-assessments.last_independent_audit": "at most 365 days old earns 1",
		"rule-abuse_cases.malware":                "Yes earns 1, Partial 0.5, No 0",
	} {
		if got := p.textOf(t, id); !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want it to say %q", id, got, want)
		}
	}
	for _, bad := range []string{"/questionnaires/shared-responsibility/2/scoring", "/questionnaires/shared-responsibility/01/scoring",
		"/questionnaires/shared-responsibility/0/scoring", "/questionnaires/no-such/1/scoring"} {
		parsePage(t, a.get(t, bad), http.StatusNotFound)
	}

	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	a.answer(t, ev.ID, "abuse_cases.app_vulnerabilities", map[string]any{"value": "yes"})
	a.answer(t, ev.ID, "abuse_cases.privilege_abuse", map[string]any{"value": "yes",
		"evidence": []map[string]string{{"url": "https://acme.example/report", "effective_date": "2026-01-01"}}})
	page := parsePage(t, a.get(t, "/evaluations/"+ev.ID), http.StatusOK)
	if got := attr(page.one(t, "scoring-link"), "href"); got != path {
		t.Errorf("the score panel's scoring link: got %q, want %q", got, path)
	}
	if got := page.textOf(t, "no-evidence-abuse_cases.app_vulnerabilities"); got != "· evidence expected, none given" {
		t.Errorf("an answer that expects evidence and has none: got %q", got)
	}
	if page.has("no-evidence-abuse_cases.privilege_abuse") {
		t.Error("an answer with evidence is marked as having none")
	}
	if got := page.textOf(t, "progress-abuse_cases"); got != "2 of 4 answered" {
		t.Errorf("question progress: got %q, want 2 of 4 answered", got)
	}
}
