package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestAPIEntityTagsOnReads(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.createProvider(t, "Tagged "+tag(t), "saas")
	for _, target := range []string{"/api/v1/providers/" + p.ID} {
		first := a.get(t, target)
		wantStatus(t, first, http.StatusOK)
		etag := first.header.Get("ETag")
		if etag == "" {
			t.Fatalf("GET %s: no ETag", target)
		}
		again := a.do(t, http.MethodGet, target, nil, http.Header{"If-None-Match": {`"other", ` + etag}})
		wantStatus(t, again, http.StatusNotModified)
		if len(again.body) != 0 || again.header.Get("ETag") != etag {
			t.Errorf("GET %s with If-None-Match: body %q, ETag %q; want no body and ETag %s", target, again.body, again.header.Get("ETag"), etag)
		}
		weak := a.do(t, http.MethodGet, target, nil, http.Header{"If-None-Match": {"W/" + etag}})
		wantStatus(t, weak, http.StatusNotModified)
	}
	// A change to what the provider shows changes its tag.
	before := a.get(t, "/api/v1/providers/"+p.ID).header.Get("ETag")
	ev := a.startEvaluation(t, p.ID)
	after := a.do(t, http.MethodGet, "/api/v1/providers/"+p.ID, nil, http.Header{"If-None-Match": {before}})
	wantStatus(t, after, http.StatusOK)
	if after.header.Get("ETag") == before {
		t.Errorf("provider ETag after an evaluation started: still %s, want a new one", before)
	}
	evTag := a.get(t, "/api/v1/evaluations/"+ev.ID).header.Get("ETag")
	wantStatus(t, a.do(t, http.MethodGet, "/api/v1/evaluations/"+ev.ID, nil, http.Header{"If-None-Match": {evTag}}), http.StatusNotModified)
	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	wantStatus(t, a.do(t, http.MethodGet, "/api/v1/evaluations/"+ev.ID, nil, http.Header{"If-None-Match": {evTag}}), http.StatusOK)
}

func TestAPIIfMatchOnAnswers(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "IfMatch "+tag(t), "saas")
	target := "/api/v1/evaluations/" + ev.ID + "/answers/abuse_cases.malware"
	var got answerOut
	r := a.get(t, target)
	decodeJSON(t, r, http.StatusOK, "Answer", &got)
	if got.Version != 0 || r.header.Get("ETag") != `"v0"` {
		t.Fatalf("never answered: version %d, ETag %s; want 0 and \"v0\"", got.Version, r.header.Get("ETag"))
	}
	put := func(match string, body map[string]any) response {
		return a.do(t, http.MethodPut, target, jsonBody(t, body), http.Header{"Content-Type": {"application/json"}, "If-Match": {match}})
	}
	saved := put(`"v0"`, map[string]any{"value": "yes"})
	wantStatus(t, saved, http.StatusOK)
	if saved.header.Get("ETag") != `"v1"` {
		t.Errorf("after the first save: ETag %s, want \"v1\"", saved.header.Get("ETag"))
	}
	stale := put(`"v0"`, map[string]any{"value": "no"})
	wantAPIError(t, stale, http.StatusPreconditionFailed, "precondition_failed", "")
	var body struct {
		Error struct {
			Current answerOut `json:"current"`
		} `json:"error"`
	}
	if err := json.Unmarshal(stale.body, &body); err != nil || body.Error.Current.Version != 1 {
		t.Errorf("412: current %+v (%v), want the stored answer at version 1", body.Error.Current, err)
	}
	wantAPIError(t, put(`"v1"`, map[string]any{"value": "no", "base_version": 0}), http.StatusUnprocessableEntity, "invalid", "base_version")
	wantAPIError(t, put(`"not-a-version"`, map[string]any{"value": "no"}), http.StatusPreconditionFailed, "precondition_failed", "")
	if v := a.evaluation(t, ev.ID).Answers["abuse_cases.malware"]; v.Version != 1 || string(v.Value) != `"yes"` {
		t.Errorf("after the refusals: version %d value %s, want 1 and \"yes\" (a refusal changes nothing)", v.Version, v.Value)
	}
	wantStatus(t, put(`"v1"`, map[string]any{"value": "no"}), http.StatusOK)
	wantStatus(t, a.do(t, http.MethodGet, target, nil, http.Header{"If-None-Match": {`"v2"`}}), http.StatusNotModified)
}

func TestAPIIfMatchOnLifecycleAndStart(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Lifecycle "+tag(t), "saas")
	staleEval := a.get(t, "/api/v1/evaluations/"+ev.ID).header.Get("ETag")
	a.workedExample(t, ev.ID)
	complete := func(match string) response {
		return a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", jsonBody(t, map[string]bool{"confirm": true}),
			http.Header{"Content-Type": {"application/json"}, "If-Match": {match}})
	}
	wantAPIError(t, complete(staleEval), http.StatusPreconditionFailed, "precondition_failed", "")
	if got := a.evaluation(t, ev.ID); got.Score.Tier == "" || a.get(t, "/api/v1/evaluations/"+ev.ID).header.Get("ETag") == staleEval {
		t.Errorf("after a stale completion: want the evaluation unchanged by it and its tag moved on by the saves")
	}
	var st struct {
		Status string `json:"status"`
	}
	decodeJSON(t, a.get(t, "/api/v1/evaluations/"+ev.ID), http.StatusOK, "Evaluation", &st)
	if st.Status != "draft" {
		t.Fatalf("after a stale completion: status %s, want draft", st.Status)
	}
	current := a.get(t, "/api/v1/evaluations/"+ev.ID).header.Get("ETag")
	wantStatus(t, complete(current), http.StatusOK)

	staleProvider := a.get(t, "/api/v1/providers/"+p.ID).header.Get("ETag")
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reopen", nil, nil), http.StatusOK) // the provider now shows a draft again
	r := a.do(t, http.MethodPost, "/api/v1/providers/"+p.ID+"/evaluations", nil, http.Header{"If-Match": {staleProvider}})
	wantAPIError(t, r, http.StatusPreconditionFailed, "precondition_failed", "")
}

// jsonBody encodes v as a request body.
func jsonBody(t *testing.T, v any) *strings.Reader {
	t.Helper()
	return strings.NewReader(jsonText(t, v))
}
