package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

// decodedReport is the JSON shape as a client would declare it, independent of the types
// that write it.
type decodedReport struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Provider struct {
		ID           string `json:"id"`
		Name         string `json:"name"`
		Offering     string `json:"offering"`
		ServiceModel string `json:"service_model"`
	} `json:"provider"`
	Evaluation struct {
		ID          string  `json:"id"`
		Status      string  `json:"status"`
		CompletedBy *string `json:"completed_by"`
		CompletedAt *string `json:"completed_at"`
	} `json:"evaluation"`
	Questionnaire struct {
		Key     string `json:"key"`
		Version int    `json:"version"`
	} `json:"questionnaire"`
	ScoringVersion int     `json:"scoring_version"`
	Evaluator      *string `json:"evaluator"`
	GeneratedAt    string  `json:"generated_at"`
	AsOf           string  `json:"as_of"`
	Score          struct {
		Overall   *float64 `json:"overall"`
		Tier      string   `json:"tier"`
		Progress  float64  `json:"progress"`
		Evidenced float64  `json:"evidenced"`
		Questions map[string]struct {
			Score    *float64 `json:"score"`
			Progress float64  `json:"progress"`
		} `json:"questions"`
	} `json:"score"`
	Answers []struct {
		Question, Element, Label, Type, Explanation string
		Value                                       json.RawMessage
		Evidence                                    []struct {
			URL           string `json:"url"`
			EffectiveDate string `json:"effective_date"`
		}
		Credit *float64
		Weight float64
	} `json:"answers"`
	Matrix []struct {
		Layer, Reference string
		Claimed          *string
		Deviation        bool
	} `json:"matrix"`
	Retained *struct {
		From   string `json:"from"`
		Layers []struct {
			Layer, Owner, From, Instruction string
			Always                          bool
		} `json:"layers"`
	} `json:"retained"`
	FollowUps []struct{ Question, Element, Text string } `json:"follow_ups"`
}

// decodeReport writes a report as JSON and reads it back; raw is the document itself.
func decodeReport(t *testing.T, r report.Report) (out decodedReport, raw string) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	raw = buf.String()
	if err := json.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return out, raw
}

func TestWriteJSON(t *testing.T) {
	r := reporttest.Full(t, "Облачные Системы")
	got, _ := decodeReport(t, r)
	if got.Format != "shareline-report" || got.Version != 2 {
		t.Errorf("format, version = %q, %d; want shareline-report, 2", got.Format, got.Version)
	}
	if got.Provider.Name != "Облачные Системы" || got.Provider.ID != "42" || got.Provider.ServiceModel != "saas" ||
		got.Provider.Offering != "Object storage" {
		t.Errorf("provider = %+v", got.Provider)
	}
	if got.Evaluation.ID != "142" || got.Evaluation.Status != "completed" || got.Evaluation.CompletedBy == nil ||
		*got.Evaluation.CompletedBy != "Jean Dupont" || got.Evaluation.CompletedAt == nil {
		t.Errorf("evaluation = %+v", got.Evaluation)
	}
	if got.Questionnaire.Key != "shared-responsibility" || got.Questionnaire.Version != 1 || got.ScoringVersion != assess.ScoringVersion {
		t.Errorf("questionnaire %+v, scoring version %d", got.Questionnaire, got.ScoringVersion)
	}
	if got.Evaluator == nil || *got.Evaluator != "Ana Müller" || got.AsOf != "2026-11-29" || got.GeneratedAt != "2026-11-29T14:05:00Z" {
		t.Errorf("evaluator %v, as_of %q, generated_at %q", got.Evaluator, got.AsOf, got.GeneratedAt)
	}
	if n := r.Questionnaire.ElementCount(); len(got.Answers) != n {
		t.Errorf("%d answers, want one per element (%d)", len(got.Answers), n)
	}
	if n := len(r.Questionnaire.Split.Layers); len(got.Matrix) != n {
		t.Errorf("%d matrix rows, want one per layer of the split (%d)", len(got.Matrix), n)
	}
	if len(got.FollowUps) != len(r.FollowUps()) || got.Retained == nil || got.Retained.From != assess.FromReference {
		t.Errorf("%d follow-ups, retained %+v", len(got.FollowUps), got.Retained)
	}
	if got.Retained != nil {
		for _, l := range got.Retained.Layers {
			if l.Instruction != r.Questionnaire.Split.Retain(assess.Layer(l.Layer)) || l.Instruction == "" {
				t.Errorf("retained %s instruction = %q, want the split's", l.Layer, l.Instruction)
			}
		}
	}
}

// TestWriteJSONScoresEqualTheAPI checks the score object against the rounding the API's
// score applies: assess.Round1 of every figure, null for a question that does not apply.
func TestWriteJSONScoresEqualTheAPI(t *testing.T) {
	inputs := append(reporttest.FullInputs(),
		reporttest.Input{Question: "abuse_cases", Element: "app_vulnerabilities", Value: `"not_applicable"`},
		reporttest.Input{Question: "abuse_cases", Element: "malware", Value: `"not_applicable"`},
		reporttest.Input{Question: "abuse_cases", Element: "privilege_abuse", Value: `"not_applicable"`})
	r := reporttest.Build(t, reporttest.Questionnaire(t), "Acme", "", assess.PaaS, inputs)
	got, _ := decodeReport(t, r)
	s := r.Summary.Score
	if got.Score.Overall == nil || *got.Score.Overall != assess.Round1(s.Overall) || got.Score.Progress != assess.Round1(s.Progress) ||
		got.Score.Evidenced != assess.Round1(s.Evidenced) || got.Score.Tier != string(s.Tier) {
		t.Errorf("score = %+v, want Round1 of %+v", got.Score, s)
	}
	for _, qs := range s.Questions {
		g, ok := got.Score.Questions[qs.Key]
		switch {
		case !ok:
			t.Errorf("score.questions lacks %s", qs.Key)
		case !qs.Scored && g.Score != nil:
			t.Errorf("score.questions.%s.score = %v, want null (every element not applicable)", qs.Key, *g.Score)
		case qs.Scored && (g.Score == nil || *g.Score != assess.Round1(qs.Score)):
			t.Errorf("score.questions.%s.score = %v, want %v", qs.Key, g.Score, assess.Round1(qs.Score))
		case g.Progress != assess.Round1(qs.Progress):
			t.Errorf("score.questions.%s.progress = %v, want %v", qs.Key, g.Progress, assess.Round1(qs.Progress))
		}
	}
	if got.Score.Questions["abuse_cases"].Score != nil {
		t.Error("abuse_cases should have no score: every element is not applicable")
	}
}

func TestWriteJSONAnswersAndMatrix(t *testing.T) {
	got, _ := decodeReport(t, reporttest.Full(t, "Acme"))
	byRef := map[string]int{}
	for i, a := range got.Answers {
		byRef[a.Question+"."+a.Element] = i
	}
	doc := got.Answers[byRef["shared_model.documented"]]
	if string(doc.Value) != `"yes"` || doc.Credit == nil || *doc.Credit != 1 || len(doc.Evidence) != 1 ||
		doc.Evidence[0].EffectiveDate != "2026-05-01" {
		t.Errorf("documented = %+v", doc)
	}
	if na := got.Answers[byRef["abuse_cases.abuse_reporting"]]; na.Credit != nil {
		t.Errorf("a not applicable answer has credit %v, want null", *na.Credit)
	}
	if un := got.Answers[byRef["assessments.last_penetration_test"]]; string(un.Value) != "null" || un.Evidence == nil {
		t.Errorf("unanswered = value %s, evidence %v; want null and []", un.Value, un.Evidence)
	}
	var deviations []string
	for _, m := range got.Matrix {
		if m.Deviation {
			deviations = append(deviations, m.Layer)
		}
		if m.Layer == "user_activity" && m.Claimed != nil {
			t.Errorf("user_activity claimed = %q, want null (unassigned)", *m.Claimed)
		}
	}
	if diff := cmp.Diff([]string{"application"}, deviations); diff != "" {
		t.Errorf("deviations (-want +got):\n%s", diff)
	}
}

func TestNewScoreJSONNotAssessed(t *testing.T) {
	r := reporttest.Empty(t)
	got, raw := decodeReport(t, r)
	if got.Score.Overall != nil || got.Score.Tier != "not_assessed" {
		t.Errorf("score of an empty evaluation: overall %v, tier %q; want null and not_assessed", got.Score.Overall, got.Score.Tier)
	}
	if !bytes.Contains([]byte(raw), []byte(`"overall": null`)) {
		t.Error(`JSON lacks "overall": null`)
	}
	for key, qs := range got.Score.Questions {
		if qs.Score != nil {
			t.Errorf("score.questions.%s.score = %v, want null: nothing is assessed", key, *qs.Score)
		}
	}
	if got.Evaluation.Status != "draft" || got.Evaluation.CompletedBy != nil || got.Evaluation.CompletedAt != nil {
		t.Errorf("evaluation of a draft = %+v, want no completion", got.Evaluation)
	}
}
