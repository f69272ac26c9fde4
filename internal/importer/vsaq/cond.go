package vsaq

import (
	"fmt"
	"strings"
)

// A VSAQ condition ("cond") is a boolean expression over ids, read by vsaq.questionnaire.utils:
// ids, "!", "&&", "||", parentheses, and calls of the functions matches(…) and contains(…) with
// texts in double quotes for their arguments.
//
// Precedence: VSAQ applies "!" to the operand after it first, then evaluates "&&" and "||"
// strictly left to right, without precedence, inside each pair of parentheses: "a || b && c"
// is (a || b) && c there, where the usual reading is a || (b && c). This package reads
// conditions as VSAQ does. The two readings differ only when "&&" follows "||" at one level of
// parentheses; none of the 96 conditions of webapp.json, the 114 of infrastructure.json (nor
// those of the other templates Google publishes) mixes "&&" and "||" at one level at all, so
// for them the standard precedence (! before && before ||) gives the same result. When a
// template does mix them that way, Read adds a note saying how it was read.

// Limits on one condition.
const (
	maxCondLength = 2000
	maxCondParens = 8
)

type opKind int

const (
	opID   opKind = iota // an id, possibly with ^ and /yes, /no or /value
	opNot                // !x
	opAnd                // x && y && …
	opOr                 // x || y || …
	opCall               // name(arguments…)
	opText               // "text"
)

// expr is a parsed condition.
type expr struct {
	op   opKind
	name string // the id, the function's name, or the text
	kids []*expr
}

// parseCond reads a condition. mixed reports that "&&" follows "||" at one level, where VSAQ's
// left-to-right reading differs from the usual precedence. An empty condition is nil.
func parseCond(s string) (e *expr, mixed bool, err error) {
	if len(s) > maxCondLength {
		return nil, false, fmt.Errorf("the condition is %d characters long; the limit is %d", len(s), maxCondLength)
	}
	toks, err := condTokens(s)
	if err != nil {
		return nil, false, err
	}
	if len(toks) == 0 {
		return nil, false, nil
	}
	p := &condParser{toks: toks}
	e, err = p.chain(0)
	if err != nil {
		return nil, false, err
	}
	if p.pos < len(p.toks) {
		switch t := p.toks[p.pos]; t {
		case ")":
			return nil, false, fmt.Errorf("a “)” that closes no “(”")
		case ",":
			return nil, false, fmt.Errorf("a “,” outside the arguments of a function")
		default:
			return nil, false, fmt.Errorf("“%s” follows another operand without && or || between them", t)
		}
	}
	return e, p.mixed, nil
}

// condTokens splits a condition into ids, texts (kept with their quotes) and operators.
func condTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == '!' || c == ',':
			out = append(out, s[i:i+1])
			i++
		case c == '&' || c == '|':
			if i+1 >= len(s) || s[i+1] != c {
				return nil, fmt.Errorf("a single “%c”: write “%c%c”", c, c, c)
			}
			out = append(out, s[i:i+2])
			i += 2
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("a text in double quotes is not closed")
			}
			out = append(out, s[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()!&|,\"", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

type condParser struct {
	toks  []string
	pos   int
	mixed bool
}

func (p *condParser) next() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

// chain reads operands joined by && and ||, folded left to right as VSAQ evaluates them.
func (p *condParser) chain(depth int) (*expr, error) {
	left, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	sawOr := false
	for {
		t := p.next()
		if t != "&&" && t != "||" {
			return left, nil
		}
		p.pos++
		op := opAnd
		if t == "||" {
			op, sawOr = opOr, true
		} else if sawOr {
			p.mixed = true
		}
		right, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		if left.op == op && !left.grouped() {
			left.kids = append(left.kids, right)
		} else {
			left = &expr{op: op, kids: []*expr{left, right}}
		}
	}
}

// grouped marks an expression that came in parentheses, so that a chain does not extend it.
func (e *expr) grouped() bool { return e.name == "()" }

func (p *condParser) unary(depth int) (*expr, error) {
	switch t := p.next(); t {
	case "!":
		p.pos++
		kid, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		return &expr{op: opNot, kids: []*expr{kid}}, nil
	case "(":
		return p.group(depth)
	case "":
		return nil, fmt.Errorf("the condition ends where an id or “(” should be")
	case ")", "&&", "||", ",":
		return nil, fmt.Errorf("“%s” where an id or “(” should be", t)
	default:
		p.pos++
		if t[0] == '"' {
			return &expr{op: opText, name: t}, nil
		}
		if p.next() == "(" {
			args, err := p.args(depth)
			if err != nil {
				return nil, err
			}
			return &expr{op: opCall, name: t, kids: args}, nil
		}
		return &expr{op: opID, name: t}, nil
	}
}

func (p *condParser) open(depth int) error {
	if depth+1 > maxCondParens {
		return fmt.Errorf("parentheses are nested more than %d deep", maxCondParens)
	}
	p.pos++ // (
	return nil
}

func (p *condParser) close() error {
	if p.next() != ")" {
		if p.pos >= len(p.toks) {
			return fmt.Errorf("a “(” is not closed (unbalanced parentheses)")
		}
		return fmt.Errorf("“%s” where “)” should be", p.next())
	}
	p.pos++
	return nil
}

func (p *condParser) group(depth int) (*expr, error) {
	if err := p.open(depth); err != nil {
		return nil, err
	}
	inner, err := p.chain(depth + 1)
	if err != nil {
		return nil, err
	}
	if err := p.close(); err != nil {
		return nil, err
	}
	if inner.op == opAnd || inner.op == opOr {
		inner.name = "()"
	}
	return inner, nil
}

func (p *condParser) args(depth int) ([]*expr, error) {
	if err := p.open(depth); err != nil {
		return nil, err
	}
	var args []*expr
	if p.next() != ")" {
		for {
			a, err := p.chain(depth + 1)
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.next() != "," {
				break
			}
			p.pos++
		}
	}
	return args, p.close()
}

// ids lists every id the expression names, in order (function arguments included).
func (e *expr) ids(out []string) []string {
	if e == nil {
		return out
	}
	if e.op == opID {
		return append(out, e.name)
	}
	for _, k := range e.kids {
		out = k.ids(out)
	}
	return out
}

// orOfIDs is the ids of an expression that is one id or ids joined by || only, without ! or
// ^; nil otherwise.
func (e *expr) orOfIDs() []string {
	switch e.op {
	case opID:
		if strings.HasPrefix(e.name, "^") || e.name == "false" {
			return nil
		}
		return []string{e.name}
	case opOr:
		var out []string
		for _, k := range e.kids {
			ids := k.orOfIDs()
			if ids == nil {
				return nil
			}
			out = append(out, ids...)
		}
		return out
	}
	return nil
}

// splitID takes an id of a condition apart: the ^ (visibility) prefix, the id an item has, and
// a /yes, /no or /value suffix, as VSAQ's resolver does.
func splitID(id string) (visible bool, base, suffix string) {
	if strings.HasPrefix(id, "^") {
		visible, id = true, id[1:]
	}
	for _, s := range []string{"/yes", "/no", "/value"} {
		if strings.HasSuffix(id, s) {
			return visible, strings.TrimSuffix(id, s), s[1:]
		}
	}
	return visible, id, ""
}

// String writes the expression back with parentheses around every group, so that a note can
// show how it was read.
func (e *expr) String() string {
	switch e.op {
	case opNot:
		k := e.kids[0].String()
		if e.kids[0].op == opAnd || e.kids[0].op == opOr {
			k = "(" + k + ")"
		}
		return "!" + k
	case opAnd, opOr:
		sep := " && "
		if e.op == opOr {
			sep = " || "
		}
		parts := make([]string, len(e.kids))
		for i, k := range e.kids {
			parts[i] = k.String()
			if k.op == opAnd || k.op == opOr {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, sep)
	case opCall:
		parts := make([]string, len(e.kids))
		for i, k := range e.kids {
			parts[i] = k.String()
		}
		return e.name + "(" + strings.Join(parts, ", ") + ")"
	}
	return e.name
}
