package assess_test

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
)

var answerTypes = map[assess.AnswerType]bool{
	assess.TypeStatus: true, assess.TypeMatrix: true, assess.TypeChoice: true, assess.TypeMulti: true,
	assess.TypeNumber: true, assess.TypeDate: true, assess.TypeText: true,
}

func FuzzParseQuestionnaire(f *testing.F) {
	shipped, err := os.ReadFile("../questionnaires/shared-responsibility.v1.json")
	if err != nil {
		f.Fatalf("reading the built-in questionnaire: %v", err)
	}
	f.Add(shipped)
	f.Add([]byte(kinds))
	f.Add([]byte(oneQuestion(okStatus)))
	f.Add([]byte(oneQuestion(`{"key":"n","label":"N","type":"number","weight":0,"bands":{"better":"lower","full":1,"half":2}}`)))
	f.Add([]byte(oneQuestion(`{"key":"c","label":"C","type":"multi","options":[{"key":"a","label":"A","credit":0}]}`)))
	f.Add([]byte(oneQuestion(`{"key":"s","label":"S","type":"status","weight":-0}`)))
	f.Add([]byte(oneQuestion(`{"key":"s","label":"S","type":"boolean"}`)))
	f.Add([]byte(oneQuestion(okStatus, okStatus)))
	f.Add([]byte(`{"key":"t","version":1,"title":"T","questions":[]}`))
	f.Add([]byte(`{"key":"t","version":1,"title":"T","questions":null}`))
	f.Add([]byte(oneQuestion(okStatus) + `]`))
	f.Add([]byte(`{"key":"t","version":1e400}`))
	f.Add([]byte(`{`))
	f.Add([]byte(``))

	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := assess.ParseQuestionnaire(data)
		if err != nil {
			if q != nil {
				t.Fatalf("got a questionnaire alongside error %v, want nil", err)
			}
			return
		}
		if len(q.Questions) < 1 {
			t.Fatalf("accepted a questionnaire with %d questions, want at least 1", len(q.Questions))
		}
		for _, qu := range q.Questions {
			if !(qu.Weight > 0) || qu.Weight > 100 {
				t.Errorf("question %q: weight %v, want more than 0 and at most 100", qu.Key, qu.Weight)
			}
			if len(qu.Elements) < 1 {
				t.Errorf("question %q: no elements", qu.Key)
			}
			for _, el := range qu.Elements {
				if !(el.Weight > 0) || el.Weight > 100 {
					t.Errorf("element %s: weight %v, want more than 0 and at most 100", assess.Ref(qu.Key, el.Key), el.Weight)
				}
				if !answerTypes[el.Type] {
					t.Errorf("element %s: type %q, want a known answer type", assess.Ref(qu.Key, el.Key), el.Type)
				}
				for _, o := range el.Options {
					if !(o.Credit >= 0) || o.Credit > 1 {
						t.Errorf("element %s option %q: credit %v, want 0 to 1", assess.Ref(qu.Key, el.Key), o.Key, o.Credit)
					}
				}
			}
		}
		// A questionnaire written back out and read again is the same questionnaire: the defaults
		// that parsing fills in are stable.
		out, err := json.Marshal(q)
		if err != nil {
			t.Fatalf("json.Marshal of an accepted questionnaire: %v", err)
		}
		again, err := assess.ParseQuestionnaire(out)
		if err != nil {
			t.Fatalf("re-parsing %s: got error %v, want none", out, err)
		}
		if diff := cmp.Diff(q, again, cmp.AllowUnexported(assess.Element{})); diff != "" {
			t.Errorf("re-parsed questionnaire differs (-first +again):\n%s", diff)
		}
	})
}

func FuzzNewAnswer(f *testing.F) {
	q := builtin(f)
	today := day(f, scoringDay)
	var refs [][2]string
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			refs = append(refs, [2]string{qu.Key, el.Key})
		}
	}
	seeds := []string{
		`"yes"`, `"partial"`, `"not_applicable"`, `"maybe"`, `null`, ``, `1`, `-1`, `0`, `365`, `1e9`, `1e400`,
		`-0`, `1e-400`, `"365"`, `true`, `[]`, `["iso27001","other"]`, `["iso27001","iso27001"]`, `[null]`,
		`{}`, `{"physical":"provider","os":"not_applicable"}`, `{"foo":"provider"}`, `{"os":null}`,
		`"2026-03-31"`, `"2026-11-29"`, `"2026-11-30"`, `"2026-02-30"`, `"\u0032026-01-01"`, `"caf\u00e9"`,
	}
	for i, raw := range seeds {
		f.Add(uint8(i), []byte(raw), "because", "https://example.com/e")
	}
	f.Add(uint8(0), []byte(`{"physical":"provider"}`), "  spaced  ", "")
	f.Add(uint8(7), []byte(`["other"]`), "nul\x00", "javascript:alert(1)")
	f.Add(uint8(14), []byte(`90`), strings.Repeat("é", 10), " http://x ")

	f.Fuzz(func(t *testing.T, which uint8, raw []byte, explanation, evidenceURL string) {
		ref := refs[int(which)%len(refs)]
		in := assess.AnswerInput{Value: json.RawMessage(raw), Explanation: explanation}
		if evidenceURL != "" {
			in.Evidence = []assess.EvidenceInput{{URL: evidenceURL, EffectiveDate: "2026-01-01"}}
		}
		a, err := q.NewAnswer(ref[0], ref[1], in, today)
		if err != nil {
			return
		}
		_, el, _ := q.Element(ref[0], ref[1])

		if a.Question != ref[0] || a.Element != ref[1] {
			t.Errorf("answer is for %s, want %s", a.Ref(), assess.Ref(ref[0], ref[1]))
		}
		if a.Value.IsSet() && a.Value.Type != el.Type {
			t.Errorf("value type %q, want the element's %q", a.Value.Type, el.Type)
		}
		if a.Explanation != strings.TrimSpace(a.Explanation) {
			t.Errorf("explanation %q is not trimmed", a.Explanation)
		}
		for i, e := range a.Evidence {
			if err := assess.CheckURL(e.URL); err != nil {
				t.Errorf("evidence[%d] url %q was accepted but CheckURL says %v", i, e.URL, err)
			}
		}

		encoded, err := json.Marshal(a.Value)
		if err != nil {
			t.Fatalf("json.Marshal(%+v): %v", a.Value, err)
		}
		again, err := assess.ParseValue(el, encoded, today)
		if err != nil {
			t.Fatalf("ParseValue(%s) of the value's own JSON: got error %v, want none", encoded, err)
		}
		if diff := cmp.Diff(a.Value, again); diff != "" {
			t.Errorf("value after a JSON round trip through %s differs (-accepted +again):\n%s", encoded, diff)
		}

		credit := assess.ElementCredit(el, a.Value, today)
		if math.IsNaN(credit) || credit < 0 || credit > 1 {
			t.Errorf("ElementCredit of %s: got %v, want 0 to 1", encoded, credit)
		}
	})
}
