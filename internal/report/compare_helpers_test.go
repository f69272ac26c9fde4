package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"shareline/internal/assess"
)

// Names of the providers of the three-provider comparison.
const (
	nordic   = "Nordić Cloud Ünited"
	russian  = "Облачные Системы"
	script   = "<script>alert(1)</script> Cloud"
	never    = `=HYPERLINK("http://evil") Ltd`
	scriptEl = "&lt;script&gt;alert(1)&lt;/script&gt; Cloud"
)

func answerMap(t testing.TB, q *assess.Questionnaire, inputs []input) map[string]assess.Answer {
	t.Helper()
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
	return answers
}

// compareInput is a provider with an evaluation holding answers; nil inputs: never evaluated.
func compareInput(t testing.TB, id int64, name string, model assess.ServiceModel, inputs []input) assess.CompareInput {
	t.Helper()
	q := defaultQuestionnaire(t)
	p := assess.Provider{ID: id, Name: name, Offering: "Offering " + fmt.Sprint(id), ServiceModel: model}
	if inputs == nil {
		return assess.CompareInput{Provider: p}
	}
	return assess.CompareInput{Provider: p, Latest: &assess.Evaluation{
		ID: 100 + id, ProviderID: id, QuestionnaireKey: q.Key, QuestionnaireVersion: q.Version,
		Answers: answerMap(t, q, inputs),
	}}
}

// russianInputs: an IaaS provider whose matrix follows the reference except network (claimed
// by the provider, where the reference shares it), with weaker abuse controls.
func russianInputs() []input {
	return []input{
		{question: "shared_model", element: "matrix", value: `{"physical":"provider","hypervisor":"provider",` +
			`"network":"provider","os":"customer","application":"customer","user_activity":"customer",` +
			`"user_permissions":"customer","privileged_actions":"customer"}`},
		{question: "shared_model", element: "documented", value: `"yes"`},
		{question: "shared_model", element: "contractual", value: `"yes"`},
		{question: "abuse_cases", element: "app_vulnerabilities", value: `"partial"`},
		{question: "abuse_cases", element: "malware", value: `"no"`},
		{question: "assessments", element: "certifications", value: `["iso27001","soc2_type2"]`},
		{question: "monitoring", element: "continuous_monitoring", value: `"yes"`},
		{question: "monitoring", element: "log_retention_days", value: `400`},
		{question: "incident_response", element: "ir_plan", value: `"yes"`},
		{question: "incident_response", element: "notification_hours", value: `24`},
	}
}

// scriptInputs: a PaaS provider whose matrix is exactly the reference, to which abuse cases do
// not apply at all.
func scriptInputs() []input {
	return []input{
		{question: "shared_model", element: "matrix", value: `{"physical":"provider","hypervisor":"provider",` +
			`"network":"provider","os":"provider","application":"shared","user_activity":"customer",` +
			`"user_permissions":"customer","privileged_actions":"customer"}`},
		{question: "shared_model", element: "documented", value: `"yes"`},
		{question: "shared_model", element: "contractual", value: `"no"`},
		{question: "abuse_cases", element: "app_vulnerabilities", value: `"not_applicable"`},
		{question: "abuse_cases", element: "malware", value: `"not_applicable"`},
		{question: "abuse_cases", element: "privilege_abuse", value: `"not_applicable"`},
		{question: "abuse_cases", element: "abuse_reporting", value: `"not_applicable"`},
		{question: "monitoring", element: "continuous_monitoring", value: `"partial"`},
		{question: "incident_response", element: "ir_plan", value: `"yes"`},
	}
}

// threeProviders compares the three test providers and one never evaluated, by coverage.
func threeProviders(t testing.TB) assess.Comparison {
	t.Helper()
	return compareOf(t, []assess.CompareInput{
		compareInput(t, 1, nordic, assess.SaaS, fullInputs()),
		compareInput(t, 2, russian, assess.IaaS, russianInputs()),
		compareInput(t, 3, script, assess.PaaS, scriptInputs()),
		compareInput(t, 4, never, assess.SaaS, nil),
	}, assess.SortByCoverage)
}

func compareOf(t testing.TB, in []assess.CompareInput, sort string) assess.Comparison {
	t.Helper()
	qs, err := assess.Questionnaires()
	if err != nil {
		t.Fatal(err)
	}
	c, err := assess.Compare(qs, in, sort, testDay)
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	return c
}

// syntheticName is the name of provider i of manyProviders: short enough for one line of a
// PDF column, and with a letter outside Latin-1.
func syntheticName(i int) string { return fmt.Sprintf("Cloud %02d Ωmega", i+1) }

// manyProviders compares n providers whose answers vary with their index, so that their scores
// differ; to every fifth, abuse cases do not apply at all.
func manyProviders(t testing.TB, n int) assess.Comparison {
	t.Helper()
	q := defaultQuestionnaire(t)
	statuses := []string{`"yes"`, `"partial"`, `"no"`, `"yes"`}
	models := assess.ServiceModels
	var in []assess.CompareInput
	for i := range n {
		var inputs []input
		for j, qu := range q.Questions {
			for k, el := range qu.Elements {
				if el.Type != assess.TypeStatus {
					continue
				}
				v := statuses[(3*i+2*j+k)%len(statuses)]
				if qu.Key == "abuse_cases" && i%5 == 4 {
					v = `"not_applicable"`
				}
				inputs = append(inputs, input{question: qu.Key, element: el.Key, value: v})
			}
		}
		inputs = append(inputs, input{question: "shared_model", element: "matrix",
			value: `{"physical":"provider","hypervisor":"provider","network":"shared","os":"customer"}`})
		in = append(in, compareInput(t, int64(i+1), syntheticName(i), models[i%len(models)], inputs))
	}
	return compareOf(t, in, assess.SortByCoverage)
}

// keepArtifact writes b to $COMPARE_OUT_DIR/name, when set, to look at by hand:
// COMPARE_OUT_DIR=/tmp go test -run Compare ./internal/report
func keepArtifact(t testing.TB, name string, b []byte) {
	t.Helper()
	if dir := os.Getenv("COMPARE_OUT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
