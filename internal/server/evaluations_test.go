package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
	"shareline/internal/postgres/postgrestest"
)

var questionKeys = []string{"shared_model", "abuse_cases", "assessments", "monitoring", "incident_response"}

func TestEvaluationCreate(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.createProvider(t, "Acme "+tag(t), "saas")
	r := a.do(t, http.MethodPost, "/api/v1/providers/"+p.ID+"/evaluations", nil, nil)
	var ev evaluationOut
	decodeJSON(t, r, http.StatusCreated, "Evaluation", &ev)
	if !idShape.MatchString(ev.ID) {
		t.Errorf("id: got %q, want a decimal string", ev.ID)
	}
	if loc := r.header.Get("Location"); loc != "/api/v1/evaluations/"+ev.ID {
		t.Errorf("Location: got %q, want /api/v1/evaluations/%s", loc, ev.ID)
	}
	if ev.ProviderID != p.ID || ev.Questionnaire.Key != "shared-responsibility" || ev.Questionnaire.Version != 1 {
		t.Errorf("provider and questionnaire: got %s, %+v, want %s pinned to shared-responsibility v1", ev.ProviderID, ev.Questionnaire, p.ID)
	}
	if ev.Answers == nil || len(ev.Answers) != 0 {
		t.Errorf("answers: got %v, want {}", ev.Answers)
	}
	// Nothing answered: not assessed, no overall score and no question scores.
	want := scoreOut{Overall: 0, Tier: "not_assessed", Progress: 0, Evidenced: 0, AsOf: today, ScoringVersion: assess.ScoringVersion, Questions: map[string]questionScoreOut{}}
	for _, k := range questionKeys {
		want.Questions[k] = questionScoreOut{Score: nil, Progress: 0}
	}
	if diff := cmp.Diff(want, ev.Score); diff != "" {
		t.Errorf("score of a new evaluation (-want +got):\n%s", diff)
	}
	if ev.Deviations == nil || len(ev.Deviations) != 0 {
		t.Errorf("deviations: got %v, want []", ev.Deviations)
	}
	if want := []string{"user_activity", "user_permissions", "privileged_actions"}; !slices.Equal(ev.Retained, want) || ev.RetainedFrom != "reference" {
		t.Errorf("retained: got %v from %q, want %v from the reference split for SaaS", ev.Retained, ev.RetainedFrom, want)
	}
	if got := a.evaluation(t, ev.ID); !cmp.Equal(got, ev) {
		t.Errorf("GET the new evaluation (-created +got):\n%s", cmp.Diff(ev, got))
	}

	t.Run("unknown provider", func(t *testing.T) {
		r := a.do(t, http.MethodPost, "/api/v1/providers/"+noSuchID+"/evaluations", nil, nil)
		wantAPIError(t, r, http.StatusNotFound, "not_found", "")
	})
	for _, id := range wrongShapeIDs {
		t.Run("provider id "+id, func(t *testing.T) {
			r := a.do(t, http.MethodPost, "/api/v1/providers/"+url.PathEscape(id)+"/evaluations", nil, nil)
			wantAPIError(t, r, http.StatusNotFound, "not_found", "")
		})
	}
}

func TestEvaluationGet(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")

	before := a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{
		"value":       "yes",
		"explanation": "EDR on every host.",
		"evidence":    []map[string]string{{"url": "https://acme.example/edr", "effective_date": "2026-01-31"}},
	})
	got := a.evaluation(t, ev.ID)
	ans, ok := got.Answers["abuse_cases.malware"]
	if !ok {
		t.Fatalf("answers: got keys %v, want abuse_cases.malware", keysOf(got.Answers))
	}
	wantAnswer := answerOut{
		Value: []byte(`"yes"`), Explanation: "EDR on every host.",
		Evidence: []evidenceOut{{URL: "https://acme.example/edr", EffectiveDate: "2026-01-31"}},
		Version:  1, UpdatedAt: before.UpdatedAt,
		Review:     &reviewOut{Verdict: "pending", Thread: []messageOut{}},
		AnsweredBy: &answeredByOut{Kind: "team", Name: "Test admin"},
	}
	if diff := cmp.Diff(wantAnswer, ans); diff != "" {
		t.Errorf("answer abuse_cases.malware (-want +got):\n%s", diff)
	}
	if ans.UpdatedAt == "" {
		t.Errorf("updated_at: got empty, want the time of the save")
	}
	if len(got.Answers) != 1 {
		t.Errorf("answers: got %v, want only the element saved", keysOf(got.Answers))
	}
	s := got.Score
	if s.Overall != 5 || s.Tier != "poor" || s.Progress != 4.5 || s.Evidenced != 100 || s.AsOf != today || s.ScoringVersion != assess.ScoringVersion {
		t.Errorf("score: got %+v, want overall 5, poor, progress 4.5, evidenced 100, as of %s, scoring version 2", s, today)
	}
	if q := s.Questions["abuse_cases"]; q.Score == nil || *q.Score != 25 || q.Progress != 25 {
		t.Errorf("questions.abuse_cases: got %+v, want score 25 and progress 25", q)
	}
	if diff := cmp.Diff(before.Score, s); diff != "" {
		t.Errorf("score from GET differs from the score the save answered with (-save +get):\n%s", diff)
	}

	t.Run("unknown evaluation", func(t *testing.T) {
		wantAPIError(t, a.get(t, "/api/v1/evaluations/"+noSuchID), http.StatusNotFound, "not_found", "")
	})
	for _, id := range wrongShapeIDs {
		t.Run("id "+id, func(t *testing.T) {
			wantAPIError(t, a.get(t, "/api/v1/evaluations/"+url.PathEscape(id)), http.StatusNotFound, "not_found", "")
		})
	}
}

// What stays with the customer follows the reference split until the matrix is answered in
// full, and the provider's claims after; claims that differ from the reference are deviations.
func TestEvaluationRetainedAndDeviations(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	cases := []struct {
		name           string
		model          string
		matrix         map[string]string // nil: not answered
		wantRetained   []string
		wantFrom       string
		wantDeviations []deviationOut
	}{
		{
			name: "saas, matrix not answered", model: "saas",
			wantRetained: []string{"user_activity", "user_permissions", "privileged_actions"}, wantFrom: "reference",
			wantDeviations: []deviationOut{},
		},
		{
			name: "iaas, matrix not answered", model: "iaas",
			wantRetained: []string{"network", "os", "application", "user_activity", "user_permissions", "privileged_actions"}, wantFrom: "reference",
			wantDeviations: []deviationOut{},
		},
		{
			name: "saas, matrix half answered", model: "saas", matrix: map[string]string{"physical": "provider", "application": "customer"},
			wantRetained: []string{"application", "user_activity", "user_permissions", "privileged_actions"}, wantFrom: "reference",
			wantDeviations: []deviationOut{{"application", "customer", "provider"}},
		},
		{
			name: "saas, matrix as the reference", model: "saas", matrix: saasMatrix(nil),
			wantRetained: []string{"user_activity", "user_permissions", "privileged_actions"}, wantFrom: "claimed",
			wantDeviations: []deviationOut{},
		},
		{
			name: "saas claiming application is the customer's", model: "saas", matrix: saasMatrix(map[string]string{"application": "customer"}),
			wantRetained: []string{"application", "user_activity", "user_permissions", "privileged_actions"}, wantFrom: "claimed",
			wantDeviations: []deviationOut{{"application", "customer", "provider"}},
		},
		{
			name: "saas claiming to own user permissions and privileged actions", model: "saas",
			matrix:       saasMatrix(map[string]string{"user_permissions": "provider", "privileged_actions": "not_applicable", "user_activity": "provider"}),
			wantRetained: []string{"user_permissions", "privileged_actions"}, wantFrom: "claimed",
			wantDeviations: []deviationOut{{"user_activity", "provider", "shared"}, {"user_permissions", "provider", "customer"}, {"privileged_actions", "not_applicable", "customer"}},
		},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ev := a.evaluated(t, c.name+" "+word+string(rune('a'+i)), c.model)
			if c.matrix != nil {
				a.answer(t, ev.ID, "shared_model.matrix", map[string]any{"value": c.matrix})
			}
			got := a.evaluation(t, ev.ID)
			if !slices.Equal(got.Retained, c.wantRetained) || got.RetainedFrom != c.wantFrom {
				t.Errorf("retained: got %v from %q, want %v from %q", got.Retained, got.RetainedFrom, c.wantRetained, c.wantFrom)
			}
			if diff := cmp.Diff(c.wantDeviations, got.Deviations); diff != "" {
				t.Errorf("deviations (-want +got):\n%s", diff)
			}
		})
	}
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Date credits depend on the day: a score stored on an earlier day is recomputed before it is
// shown (QUESTIONNAIRE.md, Scoring). Two servers share one database, a day apart.
func TestScoresAreRecomputedOnALaterDay(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	day1 := newAppOn(t, store)
	day2 := newAppAt(t, store, now.AddDate(0, 0, 1), true)
	const tomorrowDate = "2026-04-16"

	p, ev := day1.evaluated(t, "Acme "+tag(t), "saas")
	// 365 days old on day 1 (full credit), 366 on day 2 (half credit).
	saved := day1.answer(t, ev.ID, "assessments.last_independent_audit", map[string]any{"value": "2025-04-15"})
	if saved.Score.Overall != 4 || saved.Score.AsOf != today {
		t.Fatalf("day 1 score: got %v as of %s, want 4 as of %s", saved.Score.Overall, saved.Score.AsOf, today)
	}

	t.Run("evaluation", func(t *testing.T) {
		got := day2.evaluation(t, ev.ID).Score
		if got.Overall != 2 || got.AsOf != tomorrowDate || *got.Questions["assessments"].Score != 10 {
			t.Errorf("day 2 score: got overall %v, assessments %v, as of %s; want 2, 10, as of %s",
				got.Overall, *got.Questions["assessments"].Score, got.AsOf, tomorrowDate)
		}
	})
	t.Run("evaluation summary page", func(t *testing.T) {
		page := parsePage(t, day2.get(t, "/evaluations/"+ev.ID+"/summary"), http.StatusOK)
		if got := page.textOf(t, "overall-score"); got != "2.0" {
			t.Errorf("day 2 summary overall-score: got %q, want 2.0", got)
		}
	})
	t.Run("provider's draft", func(t *testing.T) {
		got := day2.provider(t, p.ID).DraftEvaluation
		if got == nil || got.Score != 2 || got.AsOf != tomorrowDate {
			t.Errorf("day 2 draft_evaluation: got %+v, want score 2 as of %s", got, tomorrowDate)
		}
	})
}
