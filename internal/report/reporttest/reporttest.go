// Package reporttest builds the reports and comparisons that the tests of package report, its
// renderers (report/pdf, report/xlsx) and the comparison page share: evaluations of the
// built-in questionnaire with every snapshot field set, as the application stores them. It is
// for tests only.
package reporttest

import (
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shareline/internal/assess"
	"shareline/internal/questionnaires"
	"shareline/internal/report"
)

// Day is the day every test report and comparison is scored on.
var Day = assess.Date{Year: 2026, Month: time.November, Day: 29}

// Generated is when every test report is written.
var Generated = time.Date(2026, time.November, 29, 14, 5, 0, 0, time.UTC)

// Questionnaire is the built-in default questionnaire.
func Questionnaire(t testing.TB) *assess.Questionnaire {
	t.Helper()
	q, err := questionnaires.Default()
	if err != nil {
		t.Fatalf("questionnaires.Default(): %v", err)
	}
	return q
}

// noSplit is a questionnaire without a responsibility split: no matrix, nothing said about what
// stays with the customer.
const noSplit = `{"key":"vendor-basics","version":1,"title":"Vendor basics","questions":[
	{"key":"policies","title":"Policies","elements":[
		{"key":"infosec_policy","label":"Information security policy","type":"status","evidence":true},
		{"key":"reviewed","label":"Last review","type":"date","help":"The day the policy was last reviewed."}]},
	{"key":"people","title":"People","elements":[
		{"key":"training","label":"Security training","type":"status"},
		{"key":"frameworks","label":"Frameworks followed","type":"multi",
			"options":[{"key":"nist","label":"NIST CSF"},{"key":"homegrown","label":"Home-grown","credit":0.5}]}]}]}`

// NoSplit is a small questionnaire without a responsibility split.
func NoSplit(t testing.TB) *assess.Questionnaire {
	t.Helper()
	q, err := assess.ParseQuestionnaire([]byte(noSplit))
	if err != nil {
		t.Fatalf("parse the questionnaire without a split: %v", err)
	}
	return q
}

// NoSplitInputs answers part of NoSplit.
func NoSplitInputs() []Input {
	return []Input{
		{Question: "policies", Element: "infosec_policy", Value: `"yes"`, Evidence: Link("https://example.com/policy", "2026-01-10")},
		{Question: "people", Element: "training", Value: `"partial"`},
		{Question: "people", Element: "frameworks", Value: `["homegrown"]`},
	}
}

// Input is one answer to put into a test evaluation.
type Input struct {
	Question, Element string
	Value             string // JSON
	Explanation       string
	Evidence          []assess.EvidenceInput
}

// PlanFileSHA256 is the hash of PlanFile, the evidence file FullInputs attaches to the incident
// response plan (valid until 2027-03-01).
const PlanFileSHA256 = "4f2b6c1e8a9d0b3c5e7f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d"

// PlanFile is an uploaded evidence file as an answer names it, already resolved.
var PlanFile = assess.EvidenceInput{FileID: "0b9d6f1e-3c2a-4e8b-9f7d-5a1c3e2b4d6f", EffectiveDate: "2026-03-01", ValidUntil: "2027-03-01",
	File: &assess.EvidenceFile{ID: "0b9d6f1e-3c2a-4e8b-9f7d-5a1c3e2b4d6f", Name: "IR plan v4.pdf", Size: 1536, SHA256: PlanFileSHA256}}

// Link is one evidence link effective on day.
func Link(url, day string) []assess.EvidenceInput {
	return []assess.EvidenceInput{{URL: url, EffectiveDate: day}}
}

// FullInputs answers every element of the default questionnaire but two. shared_model.matrix
// deviates on application and leaves user_activity unassigned; abuse_cases is the worked
// example of QUESTIONNAIRE.md (83.3); several elements earn part credit so that follow-ups
// have every state to phrase; explanations carry formula-looking text and characters DejaVu
// lacks.
func FullInputs() []Input {
	return []Input{
		{"shared_model", "matrix", `{"physical":"provider","hypervisor":"provider","network":"provider",` +
			`"os":"provider","application":"customer","user_permissions":"customer","privileged_actions":"customer"}`,
			"From the provider's trust centre.", Link("https://trust.example.com/shared-model", "2026-06-01")},
		{"shared_model", "documented", `"yes"`, "=HYPERLINK(\"http://evil\")", Link("https://docs.example.com/security", "2026-05-01")},
		{"shared_model", "contractual", `"partial"`, "+1 only in the enterprise plan", nil},
		{"abuse_cases", "app_vulnerabilities", `"yes"`, "-2 days patch window", Link("https://example.com/sdl", "2026-01-15")},
		{"abuse_cases", "malware", `"partial"`, "@SUM(A1)", nil},
		{"abuse_cases", "privilege_abuse", `"yes"`, "", Link("https://example.com/pam", "2026-02-01")},
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
		{"incident_response", "ir_plan", `"yes"`, "", append(Link("https://example.com/ir", "2026-03-01"), PlanFile)},
		{"incident_response", "ir_tested", `"2026-09-01"`, "", nil},
		{"incident_response", "notification_hours", `120`, "", nil},
		{"incident_response", "disclosure_channel", `"yes"`, "", nil},
		// assessments.last_penetration_test and incident_response.post_incident_report stay unanswered.
	}
}

// Answers checks inputs against q, as the application does when they are saved.
func Answers(t testing.TB, q *assess.Questionnaire, inputs []Input) map[string]assess.Answer {
	t.Helper()
	answers := map[string]assess.Answer{}
	for _, in := range inputs {
		a, err := q.NewAnswer(in.Question, in.Element, assess.AnswerInput{
			Value: json.RawMessage(in.Value), Explanation: in.Explanation, Evidence: in.Evidence,
		}, Day)
		if err != nil {
			t.Fatalf("answer %s.%s: %v", in.Question, in.Element, err)
		}
		answers[a.Ref()] = a
	}
	return answers
}

// Evaluation is an evaluation of provider p on q with these answers, recording p as it is: a
// completed one, its score frozen on Day, when something is answered; a draft otherwise (an
// evaluation with nothing answered cannot be completed).
func Evaluation(t testing.TB, q *assess.Questionnaire, p assess.Provider, inputs []Input) assess.Evaluation {
	t.Helper()
	answers := Answers(t, q, inputs)
	created := time.Date(2026, time.November, 2, 9, 30, 0, 0, time.UTC)
	ev := assess.Evaluation{
		ID: 100 + p.ID, ProviderID: p.ID, ProviderName: p.Name, Offering: p.Offering, ServiceModel: p.ServiceModel,
		QuestionnaireKey: q.Key, QuestionnaireVersion: q.Version,
		Score:   assess.ScoreEvaluation(q, answers, Day),
		Answers: answers, CreatedBy: "Ana Müller", Status: assess.EvaluationDraft,
		CreatedAt: created, UpdatedAt: created.Add(26 * 24 * time.Hour),
	}
	if len(answers) > 0 {
		ev.Status, ev.CompletedBy, ev.CompletedAt = assess.EvaluationCompleted, "Jean Dupont", created.Add(27*24*time.Hour)
	}
	return ev
}

// Build is the report of an evaluation of q by a provider with these answers, summarized
// once, as the application does.
func Build(t testing.TB, q *assess.Questionnaire, name, offering string, model assess.ServiceModel, inputs []Input) report.Report {
	t.Helper()
	ev := Evaluation(t, q, assess.Provider{ID: 42, Name: name, Offering: offering, ServiceModel: model}, inputs)
	return report.Report{Questionnaire: q, Evaluation: ev, Summary: assess.Summarize(q, ev, Day), GeneratedAt: Generated}
}

// Full is the report of a SaaS object storage offering answered with FullInputs.
func Full(t testing.TB, name string) report.Report {
	t.Helper()
	return Build(t, Questionnaire(t), name, "Object storage", assess.SaaS, FullInputs())
}

// Empty is the report of an evaluation of the default questionnaire with nothing answered.
func Empty(t testing.TB) report.Report {
	t.Helper()
	return Build(t, Questionnaire(t), "Acme", "", assess.IaaS, nil)
}

// Portfolio yields n providers; every third is not assessed (no completed evaluation, a
// draft in progress). With failAt > 0 it yields an error in place of that row.
func Portfolio(q *assess.Questionnaire, n, failAt int) iter.Seq2[assess.ProviderListing, error] {
	score := assess.ScoreEvaluation(q, nil, Day)
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
				l.Current = &assess.Evaluation{ID: int64(1000 + i), Status: assess.EvaluationCompleted, Score: score, UpdatedAt: updated}
			} else {
				l.Draft = &assess.Evaluation{ID: int64(1000 + i), Status: assess.EvaluationDraft, UpdatedAt: updated}
			}
			if !yield(l, nil) {
				return
			}
		}
	}
}

// Names of the providers of the three-provider comparison.
const (
	Nordic   = "Nordić Cloud Ünited"
	Russian  = "Облачные Системы"
	Script   = "<script>alert(1)</script> Cloud"
	Never    = `=HYPERLINK("http://evil") Ltd`
	ScriptEl = "&lt;script&gt;alert(1)&lt;/script&gt; Cloud" // Script, escaped
)

// CompareInput is a provider of q with its current, completed evaluation holding these
// answers; nil inputs: not assessed, nothing completed.
func CompareInput(t testing.TB, q *assess.Questionnaire, id int64, name string, model assess.ServiceModel, inputs []Input) assess.CompareInput {
	t.Helper()
	p := assess.Provider{ID: id, Name: name, Offering: "Offering " + fmt.Sprint(id), ServiceModel: model}
	if inputs == nil {
		return assess.CompareInput{Provider: p}
	}
	ev := Evaluation(t, q, p, inputs)
	return assess.CompareInput{Provider: p, Current: &ev}
}

// RussianInputs: an IaaS provider whose matrix follows the reference except network (claimed
// by the provider, where the reference shares it), with weaker abuse controls.
func RussianInputs() []Input {
	return []Input{
		{Question: "shared_model", Element: "matrix", Value: `{"physical":"provider","hypervisor":"provider",` +
			`"network":"provider","os":"customer","application":"customer","user_activity":"customer",` +
			`"user_permissions":"customer","privileged_actions":"customer"}`},
		{Question: "shared_model", Element: "documented", Value: `"yes"`},
		{Question: "shared_model", Element: "contractual", Value: `"yes"`},
		{Question: "abuse_cases", Element: "app_vulnerabilities", Value: `"partial"`},
		{Question: "abuse_cases", Element: "malware", Value: `"no"`},
		{Question: "assessments", Element: "certifications", Value: `["iso27001","soc2_type2"]`},
		{Question: "monitoring", Element: "continuous_monitoring", Value: `"yes"`},
		{Question: "monitoring", Element: "log_retention_days", Value: `400`},
		{Question: "incident_response", Element: "ir_plan", Value: `"yes"`},
		{Question: "incident_response", Element: "notification_hours", Value: `24`},
	}
}

// ScriptInputs: a PaaS provider whose matrix is exactly the reference, to which abuse cases do
// not apply at all.
func ScriptInputs() []Input {
	return []Input{
		{Question: "shared_model", Element: "matrix", Value: `{"physical":"provider","hypervisor":"provider",` +
			`"network":"provider","os":"provider","application":"shared","user_activity":"customer",` +
			`"user_permissions":"customer","privileged_actions":"customer"}`},
		{Question: "shared_model", Element: "documented", Value: `"yes"`},
		{Question: "shared_model", Element: "contractual", Value: `"no"`},
		{Question: "abuse_cases", Element: "app_vulnerabilities", Value: `"not_applicable"`},
		{Question: "abuse_cases", Element: "malware", Value: `"not_applicable"`},
		{Question: "abuse_cases", Element: "privilege_abuse", Value: `"not_applicable"`},
		{Question: "abuse_cases", Element: "abuse_reporting", Value: `"not_applicable"`},
		{Question: "monitoring", Element: "continuous_monitoring", Value: `"partial"`},
		{Question: "incident_response", Element: "ir_plan", Value: `"yes"`},
	}
}

// Three compares the three test providers and one not assessed, by coverage.
func Three(t testing.TB) assess.Comparison {
	t.Helper()
	q := Questionnaire(t)
	return CompareOf(t, q, []assess.CompareInput{
		CompareInput(t, q, 1, Nordic, assess.SaaS, FullInputs()),
		CompareInput(t, q, 2, Russian, assess.IaaS, RussianInputs()),
		CompareInput(t, q, 3, Script, assess.PaaS, ScriptInputs()),
		CompareInput(t, q, 4, Never, assess.SaaS, nil),
	}, assess.SortByCoverage)
}

// CompareOf compares providers on q, scored on Day.
func CompareOf(t testing.TB, q *assess.Questionnaire, in []assess.CompareInput, sort string) assess.Comparison {
	t.Helper()
	c, err := assess.Compare(q, in, sort, Day)
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	return c
}

// NobodyCompared is a comparison of two providers neither of which is assessed.
func NobodyCompared(t testing.TB) assess.Comparison {
	t.Helper()
	q := Questionnaire(t)
	return CompareOf(t, q, []assess.CompareInput{
		CompareInput(t, q, 1, "Acme", assess.SaaS, nil), CompareInput(t, q, 2, "Beta", assess.IaaS, nil),
	}, assess.SortByCoverage)
}

// NotAssessedComparison compares Nordic with a provider whose completed evaluation has
// nothing to score (nothing answered), so that its score is not assessed.
func NotAssessedComparison(t testing.TB) assess.Comparison {
	t.Helper()
	q := Questionnaire(t)
	p := assess.Provider{ID: 2, Name: "Empty", ServiceModel: assess.SaaS}
	empty := Evaluation(t, q, p, nil)
	empty.Status = assess.EvaluationCompleted
	return CompareOf(t, q, []assess.CompareInput{
		CompareInput(t, q, 1, Nordic, assess.SaaS, FullInputs()),
		{Provider: p, Current: &empty},
	}, assess.SortByCoverage)
}

// SyntheticName is the name of provider i of Many: short enough for one line of a PDF
// column, and with a letter outside Latin-1.
func SyntheticName(i int) string { return fmt.Sprintf("Cloud %02d Ωmega", i+1) }

// Many compares n providers whose answers vary with their index, so that their scores differ;
// to every fifth, abuse cases do not apply at all.
func Many(t testing.TB, n int) assess.Comparison {
	t.Helper()
	q := Questionnaire(t)
	statuses := []string{`"yes"`, `"partial"`, `"no"`, `"yes"`}
	models := assess.ServiceModels
	var in []assess.CompareInput
	for i := range n {
		var inputs []Input
		for j, qu := range q.Questions {
			for k, el := range qu.Elements {
				if el.Type != assess.TypeStatus {
					continue
				}
				v := statuses[(3*i+2*j+k)%len(statuses)]
				if qu.Key == "abuse_cases" && i%5 == 4 {
					v = `"not_applicable"`
				}
				inputs = append(inputs, Input{Question: qu.Key, Element: el.Key, Value: v})
			}
		}
		inputs = append(inputs, Input{Question: "shared_model", Element: "matrix",
			Value: `{"physical":"provider","hypervisor":"provider","network":"shared","os":"customer"}`})
		in = append(in, CompareInput(t, q, int64(i+1), SyntheticName(i), models[i%len(models)], inputs))
	}
	return CompareOf(t, q, in, assess.SortByCoverage)
}

// NoSplitComparison compares two providers on NoSplit.
func NoSplitComparison(t testing.TB) assess.Comparison {
	t.Helper()
	q := NoSplit(t)
	return CompareOf(t, q, []assess.CompareInput{
		CompareInput(t, q, 1, "Acme", assess.SaaS, NoSplitInputs()),
		CompareInput(t, q, 2, "Beta", assess.IaaS, []Input{{Question: "people", Element: "training", Value: `"yes"`}}),
	}, assess.SortByCoverage)
}

// KeepArtifact writes b to $REPORT_OUT_DIR/name, when set, to look at by hand:
// REPORT_OUT_DIR=/tmp go test ./internal/report/...
func KeepArtifact(t testing.TB, name string, b []byte) {
	t.Helper()
	if dir := os.Getenv("REPORT_OUT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// ScriptName is a provider name in one script, as a reader should find it in a file: Want,
// or one of Also (the same text in another Unicode form a reader may give back, such as
// composed accents for decomposed ones, or an emoji without its variation selector).
type ScriptName struct {
	Script string
	Name   string
	Want   string
	Also   []string
}

// ScriptNames are providers named in every script a multinational portfolio holds: Latin
// composed and decomposed, Cyrillic, Greek, Chinese, Japanese, Arabic and Hebrew (right to
// left), and emoji.
var ScriptNames = []ScriptName{
	{Script: "latin-composed", Name: "Nordić Cloud Ünited", Want: "Nordić Cloud Ünited"},
	{Script: "latin-decomposed", Name: "Nordic\u0301 Cloud U\u0308nited", Want: "Nordić Cloud Ünited",
		Also: []string{"Nordic\u0301 Cloud U\u0308nited"}},
	{Script: "cyrillic", Name: "Облачные Системы", Want: "Облачные Системы"},
	{Script: "greek", Name: "Ελληνικό Νέφος", Want: "Ελληνικό Νέφος"},
	{Script: "chinese", Name: "阿里云计算", Want: "阿里云计算"},
	{Script: "japanese", Name: "クラウド株式会社", Want: "クラウド株式会社"},
	{Script: "arabic", Name: "سحابة الخليج", Want: "سحابة الخليج"},
	{Script: "hebrew", Name: "ענן ישראלי", Want: "ענן ישראלי"},
	{Script: "emoji", Name: "Rocket Cloud ☁️🚀 Ltd", Want: "Rocket Cloud ☁️🚀 Ltd", Also: []string{"Rocket Cloud ☁🚀 Ltd"}},
}

// Found reports whether text holds the name in one of the forms a reader may give back.
func (n ScriptName) Found(text string) bool {
	for _, w := range append([]string{n.Want}, n.Also...) {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}
