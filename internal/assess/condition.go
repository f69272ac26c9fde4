package assess

import (
	"fmt"
	"slices"
	"strings"
)

// Condition decides from other answers whether an element is asked. An element whose condition
// does not hold is not shown to anyone and is left out of every figure, as if it were not in
// the questionnaire; an answer it already has is kept, and counts again once the condition holds.
//
// A condition is exactly one of:
//   - a test of one element (Element, a "question.element" reference): it holds when that
//     element is asked and answered (not_applicable is no answer here) and, when AnyOf is given,
//     when its answer is one of AnyOf (a choice or status) or includes one of them (a multi);
//   - All: every condition listed holds;
//   - Any: at least one holds;
//   - Not: the condition does not hold.
type Condition struct {
	Element string      `json:"element,omitempty"`
	AnyOf   []string    `json:"any_of,omitempty"`
	All     []Condition `json:"all,omitempty"`
	Any     []Condition `json:"any,omitempty"`
	Not     *Condition  `json:"not,omitempty"`
}

// Limits on one element's condition.
const (
	MaxConditionDepth = 8
	MaxConditionTests = 64
)

// Refs lists the elements a condition tests, each once, in the order they first appear.
func (c *Condition) Refs() []string {
	var out []string
	c.walk(func(t *Condition) {
		if !slices.Contains(out, t.Element) {
			out = append(out, t.Element)
		}
	})
	return out
}

// walk calls f on every test of one element inside c.
func (c *Condition) walk(f func(*Condition)) {
	switch {
	case c.Element != "":
		f(c)
	case c.Not != nil:
		c.Not.walk(f)
	default:
		for i := range c.All {
			c.All[i].walk(f)
		}
		for i := range c.Any {
			c.Any[i].walk(f)
		}
	}
}

// checkShape refuses a condition that is not exactly one kind, too deep or too large.
func (c *Condition) checkShape(depth int, tests *int) error {
	if depth > MaxConditionDepth {
		return fmt.Errorf("nested more than %d levels deep", MaxConditionDepth)
	}
	kinds := 0
	for _, given := range []bool{c.Element != "", len(c.All) > 0, len(c.Any) > 0, c.Not != nil} {
		if given {
			kinds++
		}
	}
	if kinds != 1 {
		return fmt.Errorf("want exactly one of element, all, any or not")
	}
	if c.Element == "" && len(c.AnyOf) > 0 {
		return fmt.Errorf("any_of goes with element")
	}
	if c.Element != "" {
		if *tests++; *tests > MaxConditionTests {
			return fmt.Errorf("more than %d tests", MaxConditionTests)
		}
		return nil
	}
	if c.Not != nil {
		return c.Not.checkShape(depth+1, tests)
	}
	for _, list := range [][]Condition{c.All, c.Any} {
		for i := range list {
			if err := list[i].checkShape(depth+1, tests); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkConditions refuses conditions that test unknown elements or options, and conditions that
// depend on themselves, through any chain of other elements' conditions.
func (q *Questionnaire) checkConditions() error {
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			if el.When == nil {
				continue
			}
			where := fmt.Sprintf("question %q: element %q: when", qu.Key, el.Key)
			tests := 0
			if err := el.When.checkShape(1, &tests); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			var err error
			el.When.walk(func(t *Condition) {
				if err == nil {
					err = q.checkTest(t)
				}
			})
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	if cycle := q.conditionCycle(); cycle != nil {
		return fmt.Errorf("conditions depend on themselves: %s", strings.Join(cycle, " → "))
	}
	return nil
}

func (q *Questionnaire) checkTest(t *Condition) error {
	question, element, _ := strings.Cut(t.Element, ".")
	_, el, ok := q.Element(question, element)
	if !ok {
		return fmt.Errorf("element %q: no such element", t.Element)
	}
	seen := map[string]bool{}
	for _, v := range t.AnyOf {
		if seen[v] {
			return fmt.Errorf("element %q: %q is listed twice", t.Element, v)
		}
		seen[v] = true
		switch el.Type {
		case TypeChoice, TypeMulti:
			if _, ok := el.Option(v); !ok {
				return fmt.Errorf("element %q has no option %q", t.Element, v)
			}
		case TypeStatus:
			if s := Status(v); !slices.Contains(Statuses, s) || s == StatusNotApplies {
				return fmt.Errorf("element %q: %q is not a status it can test (yes, partial or no)", t.Element, v)
			}
		default:
			return fmt.Errorf("element %q is a %s element: test only that it is answered (no any_of)", t.Element, el.Type)
		}
	}
	return nil
}

// conditionCycle is a chain of elements whose conditions lead back to the first, or nil.
func (q *Questionnaire) conditionCycle() []string {
	deps := map[string][]string{}
	var order []string
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			ref := Ref(qu.Key, el.Key)
			order = append(order, ref)
			if el.When != nil {
				deps[ref] = el.When.Refs()
			}
		}
	}
	return Cycle(order, func(ref string) []string { return deps[ref] })
}

// Cycle finds a chain of dependencies that leads back to where it began: the first found when
// the nodes are visited in order, as the nodes from the first to the first again, or nil when
// there is none. It is the one check for conditions that depend on themselves; importers use it
// on their own nodes to name the lines or rows of the chain.
func Cycle[N comparable](order []N, deps func(N) []N) []N {
	const (
		unseen = iota
		open
		closed
	)
	state := map[N]int{}
	var path []N
	var visit func(n N) []N
	visit = func(n N) []N {
		switch state[n] {
		case open:
			return append(slices.Clone(path[slices.Index(path, n):]), n)
		case closed:
			return nil
		}
		state[n] = open
		path = append(path, n)
		for _, d := range deps(n) {
			if c := visit(d); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[n] = closed
		return nil
	}
	for _, n := range order {
		if c := visit(n); c != nil {
			return c
		}
	}
	return nil
}

// Asked says, for answers keyed by "question.element", which elements are asked: those without
// a condition and those whose condition holds. The questionnaire must have been checked (its
// conditions have no cycle).
type Asked struct {
	q           *Questionnaire
	answers     map[string]Answer
	conditional bool                // the questionnaire has conditions at all
	elements    map[string]*Element // by reference, built on the first question asked
	memo        map[string]bool
}

// Asked is the set of elements asked given answers. A questionnaire without conditions asks
// every element, at no cost; one with conditions indexes its elements once.
func (q *Questionnaire) Asked(answers map[string]Answer) *Asked {
	a := &Asked{q: q, answers: answers}
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			a.conditional = a.conditional || el.When != nil
		}
	}
	return a
}

// Element reports whether element el of question qu is asked, without building its reference
// when it has no condition.
func (a *Asked) Element(qu *Question, el *Element) bool {
	return el.When == nil || a.Has(Ref(qu.Key, el.Key))
}

// Has reports whether the element ref ("question.element") of the questionnaire is asked.
func (a *Asked) Has(ref string) bool {
	if !a.conditional {
		return true
	}
	if a.elements == nil {
		a.elements, a.memo = map[string]*Element{}, map[string]bool{}
		for i := range a.q.Questions {
			qu := &a.q.Questions[i]
			for j := range qu.Elements {
				a.elements[Ref(qu.Key, qu.Elements[j].Key)] = &qu.Elements[j]
			}
		}
	}
	if v, ok := a.memo[ref]; ok {
		return v
	}
	el, ok := a.elements[ref]
	v := ok && (el.When == nil || a.holds(el.When))
	a.memo[ref] = v
	return v
}

func (a *Asked) holds(c *Condition) bool {
	switch {
	case c.Element != "":
		return a.test(c)
	case c.Not != nil:
		return !a.holds(c.Not)
	case len(c.All) > 0:
		for i := range c.All {
			if !a.holds(&c.All[i]) {
				return false
			}
		}
		return true
	default:
		for i := range c.Any {
			if a.holds(&c.Any[i]) {
				return true
			}
		}
		return false
	}
}

func (a *Asked) test(c *Condition) bool {
	if !a.Has(c.Element) {
		return false
	}
	ans, ok := a.answers[c.Element]
	if !ok || !ans.Answered() || ans.Value.NotApplicable() {
		return false
	}
	if len(c.AnyOf) == 0 {
		return true
	}
	return slices.ContainsFunc(ans.Value.Chosen(), func(k string) bool { return slices.Contains(c.AnyOf, k) })
}

// Describe is a condition in words, naming elements and options by their labels, for the
// questionnaire's page, the form and reports.
func (q *Questionnaire) Describe(c *Condition) string {
	switch {
	case c.Element != "":
		question, element, _ := strings.Cut(c.Element, ".")
		_, el, ok := q.Element(question, element)
		if !ok {
			return c.Element
		}
		if len(c.AnyOf) == 0 {
			return Quote(el.Label) + " is answered"
		}
		names := make([]string, len(c.AnyOf))
		for i, v := range c.AnyOf {
			names[i] = Quote(optionLabel(el, v))
		}
		verb := " is "
		if el.Type == TypeMulti {
			verb = " includes "
		}
		return Quote(el.Label) + verb + strings.Join(names, " or ")
	case c.Not != nil:
		return "not (" + q.Describe(c.Not) + ")"
	}
	list, join := c.All, " and "
	if len(c.Any) > 0 {
		list, join = c.Any, " or "
	}
	parts := make([]string, len(list))
	for i := range list {
		parts[i] = q.Describe(&list[i])
		if list[i].Element == "" && list[i].Not == nil {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, join)
}

func optionLabel(el *Element, key string) string {
	if o, ok := el.Option(key); ok {
		return o.Label
	}
	return Status(key).Label()
}
