package assess

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// The lifecycle of an evaluation: a draft takes answers; completing it freezes its score and
// makes it the one that speaks for its provider; an admin can reopen it; reassessing starts a
// new draft from a completed evaluation's answers. These functions decide; they change nothing.

// Lifecycle refusals, in words a person can act on.
var (
	// ErrLocked refuses a change to a completed evaluation.
	ErrLocked error = Conflict("this evaluation is completed and locked: an admin can reopen it, or start a reassessment")
	// ErrNotCompleted: only a completed evaluation can be reopened.
	ErrNotCompleted error = Conflict("this evaluation is a draft already: only a completed one can be reopened")
	// ErrNothingAnswered: an evaluation with no answer cannot be completed.
	ErrNothingAnswered error = Conflict("nothing is answered yet: answer at least one element before completing this evaluation")
	// ErrDraftOpen: a provider has at most one evaluation in progress.
	ErrDraftOpen error = Conflict("this provider already has an evaluation in progress: continue it, or complete it first")
	// ErrReassessDraft: only a completed evaluation can be reassessed.
	ErrReassessDraft error = Conflict("only a completed evaluation can be reassessed: this one is still in progress")
)

// CheckEditable says whether answers of ev may change.
func CheckEditable(ev Evaluation) error {
	if ev.Status == EvaluationCompleted {
		return ErrLocked
	}
	return nil
}

// CheckCompletable says whether ev, whose answers score as s, may be completed. It needs at
// least one answer; with elements unanswered, or answers whose review is still pending, the
// person must confirm, knowing how many of each there are. It returns the unanswered count for
// the record.
func CheckCompletable(ev Evaluation, s Score, pending int, confirmed bool) (unanswered int, err error) {
	if err := CheckEditable(ev); err != nil {
		return 0, err
	}
	answered, total := s.Counts()
	if answered == 0 {
		return total, ErrNothingAnswered
	}
	unanswered = total - answered
	if confirmed {
		return unanswered, nil
	}
	switch {
	case unanswered > 0 && pending > 0:
		return unanswered, Invalid("confirm", "%d of %d elements are unanswered and %s pending review: confirm to complete the evaluation anyway (its score is then frozen with the unanswered elements at 0)",
			unanswered, total, answersCount(pending))
	case unanswered > 0:
		return unanswered, Invalid("confirm", "%d of %d elements are unanswered: confirm to complete the evaluation anyway (its score is then frozen with those elements at 0)",
			unanswered, total)
	case pending > 0:
		return unanswered, Invalid("confirm", "%s pending review: confirm to complete the evaluation anyway (its score is then frozen, with those answers not verified)",
			answersCount(pending))
	}
	return unanswered, nil
}

// answersCount is "1 answer is" or "n answers are".
func answersCount(n int) string {
	if n == 1 {
		return "1 answer is"
	}
	return fmt.Sprintf("%d answers are", n)
}

// CheckReopenable says whether ev may be reopened, given every evaluation of its provider:
// reopening makes it a draft, and a provider has at most one.
func CheckReopenable(ev Evaluation, evs []Evaluation) error {
	if ev.Status != EvaluationCompleted {
		return ErrNotCompleted
	}
	return CheckStartable(evs)
}

// CheckStartable says whether a new evaluation of a provider may start, given its evaluations.
func CheckStartable(evs []Evaluation) error {
	if _, draft := Represent(evs); draft != nil {
		return ErrDraftOpen
	}
	return nil
}

// CheckReassessable says whether a new evaluation may start from ev, given every evaluation of
// its provider.
func CheckReassessable(ev Evaluation, evs []Evaluation) error {
	if ev.Status != EvaluationCompleted {
		return ErrReassessDraft
	}
	return CheckStartable(evs)
}

// Represent picks, among a provider's evaluations, the one that speaks for it (its latest
// completed evaluation, nil when none is completed: the provider is not assessed) and its draft
// in progress (nil when none), which is shown beside it.
func Represent(evs []Evaluation) (current, draft *Evaluation) {
	for i := range evs {
		ev := &evs[i]
		switch ev.Status {
		case EvaluationCompleted:
			if current == nil || later(ev, current) {
				current = ev
			}
		default:
			if draft == nil || ev.ID > draft.ID {
				draft = ev
			}
		}
	}
	return current, draft
}

// later orders completed evaluations by when they were completed, then by id.
func later(a, b *Evaluation) bool {
	return cmp.Or(a.CompletedAt.Compare(b.CompletedAt), cmp.Compare(a.ID, b.ID)) > 0
}

// Copied is the answers a reassessment starts from: the source's answers, each noted as copied.
func Copied(from Evaluation) []Answer {
	out := make([]Answer, 0, len(from.Answers))
	for _, a := range from.Answers {
		a.Version, a.Base = 0, nil
		a.Review, a.Thread, a.By = Review{}, nil, AnsweredBy{}
		a.Note = fmt.Sprintf("copied from evaluation %d", from.ID)
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Answer) int { return cmp.Compare(a.Ref(), b.Ref()) })
	return out
}

// Restore is what restoring revision rev writes: its value, explanation and evidence, as a new
// save based on the version the person saw (base). It is refused when the answer moved on since.
func Restore(rev Revision, current Answer, base int) (Answer, error) {
	if current.Version != base {
		return Answer{}, &VersionConflict{Base: base, Current: current}
	}
	if rev.Version == current.Version {
		return Answer{}, Conflict(fmt.Sprintf("version %d is the current answer already", rev.Version))
	}
	return Answer{
		Question: current.Question, Element: current.Element,
		Value: rev.NewValue, Explanation: rev.Explanation, Evidence: rev.Evidence,
		Base: &base, Note: fmt.Sprintf("restored version %d", rev.Version),
	}, nil
}

// SameAnswer reports whether saving b over a would change nothing a person can see: the same
// value, explanation and evidence. Such a save is not a new version.
func SameAnswer(a, b Answer) bool {
	if a.Explanation != b.Explanation || len(a.Evidence) != len(b.Evidence) || a.Value.Type != b.Value.Type {
		return false
	}
	if !slices.Equal(a.Evidence, b.Evidence) {
		return false
	}
	va, errA := json.Marshal(a.Value)
	vb, errB := json.Marshal(b.Value)
	return errA == nil && errB == nil && bytes.Equal(va, vb)
}
