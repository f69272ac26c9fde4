package vsaq

import (
	"fmt"
	"strings"

	"shareline/internal/importer/fit"
)

// item is one item of the template, as read.
type item struct {
	kind   string
	line   int
	seq    int // its place in the file, counting every item
	end    int // for a block: the seq of its last descendant
	parent *item
	level  int // for a block: its nesting, the top block being 1

	id, text, cond string
	items          []*item  // a block's items
	choices        []choice // a group's choices
	defaultChoice  bool
	yes, no        string
	warn           bool
	severity, name string
	customTitle    string
	dropped        []string // VSAQ fields read but not carried over (see droppedFields)

	// Set while converting.
	q        *questionB // the question the item's elements or guidance go to
	el       *elementB  // the element made of it
	cond0    *cnode     // its own condition, resolved (nil: none)
	condDone bool
	visiting bool
	conj     []*cnode // its own condition's conjuncts that are carried over
	conjDone bool
}

type choice struct {
	id, text string
	line     int
	key      string // the option's key
}

var itemKinds = map[string]string{
	"block":      "block",
	"line":       "text field",
	"box":        "text box",
	"check":      "checkbox",
	"checkgroup": "checkbox group",
	"radiogroup": "radio group",
	"yesno":      "yes/no question",
	"upload":     "upload",
	"info":       "information text",
	"tip":        "tip",
	"spacer":     "spacer",
}

// isElement reports whether an item of this kind becomes an element.
func isElement(kind string) bool {
	switch kind {
	case "line", "box", "check", "checkgroup", "radiogroup", "yesno", "upload":
		return true
	}
	return false
}

// droppedFields are the VSAQ fields that Shareline has no place for, each with what the note
// about it says. A field counts when it is given a value other than empty or false.
var droppedFields = []struct{ name, note string }{
	{"required", "marked as required; Shareline has no required answers, so respondents may skip such questions"},
	{"placeholder", "given a placeholder text for the answer box, which was left out"},
	{"inputPattern", "given a pattern the answer must match; Shareline does not check answers against patterns"},
	{"inputTitle", "given a hint about the pattern the answer must match, which was left out"},
	{"maxlength", "given a maximum answer length; Shareline's own limit on text answers applies instead"},
	{"inputType", "given an input type (such as email or number); Shareline imports such fields as text answers"},
	{"default", "given a default answer; Shareline starts every answer empty"},
	{"auth", "shown in VSAQ only to administrators (auth \"admin\"); in Shareline every respondent sees such items"},
	{"className", "given a CSS class (such as vsaq-invisible, which hides an item); the class was ignored, and Shareline shows such items"},
	{"todo", "given an entry for VSAQ's to-do list, which Shareline does not have"},
	{"why", "given a separate box for the respondent's explanation; in Shareline the respondent explains in the answer's explanation instead, and such prompts were left out"},
	{"choicesConds", "given conditions on single choices; Shareline offers every option whenever the question is asked"},
}

func truthy(v *value) bool {
	switch v.kind {
	case 'b':
		return v.b
	case 's':
		return v.str != ""
	case 'n':
		return strings.Trim(v.str, "-0.eE+") != ""
	case 'a', 'o':
		return len(v.vals) > 0
	}
	return false
}

// reader turns the parsed values into items.
type reader struct {
	all   []*item // every item, in the order of the file
	count int     // items and choices
}

func (r *reader) items(list *value, parent *item, level int) ([]*item, error) {
	var out []*item
	for _, v := range list.vals {
		it, err := r.item(v, parent, level)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func refuseAt(line int, format string, args ...any) error {
	return &problem{line: line, msg: fmt.Sprintf(format, args...)}
}

func (r *reader) item(v *value, parent *item, level int) (*item, error) {
	if v.kind != 'o' {
		return nil, refuseAt(v.line, "an item should be an object in { } with a “type”")
	}
	if r.count++; r.count > maxItems {
		return nil, refuseAt(v.line, "the template has more than %d items and choices; Shareline imports at most %d", maxItems, maxItems)
	}
	str := func(name string) (string, error) {
		f := v.get(name)
		if f == nil || f.kind == 'z' {
			return "", nil
		}
		if f.kind != 's' {
			return "", refuseAt(f.line, "“%s” should be a text in double quotes", name)
		}
		return f.str, nil
	}
	t := v.get("type")
	if t == nil {
		return nil, refuseAt(v.line, "this item has no “type”")
	}
	if t.kind != 's' {
		return nil, refuseAt(t.line, "“type” should be a text in double quotes")
	}
	if _, ok := itemKinds[t.str]; !ok {
		return nil, refuseAt(v.line, "unknown item type “%s”; VSAQ's types are block, line, box, check, checkgroup, radiogroup, yesno, upload, info, tip and spacer", clipWord(t.str))
	}
	it := &item{kind: t.str, line: v.line, seq: len(r.all), parent: parent}
	r.all = append(r.all, it)
	var err error
	if it.id, err = str("id"); err != nil {
		return nil, err
	}
	if it.text, err = str("text"); err != nil {
		return nil, err
	}
	if it.cond, err = str("cond"); err != nil {
		return nil, err
	}
	for _, f := range droppedFields {
		fv := v.get(f.name)
		switch {
		case fv == nil || !truthy(fv):
			continue
		case f.name == "why" && it.kind != "tip":
			continue
		case f.name == "auth" && fv.str != "admin":
			continue // "readonly" only stops edits in VSAQ's own form
		}
		{
			it.dropped = append(it.dropped, f.name)
		}
	}
	switch it.kind {
	case "block":
		it.level = level
		if level > maxBlockNest {
			return nil, refuseAt(v.line, "blocks are nested more than %d levels deep", maxBlockNest)
		}
		if iv := v.get("items"); iv != nil && iv.kind != 'z' {
			if iv.kind != 'a' {
				return nil, refuseAt(iv.line, "a block's “items” should be a list in [ ]")
			}
			if it.items, err = r.items(iv, it, level+1); err != nil {
				return nil, err
			}
		}
	case "checkgroup", "radiogroup":
		cv := v.get("choices")
		if cv == nil || cv.kind != 'a' {
			return nil, refuseAt(v.line, "this %s needs a “choices” list in [ ]", it.kind)
		}
		for _, c := range cv.vals {
			if c.kind != 'o' || len(c.names) != 1 || c.vals[0].kind != 's' {
				return nil, refuseAt(c.line, "each choice should be an object with one id and its text, like {\"my_choice\": \"The text\"}")
			}
			if r.count++; r.count > maxItems {
				return nil, refuseAt(c.line, "the template has more than %d items and choices; Shareline imports at most %d", maxItems, maxItems)
			}
			it.choices = append(it.choices, choice{id: c.names[0], text: c.vals[0].str, line: c.line})
		}
		if len(it.choices) == 0 {
			return nil, refuseAt(v.line, "this %s has no choices", it.kind)
		}
		if d := v.get("defaultChoice"); d != nil {
			it.defaultChoice = truthy(d)
		}
	case "yesno":
		if it.yes, err = str("yes"); err != nil {
			return nil, err
		}
		if it.no, err = str("no"); err != nil {
			return nil, err
		}
	case "tip":
		w, err := str("warn")
		if err != nil {
			return nil, err
		}
		it.warn = w == "yes" // as VSAQ: only the text "yes" makes a warning
		if it.severity, err = str("severity"); err != nil {
			return nil, err
		}
		if it.name, err = str("name"); err != nil {
			return nil, err
		}
		if it.customTitle, err = str("customTitle"); err != nil {
			return nil, err
		}
	}
	it.end = len(r.all) - 1
	return it, nil
}

// clipWord shortens a text quoted in a message.
func clipWord(s string) string { return fit.Brief(s, 60) }
