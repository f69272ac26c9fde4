package assess_test

import (
	"errors"
	"testing"
	"time"

	"shareline/internal/assess"
)

func scoreWith(answered, total int) assess.Score {
	return assess.Score{Questions: []assess.QuestionScore{{Key: "q", Answered: answered, Total: total}}}
}

func TestCheckCompletable(t *testing.T) {
	draft := assess.Evaluation{ID: 1, Status: assess.EvaluationDraft}
	done := assess.Evaluation{ID: 1, Status: assess.EvaluationCompleted}
	for _, tt := range []struct {
		name           string
		ev             assess.Evaluation
		score          assess.Score
		pending        int
		confirmed      bool
		wantErr        error // nil, a sentinel, or errInvalid for a validation error
		wantUnanswered int
	}{
		{"nothing answered is refused even when confirmed", draft, scoreWith(0, 23), 0, true, assess.ErrNothingAnswered, 23},
		{"partly answered needs a confirmation", draft, scoreWith(5, 23), 0, false, errInvalid, 18},
		{"partly answered and confirmed completes", draft, scoreWith(5, 23), 0, true, nil, 18},
		{"fully answered and reviewed completes without asking", draft, scoreWith(23, 23), 0, false, nil, 0},
		{"fully answered with answers pending review needs a confirmation", draft, scoreWith(23, 23), 2, false, errInvalid, 0},
		{"fully answered with answers pending review, confirmed, completes", draft, scoreWith(23, 23), 2, true, nil, 0},
		{"partly answered and pending review needs a confirmation", draft, scoreWith(5, 23), 5, false, errInvalid, 18},
		{"a completed evaluation is locked", done, scoreWith(23, 23), 0, true, assess.ErrLocked, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := assess.CheckCompletable(tt.ev, tt.score, tt.pending, tt.confirmed)
			checkErr(t, err, tt.wantErr)
			if n != tt.wantUnanswered {
				t.Errorf("unanswered: got %d, want %d", n, tt.wantUnanswered)
			}
		})
	}
}

// errInvalid stands for "a *ValidationError" in tables.
var errInvalid = errors.New("a validation error")

func checkErr(t *testing.T, err, want error) {
	t.Helper()
	var ve *assess.ValidationError
	switch {
	case want == nil && err != nil:
		t.Errorf("got error %v, want none", err)
	case want == errInvalid && !errors.As(err, &ve):
		t.Errorf("got error %v, want a validation error", err)
	case want != nil && want != errInvalid && !errors.Is(err, want):
		t.Errorf("got error %v, want %v", err, want)
	}
}

func TestLifecycleChecks(t *testing.T) {
	draft := assess.Evaluation{ID: 2, Status: assess.EvaluationDraft}
	done := assess.Evaluation{ID: 1, Status: assess.EvaluationCompleted}
	checkErr(t, assess.CheckEditable(draft), nil)
	checkErr(t, assess.CheckEditable(done), assess.ErrLocked)
	checkErr(t, assess.CheckReopenable(done, []assess.Evaluation{done}), nil)
	checkErr(t, assess.CheckReopenable(draft, []assess.Evaluation{draft}), assess.ErrNotCompleted)
	checkErr(t, assess.CheckReopenable(done, []assess.Evaluation{done, draft}), assess.ErrDraftOpen)
	checkErr(t, assess.CheckStartable(nil), nil)
	checkErr(t, assess.CheckStartable([]assess.Evaluation{done}), nil)
	checkErr(t, assess.CheckStartable([]assess.Evaluation{done, draft}), assess.ErrDraftOpen)
	checkErr(t, assess.CheckReassessable(done, []assess.Evaluation{done}), nil)
	checkErr(t, assess.CheckReassessable(draft, []assess.Evaluation{draft}), assess.ErrReassessDraft)
	checkErr(t, assess.CheckReassessable(done, []assess.Evaluation{done, draft}), assess.ErrDraftOpen)
}

func TestRepresent(t *testing.T) {
	at := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	older := assess.Evaluation{ID: 1, Status: assess.EvaluationCompleted, CompletedAt: at(2)}
	// Started later but completed earlier: the latest completion speaks for the provider.
	newer := assess.Evaluation{ID: 2, Status: assess.EvaluationCompleted, CompletedAt: at(1)}
	draft := assess.Evaluation{ID: 3, Status: assess.EvaluationDraft}
	for _, tt := range []struct {
		name             string
		evs              []assess.Evaluation
		current, drafted int64
	}{
		{"never evaluated", nil, 0, 0},
		{"only a draft: not assessed, draft beside it", []assess.Evaluation{draft}, 0, 3},
		{"the latest completed, with the draft", []assess.Evaluation{draft, newer, older}, 1, 3},
		{"completed only", []assess.Evaluation{newer}, 2, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cur, dr := assess.Represent(tt.evs)
			if id(cur) != tt.current || id(dr) != tt.drafted {
				t.Errorf("got current %d, draft %d; want %d, %d", id(cur), id(dr), tt.current, tt.drafted)
			}
		})
	}
}

func id(ev *assess.Evaluation) int64 {
	if ev == nil {
		return 0
	}
	return ev.ID
}

func TestRestore(t *testing.T) {
	ev := []assess.Evidence{{URL: "https://example.com/soc2", EffectiveDate: assess.Date{Year: 2026, Month: 1, Day: 1}}}
	rev := assess.Revision{Version: 1, NewValue: status(assess.Yes), Explanation: "as audited", Evidence: ev}
	current := assess.Answer{Question: "q", Element: "e", Value: status(assess.No), Version: 2}

	got, err := assess.Restore(rev, current, 2)
	if err != nil {
		t.Fatalf("Restore: got error %v, want none", err)
	}
	if got.Value.Status != assess.Yes || got.Explanation != "as audited" || len(got.Evidence) != 1 || got.Base == nil || *got.Base != 2 {
		t.Errorf("got %+v, want the revision's value, explanation and evidence based on version 2", got)
	}
	if got.Note != "restored version 1" {
		t.Errorf("note: got %q, want %q", got.Note, "restored version 1")
	}
	var vc *assess.VersionConflict
	if _, err := assess.Restore(rev, current, 1); !errors.As(err, &vc) || vc.Current.Version != 2 {
		t.Errorf("restore from a stale page: got %v, want a version conflict with the current version 2", err)
	}
	if _, err := assess.Restore(assess.Revision{Version: 2}, current, 2); !errors.Is(err, assess.ErrConflict) {
		t.Errorf("restore of the current version: got %v, want a conflict", err)
	}
}

func TestSameAnswer(t *testing.T) {
	a := assess.Answer{Value: status(assess.Yes), Explanation: "x"}
	for _, tt := range []struct {
		name string
		b    assess.Answer
		want bool
	}{
		{"identical", assess.Answer{Value: status(assess.Yes), Explanation: "x", Version: 4}, true},
		{"another value", assess.Answer{Value: status(assess.No), Explanation: "x"}, false},
		{"another explanation", assess.Answer{Value: status(assess.Yes), Explanation: "y"}, false},
		{"evidence added", assess.Answer{Value: status(assess.Yes), Explanation: "x", Evidence: []assess.Evidence{{URL: "https://e.example"}}}, false},
		{"cleared", assess.Answer{Explanation: "x"}, false},
	} {
		if got := assess.SameAnswer(a, tt.b); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCopied(t *testing.T) {
	from := assess.Evaluation{ID: 7, Answers: map[string]assess.Answer{
		"q.b": {Question: "q", Element: "b", Value: status(assess.Yes), Version: 3},
		"q.a": {Question: "q", Element: "a", Value: status(assess.No), Version: 1},
	}}
	got := assess.Copied(from)
	if len(got) != 2 || got[0].Ref() != "q.a" || got[1].Ref() != "q.b" {
		t.Fatalf("got %+v, want both answers in element order", got)
	}
	for _, a := range got {
		if a.Note != "copied from evaluation 7" || a.Version != 0 {
			t.Errorf("%s: got note %q version %d, want %q and 0", a.Ref(), a.Note, a.Version, "copied from evaluation 7")
		}
	}
}

// A questionnaire without a responsibility split: no matrix, and nothing to say about what
// stays with the customer.
const noSplit = `{"key":"vendor-basics","version":1,"title":"Vendor basics","questions":[
	{"key":"policies","title":"Policies","elements":[
		{"key":"infosec_policy","label":"Information security policy","type":"status","evidence":true},
		{"key":"reviewed","label":"Last review","type":"date"}]},
	{"key":"people","title":"People","elements":[
		{"key":"training","label":"Security training","type":"status"}]}]}`

func TestQuestionnaireWithoutSplit(t *testing.T) {
	q, err := assess.ParseQuestionnaire([]byte(noSplit))
	if err != nil {
		t.Fatalf("ParseQuestionnaire: %v", err)
	}
	answers := answersOf(t, q, given{ref: "policies.infosec_policy", value: status(assess.Yes)})
	sum := summarize(q, assess.SaaS, answers, day(t, scoringDay))
	if sum.Retained.Applies() || len(sum.Retained.Layers) != 0 || len(sum.Deviations) != 0 {
		t.Errorf("got retained %+v, deviations %v; want nothing", sum.Retained, sum.Deviations)
	}
	if len(sum.Score.Questions) != 2 || !sum.Score.Assessed() {
		t.Errorf("got %d question scores, assessed %v; want 2, true", len(sum.Score.Questions), sum.Score.Assessed())
	}
	// A matrix element needs a split to ask about.
	withMatrix := oneQuestion(`{"key":"m","label":"M","type":"matrix"}`)
	if _, err := assess.ParseQuestionnaire([]byte(withMatrix)); err == nil {
		t.Errorf("a matrix element without a split: got no error, want one")
	}
}
