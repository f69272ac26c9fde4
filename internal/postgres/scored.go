package postgres

import (
	"encoding/json"
	"fmt"
	"strings"

	"shareline/internal/assess"
)

// scoredAnswer is one answer's scored part as kept in evaluations.scored, keyed by
// "question.element": its value as answers.value stores it, whether it has evidence, and
// whether a reviewer accepted it.
type scoredAnswer struct {
	Value     json.RawMessage `json:"v"`
	Evidenced bool            `json:"e,omitempty"`
	// Until is the last day the evidence backs the answer (assess.BackedUntil), when it ends.
	Until    *assess.Date `json:"u,omitempty"`
	Verified bool         `json:"r,omitempty"`
}

// EncodeScored is the scored part of answers as stored in evaluations.scored: what the store
// rescores an evaluation from when one answer changes, instead of reading every answer. Tools
// that write evaluations in bulk (the demo data) use it so that the store reads it back.
func EncodeScored(answers map[string]assess.Answer) ([]byte, error) {
	out := make(map[string]scoredAnswer, len(answers))
	for ref, a := range answers {
		v, err := json.Marshal(a.Value)
		if err != nil {
			return nil, fmt.Errorf("postgres: scored answer %s: %w", ref, err)
		}
		s := scoredAnswer{Value: v, Evidenced: len(a.Evidence) > 0, Verified: a.Review.State() == assess.Accepted}
		if until := assess.BackedUntil(a.Evidence); s.Evidenced && !until.IsZero() {
			s.Until = &until
		}
		out[ref] = s
	}
	return json.Marshal(out)
}

// decodeScored reads evaluations.scored back against q, the questionnaire version the
// evaluation pins; NULL (raw nil) is a nil map.
func decodeScored(q *assess.Questionnaire, raw []byte) (map[string]assess.Answer, error) {
	if raw == nil {
		return nil, nil
	}
	var stored map[string]scoredAnswer
	if err := json.Unmarshal(raw, &stored); err != nil {
		return nil, fmt.Errorf("postgres: scored answers: %w", err)
	}
	out := make(map[string]assess.Answer, len(stored))
	for ref, s := range stored {
		question, element, _ := strings.Cut(ref, ".")
		_, el, ok := q.Element(question, element)
		if !ok {
			return nil, fmt.Errorf("postgres: scored answer %s: no such element in %s v%d", ref, q.Key, q.Version)
		}
		a := assess.Answer{Question: question, Element: element}
		var err error
		if a.Value, err = assess.ParseStoredValue(el, s.Value); err != nil {
			return nil, fmt.Errorf("postgres: scored answer %s: %w", ref, err)
		}
		if s.Evidenced {
			a.Evidence = []assess.Evidence{{}}
			if s.Until != nil {
				a.Evidence[0].ValidUntil = *s.Until
			}
		}
		if s.Verified {
			a.Review.Verdict = assess.Accepted
		}
		out[ref] = a
	}
	return out, nil
}
