package assess_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"shareline/internal/assess"
)

func TestNewReview(t *testing.T) {
	draft := assess.Evaluation{ID: 1, Status: assess.EvaluationDraft}
	done := assess.Evaluation{ID: 1, Status: assess.EvaluationCompleted}
	answered := assess.Answer{Question: "q", Element: "e", Version: 2, Value: status(assess.Yes)}
	none := assess.Answer{Question: "q", Element: "e"}
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name       string
		ev         assess.Evaluation
		current    assess.Answer
		in         assess.ReviewInput
		wantErr    error
		wantFields []string
		want       assess.Review
	}{
		{"accepted needs no comment", draft, answered, assess.ReviewInput{Verdict: "accepted"}, nil, nil,
			assess.Review{Verdict: assess.Accepted, By: "Eve", At: at}},
		{"clarify keeps its question and opens the element", draft, answered, assess.ReviewInput{Verdict: "clarify", Comment: "  Which regions?  "}, nil, nil,
			assess.Review{Verdict: assess.Clarify, Comment: "Which regions?", By: "Eve", At: at, Open: true}},
		{"rejected keeps its note", draft, answered, assess.ReviewInput{Verdict: "rejected", Comment: "No SOC 2 report."}, nil, nil,
			assess.Review{Verdict: assess.Rejected, Comment: "No SOC 2 report.", By: "Eve", At: at}},
		{"clarify without a question is refused", draft, answered, assess.ReviewInput{Verdict: "clarify", Comment: "  "}, errInvalid, []string{"comment"}, assess.Review{}},
		{"rejected without a note is refused", draft, answered, assess.ReviewInput{Verdict: "rejected"}, errInvalid, []string{"comment"}, assess.Review{}},
		{"no verdict is refused", draft, answered, assess.ReviewInput{}, errInvalid, []string{"verdict"}, assess.Review{}},
		{"pending is not a verdict one gives", draft, answered, assess.ReviewInput{Verdict: "pending"}, errInvalid, []string{"verdict"}, assess.Review{}},
		{"an unknown verdict is refused", draft, answered, assess.ReviewInput{Verdict: "maybe"}, errInvalid, []string{"verdict"}, assess.Review{}},
		{"a comment too long is refused", draft, answered, assess.ReviewInput{Verdict: "rejected", Comment: strings.Repeat("x", assess.MaxReviewComment+1)}, errInvalid, []string{"comment"}, assess.Review{}},
		{"an element without an answer has nothing to review", draft, none, assess.ReviewInput{Verdict: "accepted"}, assess.ErrNothingToReview, nil, assess.Review{}},
		{"a completed evaluation is locked", done, answered, assess.ReviewInput{Verdict: "accepted"}, assess.ErrLocked, nil, assess.Review{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := assess.NewReview(tt.ev, tt.current, tt.in, "Eve", at)
			checkErr(t, err, tt.wantErr)
			if tt.wantFields != nil {
				if keys := fieldKeys(t, err); strings.Join(keys, ",") != strings.Join(tt.wantFields, ",") {
					t.Errorf("fields: got %v, want %v", keys, tt.wantFields)
				}
			}
			if got != tt.want {
				t.Errorf("review: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReviewAfterChangeIsPending(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		r    assess.Review
		want assess.Review
	}{
		{"accepted goes back to pending", assess.Review{Verdict: assess.Accepted, By: "Eve", At: at}, assess.Review{Verdict: assess.Pending}},
		{"rejected goes back to pending, its note gone", assess.Review{Verdict: assess.Rejected, Comment: "no", By: "Eve", At: at}, assess.Review{Verdict: assess.Pending}},
		{"clarify goes back to pending, the clarification still open", assess.Review{Verdict: assess.Clarify, Comment: "which?", By: "Eve", At: at, Open: true},
			assess.Review{Verdict: assess.Pending, Open: true}},
		{"pending stays pending", assess.Review{}, assess.Review{Verdict: assess.Pending}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.AfterChange(); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCheckAnswerableOpensOnlyClarifiedElements(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	open := assess.Request{ExpiresAt: now.Add(48 * time.Hour)}
	submitted := open
	submitted.SubmittedAt = &now
	revoked := submitted
	revoked.RevokedAt = &now
	expired := submitted
	expired.ExpiresAt = now
	clarify := assess.Review{Verdict: assess.Clarify, Comment: "which?", Open: true}
	repliedTo := clarify.AfterChange()
	for _, tt := range []struct {
		name       string
		req        assess.Request
		rv         assess.Review
		wantAnswer error
		wantReply  error
	}{
		{"before submitting every element takes answers", open, assess.Review{}, nil, assess.ErrNoQuestion},
		{"after submitting a pending element is closed", submitted, assess.Review{}, assess.ErrSubmitted, assess.ErrNoQuestion},
		{"after submitting an accepted element is closed", submitted, assess.Review{Verdict: assess.Accepted}, assess.ErrSubmitted, assess.ErrNoQuestion},
		{"after submitting a rejected element is closed", submitted, assess.Review{Verdict: assess.Rejected, Comment: "no"}, assess.ErrSubmitted, assess.ErrNoQuestion},
		{"after submitting a clarification opens its element", submitted, clarify, nil, nil},
		{"the clarified element stays open after the contact's save or reply", submitted, repliedTo, nil, nil},
		{"a revoked link opens nothing", revoked, clarify, errLinkClosed, errLinkClosed},
		{"an expired link opens nothing", expired, clarify, errLinkClosed, errLinkClosed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkLinkErr(t, assess.CheckAnswerable(tt.req, later, tt.rv), tt.wantAnswer)
			checkLinkErr(t, assess.CheckReplyable(tt.req, later, tt.rv), tt.wantReply)
		})
	}
}

// errLinkClosed stands for "an *assess.LinkClosed" in tables.
var errLinkClosed = errors.New("a closed link")

func checkLinkErr(t *testing.T, err, want error) {
	t.Helper()
	var closed *assess.LinkClosed
	if want == errLinkClosed {
		if !errors.As(err, &closed) {
			t.Errorf("got error %v, want the link closed", err)
		}
		return
	}
	checkErr(t, err, want)
}

func TestNewReply(t *testing.T) {
	if _, err := assess.NewReply("  "); fieldKeys(t, err)[0] != "body" {
		t.Errorf("empty reply: got %v, want a validation error on body", err)
	}
	if _, err := assess.NewReply(strings.Repeat("x", assess.MaxReviewComment+1)); err == nil {
		t.Error("long reply: got no error, want a validation error")
	}
	if got, err := assess.NewReply(" Frankfurt and Paris. "); err != nil || got != "Frankfurt and Paris." {
		t.Errorf("reply: got %q, %v; want the trimmed text", got, err)
	}
}

func TestPendingReviews(t *testing.T) {
	answers := map[string]assess.Answer{
		"q.a": {Value: status(assess.Yes)},
		"q.b": {Value: status(assess.Yes), Review: assess.Review{Verdict: assess.Accepted}},
		"q.c": {Value: status(assess.No), Review: assess.Review{Verdict: assess.Clarify, Open: true}},
		"q.d": {Value: status(assess.No), Review: assess.Review{Verdict: assess.Pending, Open: true}},
		"q.e": {}, // not answered: nothing to review
	}
	if got := assess.PendingReviews(answers); got != 2 {
		t.Errorf("pending: got %d, want 2 (q.a and q.d)", got)
	}
}

func TestAnsweredByText(t *testing.T) {
	for _, tt := range []struct {
		by         assess.AnsweredBy
		kind, text string
	}{
		{assess.AnsweredBy{Name: "Jane Roe via request link", RequestID: 3}, "provider", "Jane Roe via request link (provider, request 3)"},
		{assess.AnsweredBy{Name: "Ann", UserID: 2}, "team", "Ann (team)"},
		{assess.AnsweredBy{}, "", "not recorded"},
	} {
		if tt.by.Kind() != tt.kind || tt.by.Text() != tt.text {
			t.Errorf("%+v: got %q, %q; want %q, %q", tt.by, tt.by.Kind(), tt.by.Text(), tt.kind, tt.text)
		}
	}
}
