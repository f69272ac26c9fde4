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
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", nil, nil), http.StatusOK, "Evaluation", &done)
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

	// Reassessing starts a new evaluation from the answers, and it becomes the latest.
	var next evaluationOut
	decodeJSON(t, evaluator.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusCreated, "Evaluation", &next)
	prev := a.evaluation(t, ev.ID)
	if next.ID == ev.ID || len(next.Answers) != len(prev.Answers) || next.Score.Overall != prev.Score.Overall {
		t.Errorf("reassessment: got id %s with %d answers scoring %v, want a new evaluation with the %d answers scoring %v",
			next.ID, len(next.Answers), next.Score.Overall, len(prev.Answers), prev.Score.Overall)
	}
	if got := a.provider(t, p.ID).LatestEvaluation; got == nil || got.ID != next.ID {
		t.Errorf("latest evaluation after reassessing: got %+v, want %s", got, next.ID)
	}
}

type evaluationStatus struct {
	Status string `json:"status"`
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
