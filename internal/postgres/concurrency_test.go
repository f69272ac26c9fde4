package postgres_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// oneToN is 1, 2, ..., n.
func oneToN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// Saves to one element that each lock the evaluation's row first (Find with lock) happen one
// after another: each reads the answer the one before it stored, so the history is a chain.
func TestConcurrentSavesToOneElementQueueOnTheRowLock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p)
	const saves = 16
	values := []string{`"yes"`, `"partial"`, `"no"`, `"not_applicable"`}

	versions := make([]int, saves)
	errs := make([]error, saves)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range saves {
		a := f.answer(t, "abuse_cases.malware", values[i%len(values)], "")
		wg.Go(func() {
			<-start
			errs[i] = f.store.Update(t.Context(), func(tx app.Tx) error {
				saved, err := saveIn(t, tx, f.q, ev.ID, a)
				versions[i] = saved.Version
				return err
			})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("save %d: got error %v, want none", i, err)
		}
	}

	t.Run("returned versions are 1 to 16, each once", func(t *testing.T) {
		slices.Sort(versions)
		if diff := cmp.Diff(oneToN(saves), versions); diff != "" {
			t.Errorf("versions, sorted (-want +got):\n%s", diff)
		}
	})

	t.Run("each revision's old value is the one before's new value", func(t *testing.T) {
		revs := f.history(t, f.q, ev.ID, "abuse_cases", "malware")
		if len(revs) != saves {
			t.Fatalf("revisions: got %d, want %d", len(revs), saves)
		}
		slices.Reverse(revs)
		if revs[0].OldValue.IsSet() {
			t.Errorf("revision 1: got old value %+v, want none", revs[0].OldValue)
		}
		for i := 1; i < len(revs); i++ {
			if diff := cmp.Diff(revs[i-1].NewValue, revs[i].OldValue); diff != "" {
				t.Errorf("revision %d's old value (-revision %d's new value +got):\n%s", revs[i].Version, revs[i-1].Version, diff)
			}
		}
		stored := answerIn(t, f.answers(t, ev.ID), "abuse_cases.malware")
		if stored.Version != saves || !cmp.Equal(stored.Value, revs[saves-1].NewValue) {
			t.Errorf("stored answer: got version %d value %+v, want the last revision's", stored.Version, stored.Value)
		}
	})
}

// Saves of distinct elements that lock the row, save, and store a score over the answers they
// read, leave the stored score matching the stored answers.
func TestConcurrentSavesKeepScoreAndAnswersTogether(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p)
	var refs []string
	for _, qu := range f.q.Questions {
		for _, el := range qu.Elements {
			if el.Type == assess.TypeStatus {
				refs = append(refs, assess.Ref(qu.Key, el.Key))
			}
		}
	}
	seen := make([]int, len(refs))
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, ref := range refs {
		a := f.answer(t, ref, `"yes"`, "")
		wg.Go(func() {
			<-start
			errs[i] = f.store.Update(t.Context(), func(tx app.Tx) error {
				if _, err := saveIn(t, tx, f.q, ev.ID, a); err != nil {
					return err
				}
				all, err := tx.Answers().All(t.Context(), f.q, ev.ID)
				if err != nil {
					return err
				}
				s := assess.ScoreEvaluation(f.q, all, today)
				seen[i], _ = s.Counts()
				return tx.Evaluations().StoreScore(t.Context(), ev.ID, s, true)
			})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("save %s: got error %v, want none", refs[i], err)
		}
	}
	slices.Sort(seen)
	if diff := cmp.Diff(oneToN(len(refs)), seen); diff != "" {
		t.Errorf("answered elements each save saw, sorted (-want +got):\n%s", diff)
	}
	want := assess.ScoreEvaluation(f.q, f.answers(t, ev.ID), today)
	if diff := cmp.Diff(want, f.find(t, ev.ID).Score, storedScore); diff != "" {
		t.Errorf("stored score against the stored answers (-want +got):\n%s", diff)
	}
}
