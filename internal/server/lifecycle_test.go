package server_test

import (
	"net/http"
	"strings"
	"testing"

	"shareline/internal/auth"
)

func TestEvaluationLifecycle(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Lifecycle "+tag(t), "saas")
	a.workedExample(t, ev.ID)
	const ref = "monitoring.continuous_monitoring"

	var done evaluationStatus
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", map[string]bool{"confirm": true}), http.StatusOK, "Evaluation", &done)
	if done.Status != "completed" {
		t.Fatalf("status after complete: %q, want completed", done.Status)
	}
	before := a.evaluation(t, ev.ID)
	e := wantAPIError(t, a.putAnswer(t, ev.ID, ref, map[string]any{"value": "yes"}), http.StatusConflict, "conflict", "")
	if e.Error.Message == "" {
		t.Error("the refusal says nothing")
	}
	if after := a.evaluation(t, ev.ID); after.Score.Overall != before.Score.Overall || len(after.Answers) != len(before.Answers) {
		t.Error("a save to a completed evaluation changed it")
	}
	wantAPIError(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", nil, nil), http.StatusConflict, "conflict", "")

	// Reopening is for admins only.
	evaluator := a.as(t, auth.Evaluator)
	wantAPIError(t, evaluator.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reopen", nil, nil), http.StatusForbidden, "forbidden", "")
	var reopened evaluationStatus
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reopen", nil, nil), http.StatusOK, "Evaluation", &reopened)
	if reopened.Status != "draft" {
		t.Errorf("status after reopen: %q, want draft", reopened.Status)
	}
	a.answer(t, ev.ID, ref, map[string]any{"value": "yes"})
	if r := a.get(t, "/admin/audit?provider="+p.ID); !contains(r.body, "evaluation.reopened") || !contains(r.body, "evaluation.completed") {
		t.Error("the audit log lacks the completion and the reopening")
	}
	complete(t, a, ev.ID)

	// Reassessing starts a new draft from the answers, shown beside the completed one.
	var next evaluationOut
	decodeJSON(t, evaluator.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusCreated, "Evaluation", &next)
	prev := a.evaluation(t, ev.ID)
	if next.ID == ev.ID || len(next.Answers) != len(prev.Answers) || next.Score.Overall != prev.Score.Overall {
		t.Errorf("reassessment: got id %s with %d answers scoring %v, want a new evaluation with the %d answers scoring %v",
			next.ID, len(next.Answers), next.Score.Overall, len(prev.Answers), prev.Score.Overall)
	}
	if got := a.provider(t, p.ID); got.LatestEvaluation == nil || got.LatestEvaluation.ID != ev.ID || got.DraftEvaluation == nil || got.DraftEvaluation.ID != next.ID {
		t.Errorf("after reassessing: got current %+v, draft %+v; want %s completed and %s in progress", got.LatestEvaluation, got.DraftEvaluation, ev.ID, next.ID)
	}
}

type evaluationStatus struct {
	Status string `json:"status"`
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

func TestProviderPageShowsTrend(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Trend "+tag(t), "saas")
	a.answer(t, ev.ID, "abuse_cases.app_vulnerabilities", map[string]any{"value": "no"})
	complete(t, a, ev.ID)
	var next evaluationOut
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusCreated, "Evaluation", &next)
	a.answer(t, next.ID, "abuse_cases.malware", map[string]any{"value": "yes"}) // abuse cases 25 → coverage 5
	page := string(a.get(t, "/providers/"+p.ID).body)
	if !strings.Contains(page, "▲ +5.0") {
		t.Errorf("the provider page does not show the newer evaluation's rise of 5.0 over the older one")
	}
}

// Every log line of a request carries its id, which the error page quotes as the reference.
func TestRequestIDInLogsAndErrorPages(t *testing.T) {
	t.Parallel()
	a := newBrokenApp(t)
	r := a.get(t, "/providers")
	wantStatus(t, r, http.StatusInternalServerError)
	id := r.header.Get("X-Request-Id")
	if len(id) != 16 {
		t.Fatalf("X-Request-Id: got %q, want 16 hex characters", id)
	}
	if !strings.Contains(string(r.body), "Reference: "+id) {
		t.Errorf("the error page does not quote the request id %s", id)
	}
	lines := 0
	for _, line := range strings.Split(a.logs.String(), "\n") {
		if strings.Contains(line, "request_id="+id) {
			lines++
		}
	}
	if lines < 2 {
		t.Errorf("log lines carrying request_id=%s: got %d, want the failure and the request line", id, lines)
	}
}
