// Package vsaq imports a Google VSAQ questionnaire template (the JSON files VSAQ ships under
// questionnaires/, such as webapp.json) as a Shareline questionnaire.
//
// # The file
//
// A template is JSON with two additions from JavaScript: "//" comments (the licence header)
// and long texts split into pieces joined by "+". Anything else that is not JSON is refused,
// naming the line. The object's "questionnaire" list holds the items; VSAQ wants one block
// there, the top block.
//
// # Mapping
//
//   - The questionnaire: its key is made from the top block's text, its title is that text
//     (or "VSAQ questionnaire" unless there is exactly one top-level block), version 1, and its
//     description says it was imported from a VSAQ template. When the top level holds more
//     than one item, the list is read as if it were the top block's items.
//   - Questions: each block inside the top block (level 2) is a question, keyed by the block's
//     id or else its text, titled by its text; a level-2 block that holds only blocks (two or
//     more) gives a question for each of them instead, titled "Block › Inner block". Answerable items directly inside the top block
//     go to one question, titled like the top block ("General" when it has no text), at the
//     place of the first of them. A question left with nothing to answer is left out, with a
//     note.
//   - Sections: a block at level 3 names the section of the elements inside it; deeper blocks
//     add to it, "Level 3 › Level 4". Shareline wants the elements of a section listed
//     together, so a run of elements that comes back to a section after a deeper block (or
//     back to the question's own level) gets "(continued)" after the name, and another block
//     of the same name gets "(2)".
//   - Elements: line and box are text elements; upload is a text element with evidence
//     expected and help asking for the file as evidence; radiogroup is a choice and
//     checkgroup a multi, with an option per choice (keyed by the choice's id) and "None of
//     the above" when defaultChoice is set, as VSAQ adds it; yesno is a choice of "yes" and
//     "no", labelled by its yes and no texts; a check (a single checkbox, which VSAQ always
//     counts as answered, ticked or not) is a choice of "checked" and "unchecked", so that not
//     ticking it is an answer that can earn credit. Keys come from ids, or else texts, made
//     unique. Texts are HTML in VSAQ and plain text here; a label longer than 300 characters is
//     cut, and the whole text begins the help.
//   - Guidance: an info item's text is added to the help of the next element in its block (or
//     to the question's prompt when none follows). A tip without warn is added, as "Advice:
//     …", to the help of the elements its condition tests (those of its own question when
//     there are any), or else of the element before it.
//   - Credit: every option earns 1, unless a warning (a tip with warn "yes") is shown when it
//     is chosen. A warning whose condition is one question's choices joined by "||" (one
//     choice alone included) lowers the credit of those options: to 0.5 for severity medium
//     (or none), to 0 for high and critical, which also make the element critical. Its name and
//     text go into the element's help, "Warning (high): name — text". A warning whose
//     condition is anything else (&&, !, several questions, a block condition the question
//     does not share) cannot be a credit: its text goes to the help of the elements it tests,
//     and a note says so. So the scores of an imported questionnaire come only from its own
//     warnings.
//   - Conditions: an element is asked when its own cond and those of every block around it
//     hold. In a condition, a choice's id is the test that the choice is chosen; a group's id
//     that one of its choices is; a check's id that it is ticked; a yesno's id with "/no"
//     that "no" is chosen, with "/yes" or nothing that "yes" is, with "/value" that it is
//     answered; a line, box or upload's id (with "/value" or not) that it is answered. "^id",
//     whether an item is shown in VSAQ, is replaced by that item's own conditions. A tip's id
//     is never true in VSAQ, nor is "false". "!" is not, "&&" all, "||" any; tests of one
//     element joined by "||" are merged into one test of several options. VSAQ reads "&&"
//     and "||" left to right; see cond.go.
//   - What cannot be carried over is left out, with a note in words for the administrator:
//     a condition that calls matches(…) or contains(…) (the element is asked without that
//     condition), VSAQ fields Shareline has no place for (required, placeholders, patterns,
//     defaults, to-do entries, a warning's own explanation box, conditions on single choices,
//     auth and CSS classes), a help text cut at 4000 characters.
//
// # Refusals
//
// A file is refused whole, as a *questionnairefile.Error whose problem names the line where
// the offending item starts: text that is not JSON, an unknown item type, an id used twice, a
// condition that does not parse or names an id no item has, conditions that depend on
// themselves, and files over the limits: 5000 items, 1000 elements (300 per question, 100
// questions, 100 options per element), blocks nested more than 12 deep, a text over 64 KiB,
// a condition over 2000 characters or with parentheses more than 8 deep.
package vsaq

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"shareline/internal/assess"
	"shareline/internal/importer/fit"
	"shareline/internal/questionnairefile"
)

// Looks reports whether data is a VSAQ template: after its comment lines, a JSON object with a
// "questionnaire" list. It only scans the object's top-level names.
func Looks(data []byte) bool { return looks(data) }

// Read converts a VSAQ template. notes lists, in plain English sentences for an admin, each
// thing that could not be represented (empty when everything was). A refusal is a
// *questionnairefile.Error naming the line of the offending item.
func Read(data []byte) (q *assess.Questionnaire, notes []string, err error) {
	if len(data) > questionnairefile.MaxBytes {
		return nil, nil, refusal(&problem{line: 1, msg: fmt.Sprintf("the file is %d bytes; the limit is %d (2 MiB)", len(data), questionnairefile.MaxBytes)})
	}
	q, notes, err = read(data)
	if err != nil {
		var p *problem
		if !errors.As(err, &p) {
			p = &problem{line: 1, msg: err.Error()}
		}
		return nil, nil, refusal(p)
	}
	return q, notes, nil
}

func refusal(p *problem) error {
	return &questionnairefile.Error{Problems: []questionnairefile.Problem{{Line: p.line, Message: p.msg}}}
}

// Limits of Shareline's format, refused rather than cut.
const (
	maxElements          = questionnairefile.MaxElements
	maxQuestionElements  = 300
	maxQuestions         = 100
	maxOptions           = 100
	maxCondNodes         = 4096 // a resolved condition, "^" references spelled out
	noneOfTheAbove       = "None of the above"
	generalTitle         = "General"
	defaultTitle         = "VSAQ questionnaire"
	importedFrom         = "Imported from a Google VSAQ template."
	uploadHelp           = "Attach the requested file as evidence to this answer."
	optionInFull         = "Choice in full: "
	continued, continueN = " (continued)", " (continued %d)"
)

type builder struct {
	all       []*item
	root      *item
	realRoot  bool
	ids       map[string]target
	qkeys     fit.Keys
	questions []*questionB
	general   *questionB
	elements  []*elementB
	desc      []string
	notes     []note
	simple    map[*cnode]*cnode // simplify's results
	sizes     map[*cnode]int    // size's results
}

type note struct {
	line int
	text string
}

// target is what an id names: an item, or a choice of a group (choice ≥ 0).
type target struct {
	it     *item
	choice int
	line   int
}

type questionB struct {
	key, title string
	line       int
	prompt     []string
	elems      []*elementB
	keys       fit.Keys
	block      *item // nil for the question of loose items

	used      map[string]bool // section names given
	seenOwner map[*item]bool  // blocks that have named a section
	lastOwner *item           // the block naming the current section
	lastName  string
	started   bool
}

type elementB struct {
	it          *item
	q           *questionB
	el          assess.Element
	help        []string
	optByChoice []string // the option key of each choice
	deps        []*elementB
}

func (b *builder) note(line int, format string, args ...any) {
	b.notes = append(b.notes, note{line, fmt.Sprintf(format, args...)})
}

func read(data []byte) (*assess.Questionnaire, []string, error) {
	v, err := parse(data)
	if err != nil {
		return nil, nil, err
	}
	if v.kind != 'o' {
		return nil, nil, refuseAt(v.line, "a template should be one object, {\"questionnaire\": [ … ]}")
	}
	qv := v.get("questionnaire")
	if qv == nil {
		return nil, nil, refuseAt(v.line, "the object has no “questionnaire” list")
	}
	if qv.kind != 'a' {
		return nil, nil, refuseAt(qv.line, "“questionnaire” should be a list of items in [ ]")
	}
	r := &reader{}
	top, err := r.items(qv, nil, 1)
	if err != nil {
		return nil, nil, err
	}
	b := &builder{all: r.all, ids: map[string]target{}, simple: map[*cnode]*cnode{}, sizes: map[*cnode]int{}}
	if len(top) == 1 && top[0].kind == "block" {
		b.root, b.realRoot = top[0], true
	} else {
		b.root = &item{kind: "block", line: qv.line, seq: -1, end: len(r.all) - 1, items: top}
		for _, it := range top {
			it.parent = b.root
		}
	}
	if err := b.register(); err != nil {
		return nil, nil, err
	}
	if err := b.structure(); err != nil {
		return nil, nil, err
	}
	for _, it := range b.all {
		if _, err := b.condOf(it, ""); err != nil {
			return nil, nil, err
		}
	}
	b.guidance()
	b.conditions()
	if err := b.cycles(); err != nil {
		return nil, nil, err
	}
	b.droppedFieldNotes()
	q, err := b.assemble()
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(b.notes, func(i, j int) bool { return b.notes[i].line < b.notes[j].line })
	notes := make([]string, 0, len(b.notes))
	for _, n := range b.notes {
		notes = append(notes, n.text)
	}
	return q, notes, nil
}

// register indexes every id of an item or a choice; VSAQ refuses an item id given twice, and
// so does this package, for choices too.
func (b *builder) register() error {
	add := func(id string, t target) error {
		if id == "" {
			return nil
		}
		if prev, ok := b.ids[id]; ok {
			return refuseAt(t.line, "the id “%s” is used twice, here and on line %d; ids must be unique", clipWord(id), prev.line)
		}
		b.ids[id] = t
		return nil
	}
	for _, it := range b.all {
		if err := add(it.id, target{it: it, choice: -1, line: it.line}); err != nil {
			return err
		}
		for i, c := range it.choices {
			if err := add(c.id, target{it: it, choice: i, line: c.line}); err != nil {
				return err
			}
		}
	}
	return nil
}

// plain is an HTML text of the template as plain text; oneLine the same on one line.
func plain(s string) string   { return fit.Plain(s) }
func oneLine(s string) string { return strings.Join(strings.Fields(fit.Plain(s)), " ") }

// blockLabel is a block's name for sections: its text, or else its id.
func blockLabel(it *item) string {
	if l := oneLine(it.text); l != "" {
		return fit.Clip(l, fit.MaxLabel)
	}
	return fit.Clip(strings.Join(strings.Fields(it.id), " "), fit.MaxLabel)
}

func (b *builder) structure() error {
	for _, c := range b.root.items {
		switch {
		case c.kind == "block" && onlyBlocks(c):
			// A block that only groups blocks (webapp's "Application") would make one question
			// of most of the template: its blocks are the questions instead.
			c.q = nil
			for _, sub := range c.items {
				q := b.newQuestion(sub)
				if parent, _ := fit.Label(plain(c.text)); parent != "" {
					q.title = fit.Clip(parent+" › "+q.title, fit.MaxLabel)
				}
				if err := b.walk(sub, q, nil); err != nil {
					return err
				}
				if c.q == nil {
					c.q = q
				}
			}
		case c.kind == "block":
			q := b.newQuestion(c)
			if err := b.walk(c, q, nil); err != nil {
				return err
			}
		case isElement(c.kind):
			if b.general == nil {
				b.general = b.newGeneral(c)
			}
			c.q = b.general
			if err := b.addElement(c, b.general, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// onlyBlocks reports whether a block holds two or more items, every one of them a block.
func onlyBlocks(block *item) bool {
	if len(block.items) < 2 {
		return false
	}
	for _, c := range block.items {
		if c.kind != "block" {
			return false
		}
	}
	return true
}

func (b *builder) walk(block *item, q *questionB, path []*item) error {
	block.q = q
	for _, c := range block.items {
		c.q = q
		switch {
		case c.kind == "block":
			if err := b.walk(c, q, append(slices.Clip(path), c)); err != nil {
				return err
			}
		case isElement(c.kind):
			if err := b.addElement(c, q, path); err != nil {
				return err
			}
		}
	}
	return nil
}

func newQuestionB(key, title string, line int, block *item) *questionB {
	return &questionB{key: key, title: title, line: line, block: block, used: map[string]bool{}, seenOwner: map[*item]bool{}}
}

func (b *builder) newQuestion(block *item) *questionB {
	title, rest := fit.Label(plain(block.text))
	if title == "" {
		title = fit.Clip(strings.Join(strings.Fields(block.id), " "), fit.MaxLabel)
	}
	if title == "" {
		title = fmt.Sprintf("Question %d", len(b.questions)+1)
	}
	src := block.id
	if src == "" {
		src = oneLine(block.text)
	}
	q := newQuestionB(b.qkeys.Unique(src, "question"), title, block.line, block)
	if rest != "" {
		q.prompt = append(q.prompt, rest)
	}
	b.questions = append(b.questions, q)
	return q
}

func (b *builder) newGeneral(first *item) *questionB {
	title := generalTitle
	if b.realRoot {
		if l, _ := fit.Label(plain(b.root.text)); l != "" {
			title = l
		}
	}
	q := newQuestionB(b.qkeys.Unique("general", "general"), title, first.line, nil)
	b.questions = append(b.questions, q)
	return q
}

var genericLabels = map[string]string{
	"line":       "Answer",
	"box":        "Answer",
	"upload":     "File",
	"check":      "Tick if this applies",
	"checkgroup": "Select all that apply",
	"radiogroup": "Choose one",
	"yesno":      "Yes or no",
}

func (b *builder) addElement(it *item, q *questionB, path []*item) error {
	if len(b.elements) >= maxElements {
		return refuseAt(it.line, "the template has more than %d things to answer; Shareline takes at most %d elements per questionnaire", maxElements, maxElements)
	}
	if len(q.elems) >= maxQuestionElements {
		return refuseAt(it.line, "the question “%s” (line %d) has more than %d things to answer; Shareline takes at most %d elements per question", clipWord(q.title), q.line, maxQuestionElements, maxQuestionElements)
	}
	eb := &elementB{it: it, q: q}
	it.el = eb
	src := it.id
	if src == "" {
		src = choicesPrefix(it.choices)
	}
	if src == "" {
		src = oneLine(it.text)
	}
	eb.el.Key = q.keys.Unique(src, it.kind)
	label, rest := fit.Label(plain(it.text))
	if label == "" && (it.kind == "checkgroup" || it.kind == "radiogroup") {
		// A group without a text of its own is named by its block, as VSAQ shows it under
		// the block's heading.
		if len(path) > 0 {
			label = blockLabel(path[len(path)-1])
		} else {
			label = q.title
		}
	}
	if label == "" {
		label = genericLabels[it.kind]
	}
	eb.el.Label, eb.el.Weight = label, 1
	if rest != "" {
		eb.help = append(eb.help, rest)
	}
	switch it.kind {
	case "line", "box":
		eb.el.Type = assess.TypeText
	case "upload":
		eb.el.Type, eb.el.Evidence = assess.TypeText, true
		eb.help = append(eb.help, uploadHelp)
	case "radiogroup", "checkgroup":
		eb.el.Type = assess.TypeChoice
		if it.kind == "checkgroup" {
			eb.el.Type = assess.TypeMulti
		}
		n := len(it.choices)
		if it.defaultChoice {
			n++
		}
		if n > maxOptions {
			return refuseAt(it.line, "this %s has %d choices; Shareline allows at most %d options per element", it.kind, n, maxOptions)
		}
		var keys fit.Keys
		for i := range it.choices {
			c := &it.choices[i]
			c.key = keys.Unique(c.id, "option")
			fallback := fit.Clip(strings.Join(strings.Fields(c.id), " "), fit.MaxLabel)
			if fallback == "" {
				fallback = fmt.Sprintf("Option %d", i+1)
			}
			eb.addOption(c.key, c.text, fallback)
			eb.optByChoice = append(eb.optByChoice, c.key)
		}
		if it.defaultChoice {
			eb.addOption(keys.Unique("none_of_the_above", "none"), "", noneOfTheAbove)
		}
	case "yesno":
		eb.el.Type = assess.TypeChoice
		eb.addOption("yes", it.yes, "Yes")
		eb.addOption("no", it.no, "No")
	case "check":
		eb.el.Type = assess.TypeChoice
		eb.addOption("checked", "", "Checked")
		eb.addOption("unchecked", "", "Not checked")
	}
	eb.el.Section = q.section(path)
	q.elems = append(q.elems, eb)
	b.elements = append(b.elements, eb)
	return nil
}

// choicesPrefix is what the ids of a group's choices share up to a "_" or "-", as in
// "net_vpn_yes" and "net_vpn_no" (VSAQ's templates name a group by its choices' ids and often
// give the group none): a key for a group without an id. Empty when they share too little.
func choicesPrefix(choices []choice) string {
	if len(choices) < 2 {
		return ""
	}
	p := choices[0].id
	for _, c := range choices[1:] {
		n := 0
		for n < len(p) && n < len(c.id) && p[n] == c.id[n] {
			n++
		}
		p = p[:n]
	}
	if i := strings.LastIndexAny(p, "_-"); i >= 0 {
		p = p[:i]
	} else {
		p = ""
	}
	if len(strings.Trim(p, "_-")) < 3 {
		return ""
	}
	return p
}

func (eb *elementB) addOption(key, html, fallback string) {
	label, rest := fit.Label(plain(html))
	if label == "" {
		label = fallback
	}
	if rest != "" {
		eb.help = append(eb.help, optionInFull+rest)
	}
	eb.el.Options = append(eb.el.Options, assess.Option{Key: key, Label: label, Credit: 1})
}

// section is the section name of an element inside the blocks path (below the question's).
func (q *questionB) section(path []*item) string {
	var owner *item
	var names []string
	for _, blk := range path {
		if l := blockLabel(blk); l != "" {
			names = append(names, l)
			owner = blk
		}
	}
	if q.started && owner == q.lastOwner {
		return q.lastName
	}
	q.started = true
	name := q.fresh(sectionPath(names), owner)
	q.lastOwner, q.lastName = owner, name
	q.seenOwner[owner] = true
	return name
}

// sectionPath joins the names of nested blocks, "Level 3 › Level 4", within a label's length:
// when they are too long together, the outer names are cut first, and the innermost, which
// says most about the elements, keeps up to half the length.
func sectionPath(names []string) string {
	const sep = " › "
	full := strings.Join(names, sep)
	if len(names) < 2 || utf8.RuneCountInString(full) <= fit.MaxLabel {
		return full
	}
	last := fit.Clip(names[len(names)-1], fit.MaxLabel/2)
	outer := len(names) - 1
	each := (fit.MaxLabel - utf8.RuneCountInString(last) - outer*utf8.RuneCountInString(sep)) / outer
	parts := make([]string, 0, len(names))
	for _, n := range names[:outer] {
		parts = append(parts, fit.Clip(n, max(each, 2)))
	}
	return fit.Clip(strings.Join(append(parts, last), sep), fit.MaxLabel)
}

// fresh is a section name not given before in the question, made from base.
func (q *questionB) fresh(base string, owner *item) string {
	back := q.seenOwner[owner] // coming back to a block after a deeper one
	if base == "" {
		if !q.used[""] {
			q.used[""] = true
			return ""
		}
		// Back at the question's own level after a section: a heading of its own.
		base, back = q.title, true
		q.used[base] = true
	}
	name := fit.Clip(base, fit.MaxLabel)
	for n := 1; q.used[name]; n++ {
		suffix := fmt.Sprintf(" (%d)", n+1)
		if back {
			suffix = continued
			if n > 1 {
				suffix = fmt.Sprintf(continueN, n)
			}
		}
		name = fit.Clip(base, fit.MaxLabel-utf8.RuneCountInString(suffix)) + suffix
	}
	q.used[name] = true
	return name
}

// questionOf is the question an item's guidance belongs to (nil: the questionnaire's).
func (b *builder) questionOf(it *item) *questionB {
	if it.parent == b.root {
		return b.general
	}
	return it.q
}

// guidance places the text of info items and tips, and turns warnings into credits.
func (b *builder) guidance() {
	for _, it := range b.all {
		switch it.kind {
		case "info":
			b.info(it)
		case "tip":
			b.tip(it)
		}
	}
}

func (b *builder) info(it *item) {
	text := plain(it.text)
	if text == "" {
		return
	}
	if strings.TrimSpace(it.cond) != "" {
		b.note(it.line, "The information text “%s” (line %d) is shown in VSAQ only when “%s”; in Shareline it is part of the help at all times.", clipWord(text), it.line, clipCond(it.cond))
	}
	if el := b.nextElement(it); el != nil {
		el.help = append(el.help, text)
		return
	}
	b.toPrompt(it, text)
}

func (b *builder) toPrompt(it *item, text string) {
	if q := b.questionOf(it); q != nil {
		q.prompt = append(q.prompt, text)
		return
	}
	b.desc = append(b.desc, text)
}

// nextElement is the first element after it inside its block (for the top block: among the
// items directly in it).
func (b *builder) nextElement(it *item) *elementB {
	c := it.parent
	if c == b.root {
		for _, x := range c.items {
			if x.seq > it.seq && x.el != nil {
				return x.el
			}
		}
		return nil
	}
	for s := it.seq + 1; s <= c.end && s < len(b.all); s++ {
		if x := b.all[s]; x.el != nil {
			return x.el
		}
	}
	return nil
}

// previousElement is the last element before it in its question.
func (b *builder) previousElement(it *item) *elementB {
	q := b.questionOf(it)
	for s := it.seq - 1; s >= 0; s-- {
		if x := b.all[s]; x.el != nil && x.el.q == q {
			return x.el
		}
	}
	return nil
}

// mentioned lists the elements an item's condition tests: those of the item's own question
// when there are any, else all.
func (b *builder) mentioned(it *item) []*elementB {
	var all []*elementB
	walkTests(it.cond0, func(c *cnode) {
		if !slices.Contains(all, c.el) {
			all = append(all, c.el)
		}
	})
	q := b.questionOf(it)
	var same []*elementB
	for _, el := range all {
		if el.q == q {
			same = append(same, el)
		}
	}
	if len(same) > 0 {
		return same
	}
	return all
}

// placeTip adds text to the help of the elements the tip tests (or the one before it, or the
// question's prompt) and says where it went.
func (b *builder) placeTip(it *item, text string) string {
	targets := b.mentioned(it)
	if len(targets) == 0 {
		if el := b.previousElement(it); el != nil {
			targets = []*elementB{el}
		}
	}
	if len(targets) == 0 {
		b.toPrompt(it, text)
		if b.questionOf(it) == nil {
			return "the questionnaire's description"
		}
		return "the question's description"
	}
	var names []string
	for _, el := range targets {
		el.help = append(el.help, text)
		names = append(names, "“"+clipWord(el.el.Label)+"”")
	}
	if len(names) == 1 {
		return "the help of " + names[0]
	}
	return "the help of " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func (b *builder) tip(it *item) {
	text := plain(it.text)
	if !it.warn {
		if text != "" {
			b.placeTip(it, "Advice: "+text)
		}
		return
	}
	sev := strings.ToLower(strings.TrimSpace(it.severity))
	head := "Warning"
	switch sev {
	case "medium", "high", "critical":
		head += " (" + sev + ")"
	}
	name := oneLine(it.name)
	if name == "" {
		name = oneLine(it.customTitle)
	}
	msg := head + ": " + name
	switch {
	case name != "" && text != "":
		msg += " — " + text
	case name == "":
		msg += text
	}
	el, keys, why := b.simpleWarning(it)
	if el == nil {
		called := name
		if called == "" {
			called = it.id
		}
		if called == "" {
			called = text
		}
		where := b.placeTip(it, msg)
		b.note(it.line, "The warning “%s” (line %d) cannot lower the credit of particular answers, because %s; its text was added to %s, and it does not change any score.", clipWord(called), it.line, why, where)
		return
	}
	credit := 0.5
	if sev == "high" || sev == "critical" {
		credit, el.el.Critical = 0, true
	}
	for i := range el.el.Options {
		if slices.Contains(keys, el.el.Options[i].Key) {
			el.el.Options[i].Credit = min(el.el.Options[i].Credit, credit)
		}
	}
	el.help = append(el.help, msg)
}

// simpleWarning is the element and options a warning is about when its condition is one
// element's choices joined by ||, inside no block condition the element does not share; else
// why not.
func (b *builder) simpleWarning(it *item) (*elementB, []string, string) {
	e, _, _ := parseCond(it.cond) // parsed without error before
	if e == nil {
		return nil, nil, "it has no condition, so VSAQ always shows it"
	}
	ids := e.orOfIDs()
	notSimple := fmt.Sprintf("its condition “%s” is not the choices of one question joined by “||”", clipCond(it.cond))
	if ids == nil {
		return nil, nil, notSimple
	}
	var el *elementB
	var keys []string
	for _, id := range ids {
		_, base, suffix := splitID(id)
		t := b.ids[base]
		var e *elementB
		var key string
		switch {
		case t.it == nil || t.it.el == nil:
		case t.choice >= 0:
			e, key = t.it.el, t.it.el.optByChoice[t.choice]
		case t.it.kind == "check":
			e, key = t.it.el, "checked"
		case t.it.kind == "yesno" && suffix == "no":
			e, key = t.it.el, "no"
		case t.it.kind == "yesno" && suffix != "value":
			e, key = t.it.el, "yes"
		}
		if e == nil || (el != nil && e != el) {
			return nil, nil, notSimple
		}
		el = e
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	for a := it.parent; a != nil; a = a.parent {
		if strings.TrimSpace(a.cond) != "" && !isAncestor(a, el.it) {
			return nil, nil, fmt.Sprintf("it sits in the block “%s” (line %d), whose condition “%s” the question it warns about does not share", clipWord(blockLabel(a)), a.line, clipCond(a.cond))
		}
	}
	return el, keys, ""
}

func isAncestor(a, x *item) bool {
	for p := x.parent; p != nil; p = p.parent {
		if p == a {
			return true
		}
	}
	return false
}

// describe names an item for a note.
func describe(it *item) string {
	label := clipWord(plain(it.text))
	if label == "" {
		label = clipWord(it.id)
	}
	kind := itemKinds[it.kind]
	if it.kind == "tip" && it.warn {
		kind = "warning"
		if n := clipWord(oneLine(it.name)); n != "" {
			label = n
		}
	}
	if label == "" {
		return fmt.Sprintf("the %s on line %d", kind, it.line)
	}
	return fmt.Sprintf("the %s “%s” (line %d)", kind, label, it.line)
}

func clipCond(s string) string { return fit.Brief(s, 200) }

// conditions sets each element's When: its own condition and those of the blocks around it.
func (b *builder) conditions() {
	for _, eb := range b.elements {
		var chain []*item
		for x := eb.it; x != nil; x = x.parent {
			chain = append(chain, x)
		}
		var parts []*cnode
		for i := len(chain) - 1; i >= 0; i-- {
			parts = append(parts, b.conjuncts(chain[i])...)
		}
		if len(parts) == 0 {
			continue
		}
		s := b.simplify(&cnode{kind: cAll, kids: parts})
		if s.kind == cTrue || s.kind == cFalse || s.kind == cUnrep {
			continue // each part was checked alone; together they are always true here
		}
		var deps []*elementB
		cond := toCondition(s, &deps)
		if depth, tests := measure(&cond); depth > assess.MaxConditionDepth || tests > assess.MaxConditionTests {
			b.note(eb.it.line, "The conditions under which %s is asked, with those of the blocks around it, are too large for Shareline (at most %d levels and %d tests), so it is always asked.", describe(eb.it), assess.MaxConditionDepth, assess.MaxConditionTests)
			continue
		}
		eb.el.When, eb.deps = &cond, deps
	}
}

// conjuncts is the part of an item's own condition that is carried over, as a list of
// conditions that must all hold; a note says what is left out.
func (b *builder) conjuncts(x *item) []*cnode {
	if x.conjDone {
		return x.conj
	}
	x.conjDone = true
	if x.cond0 == nil {
		return nil
	}
	var keep []*cnode
	var why []string
	never := false
	for _, p := range flattenAll(x.cond0, nil) {
		switch s := b.simplify(p); s.kind {
		case cUnrep:
			if !slices.Contains(why, s.why) {
				why = append(why, s.why)
			}
		case cFalse:
			never = true
		case cTrue:
		default:
			keep = append(keep, s)
		}
	}
	who := "it is"
	if x.kind == "block" {
		who = "the block's questions are"
	}
	switch {
	case never:
		b.note(x.line, "The condition “%s” of %s never holds in VSAQ, so VSAQ never shows it; Shareline cannot express that, and %s always asked.", clipCond(x.cond), describe(x), who)
		keep = nil
	case len(why) > 0 && len(keep) == 0:
		b.note(x.line, "The condition “%s” of %s cannot be carried over: %s. It was left out, so %s asked whatever the other answers.", clipCond(x.cond), describe(x), strings.Join(why, "; "), who)
	case len(why) > 0:
		b.note(x.line, "Part of the condition “%s” of %s cannot be carried over: %s. That part was left out, so %s asked more often than in VSAQ.", clipCond(x.cond), describe(x), strings.Join(why, "; "), who)
	}
	x.conj = keep
	return keep
}

// cycles refuses elements whose conditions depend on themselves, naming the items.
func (b *builder) cycles() error {
	if c := assess.Cycle(b.elements, func(e *elementB) []*elementB { return e.deps }); c != nil {
		if len(c) == 2 {
			return refuseAt(c[0].it.line, "“%s” is asked only when it is itself answered in a certain way (its condition, or that of a block around it, tests its own answer), so it could never be asked", clipWord(c[0].el.Label))
		}
		var names []string
		for _, x := range c {
			names = append(names, fmt.Sprintf("“%s” (line %d)", clipWord(x.el.Label), x.it.line))
		}
		return refuseAt(c[0].it.line, "the conditions of these items depend on each other in a circle, so none of them could ever be asked: %s", strings.Join(names, " → "))
	}
	return nil
}

func (b *builder) droppedFieldNotes() {
	for _, f := range droppedFields {
		var lines []string
		for _, it := range b.all {
			if slices.Contains(it.dropped, f.name) {
				lines = append(lines, fmt.Sprint(it.line))
			}
		}
		switch n := len(lines); {
		case n == 0:
			continue
		case n == 1:
			b.notes = append(b.notes, note{1 << 30, fmt.Sprintf("1 item (line %s) was %s.", lines[0], f.note)})
		default:
			if n > 12 {
				lines = append(lines[:12], "…")
			}
			b.notes = append(b.notes, note{1 << 30, fmt.Sprintf("%d items (lines %s) were %s.", n, strings.Join(lines, ", "), f.note)})
		}
	}
}

// join puts texts together as help, noting when it had to be cut.
func (b *builder) join(line int, what string, texts []string) string {
	var parts []string
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			parts = append(parts, t)
		}
	}
	if utf8.RuneCountInString(strings.Join(parts, "\n\n")) > fit.MaxHelp {
		b.note(line, "The help of %s was longer than Shareline's %d characters and was cut.", what, fit.MaxHelp)
	}
	return fit.Join(parts...)
}

func (b *builder) assemble() (*assess.Questionnaire, error) {
	q := &assess.Questionnaire{Version: 1, Title: defaultTitle}
	if b.realRoot {
		q.Key = fit.Key(oneLine(b.root.text), "vsaq")
		if title, rest := fit.Label(plain(b.root.text)); title != "" {
			q.Title = title
			if rest != "" {
				b.desc = append([]string{rest}, b.desc...)
			}
		}
	} else {
		q.Key = fit.Key(defaultTitle, "vsaq")
	}
	q.Description = b.join(b.root.line, "the questionnaire's description", append([]string{importedFrom}, b.desc...))
	for _, qb := range b.questions {
		if len(qb.elems) == 0 {
			what := "only information and tips"
			if qb.block != nil && len(qb.block.items) == 0 {
				what = "no items"
			}
			b.note(qb.line, "The block “%s” (line %d) has nothing to answer (%s), so it was left out, with its text.", clipWord(qb.title), qb.line, what)
			continue
		}
		if len(q.Questions) == maxQuestions {
			return nil, refuseAt(qb.line, "the template has more than %d blocks to make questions of; Shareline takes at most %d questions", maxQuestions, maxQuestions)
		}
		qu := assess.Question{Key: qb.key, Title: qb.title, Weight: 1}
		qu.Prompt = b.join(qb.line, fmt.Sprintf("the question “%s”", clipWord(qb.title)), qb.prompt)
		for _, eb := range qb.elems {
			eb.el.Help = b.join(eb.it.line, describe(eb.it), eb.help)
			qu.Elements = append(qu.Elements, eb.el)
		}
		q.Questions = append(q.Questions, qu)
	}
	if len(q.Questions) == 0 {
		return nil, refuseAt(b.root.line, "the template has nothing to answer: no line, box, check, checkgroup, radiogroup, yesno or upload item")
	}
	return q, nil
}
