package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// criticalQuestionnaire has one critical element among two.
const criticalQuestionnaire = `{"key":"vendor-critical","version":1,"title":"Vendor essentials","questions":[
	{"key":"access","title":"Access","elements":[
		{"key":"mfa","label":"Multi-factor sign-in for administrators","type":"status","critical":true},
		{"key":"reviews","label":"Access reviews","type":"status"}]}]}`

// TestCriticalElementHoldsTheTier: a questionnaire's critical element below full credit holds
// the tier at Weak on the API, the evaluation page, the report and the scoring page.
func TestCriticalElementHoldsTheTier(t *testing.T) {
	a := newApp(t)
	q, err := assess.ParseQuestionnaire([]byte(criticalQuestionnaire))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.uc.PublishQuestionnaire(context.Background(), app.CommandLine(), q); err != nil {
		t.Fatal(err)
	}
	p := a.createProvider(t, "Critical Cloud "+tag(t), "saas")
	var ev evaluationOut
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/providers/"+p.ID+"/evaluations?questionnaire=vendor-critical", nil, nil), http.StatusCreated, "Evaluation", &ev)
	a.answer(t, ev.ID, "access.reviews", map[string]any{"value": "yes"})
	saved := a.answer(t, ev.ID, "access.mfa", map[string]any{"value": "partial"})
	// Coverage 100 × (0.5 + 1) / 2 = 75 would be Adequate.
	if saved.Score.Overall != 75 || saved.Score.Tier != "weak" {
		t.Errorf("score: %.1f %s, want 75.0 held at weak", saved.Score.Overall, saved.Score.Tier)
	}
	const note = `Held at Weak while “Multi-factor sign-in for administrators” is below full credit (critical).`
	for _, path := range []string{"/evaluations/" + ev.ID, "/evaluations/" + ev.ID + "/report"} {
		if body := string(a.get(t, path).body); !strings.Contains(body, note) {
			t.Errorf("%s: want the note %q", path, note)
		}
	}
	if page := string(a.get(t, "/evaluations/"+ev.ID).body); !strings.Contains(page, `data-testid="critical-tag-access.mfa"`) || strings.Contains(page, `critical-tag-access.reviews`) {
		t.Error("evaluation page: want the critical element, and only it, tagged critical")
	}
	scoring := string(a.get(t, "/questionnaires/vendor-critical/1/scoring").body)
	if !strings.Contains(scoring, "below full credit, holds the tier at Weak") {
		t.Errorf("scoring page: want the critical element's rule")
	}
	// At full credit it holds nothing.
	full := a.answer(t, ev.ID, "access.mfa", map[string]any{"value": "yes"})
	if full.Score.Tier != "strong" {
		t.Errorf("with the critical element at full credit: tier %s, want strong", full.Score.Tier)
	}
	if body := string(a.get(t, "/evaluations/"+ev.ID).body); strings.Contains(body, "Held at Weak") {
		t.Error("the evaluation page still says the tier is held")
	}
}
