package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// conditionalQuestionnaire asks "q.how" only when "q.uses" is yes.
const conditionalQuestionnaire = `{"key":"conditional","version":1,"title":"Conditional","questions":[{"key":"q","title":"Q","elements":[
	{"key":"uses","label":"Uses a cloud","type":"status"},
	{"key":"how","label":"Which cloud","type":"text","section":"Details","when":{"element":"q.uses","any_of":["yes"]}}]}]}`

// askedHidden reports whether the page holds the element's wrapper hidden (not asked) or shown.
func askedHidden(t *testing.T, body []byte, ref string) bool {
	t.Helper()
	m := regexp.MustCompile(`<div class="asked"[^>]*data-testid="asked-` + regexp.QuoteMeta(ref) + `"[^>]*>`).Find(body)
	if m == nil {
		m = regexp.MustCompile(`<div class="asked"[^>]*data-ref="` + regexp.QuoteMeta(ref) + `"[^>]*>`).Find(body)
	}
	if m == nil {
		t.Fatalf("no element %s on the page", ref)
	}
	return regexp.MustCompile(`\shidden(\s|>|=)`).Match(m)
}

// The team's form and the respondent's page hold a conditional element hidden while its
// condition fails, with the condition for the form's script; the API says it is not asked; an
// answer that makes the condition hold shows it on both.
func TestConditionalElementsOnTheFormAndTheRespondentsPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	q, err := assess.ParseQuestionnaire([]byte(conditionalQuestionnaire))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.uc.PublishQuestionnaire(context.Background(), app.CommandLine(), q); err != nil {
		t.Fatal(err)
	}
	p := a.createProvider(t, "Conditional "+tag(t), "saas")
	var ev struct {
		ID       string   `json:"id"`
		NotAsked []string `json:"not_asked"`
	}
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/providers/"+p.ID+"/evaluations?questionnaire=conditional", nil), http.StatusCreated, "Evaluation", &ev)
	if len(ev.NotAsked) != 1 || ev.NotAsked[0] != "q.how" {
		t.Errorf("not_asked = %v, want [q.how]", ev.NotAsked)
	}
	resp := a.respondent(t, a.sendRequest(t, ev.ID).URL)
	for name, page := range map[string]*testApp{"form": a, "respondent": resp} {
		path := map[string]string{"form": "/evaluations/" + ev.ID, "respondent": "/respond"}[name]
		r := a.get(t, path)
		if name == "respondent" {
			r = page.get(t, path)
		}
		wantStatus(t, r, http.StatusOK)
		if !askedHidden(t, r.body, "q.how") || askedHidden(t, r.body, "q.uses") {
			t.Errorf("%s: q.how shown or q.uses hidden before any answer", name)
		}
		if !regexp.MustCompile(`Asked because “Uses a cloud” is “Yes”`).Match(r.body) || !regexp.MustCompile(`data-when="\{&#34;element&#34;:&#34;q.uses&#34;`).Match(r.body) {
			t.Errorf("%s: the condition is not given in words and for the script", name)
		}
	}
	wantStatus(t, resp.postForm(t, "/respond/answers/q.uses", url.Values{"type": {"status"}, "value": {"yes"}}, true), http.StatusOK)
	for name, page := range map[string]*testApp{"form": a, "respondent": resp} {
		path := map[string]string{"form": "/evaluations/" + ev.ID, "respondent": "/respond"}[name]
		if r := page.get(t, path); askedHidden(t, r.body, "q.how") {
			t.Errorf("%s: q.how still hidden once q.uses is yes", name)
		}
	}
	decodeJSON(t, a.get(t, "/api/v1/evaluations/"+ev.ID), http.StatusOK, "Evaluation", &ev)
	if len(ev.NotAsked) != 0 {
		t.Errorf("not_asked = %v once the condition holds, want none", ev.NotAsked)
	}
}
