package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func (a *testApp) patchProvider(t *testing.T, id, body string, header http.Header) response {
	t.Helper()
	h := http.Header{"Content-Type": {"application/merge-patch+json"}}
	for k, v := range header {
		h[k] = v
	}
	return a.do(t, http.MethodPatch, "/api/v1/providers/"+id, strings.NewReader(body), h)
}

func TestAPIProviderPatchMergesFields(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	var p providerOut
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/providers", map[string]string{"name": "Patch " + word, "service_model": "saas",
		"offering": "Object storage", "website": "https://patch.example", "notes": "Old notes."}), http.StatusCreated, "Provider", &p)
	a.createProvider(t, "Taken "+word, "paas")

	var got providerOut
	decodeJSON(t, a.patchProvider(t, p.ID, `{"notes":"New notes.","website":null}`, nil), http.StatusOK, "Provider", &got)
	if got.Notes != "New notes." || got.Website != "" || got.Offering != "Object storage" || got.Name != p.Name || got.ServiceModel != "saas" {
		t.Errorf("after the patch: %+v; want notes replaced, website cleared, the rest kept", got)
	}
	for _, c := range []struct{ name, body, field string }{
		{"a name cleared", `{"name":null}`, "name"},
		{"a model cleared", `{"service_model":null}`, "service_model"},
		{"an unknown field", `{"colour":"red"}`, "colour"},
		{"a name of the wrong type", `{"name":3}`, "name"},
		{"a name on two lines", `{"name":"A\nB"}`, "name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantAPIError(t, a.patchProvider(t, p.ID, c.body, nil), http.StatusUnprocessableEntity, "invalid", c.field)
		})
	}
	wantAPIError(t, a.patchProvider(t, p.ID, `{"name":"taken `+word+`"}`, nil), http.StatusConflict, "conflict", "")

	// If-Match: a stale tag changes nothing; the current one goes through.
	stale := a.get(t, "/api/v1/providers/"+p.ID).header.Get("ETag")
	wantStatus(t, a.patchProvider(t, p.ID, `{"notes":"Second."}`, nil), http.StatusOK)
	wantAPIError(t, a.patchProvider(t, p.ID, `{"notes":"Lost update."}`, http.Header{"If-Match": {stale}}), http.StatusPreconditionFailed, "precondition_failed", "")
	if n := a.provider(t, p.ID).Notes; n != "Second." {
		t.Errorf("notes after the refusals: %q, want %q (a refusal changes nothing)", n, "Second.")
	}
	current := a.get(t, "/api/v1/providers/"+p.ID).header.Get("ETag")
	wantStatus(t, a.patchProvider(t, p.ID, `{"notes":"Third."}`, http.Header{"If-Match": {current}}), http.StatusOK)
	// Viewers may not patch.
	v := a.anonymous()
	wantAPIError(t, v.patchProvider(t, p.ID, `{"notes":"x"}`, a.bearer(t, "viewer")), http.StatusForbidden, "forbidden", "")
}

func TestAPIListsAProvidersEvaluationsAndTheQuestionnaires(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Listed "+tag(t), "saas")
	a.workedExample(t, ev.ID)
	wantStatus(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", map[string]bool{"confirm": true}), http.StatusOK)
	var again evaluationOut
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusCreated, "Evaluation", &again)
	var list struct {
		Evaluations []headOut `json:"evaluations"`
	}
	decodeJSON(t, a.get(t, "/api/v1/providers/"+p.ID+"/evaluations"), http.StatusOK, "EvaluationList", &list)
	if len(list.Evaluations) != 2 {
		t.Fatalf("evaluations: got %d, want 2", len(list.Evaluations))
	}
	ids := map[string]string{}
	for _, h := range list.Evaluations {
		ids[h.ID] = h.Status
	}
	if ids[ev.ID] != "completed" || ids[again.ID] != "draft" {
		t.Errorf("evaluations: %v, want %s completed and %s draft", ids, ev.ID, again.ID)
	}
	wantAPIError(t, a.get(t, "/api/v1/providers/"+noSuchID+"/evaluations"), http.StatusNotFound, "not_found", "")

	var qs struct {
		Questionnaires []struct {
			Key         string `json:"key"`
			Version     int    `json:"version"`
			Evaluations int    `json:"evaluations"`
		} `json:"questionnaires"`
	}
	decodeJSON(t, a.get(t, "/api/v1/questionnaires"), http.StatusOK, "QuestionnaireList", &qs)
	found := false
	for _, q := range qs.Questionnaires {
		if q.Key == "shared-responsibility" && q.Version >= 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("questionnaires: %+v, want shared-responsibility among them", qs.Questionnaires)
	}
}
