package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAnswerConflictsAndHistory(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "History "+tag(t), "saas")
	const ref = "abuse_cases.malware"

	first := a.answer(t, ev.ID, ref, map[string]any{"value": "no", "base_version": 0})
	if first.Version != 1 {
		t.Fatalf("first save: version %d, want 1", first.Version)
	}
	a.answer(t, ev.ID, ref, map[string]any{"value": "partial", "base_version": 1, "explanation": "asked again"})

	// Someone still editing version 1 must not overwrite version 2 without seeing it.
	r := a.putAnswer(t, ev.ID, ref, map[string]any{"value": "yes", "base_version": 1})
	e := wantAPIError(t, r, http.StatusConflict, "conflict", "")
	var body struct {
		Error struct {
			Current answerOut `json:"current"`
		} `json:"error"`
	}
	decodeJSON(t, r, http.StatusConflict, "Error", &body)
	if body.Error.Current.Version != 2 || string(body.Error.Current.Value) != `"partial"` {
		t.Errorf("409 current answer: got version %d value %s, want version 2 \"partial\" (%s)", body.Error.Current.Version, body.Error.Current.Value, e.Error.Message)
	}
	if got := a.evaluation(t, ev.ID).Answers[ref]; got.Version != 2 || string(got.Value) != `"partial"` {
		t.Errorf("after the refused save: stored version %d value %s, want 2 \"partial\"", got.Version, got.Value)
	}
	// Taking it into account, the same person saves on version 2.
	a.answer(t, ev.ID, ref, map[string]any{"value": "yes", "base_version": 2})
	// Without base_version there is no check.
	a.answer(t, ev.ID, ref, map[string]any{"value": "no"})
	wantAPIError(t, a.putAnswer(t, ev.ID, ref, map[string]any{"value": "no", "base_version": -1}), http.StatusUnprocessableEntity, "invalid", "base_version")

	var h struct {
		Revisions []struct {
			Version     int    `json:"version"`
			OldValue    any    `json:"old_value"`
			NewValue    any    `json:"new_value"`
			Explanation string `json:"explanation"`
			Actor       string `json:"actor"`
		} `json:"revisions"`
	}
	decodeJSON(t, a.get(t, "/api/v1/evaluations/"+ev.ID+"/answers/"+ref+"/history"), http.StatusOK, "AnswerHistory", &h)
	if len(h.Revisions) != 4 {
		t.Fatalf("history: got %d revisions, want 4 (the refused save is not one)", len(h.Revisions))
	}
	want := []struct {
		version  int
		old, new any
	}{{4, "yes", "no"}, {3, "partial", "yes"}, {2, "no", "partial"}, {1, nil, "no"}}
	for i, w := range want {
		got := h.Revisions[i]
		if got.Version != w.version || got.OldValue != w.old || got.NewValue != w.new || got.Actor != "Test admin" {
			t.Errorf("revision %d: got %+v, want version %d %v → %v by Test admin", i, got, w.version, w.old, w.new)
		}
	}
	wantAPIError(t, a.get(t, "/api/v1/evaluations/"+ev.ID+"/answers/abuse_cases.nonesuch/history"), http.StatusNotFound, "not_found", "")
	wantAPIError(t, a.get(t, "/api/v1/evaluations/"+noSuchID+"/answers/"+ref+"/history"), http.StatusNotFound, "not_found", "")
}

// The form sends the version it shows; a save from a page opened before someone else's save is
// refused with both answers in view, and the form then carries the new version.
func TestFormSaveConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Form conflict "+tag(t), "iaas")
	const ref = "monitoring.continuous_monitoring"
	target := "/evaluations/" + ev.ID + "/answers/" + ref
	ok := a.postForm(t, target, url.Values{"type": {"status"}, "value": {"yes"}, "base_version": {"0"}}, true)
	wantStatus(t, ok, http.StatusOK)
	if !strings.Contains(string(ok.body), `value="1"`) || !strings.Contains(string(ok.body), "data-hx-swap-oob") {
		t.Error("a successful save does not hand the form its new version (base_version 1, out of band)")
	}
	stale := a.postForm(t, target, url.Values{"type": {"status"}, "value": {"no"}, "base_version": {"0"}}, true)
	wantStatus(t, stale, http.StatusConflict)
	if body := string(stale.body); !strings.Contains(body, "Not saved") || !strings.Contains(body, "Current answer: Yes") || !strings.Contains(body, `data-testid="take-current"`) {
		t.Errorf("conflict fragment: want 'Not saved' and the current answer; got %s", stale)
	}
	if got := a.evaluation(t, ev.ID).Answers[ref]; got.Version != 1 || string(got.Value) != `"yes"` {
		t.Errorf("after the conflict: stored version %d value %s, want 1 \"yes\"", got.Version, got.Value)
	}
	plain := a.postForm(t, target, url.Values{"type": {"status"}, "value": {"no"}, "base_version": {"0"}}, false)
	wantStatus(t, plain, http.StatusConflict)
}

// The history page lists every save, and restoring an earlier one saves it again as a new
// revision.
func TestHistoryPageAndRestore(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Restore "+tag(t), "paas")
	const ref = "incident_response.ir_plan"
	a.answer(t, ev.ID, ref, map[string]any{"value": "yes", "explanation": "plan v1"})
	a.answer(t, ev.ID, ref, map[string]any{"value": "no", "explanation": "plan withdrawn"})

	page := a.get(t, "/evaluations/"+ev.ID+"/answers/"+ref+"/history")
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{`data-testid="revision-2"`, `data-testid="revision-1"`, "plan withdrawn", `data-testid="restore-1"`} {
		if !strings.Contains(string(page.body), want) {
			t.Errorf("the history page lacks %s", want)
		}
	}
	r := a.postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref+"/restore", url.Values{"version": {"1"}, "base_version": {"2"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	got := a.evaluation(t, ev.ID).Answers[ref]
	if got.Version != 3 || string(got.Value) != `"yes"` || got.Explanation != "plan v1" {
		t.Errorf("after restoring version 1: got version %d value %s explanation %q, want 3 \"yes\" \"plan v1\"", got.Version, got.Value, got.Explanation)
	}
	wantStatus(t, a.postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref+"/restore", url.Values{"version": {"9"}, "base_version": {"3"}}, false), http.StatusUnprocessableEntity)
	wantStatus(t, a.as(t, "viewer").postForm(t, "/evaluations/"+ev.ID+"/answers/"+ref+"/restore", url.Values{"version": {"1"}, "base_version": {"3"}}, false), http.StatusForbidden)
}
