package assess_test

import (
	"strings"
	"testing"

	"shareline/internal/assess"
)

// conditional is a questionnaire where "q.how" is asked only when "q.uses" is yes, and
// "q.detail" only when "q.how" includes the "cloud" option.
const conditional = `{"key":"t","version":1,"title":"T","questions":[{"key":"q","title":"Q","elements":[
	{"key":"uses","label":"Uses it","type":"status"},
	{"key":"how","label":"How","type":"multi","section":"Details","options":[{"key":"cloud","label":"Cloud"},{"key":"own","label":"Own","credit":0.5}],
	 "when":{"element":"q.uses","any_of":["yes"]}},
	{"key":"detail","label":"Which cloud","type":"text","section":"Details","when":{"all":[{"element":"q.how","any_of":["cloud"]},{"not":{"element":"q.uses","any_of":["no"]}}]}}
]}]}`

func TestConditionalElementsAreAskedOnlyWhenTheirConditionHolds(t *testing.T) {
	q, err := assess.ParseQuestionnaire([]byte(conditional))
	if err != nil {
		t.Fatal(err)
	}
	today := day(t, "2026-06-01")
	tests := []struct {
		name      string
		answers   []given
		asked     []string
		score     float64
		total     int
		notAsked  []string
		assessed  bool
		wantCount int
	}{
		{"nothing answered: only the unconditional element is asked", nil, []string{"q.uses"}, 0, 1, []string{"q.how", "q.detail"}, false, 0},
		{"no: the follow-ups are not asked and do not count", []given{{ref: "q.uses", value: status(assess.No)}}, []string{"q.uses"}, 0, 1, []string{"q.how", "q.detail"}, true, 1},
		{"yes: how is asked, detail waits for cloud", []given{{ref: "q.uses", value: status(assess.Yes)}, {ref: "q.how", value: multiOf("own")}}, []string{"q.uses", "q.how"}, 75, 2, []string{"q.detail"}, true, 2},
		{"yes and cloud: all three", []given{{ref: "q.uses", value: status(assess.Yes)}, {ref: "q.how", value: multiOf("cloud")}}, []string{"q.uses", "q.how", "q.detail"}, 200.0 / 3, 3, nil, true, 2},
		{"an answer kept on a follow-up no longer asked does not count", []given{{ref: "q.uses", value: status(assess.No)}, {ref: "q.how", value: multiOf("cloud")}, {ref: "q.detail", value: assess.Value{Type: assess.TypeText, Text: "x"}}}, []string{"q.uses"}, 0, 1, []string{"q.how", "q.detail"}, true, 1},
		{"not applicable is no answer to test", []given{{ref: "q.uses", value: status(assess.StatusNotApplies)}}, []string{"q.uses"}, 0, 1, []string{"q.how"}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answers := answersOf(t, q, tt.answers...)
			asked := q.Asked(answers)
			for _, ref := range tt.asked {
				if !asked.Has(ref) {
					t.Errorf("%s is not asked, want asked", ref)
				}
			}
			for _, ref := range tt.notAsked {
				if asked.Has(ref) {
					t.Errorf("%s is asked, want not asked", ref)
				}
			}
			s := assess.ScoreEvaluation(q, answers, today)
			qs := questionScore(t, s, "q")
			if qs.Total != tt.total || qs.Answered != tt.wantCount {
				t.Errorf("answered/total = %d/%d, want %d/%d", qs.Answered, qs.Total, tt.wantCount, tt.total)
			}
			if s.Assessed() != tt.assessed {
				t.Fatalf("assessed = %v, want %v", s.Assessed(), tt.assessed)
			}
			if tt.assessed && !near(s.Overall, tt.score) {
				t.Errorf("score = %v, want %v", s.Overall, tt.score)
			}
			for _, ref := range tt.notAsked {
				if es := elementScore(t, s, ref); es.Asked || es.Applies || es.Answered {
					t.Errorf("%s scored as %+v, want not asked", ref, es)
				}
			}
		})
	}
}

func TestConditionalCriticalElementCapsOnlyWhenAsked(t *testing.T) {
	doc := strings.Replace(conditional, `"label":"How","type":"multi"`, `"label":"How","type":"multi","critical":true`, 1)
	q, err := assess.ParseQuestionnaire([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	today := day(t, "2026-06-01")
	s := assess.ScoreEvaluation(q, answersOf(t, q, given{ref: "q.uses", value: status(assess.No)}), today)
	if len(s.Capping()) != 0 {
		t.Errorf("a critical element not asked caps the tier: %+v", s.Capping())
	}
	s = assess.ScoreEvaluation(q, answersOf(t, q, given{ref: "q.uses", value: status(assess.Yes)}), today)
	if c := s.Capping(); len(c) != 1 || c[0].Element != "how" {
		t.Errorf("capping = %+v, want the asked and unanswered critical element", c)
	}
}

func TestConditionsRefused(t *testing.T) {
	el := func(key, when string) string {
		return `{"key":"` + key + `","label":"L","type":"choice","options":[{"key":"a","label":"A"}],"when":` + when + `}`
	}
	deep := `{"element":"q.s"}`
	for range assess.MaxConditionDepth {
		deep = `{"not":` + deep + `}`
	}
	tests := []struct {
		name, doc, want string
	}{
		{"an unknown element", oneQuestion(okStatus, el("c", `{"element":"q.nope"}`)), "no such element"},
		{"an unknown option", oneQuestion(el("b", `{"element":"q.c","any_of":["a"]}`), el("c", `{"element":"q.b","any_of":["z"]}`)), `no option "z"`},
		{"a status it cannot test", oneQuestion(okStatus, el("c", `{"element":"q.s","any_of":["not_applicable"]}`)), "not a status it can test"},
		{"options of a text element", oneQuestion(`{"key":"x","label":"X","type":"text"}`, el("c", `{"element":"q.x","any_of":["a"]}`)), "test only that it is answered"},
		{"itself", oneQuestion(el("c", `{"element":"q.c"}`)), "depend on themselves: q.c → q.c"},
		{"a cycle through two elements", oneQuestion(el("b", `{"element":"q.c","any_of":["a"]}`), el("c", `{"any":[{"element":"q.s"},{"element":"q.b"}]}`), okStatus), "depend on themselves: q.b → q.c → q.b"},
		{"two kinds at once", oneQuestion(okStatus, el("c", `{"element":"q.s","not":{"element":"q.s"}}`)), "exactly one of"},
		{"nothing", oneQuestion(okStatus, el("c", `{}`)), "exactly one of"},
		{"any_of without an element", oneQuestion(okStatus, el("c", `{"all":[{"element":"q.s"}],"any_of":["yes"]}`)), "any_of goes with element"},
		{"too deep", oneQuestion(okStatus, el("c", deep)), "levels deep"},
		{"a section split in two", oneQuestion(`{"key":"a","label":"A","type":"text","section":"One"}`, `{"key":"b","label":"B","type":"text","section":"Two"}`, `{"key":"c","label":"C","type":"text","section":"One"}`), "listed together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assess.ParseQuestionnaire([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestDescribeCondition(t *testing.T) {
	q, err := assess.ParseQuestionnaire([]byte(conditional))
	if err != nil {
		t.Fatal(err)
	}
	_, el, _ := q.Element("q", "detail")
	got := q.Describe(el.When)
	want := `“How” includes “Cloud” and not (“Uses it” is “No”)`
	if got != want {
		t.Errorf("Describe = %s, want %s", got, want)
	}
	sections := q.Questions[0].Sections()
	if len(sections) != 2 || sections[0].Title != "" || sections[1].Title != "Details" || len(sections[1].Elements) != 2 {
		t.Errorf("sections = %+v, want the untitled start and Details with two elements", sections)
	}
}
