package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Requests that carry no answer at all are refused rather than taken as "clear the answer".
func TestSavesWithoutAnAnswerAreRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	const ref = "abuse_cases.malware"
	a.answer(t, ev.ID, ref, map[string]any{"value": "yes"})

	t.Run("API body null", func(t *testing.T) {
		wantAPIError(t, a.putAnswer(t, ev.ID, ref, "null"), http.StatusUnprocessableEntity, "invalid", "body")
	})
	t.Run("form without its type field", func(t *testing.T) {
		wantStatus(t, a.postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref, url.Values{}, true), http.StatusUnprocessableEntity)
	})
	got := a.evaluation(t, ev.ID).Answers[ref]
	if string(got.Value) != `"yes"` || got.Version != 1 {
		t.Errorf("after the refused saves: got value %s version %d, want \"yes\" version 1", got.Value, got.Version)
	}
}

// Ticking no certification yet is not an answer of "none": progress must not move.
func TestMultiFormWithNothingTickedIsNotAnswered(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	const ref = "assessments.certifications"
	form := url.Values{"type": {"multi"}, "explanation": {"Asked for their SOC 2 report"}}
	wantStatus(t, a.postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref, form, true), http.StatusOK)
	got := a.evaluation(t, ev.ID)
	if v := string(got.Answers[ref].Value); v != "null" {
		t.Errorf("value after saving only an explanation: got %s, want null", v)
	}
	if got.Score.Progress != 0 {
		t.Errorf("progress: got %v, want 0", got.Score.Progress)
	}
}

func TestProviderListLimitZeroIsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	wantAPIError(t, a.get(t, "/api/v1/providers?limit=0"), http.StatusUnprocessableEntity, "invalid", "limit")
}

func TestHealthAnswersHead(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		wantStatus(t, a.do(t, http.MethodHead, path, nil, nil), http.StatusOK)
	}
}

func TestQuestionnaireListsStatuses(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var q struct {
		Statuses []string `json:"statuses"`
	}
	decodeJSON(t, a.get(t, "/api/v1/questionnaires/shared-responsibility"), http.StatusOK, "Questionnaire", &q)
	want := []string{"yes", "partial", "no", "not_applicable"}
	if len(q.Statuses) != len(want) {
		t.Fatalf("statuses: got %v, want %v", q.Statuses, want)
	}
	for i := range want {
		if q.Statuses[i] != want[i] {
			t.Errorf("statuses: got %v, want %v", q.Statuses, want)
		}
	}
}

// Characters outside the Basic Multilingual Plane arrive as escaped surrogate pairs; they are
// text, unlike a lone half of a pair.
func TestJSONSurrogatePairsAreText(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	name := "Emoji " + tag(t)
	r := a.sendJSON(t, http.MethodPost, "/api/v1/providers", `{"name":"`+name+` \ud83d\ude00","service_model":"saas"}`)
	wantStatus(t, r, http.StatusCreated)
	if !strings.Contains(string(r.body), "😀") {
		t.Errorf("the provider's name lost its emoji: %s", r.body)
	}
}
