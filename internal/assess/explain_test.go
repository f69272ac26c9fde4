package assess_test

import (
	"strings"
	"testing"

	"shareline/internal/assess"
)

// Every element of the shipped questionnaire has its credit rule in words, and the words carry
// the figures scoring uses.
func TestCreditRuleNamesTheFigures(t *testing.T) {
	q := builtin(t)
	want := map[assess.AnswerType]string{
		assess.TypeStatus: "Yes earns 1, Partial 0.5, No 0",
		assess.TypeDate:   "at most 365 days old earns 1, at most 730 days old 0.5",
		assess.TypeMatrix: "each layer answered earns 1/8",
	}
	seen := map[assess.AnswerType]bool{}
	for qi := range q.Questions {
		for ei := range q.Questions[qi].Elements {
			el := &q.Questions[qi].Elements[ei]
			rule := assess.CreditRule(el)
			if rule == "" {
				t.Errorf("%s: no credit rule", el.Key)
			}
			if w, ok := want[el.Type]; ok && !strings.Contains(rule, w) {
				t.Errorf("%s (%s): got %q, want it to say %q", el.Key, el.Type, rule, w)
			}
			seen[el.Type] = true
		}
	}
	for typ := range want {
		if !seen[typ] {
			t.Errorf("no %s element in the questionnaire to check", typ)
		}
	}
	for _, r := range assess.TierRanges {
		if got := assess.TierOf(r.From); got != r.Tier {
			t.Errorf("TierOf(%v): got %s, want %s (the range's own start)", r.From, got, r.Tier)
		}
	}
}
