package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
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
	Questionnaire struct {
		Key     string `json:"key"`
		Version int    `json:"version"`
	} `json:"questionnaire"`
	ScoringVersion int     `json:"scoring_version"`
	Evaluator      *string `json:"evaluator"`
	GeneratedAt    string  `json:"generated_at"`
	AsOf           string  `json:"as_of"`
	Score          struct {
		Overall   float64 `json:"overall"`
		Tier      string  `json:"tier"`
		Progress  float64 `json:"progress"`
		Evidenced float64 `json:"evidenced"`
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
	Retained struct {
		From   string `json:"from"`
		Layers []struct {
			Layer, Owner, From, Instruction string
			Always                          bool
		} `json:"layers"`
	} `json:"retained"`
	FollowUps []struct{ Question, Element, Text string } `json:"follow_ups"`
}

func decodeReport(t *testing.T, r Report) decodedReport {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	dec := json.NewDecoder(&buf)
	var out decodedReport
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return out
}

func TestWriteJSON(t *testing.T) {
	r := fullReport(t, "Облачные Системы")
	got := decodeReport(t, r)
	if got.Format != "shareline-report" || got.Version != 1 {
		t.Errorf("format, version = %q, %d; want shareline-report, 1", got.Format, got.Version)
	}
	if got.Provider.Name != "Облачные Системы" || got.Provider.ID != "42" || got.Provider.ServiceModel != "saas" {
		t.Errorf("provider = %+v", got.Provider)
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
	if len(got.Matrix) != len(assess.Layers) {
		t.Errorf("%d matrix rows, want %d", len(got.Matrix), len(assess.Layers))
	}
	if len(got.FollowUps) != len(FollowUps(r)) || got.Retained.From != assess.FromReference {
		t.Errorf("%d follow-ups, retained from %q", len(got.FollowUps), got.Retained.From)
	}
}

// TestWriteJSONScoresEqualTheAPI checks the score object against the rounding the API's
// newScoreJSON applies: assess.Round1 of every figure, null for a question that does not apply.
func TestWriteJSONScoresEqualTheAPI(t *testing.T) {
	inputs := append(fullInputs(), input{question: "abuse_cases", element: "app_vulnerabilities", value: `"not_applicable"`},
		input{question: "abuse_cases", element: "malware", value: `"not_applicable"`},
		input{question: "abuse_cases", element: "privilege_abuse", value: `"not_applicable"`})
	r := buildReport(t, "Acme", "", assess.PaaS, inputs)
	got := decodeReport(t, r)
	s := r.Summary.Score
	if got.Score.Overall != assess.Round1(s.Overall) || got.Score.Progress != assess.Round1(s.Progress) ||
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
	r := fullReport(t, "Acme")
	got := decodeReport(t, r)
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
