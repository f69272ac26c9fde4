package postgres_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
)

// answeredCount is how many elements a score counts as answered.
func answeredCount(s assess.Score) int {
	n := 0
	for _, q := range s.Questions {
		n += q.Answered
	}
	return n
}

// oneToN is 1, 2, ..., n.
func oneToN(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestSaveAnswerConcurrentlyKeepsScoreAndAnswersTogether(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p.ID)

	// Sixteen distinct elements: every status element and the matrix. Each goroutine saves its
	// element twice, "no" then "yes" (the matrix: some layers, then all).
	type job struct{ ref, first, final string }
	var jobs []job
	for _, qu := range f.q.Questions {
		for _, el := range qu.Elements {
			switch el.Type {
			case assess.TypeStatus:
				jobs = append(jobs, job{assess.Ref(qu.Key, el.Key), `"no"`, `"yes"`})
			case assess.TypeMatrix:
				jobs = append(jobs, job{assess.Ref(qu.Key, el.Key), `{"physical":"provider"}`,
					`{"physical":"provider","hypervisor":"provider","network":"provider","os":"provider",
					"application":"provider","user_activity":"shared","user_permissions":"customer",
					"privileged_actions":"customer"}`})
			}
		}
	}
	if len(jobs) != 16 {
		t.Fatalf("jobs: got %d elements to save, want 16 (15 status and the matrix)", len(jobs))
	}
	firsts := make([]assess.Answer, len(jobs))
	finals := make([]assess.Answer, len(jobs))
	for i, j := range jobs {
		firsts[i] = f.answer(t, j.ref, j.first, "first")
		finals[i] = f.answer(t, j.ref, j.final, "final")
	}

	type result struct {
		firstScore, finalScore     assess.Score
		firstVersion, finalVersion int
		err                        error
	}
	results := make([]result, len(jobs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range jobs {
		wg.Go(func() {
			<-start
			r := &results[i]
			var a assess.Answer
			if a, r.firstScore, r.err = f.store.SaveAnswer(t.Context(), ev.ID, firsts[i], today, tester); r.err != nil {
				return
			}
			r.firstVersion = a.Version
			if a, r.finalScore, r.err = f.store.SaveAnswer(t.Context(), ev.ID, finals[i], today, tester); r.err != nil {
				return
			}
			r.finalVersion = a.Version
		})
	}
	close(start)
	wg.Wait()
	for i, r := range results {
		if r.err != nil {
			t.Fatalf("SaveAnswer(%s) concurrently: got error %v, want none", jobs[i].ref, r.err)
		}
	}
	found := f.findEvaluation(t, ev.ID)

	t.Run("every element is stored at version 2 with its final value", func(t *testing.T) {
		if len(found.Answers) != len(jobs) {
			t.Errorf("answers: got %d, want %d", len(found.Answers), len(jobs))
		}
		for i, j := range jobs {
			if results[i].firstVersion != 1 || results[i].finalVersion != 2 {
				t.Errorf("%s: got versions %d then %d returned, want 1 then 2", j.ref, results[i].firstVersion, results[i].finalVersion)
			}
			got := answerIn(t, found, j.ref)
			if got.Version != 2 {
				t.Errorf("%s: got stored version %d, want 2", j.ref, got.Version)
			}
			if diff := cmp.Diff(finals[i], got, sameContent); diff != "" {
				t.Errorf("%s (-want +got):\n%s", j.ref, diff)
			}
		}
	})

	t.Run("the stored score is ScoreEvaluation over the stored answers", func(t *testing.T) {
		want := assess.ScoreEvaluation(f.q, found.Answers, today)
		if diff := cmp.Diff(want, found.Score, storedScore); diff != "" {
			t.Errorf("stored score (-want +got):\n%s", diff)
		}
		entered := map[string]assess.Answer{}
		for _, a := range finals {
			entered[a.Ref()] = a
		}
		if diff := cmp.Diff(assess.ScoreEvaluation(f.q, entered, today), found.Score, storedScore); diff != "" {
			t.Errorf("stored score against the answers entered (-want +got):\n%s", diff)
		}
	})

	t.Run("each first save saw every save committed before it", func(t *testing.T) {
		// Saves are serialised per evaluation, so the first saves of the sixteen elements each
		// saw one more answered element than the one before: 1 to 16, each once.
		var seen []int
		for _, r := range results {
			seen = append(seen, answeredCount(r.firstScore))
		}
		slices.Sort(seen)
		if diff := cmp.Diff(oneToN(len(jobs)), seen); diff != "" {
			t.Errorf("answered elements seen by the first saves, sorted (-want +got):\n%s", diff)
		}
	})

	t.Run("the last save to commit returned the stored score", func(t *testing.T) {
		for _, r := range results {
			for _, s := range []assess.Score{r.firstScore, r.finalScore} {
				if cmp.Equal(s, found.Score, storedScore) {
					return
				}
			}
		}
		t.Errorf("stored score %+v: returned by none of the %d saves, want the last one's", found.Score, 2*len(jobs))
	})
}

func TestSaveAnswerConcurrentlyToOneElementCountsEveryVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p.ID)
	const ref, saves = "abuse_cases.malware", 16
	values := []string{`"yes"`, `"partial"`, `"no"`, `"not_applicable"`}

	versions := make([]int, saves)
	errs := make([]error, saves)
	var wg sync.WaitGroup
	for i := range saves {
		a := f.answer(t, ref, values[i%len(values)], "")
		wg.Go(func() {
			var saved assess.Answer
			saved, _, errs[i] = f.store.SaveAnswer(t.Context(), ev.ID, a, today, tester)
			versions[i] = saved.Version
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("save %d: got error %v, want none", i, err)
		}
	}
	found := f.findEvaluation(t, ev.ID)

	t.Run("returned versions are 1 to 16, each once", func(t *testing.T) {
		slices.Sort(versions)
		if diff := cmp.Diff(oneToN(saves), versions); diff != "" {
			t.Errorf("versions, sorted (-want +got):\n%s", diff)
		}
		if got := answerIn(t, found, ref).Version; got != saves {
			t.Errorf("stored version: got %d, want %d", got, saves)
		}
	})

	t.Run("the stored score matches the stored answer", func(t *testing.T) {
		want := assess.ScoreEvaluation(f.q, found.Answers, today)
		if diff := cmp.Diff(want, found.Score, storedScore); diff != "" {
			t.Errorf("stored score (-want +got):\n%s", diff)
		}
	})
}
