package report

import (
	"encoding/json"
	"fmt"
	"iter"
	"testing"
	"time"

	"shareline/internal/assess"
)

// testDay is the day every test report is scored on.
var testDay = assess.Date{Year: 2026, Month: time.November, Day: 29}

func defaultQuestionnaire(t testing.TB) *assess.Questionnaire {
	t.Helper()
	b, err := assess.Questionnaires()
	if err != nil {
		t.Fatalf("load questionnaires: %v", err)
	}
	q, err := b.Find(assess.DefaultKey, 1)
	if err != nil {
		t.Fatalf("find default questionnaire: %v", err)
	}
	return q
}

// input is one answer to put into a test report.
type input struct {
	question, element string
	value             string // JSON
	explanation       string
	evidence          []assess.EvidenceInput
}

func link(url, day string) []assess.EvidenceInput {
	return []assess.EvidenceInput{{URL: url, EffectiveDate: day}}
}

// fullInputs answers every element of the default questionnaire. shared_model.matrix deviates
// on application and leaves user_activity unassigned; abuse_cases is the worked example of
// QUESTIONNAIRE.md (83.3); several elements earn part credit so that follow-ups have every
// state to phrase; explanations carry formula-looking text and characters DejaVu lacks.
func fullInputs() []input {
	return []input{
		{"shared_model", "matrix", `{"physical":"provider","hypervisor":"provider","network":"provider",` +
			`"os":"provider","application":"customer","user_permissions":"customer","privileged_actions":"customer"}`,
			"From the provider's trust centre.", link("https://trust.example.com/shared-model", "2026-06-01")},
		{"shared_model", "documented", `"yes"`, "=HYPERLINK(\"http://evil\")", link("https://docs.example.com/security", "2026-05-01")},
		{"shared_model", "contractual", `"partial"`, "+1 only in the enterprise plan", nil},
		{"abuse_cases", "app_vulnerabilities", `"yes"`, "-2 days patch window", link("https://example.com/sdl", "2026-01-15")},
		{"abuse_cases", "malware", `"partial"`, "@SUM(A1)", nil},
		{"abuse_cases", "privilege_abuse", `"yes"`, "", link("https://example.com/pam", "2026-02-01")},
		{"abuse_cases", "abuse_reporting", `"not_applicable"`, "Internal service.", nil},
		{"assessments", "certifications", `["other"]`, "A national scheme 中 😀 only.", nil},
		{"assessments", "last_independent_audit", `"2025-03-31"`, "", nil},
		{"assessments", "penetration_test", `"no"`, "Tested by\tthe provider's own team", nil},
		{"assessments", "findings_remediation", `"yes"`, "", nil},
		{"monitoring", "continuous_monitoring", `"yes"`, "", nil},
		{"monitoring", "privileged_monitoring", `"yes"`, "", nil},
		{"monitoring", "log_retention_days", `180`, "", nil},
		{"monitoring", "customer_log_access", `"yes"`, "Line one\nline two of the explanation.", nil},
		{"monitoring", "assurance_reports", `"yes"`, "", nil},
		{"incident_response", "ir_plan", `"yes"`, "", link("https://example.com/ir", "2026-03-01")},
		{"incident_response", "ir_tested", `"2026-09-01"`, "", nil},
		{"incident_response", "notification_hours", `120`, "", nil},
		{"incident_response", "disclosure_channel", `"yes"`, "", nil},
		// assessments.last_penetration_test and incident_response.post_incident_report stay unanswered.
	}
}

// buildReport answers a questionnaire and scores it on testDay, as the caller of the package
// does: one assess.Summarize call.
func buildReport(t testing.TB, name, offering string, model assess.ServiceModel, inputs []input) Report {
	t.Helper()
	q := defaultQuestionnaire(t)
	answers := map[string]assess.Answer{}
	for _, in := range inputs {
		a, err := q.NewAnswer(in.question, in.element, assess.AnswerInput{
			Value: json.RawMessage(in.value), Explanation: in.explanation, Evidence: in.evidence,
		}, testDay)
		if err != nil {
			t.Fatalf("answer %s.%s: %v", in.question, in.element, err)
		}
		answers[a.Ref()] = a
	}
	created := time.Date(2026, time.November, 2, 9, 30, 0, 0, time.UTC)
	return Report{
		Provider: assess.Provider{ID: 42, Name: name, Offering: offering, ServiceModel: model,
			Website: "https://cloud.example.com"},
		Questionnaire: q,
		Evaluation: assess.Evaluation{ID: 7, ProviderID: 42, QuestionnaireKey: q.Key, QuestionnaireVersion: q.Version,
			Answers: answers, CreatedAt: created, UpdatedAt: created.Add(26 * 24 * time.Hour)},
		Summary:     assess.Summarize(q, model, answers, testDay),
		Evaluator:   "Ana Müller",
		GeneratedAt: time.Date(2026, time.November, 29, 14, 5, 0, 0, time.UTC),
	}
}

func fullReport(t testing.TB, name string) Report {
	t.Helper()
	return buildReport(t, name, "Object storage", assess.SaaS, fullInputs())
}

// portfolio yields n providers; every third was never evaluated. With failAt > 0 it yields an
// error in place of that row.
func portfolio(q *assess.Questionnaire, n, failAt int) iter.Seq2[assess.ProviderListing, error] {
	score := assess.ScoreEvaluation(q, nil, testDay)
	score.Overall, score.Tier, score.Progress = 72.345, assess.TierOf(72.345), 90
	for i := range score.Questions {
		score.Questions[i].Score, score.Questions[i].Scored = float64(10*i)+0.25, i != 1
	}
	updated := time.Date(2026, time.November, 28, 17, 0, 0, 0, time.UTC)
	return func(yield func(assess.ProviderListing, error) bool) {
		for i := 1; i <= n; i++ {
			if i == failAt {
				yield(assess.ProviderListing{}, fmt.Errorf("database went away at row %d", i))
				return
			}
			l := assess.ProviderListing{Provider: assess.Provider{
				ID: int64(i), Name: fmt.Sprintf("Provider %05d", i), Offering: "Compute", ServiceModel: assess.IaaS,
			}}
			if i%3 != 0 {
				l.Latest = &assess.Evaluation{ID: int64(1000 + i), Score: score, UpdatedAt: updated}
			}
			if !yield(l, nil) {
				return
			}
		}
	}
}
