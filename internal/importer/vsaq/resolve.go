package vsaq

import (
	"fmt"
	"slices"

	"shareline/internal/assess"
)

type cKind int

const (
	cTest  cKind = iota // el is answered (anyOf nil) or one of anyOf is chosen
	cNot                // kids[0] does not hold
	cAll                // every kid holds
	cAny                // some kid holds
	cTrue               // always
	cFalse              // never
	cUnrep              // something Shareline cannot test; why says what
)

// cnode is a condition with its ids resolved to elements. Nodes are shared (an item's
// condition is reused wherever "^item" names it) and never changed once made.
type cnode struct {
	kind  cKind
	el    *elementB
	anyOf []string
	kids  []*cnode
	why   string
}

var (
	always = &cnode{kind: cTrue}
	never  = &cnode{kind: cFalse}
)

func unrep(format string, args ...any) *cnode {
	return &cnode{kind: cUnrep, why: fmt.Sprintf(format, args...)}
}

// condOf is an item's own condition, resolved (nil when it has none). via is the "^" reference
// that led here, for the message when conditions go round in a circle.
func (b *builder) condOf(it *item, via string) (*cnode, error) {
	if it.condDone {
		return it.cond0, nil
	}
	if it.visiting {
		return nil, refuseAt(it.line, "the condition of this item depends, through “%s”, on whether this item itself is shown, which goes round in a circle", clipWord(via))
	}
	it.visiting = true
	defer func() { it.visiting = false }()
	e, mixed, err := parseCond(it.cond)
	if err != nil {
		return nil, refuseAt(it.line, "the condition “%s”: %v", clipCond(it.cond), err)
	}
	if e != nil {
		if mixed {
			b.note(it.line, "The condition “%s” of %s joins “||” and then “&&” without parentheses; it was read as VSAQ reads it, left to right: %s.", clipCond(it.cond), describe(it), clipCond(e.String()))
		}
		c, err := b.resolve(e, it)
		if err != nil {
			return nil, err
		}
		if size(c, b.sizes) > maxCondNodes {
			c = unrep("it grows too large when the items it names with “^” are spelled out")
		}
		it.cond0 = c
	}
	it.condDone = true
	return it.cond0, nil
}

func (b *builder) resolve(e *expr, from *item) (*cnode, error) {
	switch e.op {
	case opID:
		return b.resolveID(e.name, from)
	case opNot, opAnd, opOr:
		kind := map[opKind]cKind{opNot: cNot, opAnd: cAll, opOr: cAny}[e.op]
		n := &cnode{kind: kind}
		for _, k := range e.kids {
			c, err := b.resolve(k, from)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, c)
		}
		return n, nil
	case opCall:
		for _, id := range e.ids(nil) {
			if _, err := b.lookup(id, from); err != nil {
				return nil, err
			}
		}
		return unrep("it calls %s(…), which looks at the text of an answer; Shareline's conditions test only choices and whether a question is answered", clipWord(e.name)), nil
	default: // opText
		return unrep("it holds a text in double quotes outside the arguments of a function"), nil
	}
}

func (b *builder) lookup(id string, from *item) (target, error) {
	_, base, _ := splitID(id)
	t, ok := b.ids[base]
	if !ok {
		return t, refuseAt(from.line, "the condition “%s” names “%s”, but no item or choice in the file has that id", clipCond(from.cond), clipWord(base))
	}
	return t, nil
}

func test(el *elementB, anyOf ...string) *cnode {
	return &cnode{kind: cTest, el: el, anyOf: anyOf}
}

// resolveID is what an id of a condition tests, following VSAQ's resolver
// (vsaq.questionnaire.items.Item.prototype.evaluateConditions).
func (b *builder) resolveID(name string, from *item) (*cnode, error) {
	if name == "false" {
		return never, nil
	}
	visible, base, suffix := splitID(name)
	t, err := b.lookup(name, from)
	if err != nil {
		return nil, err
	}
	if visible {
		return b.visibility(t.it, name)
	}
	el := t.it.el
	if isElement(t.it.kind) && el == nil {
		return unrep("“%s” names an item that was not imported", clipWord(base)), nil
	}
	if t.choice >= 0 {
		// A radio button or a box of a checkgroup: chosen. VSAQ ignores /yes or /no here.
		return test(el, el.optByChoice[t.choice]), nil
	}
	switch t.it.kind {
	case "radiogroup", "checkgroup":
		// VSAQ's GroupItem.getValue: one of its choices is chosen.
		keys := make([]string, 0, len(el.el.Options))
		for _, o := range el.el.Options {
			keys = append(keys, o.Key)
		}
		return test(el, keys...), nil
	case "check":
		return test(el, "checked"), nil
	case "yesno":
		switch suffix {
		case "no":
			return test(el, "no"), nil
		case "value":
			return test(el), nil
		}
		// VSAQ's YesNoItem.isChecked takes the part after the last "/" of the id and compares
		// it with the answer; "/yes" is its default. A bare id is read as "/yes".
		return test(el, "yes"), nil
	case "line", "box", "upload":
		return test(el), nil
	case "tip":
		if suffix == "value" {
			return unrep("it tests what was typed in the explanation box of the tip “%s”, which Shareline does not have", clipWord(base)), nil
		}
		return never, nil // a tip is a ValueItem whose isChecked is always false
	}
	return unrep("“%s” is the id of a %s, which VSAQ cannot test by its id", clipWord(base), itemKinds[t.it.kind]), nil
}

// visibility is the condition under which VSAQ shows an item ("^id"): its own condition and
// those of every block around it.
func (b *builder) visibility(it *item, via string) (*cnode, error) {
	var parts []*cnode
	for x := it; x != nil; x = x.parent {
		c, err := b.condOf(x, via)
		if err != nil {
			return nil, err
		}
		if c != nil {
			parts = append(parts, c)
		}
	}
	switch len(parts) {
	case 0:
		return always, nil
	case 1:
		return parts[0], nil
	}
	return &cnode{kind: cAll, kids: parts}, nil
}

// size counts the nodes of c as a tree (shared nodes as often as they appear), up to a cap.
func size(c *cnode, memo map[*cnode]int) int {
	if n, ok := memo[c]; ok {
		return n
	}
	n := 1
	for _, k := range c.kids {
		if n += size(k, memo); n > maxCondNodes {
			n = maxCondNodes + 1
			break
		}
	}
	memo[c] = n
	return n
}

// flattenAll lists the conditions that must all hold for c to hold.
func flattenAll(c *cnode, out []*cnode) []*cnode {
	if c.kind != cAll {
		return append(out, c)
	}
	for _, k := range c.kids {
		out = flattenAll(k, out)
	}
	return out
}

// simplify folds constants, flattens nested lists, removes double negations and merges the
// tests of one element joined by "any". It makes new nodes and changes none, so that its
// results can be kept for nodes shared by several conditions.
func (b *builder) simplify(c *cnode) *cnode {
	if s, ok := b.simple[c]; ok {
		return s
	}
	s := b.simplify1(c)
	b.simple[c] = s
	return s
}

func (b *builder) simplify1(c *cnode) *cnode {
	switch c.kind {
	case cNot:
		k := b.simplify(c.kids[0])
		switch k.kind {
		case cTrue:
			return never
		case cFalse:
			return always
		case cUnrep:
			return k
		case cNot:
			return k.kids[0]
		}
		return &cnode{kind: cNot, kids: []*cnode{k}}
	case cAll, cAny:
		unit, zero := always, never // all: drop true, false wins
		if c.kind == cAny {
			unit, zero = never, always
		}
		var kids []*cnode
		for _, k := range c.kids {
			s := b.simplify(k)
			switch {
			case s.kind == cUnrep:
				return s
			case s.kind == zero.kind:
				return zero
			case s.kind == unit.kind:
			case s.kind == c.kind:
				kids = append(kids, s.kids...)
			default:
				kids = append(kids, s)
			}
		}
		if c.kind == cAny {
			kids = mergeTests(kids)
		}
		kids = distinct(kids)
		switch len(kids) {
		case 0:
			return unit
		case 1:
			return kids[0]
		}
		return &cnode{kind: c.kind, kids: kids}
	}
	return c
}

// mergeTests joins the tests of one element among conditions of which any may hold: a choice
// among some options or among others is a choice among all of them, and "answered" covers any
// choice.
func mergeTests(kids []*cnode) []*cnode {
	var out []*cnode
	at := map[*elementB]int{}
	for _, k := range kids {
		if k.kind != cTest {
			out = append(out, k)
			continue
		}
		i, ok := at[k.el]
		if !ok {
			at[k.el] = len(out)
			out = append(out, k)
			continue
		}
		prev := out[i]
		merged := &cnode{kind: cTest, el: k.el}
		if prev.anyOf != nil && k.anyOf != nil {
			merged.anyOf = slices.Clone(prev.anyOf)
			for _, v := range k.anyOf {
				if !slices.Contains(merged.anyOf, v) {
					merged.anyOf = append(merged.anyOf, v)
				}
			}
		}
		out[i] = merged
	}
	return out
}

func walkTests(c *cnode, f func(*cnode)) {
	if c == nil {
		return
	}
	if c.kind == cTest {
		f(c)
	}
	for _, k := range c.kids {
		walkTests(k, f)
	}
}

// toCondition is a simplified condition in Shareline's form; deps collects the elements it
// tests.
func toCondition(c *cnode, deps *[]*elementB) assess.Condition {
	switch c.kind {
	case cTest:
		if !slices.Contains(*deps, c.el) {
			*deps = append(*deps, c.el)
		}
		out := assess.Condition{Element: assess.Ref(c.el.q.key, c.el.el.Key)}
		if c.anyOf != nil {
			for _, o := range c.el.el.Options { // in the element's order, each once
				if slices.Contains(c.anyOf, o.Key) {
					out.AnyOf = append(out.AnyOf, o.Key)
				}
			}
			if c.el.el.Type == assess.TypeChoice && len(out.AnyOf) == len(c.el.el.Options) {
				out.AnyOf = nil // a choice among all options is a choice
			}
		}
		return out
	case cNot:
		k := toCondition(c.kids[0], deps)
		return assess.Condition{Not: &k}
	}
	list := make([]assess.Condition, len(c.kids))
	for i, k := range c.kids {
		list[i] = toCondition(k, deps)
	}
	if c.kind == cAll {
		return assess.Condition{All: list}
	}
	return assess.Condition{Any: list}
}

// measure is a condition's depth, counted as assess counts it, and its number of tests.
func measure(c *assess.Condition) (depth, tests int) {
	if c.Element != "" {
		return 1, 1
	}
	if c.Not != nil {
		d, t := measure(c.Not)
		return d + 1, t
	}
	for _, list := range [][]assess.Condition{c.All, c.Any} {
		for i := range list {
			d, t := measure(&list[i])
			depth, tests = max(depth, d), tests+t
		}
	}
	return depth + 1, tests
}

// distinct drops a test that repeats one before it in the same list.
func distinct(kids []*cnode) []*cnode {
	var out []*cnode
	for _, k := range kids {
		if !slices.ContainsFunc(out, func(o *cnode) bool { return sameTest(o, k) }) {
			out = append(out, k)
		}
	}
	return out
}

func sameTest(a, b *cnode) bool {
	return a == b || (a.kind == cTest && b.kind == cTest && a.el == b.el && (a.anyOf == nil) == (b.anyOf == nil) && slices.Equal(a.anyOf, b.anyOf))
}
