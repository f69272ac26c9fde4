package sheet

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"shareline/internal/assess"
)

// conditions reads the when cell of every element, once all elements are known, and refuses
// conditions that depend on themselves.
func (b *builder) conditions() {
	for _, qu := range b.questions {
		for i := range qu.Elements {
			text := qu.whens[i]
			if text == "" {
				continue
			}
			p := &parser{b: b, here: qu}
			c, err := p.parse(text)
			if err != nil {
				b.r.refuse(qu.rows[i], "%s: %v", b.where(colWhen), err)
				continue
			}
			qu.Elements[i].When = c
		}
	}
	b.cycle()
}

// cycle refuses the first chain of conditions that leads back to where it began, on the row of
// the element it begins with.
func (b *builder) cycle() {
	rowOf := map[string]int{}
	deps := map[string][]string{}
	var order []string
	for _, qu := range b.questions {
		for i, el := range qu.Elements {
			ref := assess.Ref(qu.Key, el.Key)
			order = append(order, ref)
			rowOf[ref] = qu.rows[i]
			if el.When != nil {
				deps[ref] = el.When.Refs()
			}
		}
	}
	if c := assess.Cycle(order, func(ref string) []string { return deps[ref] }); c != nil {
		var rows []string
		for _, r := range c[:len(c)-1] {
			rows = append(rows, fmt.Sprint(rowOf[r]))
		}
		what := "the condition depends on its own element"
		if len(rows) > 1 {
			what = "the conditions depend on themselves, on rows " + strings.Join(rows[:len(rows)-1], ", ") + " and " + rows[len(rows)-1]
		}
		b.r.refuse(rowOf[c[0]], "%s: %s: %s; an element cannot wait on an answer that itself waits on it", b.where(colWhen), what, strings.Join(c, " → "))
		return
	}
}

// parser reads one condition:
//
//	condition := term { ("and" | "or") term }   (one of the two throughout)
//	term      := "not" term | "(" condition ")" | test
//	test      := element "answered" | element "is" "answered" | element "=" value { "|" value }
type parser struct {
	b     *builder
	here  *question // the question of the element whose condition it is
	toks  []string
	pos   int
	depth int // of parentheses and nots, a guard on recursion; depth says how deep it nests
	tests int
}

func (p *parser) parse(text string) (*assess.Condition, error) {
	p.toks = tokens(text)
	c, err := p.condition()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		t := p.toks[p.pos]
		if t == ")" {
			return nil, errors.New(`a ")" closes nothing; check the parentheses`)
		}
		return nil, fmt.Errorf("%q comes after a whole condition; join two tests with and or or", t)
	}
	if d := depth(c); d > assess.MaxConditionDepth {
		return nil, fmt.Errorf("the condition is nested %d levels deep; the limit is %d", d, assess.MaxConditionDepth)
	}
	return c, nil
}

// tokens splits a condition into words and the marks ( ) = |.
func tokens(text string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
			flush()
		case r == '(' || r == ')' || r == '=' || r == '|':
			flush()
			out = append(out, string(r))
		default:
			word.WriteRune(r)
		}
	}
	flush()
	return out
}

func (p *parser) peek(n int) string {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek(0)
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func mark(t string) bool { return t == "(" || t == ")" || t == "=" || t == "|" }

func (p *parser) condition() (*assess.Condition, error) {
	if p.depth++; p.depth > 2*assess.MaxConditionDepth {
		return nil, fmt.Errorf("the condition is nested more than %d levels deep", assess.MaxConditionDepth)
	}
	defer func() { p.depth-- }()
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	list, join := []assess.Condition{*first}, ""
	for {
		w := strings.ToLower(p.peek(0))
		if w != "and" && w != "or" {
			break
		}
		if join != "" && w != join {
			return nil, errors.New(`"and" and "or" are mixed; group the tests with parentheses, as a answered and (b answered or c answered)`)
		}
		join = w
		p.next()
		c, err := p.term()
		if err != nil {
			return nil, err
		}
		list = append(list, *c)
	}
	switch join {
	case "and":
		return &assess.Condition{All: list}, nil
	case "or":
		return &assess.Condition{Any: list}, nil
	}
	return first, nil
}

func (p *parser) term() (*assess.Condition, error) {
	t := p.peek(0)
	switch {
	case t == "":
		return nil, errors.New("the condition ends too soon: a test names an element, then answered or = and the answers")
	case t == "(":
		p.next()
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, errors.New(`a "(" is not closed; check the parentheses`)
		}
		return c, nil
	case strings.EqualFold(t, "not") && !isTestWord(p.peek(1)):
		p.next()
		if p.depth++; p.depth > assess.MaxConditionDepth {
			return nil, fmt.Errorf("the condition is nested more than %d levels deep", assess.MaxConditionDepth)
		}
		defer func() { p.depth-- }()
		c, err := p.term()
		if err != nil {
			return nil, err
		}
		return &assess.Condition{Not: c}, nil
	case mark(t), strings.EqualFold(t, "and"), strings.EqualFold(t, "or"):
		return nil, fmt.Errorf("%q stands where an element's key should; a test names an element, then answered or = and the answers", t)
	}
	return p.test()
}

// isTestWord says whether t follows an element's key in a test (so that an element keyed
// "not" can still be tested).
func isTestWord(t string) bool {
	return t == "=" || strings.EqualFold(t, "answered") || strings.EqualFold(t, "is")
}

func (p *parser) test() (*assess.Condition, error) {
	name := p.next()
	if p.tests++; p.tests > assess.MaxConditionTests {
		return nil, fmt.Errorf("more than %d tests in one condition", assess.MaxConditionTests)
	}
	qu, el, err := p.resolve(name)
	if err != nil {
		return nil, err
	}
	c := &assess.Condition{Element: assess.Ref(qu.Key, el.Key)}
	switch t := strings.ToLower(p.next()); t {
	case "is":
		if !strings.EqualFold(p.next(), "answered") {
			return nil, fmt.Errorf(`after "%s is" write answered; to test the answer write %s = and the answers`, name, name)
		}
		return c, nil
	case "answered":
		return c, nil
	case "=":
	default:
		return nil, fmt.Errorf("after %q write answered, or = and the answers it may be (separated by |)", name)
	}
	for {
		v := p.next()
		if v == "" || mark(v) {
			return nil, fmt.Errorf("after \"%s =\" write the answers it may be, separated by |", name)
		}
		v, err := answer(el, name, v)
		if err != nil {
			return nil, err
		}
		if slices.Contains(c.AnyOf, v) {
			return nil, fmt.Errorf("%s is listed twice for %s", v, name)
		}
		c.AnyOf = append(c.AnyOf, v)
		if p.peek(0) != "|" {
			return c, nil
		}
		p.next()
	}
}

// answer checks one answer a test lists, as the condition will hold it.
func answer(el *assess.Element, name, v string) (string, error) {
	switch el.Type {
	case assess.TypeStatus:
		switch s := strings.ToLower(v); s {
		case string(assess.Yes), string(assess.Partial), string(assess.No):
			return s, nil
		}
		return "", fmt.Errorf("%s is a status element, answered yes, partial or no; %q is none of them", name, short(v))
	case assess.TypeChoice, assess.TypeMulti:
		if _, ok := el.Option(v); ok {
			return v, nil
		}
		keys := make([]string, len(el.Options))
		for i, o := range el.Options {
			keys[i] = o.Key
		}
		return "", fmt.Errorf("%s has no option %q; its options are %s", name, short(v), strings.Join(keys, ", "))
	}
	return "", fmt.Errorf("%s is a %s element: a condition can only test that it is answered (write %s answered)", name, el.Type, name)
}

// resolve finds the element a test names: question_key.key, or a key of the same question,
// or else the only element of that key in the sheet.
func (p *parser) resolve(name string) (*question, *assess.Element, error) {
	if qk, ek, dotted := strings.Cut(name, "."); dotted {
		qu := p.b.byKey[qk]
		if qu == nil {
			keys := make([]string, len(p.b.questions))
			for i, q := range p.b.questions {
				keys[i] = q.Key
			}
			return nil, nil, fmt.Errorf("%q names no question of this sheet: the question keys are %s", short(qk), strings.Join(keys, ", "))
		}
		if el := find(qu, ek); el != nil {
			return qu, el, nil
		}
		return nil, nil, fmt.Errorf("the question %s has no element %q", qk, short(ek))
	}
	if el := find(p.here, name); el != nil {
		return p.here, el, nil
	}
	var found []*question
	for _, qu := range p.b.questions {
		if find(qu, name) != nil {
			found = append(found, qu)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil, fmt.Errorf("no element of this sheet has the key %q", short(name))
	case 1:
		return found[0], find(found[0], name), nil
	}
	refs := make([]string, len(found))
	for i, qu := range found {
		refs[i] = assess.Ref(qu.Key, name)
	}
	return nil, nil, fmt.Errorf("%s is the key of elements in several questions; write %s", name, strings.Join(refs, " or "))
}

func find(qu *question, key string) *assess.Element {
	for i := range qu.Elements {
		if qu.Elements[i].Key == key {
			return &qu.Elements[i]
		}
	}
	return nil
}

// depth is how deep a condition nests, counted as assess counts it.
func depth(c *assess.Condition) int {
	d := 0
	for _, list := range [][]assess.Condition{c.All, c.Any} {
		for i := range list {
			d = max(d, depth(&list[i]))
		}
	}
	if c.Not != nil {
		d = max(d, depth(c.Not))
	}
	return d + 1
}
