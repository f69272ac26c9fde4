package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shareline/internal/postgres/postgrestest"
)

// The integrity rules of evaluations, through the API as a client sees them. Each test here
// failed on the code before the use-case layer (see the closing note of the issue "Rules in one
// place").

// bodyObject decodes a JSON body into a generic map, failing on another status.
func bodyObject(t *testing.T, r response, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s %s: got %d, want %d; body: %s", r.method, r.target, r.status, status, r.body)
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("%s %s: body is not a JSON object: %v", r.method, r.target, err)
	}
	return m
}

func field(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[p]
	}
	return v
}

// Bug a: starting an evaluation made the provider "0.0 Poor". A provider is represented by its
// latest completed evaluation; with none it is not assessed (null score), a draft is shown
// beside it, at most one draft at a time, and only a completed evaluation can be reassessed.
func TestProviderIsRepresentedByItsLatestCompletedEvaluation(t *testing.T) {
	a := newApp(t)
	p, ev := a.evaluated(t, "Represented "+tag(t), "saas")

	got := bodyObject(t, a.get(t, "/api/v1/providers/"+p.ID), http.StatusOK)
	if got["score"] != nil || got["tier"] != "not_assessed" {
		t.Errorf("with only an empty draft: got score %v tier %v, want null and not_assessed", got["score"], got["tier"])
	}
	list := a.get(t, "/providers?q="+url.QueryEscape(p.Name))
	if !strings.Contains(string(list.body), `data-testid="provider-score">–<`) || !strings.Contains(string(list.body), ">Not assessed<") {
		t.Errorf("provider list with only a draft: want no score and \"Not assessed\"; body: %s", list.body)
	}
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/providers/"+p.ID+"/evaluations", nil, nil), http.StatusConflict)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusConflict)

	a.workedExample(t, ev.ID)
	complete(t, a, ev.ID)
	got = bodyObject(t, a.get(t, "/api/v1/providers/"+p.ID), http.StatusOK)
	if got["score"] != 16.7 || got["tier"] != "poor" {
		t.Errorf("after completing: got score %v tier %v, want 16.7 poor", got["score"], got["tier"])
	}
	next := bodyObject(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusCreated)
	got = bodyObject(t, a.get(t, "/api/v1/providers/"+p.ID), http.StatusOK)
	if got["score"] != 16.7 || field(got, "current_evaluation", "id") != ev.ID || field(got, "draft_evaluation", "id") != next["id"] {
		t.Errorf("with a reassessment in progress: got %v, want the completed evaluation's 16.7 and the draft beside it", got)
	}
}

// complete completes an evaluation, confirming whatever is unanswered.
func complete(t *testing.T, a *testApp, id string) {
	t.Helper()
	r := a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+id+"/complete", map[string]bool{"confirm": true})
	wantStatus(t, r, http.StatusOK)
}

// Bug b: editing the provider's service model rewrote a completed evaluation's deviations and
// reference. An evaluation records the provider as it was.
func TestEvaluationKeepsTheProviderItWasMadeFor(t *testing.T) {
	a := newApp(t)
	p, ev := a.evaluated(t, "Snapshot "+tag(t), "saas")
	a.answer(t, ev.ID, "shared_model.matrix", map[string]any{"value": saasMatrix(nil)})
	complete(t, a, ev.ID)
	before := bodyObject(t, a.get(t, "/api/v1/evaluations/"+ev.ID), http.StatusOK)

	edit := url.Values{"name": {p.Name + " renamed"}, "service_model": {"iaas"}}
	wantStatus(t, a.postForm(t, "/providers/"+p.ID, edit, false), http.StatusSeeOther)

	after := bodyObject(t, a.get(t, "/api/v1/evaluations/"+ev.ID), http.StatusOK)
	if d1, d2 := asJSON(before["deviations"]), asJSON(after["deviations"]); d1 != d2 || d1 != "[]" {
		t.Errorf("deviations: before the edit %s, after %s; want [] both times (the SaaS matrix matches SaaS)", d1, d2)
	}
	if got := field(after, "provider", "service_model"); got != "saas" {
		t.Errorf("evaluation's service model after the provider moved to IaaS: got %v, want saas", got)
	}
	page := a.get(t, "/evaluations/"+ev.ID+"/report")
	if !strings.Contains(string(page.body), p.Name) || strings.Contains(string(page.body), "IaaS") {
		t.Errorf("report after the edit: want the name and model it was made for (SaaS, not IaaS)")
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Bug c: an evaluation with no answers could be completed with one click. Completing needs an
// answer; below full progress the person confirms, and the audit log records it.
func TestCompletingNeedsAnswersAndAConfirmation(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Complete "+tag(t), "paas")
	wantStatus(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", map[string]bool{"confirm": true}), http.StatusConflict)

	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	wantAPIError(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", nil, nil), http.StatusUnprocessableEntity, "invalid", "confirm")
	if got := bodyObject(t, a.get(t, "/api/v1/evaluations/"+ev.ID), http.StatusOK)["status"]; got != "draft" {
		t.Fatalf("after a refused completion: status %v, want draft", got)
	}
	complete(t, a, ev.ID)
	audit := a.get(t, "/admin/audit")
	if !strings.Contains(string(audit.body), "21 elements unanswered, confirmed") {
		t.Errorf("audit log: want the completion with \"21 elements unanswered, confirmed\"; body: %s", audit.body)
	}
}

// Bug d: reassessing copied answers without revisions and said nothing of the source.
func TestReassessCopiesAnswersWithTheirOrigin(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Reassess "+tag(t), "saas")
	a.workedExample(t, ev.ID)
	complete(t, a, ev.ID)
	next := bodyObject(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusCreated)
	id := next["id"].(string)
	hist := bodyObject(t, a.get(t, "/api/v1/evaluations/"+id+"/answers/abuse_cases.malware/history"), http.StatusOK)
	revs, _ := hist["revisions"].([]any)
	if len(revs) != 1 || field(revs[0].(map[string]any), "note") != "copied from evaluation "+ev.ID {
		t.Errorf("history of a copied answer: got %v, want one revision noted \"copied from evaluation %s\"", revs, ev.ID)
	}
	audit := a.get(t, "/admin/audit")
	if !strings.Contains(string(audit.body), "as a reassessment of evaluation "+ev.ID) {
		t.Errorf("audit log: want the reassessment naming evaluation %s", ev.ID)
	}
}

// Bug e: a restore dropped the explanation and evidence and silently overwrote a newer save.
func TestRestoreBringsBackTheWholeRevisionAndRefusesAStalePage(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Restore whole "+tag(t), "saas")
	ref := "incident_response.ir_plan"
	evidence := []map[string]string{{"url": "https://example.com/ir-plan.pdf", "effective_date": "2026-01-10"}}
	a.answer(t, ev.ID, ref, map[string]any{"value": "yes", "explanation": "plan v3", "evidence": evidence})
	a.answer(t, ev.ID, ref, map[string]any{"value": "no", "explanation": "plan withdrawn"})

	stale := url.Values{"version": {"1"}, "base_version": {"1"}}
	wantStatus(t, a.postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref+"/restore", stale, false), http.StatusConflict)
	form := url.Values{"version": {"1"}, "base_version": {"2"}}
	wantStatus(t, a.postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref+"/restore", form, false), http.StatusSeeOther)

	got := bodyObject(t, a.get(t, "/api/v1/evaluations/"+ev.ID), http.StatusOK)
	answer := field(got, "answers", ref).(map[string]any)
	if answer["value"] != "yes" || answer["explanation"] != "plan v3" || asJSON(answer["evidence"]) != asJSON(evidence) || answer["version"] != 3.0 {
		t.Errorf("after restoring version 1: got %v, want yes, \"plan v3\", its evidence, version 3", answer)
	}
	hist := bodyObject(t, a.get(t, "/api/v1/evaluations/"+ev.ID+"/answers/"+ref+"/history"), http.StatusOK)
	if revs := hist["revisions"].([]any); field(revs[0].(map[string]any), "note") != "restored version 1" {
		t.Errorf("newest revision: got %v, want it noted \"restored version 1\"", revs[0])
	}
}

// Bug f: a completed evaluation showed its frozen score in its report and another (rescored
// today) in a comparison. Completed means frozen, everywhere.
func TestACompletedEvaluationHasOneScoreEverywhere(t *testing.T) {
	store := postgrestest.Store(t)
	day1 := newAppOn(t, store)
	var ids []string
	for _, name := range []string{"Frozen A", "Frozen B"} {
		p, ev := day1.evaluated(t, name+" "+tag(t), "saas")
		ids = append(ids, p.ID)
		day1.answer(t, ev.ID, "assessments.last_independent_audit", map[string]any{"value": "2026-03-01"})
		day1.answer(t, ev.ID, "incident_response.ir_tested", map[string]any{"value": "2026-02-01"})
		complete(t, day1, ev.ID)
	}
	// Two years later the dates would earn nothing if they were scored again.
	later := newAppAt(t, store, now.AddDate(2, 0, 0), true)
	c := bodyObject(t, later.get(t, "/api/v1/compare?ids="+strings.Join(ids, ",")), http.StatusOK)
	for _, pr := range c["providers"].([]any) {
		entry := pr.(map[string]any)
		report := bodyObject(t, later.get(t, "/api/v1/evaluations/"+entry["evaluation_id"].(string)+"/report.json"), http.StatusOK)
		inCompare, inReport := field(entry, "score", "overall"), field(report, "score", "overall")
		if inCompare != inReport || inCompare == 0.0 {
			t.Errorf("%v: comparison %v, report %v; want the same frozen, non-zero score", entry["name"], inCompare, inReport)
		}
		if asOf := field(entry, "score", "as_of"); asOf != "2026-04-15" {
			t.Errorf("%v: comparison scored as of %v, want its completion day 2026-04-15", entry["name"], asOf)
		}
	}
}

// Bug g: typing then leaving a field wrote two identical revisions. A save equal to the stored
// answer changes nothing.
func TestAnIdenticalSaveChangesNothing(t *testing.T) {
	a := newApp(t)
	_, ev := a.evaluated(t, "Identical "+tag(t), "iaas")
	body := map[string]any{"value": "partial", "explanation": "only in two regions"}
	first := a.answer(t, ev.ID, "monitoring.continuous_monitoring", body)
	second := a.answer(t, ev.ID, "monitoring.continuous_monitoring", body)
	if first.Version != 1 || second.Version != 1 {
		t.Errorf("versions: got %d then %d, want 1 and 1", first.Version, second.Version)
	}
	hist := bodyObject(t, a.get(t, "/api/v1/evaluations/"+ev.ID+"/answers/monitoring.continuous_monitoring/history"), http.StatusOK)
	if n := len(hist["revisions"].([]any)); n != 1 {
		t.Errorf("history: got %d revisions, want 1", n)
	}
}
