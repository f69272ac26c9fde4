package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shareline/internal/app"
	"shareline/internal/auth"
)

func (a *testApp) review(t *testing.T, evaluationID, ref string, body any) response {
	t.Helper()
	return a.sendJSON(t, http.MethodPut, "/api/v1/evaluations/"+evaluationID+"/answers/"+ref+"/review", body)
}

// The review API: its refusals, the verified share it moves, and a new save putting the
// verdict back to pending.
func TestAnswerReviewAPI(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Reviewed "+tag(t), "saas")
	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	a.answer(t, ev.ID, "abuse_cases.privilege_abuse", map[string]any{"value": "partial"})
	const malware = "abuse_cases.malware"

	wantAPIError(t, a.review(t, ev.ID, malware, map[string]string{}), http.StatusUnprocessableEntity, "invalid", "verdict")
	wantAPIError(t, a.review(t, ev.ID, malware, map[string]string{"verdict": "maybe"}), http.StatusUnprocessableEntity, "invalid", "verdict")
	wantAPIError(t, a.review(t, ev.ID, malware, map[string]string{"verdict": "clarify"}), http.StatusUnprocessableEntity, "invalid", "comment")
	wantAPIError(t, a.review(t, ev.ID, malware, map[string]string{"verdict": "rejected", "comment": " "}), http.StatusUnprocessableEntity, "invalid", "comment")
	wantAPIError(t, a.review(t, ev.ID, "abuse_cases.app_vulnerabilities", map[string]string{"verdict": "accepted"}), http.StatusConflict, "conflict", "")
	wantAPIError(t, a.review(t, ev.ID, "abuse_cases.nothing", map[string]string{"verdict": "accepted"}), http.StatusNotFound, "not_found", "")
	wantAPIError(t, a.review(t, ev.ID, malware, `{"verdict":"accepted","extra":1}`), http.StatusUnprocessableEntity, "invalid", "extra")
	if got := a.evaluation(t, ev.ID).Answers[malware].Review; got == nil || got.Verdict != "pending" {
		t.Fatalf("after refused reviews: review %+v, want pending (nothing changed)", got)
	}

	var out savedOut
	decodeJSON(t, a.review(t, ev.ID, malware, map[string]string{"verdict": "accepted"}), http.StatusOK, "AnswerSaved", &out)
	// credited 1 (malware yes) + 0.5 (privilege abuse partial) = 1.5; accepted 1.
	if out.Review == nil || out.Review.Verdict != "accepted" || out.Review.By == nil || out.Score.Verified != 66.7 {
		t.Errorf("accepted: got review %+v, verified %v; want accepted by someone, verified 66.7", out.Review, out.Score.Verified)
	}
	if got := a.evaluation(t, ev.ID).Score.Verified; got != 66.7 {
		t.Errorf("stored score after the review: verified %v, want 66.7", got)
	}
	decodeJSON(t, a.review(t, ev.ID, "abuse_cases.privilege_abuse", map[string]string{"verdict": "rejected", "comment": "No evidence of the controls."}),
		http.StatusOK, "AnswerSaved", &out)
	if out.Review.Verdict != "rejected" || out.Review.Comment != "No evidence of the controls." || out.Score.Verified != 66.7 {
		t.Errorf("rejected: got %+v, verified %v; want rejected with its note, verified unchanged", out.Review, out.Score.Verified)
	}

	saved := a.answer(t, ev.ID, malware, map[string]any{"value": "partial"})
	if saved.Review == nil || saved.Review.Verdict != "pending" || saved.Score.Verified != 0 {
		t.Errorf("after a new save: review %+v, verified %v; want pending, 0", saved.Review, saved.Score.Verified)
	}
	if by := saved.AnsweredBy; by == nil || by.Kind != "team" || by.RequestID != nil {
		t.Errorf("answered_by: got %+v, want the team", by)
	}

	// Completing asks about the answers pending review, then a completed evaluation is locked.
	wantAPIError(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", nil, nil), http.StatusUnprocessableEntity, "invalid", "confirm")
	wantStatus(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", map[string]bool{"confirm": true}), http.StatusOK)
	wantAPIError(t, a.review(t, ev.ID, malware, map[string]string{"verdict": "accepted"}), http.StatusConflict, "conflict", "")
}

// A clarification reopens its element, alone, for the respondent after they submitted; they
// see the question and answer it, and never see a rejection's note.
func TestRespondentAnswersAClarificationAfterSubmitting(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Clarified "+tag(t), "saas")
	req := a.sendRequest(t, ev.ID)
	r := a.respondent(t, req.URL)
	const asked, rejected = "abuse_cases.malware", "abuse_cases.privilege_abuse"
	for _, ref := range []string{asked, rejected} {
		wantStatus(t, r.sendJSON(t, http.MethodPut, "/respond/answers/"+ref, map[string]any{"value": "yes"}), http.StatusOK)
	}
	wantStatus(t, r.postForm(t, "/respond/submit", url.Values{"confirm": {"yes"}}, false), http.StatusSeeOther)

	by := a.evaluation(t, ev.ID).Answers[asked].AnsweredBy
	if by == nil || by.Kind != "provider" || by.Name != "Ada Contact via request link" || by.RequestID == nil || *by.RequestID != req.ID {
		t.Errorf("answered_by: got %+v, want the provider's contact through request %s", by, req.ID)
	}
	wantStatus(t, a.review(t, ev.ID, asked, map[string]string{"verdict": "clarify", "comment": "Which regions does this cover?"}), http.StatusOK)
	wantStatus(t, a.review(t, ev.ID, rejected, map[string]string{"verdict": "rejected", "comment": "Secret finding note."}), http.StatusOK)

	page := string(r.get(t, "/respond").body)
	for _, want := range []string{"Which regions does this cover?", `data-testid="reply-form-` + asked + `"`, `data-testid="clarifications-open"`} {
		if !strings.Contains(page, want) {
			t.Errorf("respondent page: want %q on it", want)
		}
	}
	for _, never := range []string{"Secret finding note.", `data-testid="reply-form-` + rejected + `"`, "Rejected", "Accepted", `data-testid="submit-form"`} {
		if strings.Contains(page, never) {
			t.Errorf("respondent page: %q must not be on it", never)
		}
	}
	wantAPIError(t, r.sendJSON(t, http.MethodPut, "/respond/answers/"+rejected, map[string]any{"value": "no"}), http.StatusConflict, "conflict", "")
	wantStatus(t, r.postForm(t, "/respond/answers/"+rejected+"/reply", url.Values{"body": {"Why?"}}, false), http.StatusConflict)
	put := r.sendJSON(t, http.MethodPut, "/respond/answers/"+asked, map[string]any{"value": "partial"})
	wantStatus(t, put, http.StatusOK)
	if strings.Contains(string(put.body), `"review"`) || strings.Contains(string(put.body), `"answered_by"`) {
		t.Errorf("respondent's save: %s; want no review or reviewer in it", put.body)
	}
	wantStatus(t, r.postForm(t, "/respond/answers/"+asked+"/reply", url.Values{"body": {" "}}, false), http.StatusUnprocessableEntity)
	wantStatus(t, r.postForm(t, "/respond/answers/"+asked+"/reply", url.Values{"body": {"Frankfurt and Paris."}}, false), http.StatusSeeOther)
	// Still open after their save and reply: they may correct it again.
	wantStatus(t, r.sendJSON(t, http.MethodPut, "/respond/answers/"+asked, map[string]any{"value": "yes"}), http.StatusOK)

	rv := a.evaluation(t, ev.ID).Answers[asked].Review
	if rv == nil || rv.Verdict != "pending" || !rv.Open || len(rv.Thread) != 2 || rv.Thread[0].From != "team" ||
		rv.Thread[1].From != "provider" || rv.Thread[1].Body != "Frankfurt and Paris." || rv.Thread[1].Author != "Ada Contact via request link" {
		t.Errorf("team's view of the clarified answer: %+v; want pending, open, the question then the contact's reply", rv)
	}
	// Accepting settles the clarification: the element closes again.
	wantStatus(t, a.review(t, ev.ID, asked, map[string]string{"verdict": "accepted"}), http.StatusOK)
	wantAPIError(t, r.sendJSON(t, http.MethodPut, "/respond/answers/"+asked, map[string]any{"value": "no"}), http.StatusConflict, "conflict", "")

	entries, _, err := a.uc.Audit(context.Background(), app.CommandLine(), auth.AuditQuery{ProviderID: mustID(t, p.ID), Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.Action+" by "+e.Actor]++
	}
	if seen["answer.reviewed by Test admin"] != 3 || seen["answer.replied by Ada Contact via request link"] != 1 {
		t.Errorf("audit: got %v, want 3 answer.reviewed by Test admin and 1 answer.replied by Ada Contact via request link", seen)
	}
}

// The evaluation page shows each answer's review with its form, filters by review state, and
// completing names how many answers are pending.
func TestEvaluationPageReviewsAndFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Filtered "+tag(t), "saas")
	for _, ref := range []string{"abuse_cases.malware", "abuse_cases.privilege_abuse", "abuse_cases.app_vulnerabilities"} {
		a.answer(t, ev.ID, ref, map[string]any{"value": "yes"})
	}
	refused := a.postForm(t, "/evaluations/"+ev.ID+"/answers/abuse_cases.malware/review", url.Values{"verdict": {"rejected"}, "comment": {""}}, false)
	wantStatus(t, refused, http.StatusUnprocessableEntity)
	if !strings.Contains(string(refused.body), `data-testid="review-error-comment"`) {
		t.Errorf("refused review form: want the comment's problem shown")
	}
	done := a.postForm(t, "/evaluations/"+ev.ID+"/answers/abuse_cases.malware/review", url.Values{"verdict": {"accepted"}, "filter": {"pending"}}, false)
	wantStatus(t, done, http.StatusSeeOther)
	if loc := done.header.Get("Location"); !strings.Contains(loc, "review=pending") {
		t.Errorf("after the review: Location %q, want the filter kept", loc)
	}

	page := string(a.get(t, "/evaluations/"+ev.ID).body)
	for _, want := range []string{`data-testid="review-state-abuse_cases.malware">Accepted`, `data-testid="review-form-abuse_cases.privilege_abuse"`,
		`data-testid="confirm-complete" data-pending="2"`, "2 answers are pending review", `data-testid="verified"`} {
		if !strings.Contains(page, want) {
			t.Errorf("evaluation page: want %q", want)
		}
	}
	accepted := string(a.get(t, "/evaluations/"+ev.ID+"?review=accepted").body)
	if !strings.Contains(accepted, `data-testid="element-abuse_cases.malware"`) || strings.Contains(accepted, `data-testid="element-abuse_cases.privilege_abuse"`) ||
		strings.Contains(accepted, `data-testid="element-shared_model.matrix"`) {
		t.Errorf("filtered to accepted: want only the accepted element")
	}
	pending := string(a.get(t, "/evaluations/"+ev.ID+"?review=pending").body)
	if strings.Contains(pending, `data-testid="element-abuse_cases.malware"`) || !strings.Contains(pending, `data-testid="element-abuse_cases.privilege_abuse"`) {
		t.Errorf("filtered to pending: want the pending elements only")
	}
	wantStatus(t, a.get(t, "/evaluations/"+ev.ID+"?review=maybe"), http.StatusUnprocessableEntity)
}
