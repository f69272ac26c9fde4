package assess

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Comparison limits.
const (
	MinCompared = 2
	MaxCompared = 50
)

// SortByCoverage orders a comparison by coverage score; any other sort key is a question key.
const SortByCoverage = "coverage"

// CompareInput is one provider asked for, with the evaluation that speaks for it (its latest
// completed one, answers included; nil when it is not assessed), and whether a draft is in
// progress.
type CompareInput struct {
	Provider Provider
	Current  *Evaluation
	Drafting bool
}

// Compared is a provider in a comparison, summarized today.
type Compared struct {
	Provider   Provider
	Evaluation Evaluation
	Summary    Summary
}

// Excluded is a provider asked for that cannot be scored against the others, and why.
type Excluded struct {
	Provider Provider
	Reason   string
}

// Comparison is a shortlist scored on one questionnaire version, best first by Sort.
type Comparison struct {
	Questionnaire *Questionnaire
	Sort          string
	Providers     []Compared
	Excluded      []Excluded
}

// CheckCompareIDs checks the ids a comparison is asked for: 2 to 50, none repeated.
func CheckCompareIDs(ids []int64) error {
	switch {
	case len(ids) < MinCompared:
		return Invalid("ids", "choose at least %d providers to compare", MinCompared)
	case len(ids) > MaxCompared:
		return Invalid("ids", "compare at most %d providers at a time (%d chosen)", MaxCompared, len(ids))
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			return Invalid("ids", "provider %d is chosen twice", id)
		}
		seen[id] = true
	}
	return nil
}

// CheckComparable refuses a comparison that includes archived providers, naming each: an
// archived provider is left out of comparisons until it is restored.
func CheckComparable(in []CompareInput) error {
	var names []string
	for _, item := range in {
		if p := item.Provider; p.Archived() {
			names = append(names, fmt.Sprintf("%d (%s)", p.ID, p.Name))
		}
	}
	switch len(names) {
	case 0:
		return nil
	case 1:
		return Invalid("ids", "provider %s is archived: restore it to compare it, or leave it out", names[0])
	}
	return Invalid("ids", "providers %s are archived: restore them to compare them, or leave them out", strings.Join(names, ", "))
}

// ComparedVersion is the questionnaire version a comparison scores on: the newest version among
// the providers' current evaluations. ok is false when no provider has one.
func ComparedVersion(in []CompareInput) (key string, version int, ok bool) {
	var best *Evaluation
	for _, item := range in {
		if ev := item.Current; ev != nil && (best == nil || ev.QuestionnaireVersion > best.QuestionnaireVersion) {
			best = ev
		}
	}
	if best == nil {
		return "", 0, false
	}
	return best.QuestionnaireKey, best.QuestionnaireVersion, true
}

// Compare summarizes each provider's current evaluation (completed, so with its frozen score:
// the same figures as its report) on questionnaire q, and orders them by sortKey
// (SortByCoverage or a question key), best first, equal scores by name. Providers
// assessed on another questionnaire version, and providers not assessed, are listed apart with
// the reason.
func Compare(q *Questionnaire, in []CompareInput, sortKey string, today Date) (Comparison, error) {
	if sortKey == "" {
		sortKey = SortByCoverage
	}
	if sortKey != SortByCoverage && !hasQuestion(q, sortKey) {
		return Comparison{}, Invalid("sort", "want coverage or a question key such as %s", q.Questions[0].Key)
	}
	c := Comparison{Questionnaire: q, Sort: sortKey}
	for _, item := range in {
		switch ev := item.Current; {
		case ev == nil && item.Drafting:
			c.Excluded = append(c.Excluded, Excluded{item.Provider, "not assessed yet: an evaluation is in progress"})
		case ev == nil:
			c.Excluded = append(c.Excluded, Excluded{item.Provider, "not assessed yet"})
		case ev.QuestionnaireKey != q.Key || ev.QuestionnaireVersion != q.Version:
			c.Excluded = append(c.Excluded, Excluded{item.Provider, fmt.Sprintf(
				"assessed on %s v%d; this comparison uses %s v%d", ev.QuestionnaireKey, ev.QuestionnaireVersion, q.Key, q.Version)})
		default:
			c.Providers = append(c.Providers, Compared{item.Provider, *ev, Summarize(q, *ev, today)})
		}
	}
	slices.SortStableFunc(c.Providers, func(a, b Compared) int {
		return cmp.Or(
			cmp.Compare(sortValue(b.Summary.Score, sortKey), sortValue(a.Summary.Score, sortKey)),
			strings.Compare(strings.ToLower(a.Provider.Name), strings.ToLower(b.Provider.Name)),
			cmp.Compare(a.Provider.ID, b.Provider.ID))
	})
	return c, nil
}

func hasQuestion(q *Questionnaire, key string) bool {
	return slices.ContainsFunc(q.Questions, func(qu Question) bool { return qu.Key == key })
}

// sortValue is the figure a comparison sorts on; a question that does not apply sorts last.
func sortValue(s Score, key string) float64 {
	if key == SortByCoverage {
		return s.Overall
	}
	if qs, ok := s.Question(key); ok && qs.Scored {
		return qs.Score
	}
	return -1
}
