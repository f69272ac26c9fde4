package cisoassistant

import (
	"math"
	"strings"
	"unicode/utf8"

	"shareline/internal/assess"
	"shareline/internal/importer/fit"
	"shareline/internal/questionnairefile"
)

// Limits of the Shareline format that a framework must fit, beyond those fit handles.
const (
	maxQuestions      = 100
	maxQuestionElems  = 300
	maxOptions        = 100
	maxTreeDepth      = 32 // requirement nodes below one another through parent_urn
	importedSentence  = "Imported from a CISO Assistant library"
	sectionSeparator  = " › "
	maxListedInANote  = 8
	creditDecimalsPow = 1000 // credits are rounded to three decimals
)

// builder turns the library read into a questionnaire.
type builder struct {
	*reader
	lib       *library
	q         *assess.Questionnaire
	questions map[string]*question // by urn
	lower     map[string]*question // by lower-case urn
}

func (r *reader) build(lib *library) *assess.Questionnaire {
	fw := lib.framework
	b := &builder{reader: r, lib: lib, questions: map[string]*question{}, lower: map[string]*question{}}
	roots := b.tree(fw)
	if len(r.problems) > 0 {
		return nil
	}
	b.q = &assess.Questionnaire{
		Key:         fit.Key(firstOf(lib.refID, lastSegment(lib.urn), fw.refID, lastSegment(fw.urn)), "ciso-assistant"),
		Version:     1,
		Title:       b.title(),
		Description: b.description(),
	}
	var qkeys fit.Keys
	var dropped []string
	for _, root := range roots {
		if count(root) == 0 {
			dropped = append(dropped, display(root))
			continue
		}
		b.question(root, &qkeys)
	}
	if len(dropped) > 0 {
		r.note("dropped", grouped(len(dropped))+" top-level requirement "+plural(len(dropped), "node has", "nodes have")+" nothing to answer below "+plural(len(dropped), "it", "them")+" and "+plural(len(dropped), "was", "were")+" left out: "+listed(dropped)+".")
	}
	if len(r.problems) > 0 {
		return nil
	}
	if len(b.q.Questions) == 0 {
		r.fail(fw.line, "the framework has nothing to answer: no requirement node is assessable or has questions")
		return nil
	}
	b.conditions()
	if len(r.unknown) > 0 {
		r.note("unknown", "Fields Shareline does not know were left out: "+listed(r.unknown)+".")
	}
	if len(r.problems) > 0 {
		return nil
	}
	return b.q
}

// tree links the requirement nodes through parent_urn and returns the top-level ones, in the
// order of the file; each node's children are in the order of the file too.
func (b *builder) tree(fw *framework) []*reqNode {
	byURN := map[string]*reqNode{}
	for _, n := range fw.nodes {
		key := strings.ToLower(n.urn)
		if first, dup := byURN[key]; dup && key != "" {
			b.fail(n.line, "the requirement node urn “%s” is used twice (first at line %d)", clipped(n.urn), first.line)
			continue
		}
		byURN[key] = n
		for _, q := range n.questions {
			if q.urn == "" {
				continue
			}
			if first, dup := b.lower[strings.ToLower(q.urn)]; dup {
				b.fail(q.line, "the question urn “%s” is used twice (first at line %d)", clipped(q.urn), first.line)
				continue
			}
			b.questions[q.urn], b.lower[strings.ToLower(q.urn)] = q, q
		}
	}
	var roots []*reqNode
	var orphans []string
	for _, n := range fw.nodes {
		if n.parentURN == "" || n.hasDepth && n.depth == 1 {
			roots = append(roots, n)
			continue
		}
		parent, ok := byURN[strings.ToLower(n.parentURN)]
		if !ok {
			orphans = append(orphans, display(n))
			roots = append(roots, n)
			continue
		}
		parent.children = append(parent.children, n)
	}
	if len(orphans) > 0 {
		b.note("orphans", grouped(len(orphans))+" requirement "+plural(len(orphans), "node names a parent_urn", "nodes name a parent_urn")+" that is not in the framework; "+plural(len(orphans), "it was", "they were")+" imported as top-level requirements: "+listed(orphans)+".")
	}
	var informational []string
	var visit func(n *reqNode, depth int)
	visit = func(n *reqNode, depth int) {
		n.visited = true
		if depth > maxTreeDepth {
			b.fail(n.line, "requirement nodes are nested more than %d levels deep through parent_urn", maxTreeDepth)
			return
		}
		n.elements = len(n.questions)
		if n.elements == 0 && n.assessable {
			n.elements = 1
		}
		if n.elements == 0 && len(n.children) == 0 && depth > 1 {
			informational = append(informational, display(n))
		}
		for _, c := range n.children {
			if !c.visited {
				visit(c, depth+1)
			}
		}
	}
	for _, n := range roots {
		n.top = true
	}
	for _, n := range roots {
		visit(n, 1)
	}
	unreached := 0
	for _, n := range fw.nodes {
		if !n.visited {
			unreached++
		}
	}
	if unreached > 0 {
		b.note("unreached", grouped(unreached)+" requirement "+plural(unreached, "node is", "nodes are")+" not under any top-level node (their parent_urn links go round in a loop) and "+plural(unreached, "was", "were")+" left out.")
	}
	if len(informational) > 0 {
		b.note("informational", grouped(len(informational))+" requirement "+plural(len(informational), "node", "nodes")+" with nothing to answer and nothing below (not assessable, no questions) "+plural(len(informational), "was", "were")+" left out, text and all: "+listed(informational)+".")
	}
	if len(b.problems) > 0 {
		return nil
	}
	// The limits of the format, before anything is built.
	total, questions := 0, 0
	for _, n := range roots {
		c := count(n)
		if c == 0 {
			continue
		}
		questions++
		total += c
		if c > maxQuestionElems {
			b.fail(n.line, "“%s” asks %s things (its questions, and its requirements without questions, here and below it); a Shareline question holds at most %d elements", clipped(display(n)), grouped(c), maxQuestionElems)
		}
	}
	if questions > maxQuestions {
		b.fail(fw.line, "the framework has %s top-level requirement nodes with something to answer; a Shareline questionnaire holds at most %d questions", grouped(questions), maxQuestions)
	}
	if total > questionnairefile.MaxElements {
		b.fail(fw.line, "the framework asks %s things (its questions, and its requirements without questions); a Shareline questionnaire holds at most %s elements", grouped(total), grouped(questionnairefile.MaxElements))
	}
	return roots
}

// count is the number of elements a node and the nodes below it make.
func count(n *reqNode) int {
	c := n.elements
	for _, child := range n.children {
		if !child.top {
			c += count(child)
		}
	}
	return c
}

// question makes a Shareline question of a top-level node and every node below it.
func (b *builder) question(root *reqNode, keys *fit.Keys) {
	qu := assess.Question{
		Key:    keys.Unique(lastSegment(firstOf(root.urn, root.refID)), "requirement"),
		Weight: 1,
		Prompt: fit.Join(text(root.description), text(root.annotation)),
	}
	qu.Title, _ = fit.Label(display(root))
	if qu.Title == "" {
		qu.Title = "Requirement " + qu.Key
	}
	qi := len(b.q.Questions)
	var ekeys fit.Keys
	used := map[string]bool{"": true}
	last := ""
	var walk func(n *reqNode, path []string)
	walk = func(n *reqNode, path []string) {
		// A node's questions go under a heading that names it; a status element names its
		// node itself, and goes under the heading of the node above, unless that is the
		// question itself and other headings came before.
		section := joinSection(path)
		if len(n.questions) == 0 && len(path) > 0 {
			if section = joinSection(path[:len(path)-1]); section == "" && last != "" {
				section = joinSection(path)
			}
		}
		if n.elements > 0 {
			if section != last && used[section] {
				section = uniqueSection(section, used)
			}
			used[section], last = true, section
			start := len(qu.Elements)
			if len(n.questions) == 0 {
				qu.Elements = append(qu.Elements, b.statusElement(n, n == root, &ekeys))
			}
			for _, q := range n.questions {
				q.qi, q.ei = qi, len(qu.Elements)
				qu.Elements = append(qu.Elements, b.questionElement(q, n == root, &ekeys))
			}
			for i := start; i < len(qu.Elements); i++ {
				qu.Elements[i].Section = section
			}
		}
		for _, c := range n.children {
			if !c.top {
				walk(c, append(path[:len(path):len(path)], sectionName(c)))
			}
		}
	}
	walk(root, nil)
	b.q.Questions = append(b.q.Questions, qu)
}

// statusElement is the element of an assessable node without questions: is it met?
func (b *builder) statusElement(n *reqNode, top bool, keys *fit.Keys) assess.Element {
	el := assess.Element{
		Key:      keys.Unique(lastSegment(firstOf(n.urn, n.refID)), "requirement"),
		Type:     assess.TypeStatus,
		Weight:   1,
		Evidence: strings.TrimSpace(n.evidence) != "",
	}
	label, rest := fit.Label(display(n))
	description := text(n.description)
	if n.name == "" && description != "" { // the label is made of the description
		label, rest = fit.Label(joinRef(n.refID, description))
		if rest != "" {
			rest = description
		}
		description = ""
	}
	if top { // the question's prompt shows the description and annotation
		description = ""
	}
	el.Label = label
	if el.Label == "" {
		el.Label = "Requirement " + el.Key
	}
	annotation := text(n.annotation)
	if top {
		annotation = ""
	}
	el.Help = fit.Join(rest, description, annotation, evidenceText(n.evidence))
	return el
}

// questionElement is the element of one of a node's questions.
func (b *builder) questionElement(q *question, top bool, keys *fit.Keys) assess.Element {
	n := q.node
	el := assess.Element{
		Key:      keys.Unique(elementKeySource(n, q), "question"),
		Weight:   1,
		Evidence: strings.TrimSpace(n.evidence) != "",
	}
	full := text(q.text)
	if full == "" {
		full = text(q.annotation)
	}
	label, rest := fit.Label(full)
	if rest != "" {
		rest = full
	}
	el.Label = label
	if el.Label == "" {
		el.Label = "Question " + el.Key
	}
	annotation := text(q.annotation)
	if annotation == full || annotation == text(q.text) {
		annotation = ""
	}
	var choices string
	switch q.typ {
	case "unique_choice", "single_choice":
		el.Type = assess.TypeChoice
	case "multiple_choice":
		el.Type = assess.TypeMulti
	case "boolean":
		el.Type = assess.TypeChoice
	case "text", "":
		el.Type = assess.TypeText
	case "date":
		el.Type = assess.TypeDate
	case "number":
		el.Type = assess.TypeNumber
	default:
		b.fail(q.typeLine, "unknown question type “%s”: CISO Assistant's types are unique_choice, multiple_choice, text, number, date and boolean", clipped(q.typ))
		return el
	}
	q.options = map[string]string{}
	switch {
	case el.Type == assess.TypeChoice || el.Type == assess.TypeMulti:
		if q.typ == "boolean" && len(q.choices) == 0 {
			yes, no := yesNo(b.locale)
			el.Options = []assess.Option{{Key: "yes", Label: yes, Credit: 1}, {Key: "no", Label: no, Credit: 1}}
			for _, v := range []string{"true", "yes"} {
				q.options[v] = "yes"
			}
			for _, v := range []string{"false", "no"} {
				q.options[v] = "no"
			}
			break
		}
		if len(q.choices) == 0 {
			b.fail(q.line, "this %s question has no choices", clipped(q.typ))
			return el
		}
		if len(q.choices) > maxOptions {
			b.fail(q.line, "this question has %s choices; a Shareline element holds at most %d options", grouped(len(q.choices)), maxOptions)
			return el
		}
		el.Options, choices = b.options(q, el.Type == assess.TypeMulti)
	case len(q.choices) > 0:
		b.note("choices-ignored", "Choices given to questions of type text, number or date are not carried over: such questions take a typed answer.")
	}
	el.Help = fit.Join(rest, annotation, choices, nodeText(n, top), evidenceText(n.evidence))
	return el
}

// options are a choice question's options, with credits from add_score, and its choices'
// descriptions as a paragraph of help.
func (b *builder) options(q *question, multi bool) ([]assess.Option, string) {
	credits := credits(q.choices)
	var okeys fit.Keys
	var described []string
	var unscored string
	scored := scoredQuestion(q.choices)
	firstLines := map[string]int{}
	out := make([]assess.Option, len(q.choices))
	for i, c := range q.choices {
		value := text(c.value)
		if value == "" {
			value = text(c.annotation)
		}
		var key string
		if c.urn != "" {
			key = okeys.Unique(urnKey(c.urn), "choice")
		} else {
			key = okeys.Unique(value, "choice")
		}
		label, rest := fit.Label(value)
		if label == "" {
			label = "Choice " + grouped(i+1)
		}
		out[i] = assess.Option{Key: key, Label: label, Credit: credits[i]}
		if c.urn != "" {
			if first, dup := firstLines[strings.ToLower(c.urn)]; dup {
				b.fail(c.line, "the choice urn “%s” is given twice in this question (first at line %d)", clipped(c.urn), first)
			}
			firstLines[strings.ToLower(c.urn)] = c.line
			q.options[c.urn], q.options[strings.ToLower(c.urn)] = key, key
		}
		detail := text(c.description)
		if a := text(c.annotation); a != "" && a != value && a != detail {
			detail = fit.Join(detail, a)
		}
		switch {
		case rest != "" && detail != "":
			described = append(described, "• "+value+" — "+detail)
		case rest != "":
			described = append(described, "• "+value)
		case detail != "":
			described = append(described, "• "+label+" — "+detail)
		}
		if !c.scored && scored && unscored == "" {
			unscored = label
		}
	}
	if unscored != "" {
		b.note("unscored", "Some choices carry no add_score while others of the same question do (such as “"+clipped(unscored)+"”): CISO Assistant leaves such an answer out of the score, which Shareline cannot do, so these choices earn full credit.")
	}
	if multi && anyScored(q.choices) {
		b.note("multi-sum", "CISO Assistant adds up the add_score of every choice picked in a multiple-choice question; Shareline credits a multiple-choice element with the best single choice picked.")
	}
	if len(described) == 0 {
		return out, ""
	}
	return out, strings.Join(described, "\n")
}

// credits scales each choice's add_score to a credit from 0 to 1 within its question: the
// lowest score earns 0 and the highest 1. When the scores do not differ (or there are none),
// every choice earns 1, as does a choice without a score.
func credits(choices []*choice) []float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range choices {
		if c.scored {
			lo, hi = math.Min(lo, c.score), math.Max(hi, c.score)
		}
	}
	out := make([]float64, len(choices))
	for i, c := range choices {
		out[i] = 1
		if c.scored && hi > lo {
			out[i] = math.Round((c.score-lo)/(hi-lo)*creditDecimalsPow) / creditDecimalsPow
		}
	}
	return out
}

// scoredQuestion reports whether add_score sets different credits among the choices.
func scoredQuestion(choices []*choice) bool {
	first, seen := 0.0, false
	for _, c := range choices {
		if !c.scored {
			continue
		}
		if seen && c.score != first {
			return true
		}
		first, seen = c.score, true
	}
	return false
}

func anyScored(choices []*choice) bool {
	for _, c := range choices {
		if c.scored {
			return true
		}
	}
	return false
}

// conditions turns each question's depends_on into its element's condition.
func (b *builder) conditions() {
	never := 0
	answeredOnly := false
	for _, n := range b.lib.framework.nodes {
		for _, q := range n.questions {
			d := q.dependsOn
			if d == nil || !n.visited || q.options == nil {
				continue
			}
			target, ok := b.questions[d.question]
			if !ok {
				target, ok = b.lower[strings.ToLower(d.question)]
			}
			switch {
			case !ok:
				b.fail(d.questionLine, "depends_on names the question “%s”, which is not among the framework's questions", clipped(d.question))
				continue
			case !target.node.visited:
				b.fail(d.questionLine, "depends_on names the question “%s”, which is left out: its requirement node is not under any top-level node", clipped(d.question))
				continue
			case target.options == nil: // refused for a reason of its own
				continue
			}
			tq := &b.q.Questions[target.qi]
			tel := &tq.Elements[target.ei]
			ref := assess.Ref(tq.Key, tel.Key)
			var keys []string
			seen := map[string]bool{}
			for _, a := range d.answers {
				key, ok := target.options[a.value]
				if !ok {
					key, ok = target.options[strings.ToLower(a.value)]
				}
				if !ok {
					switch {
					case tel.Type != assess.TypeChoice && tel.Type != assess.TypeMulti:
						kind := firstOf(target.typ, "text")
						b.fail(a.line, "depends_on lists the answer “%s” of the %s question “%s”; Shareline can make a question depend on the choices picked in another, or on another being answered (depends_on with no answers), not on the value of a %s", clipped(a.value), kind, clipped(target.urn), kind)
					case target.typ == "boolean" && len(target.choices) == 0:
						b.fail(a.line, "depends_on lists the answer “%s” of the yes-or-no question “%s”; want true or false", clipped(a.value), clipped(target.urn))
					default:
						b.fail(a.line, "depends_on lists the answer “%s”, which is not the urn of a choice of the question “%s”", clipped(a.value), clipped(target.urn))
					}
					continue
				}
				if !seen[key] {
					seen[key] = true
					keys = append(keys, key)
				}
			}
			if len(b.problems) > 0 {
				continue
			}
			condition := strings.ToLower(d.condition)
			var when *assess.Condition
			switch {
			case condition != "" && condition != "any" && condition != "all":
				b.fail(d.conditionLine, "the condition of depends_on is “%s”; want any or all", clipped(d.condition))
				continue
			case len(keys) == 0:
				when = &assess.Condition{Element: ref}
				answeredOnly = true
			case condition == "all" && len(keys) > 1:
				if len(keys) > assess.MaxConditionTests {
					b.fail(d.line, "depends_on needs all of %s answers; Shareline tests at most %d in one condition", grouped(len(keys)), assess.MaxConditionTests)
					continue
				}
				when = &assess.Condition{}
				for _, k := range keys {
					when.All = append(when.All, assess.Condition{Element: ref, AnyOf: []string{k}})
				}
				if tel.Type == assess.TypeChoice {
					never++
				}
			default:
				when = &assess.Condition{Element: ref, AnyOf: keys}
			}
			b.q.Questions[q.qi].Elements[q.ei].When = when
		}
	}
	if len(b.problems) > 0 {
		return
	}
	b.cycles()
	if answeredOnly {
		b.note("answered-only", "A question whose depends_on lists no answers is asked once the question it depends on is answered.")
	}
	if never > 0 {
		b.note("never", grouped(never)+plural(never, " question depends", " questions depend")+" on several answers all being picked in a single-choice question, which cannot happen: "+plural(never, "it is", "they are")+" never asked, in CISO Assistant as in Shareline.")
	}
}

// cycles refuses questions that depend on one another in a loop (none of them could be asked),
// naming the line of the first depends_on.
func (b *builder) cycles() {
	var order []*question
	for _, n := range b.lib.framework.nodes {
		order = append(order, n.questions...)
	}
	loop := assess.Cycle(order, func(q *question) []*question {
		if next := b.target(q); next != nil {
			return []*question{next}
		}
		return nil
	})
	if loop == nil {
		return
	}
	names := make([]string, 0, len(loop))
	for _, l := range loop {
		names = append(names, "“"+clipped(l.urn)+"”")
	}
	b.fail(loop[0].dependsOn.line, "these questions depend on one another in a loop, so none of them could ever be asked: %s", strings.Join(names, " → "))
}

// target is the question q depends on, or nil.
func (b *builder) target(q *question) *question {
	if q.dependsOn == nil {
		return nil
	}
	if t, ok := b.questions[q.dependsOn.question]; ok {
		return t
	}
	return b.lower[strings.ToLower(q.dependsOn.question)]
}

// title and description of the questionnaire.
func (b *builder) title() string {
	title, _ := fit.Label(text(firstOf(b.lib.framework.name, b.lib.name, b.lib.framework.refID, b.lib.refID)))
	if title == "" {
		title = "CISO Assistant library"
	}
	return title
}

func (b *builder) description() string {
	lib, fw := b.lib, b.lib.framework
	source := importedSentence
	if name := text(lib.name); name != "" {
		source += " (" + oneLine(name)
		if v := strings.TrimSpace(lib.version); v != "" {
			source += ", version " + oneLine(v)
		}
		source += ")"
	}
	source = fit.Clip(source, 400) + "."
	var copyright string
	if c := text(lib.copyright); c != "" {
		copyright = fit.Clip("Copyright: "+c, 1000)
	}
	body := fit.Join(text(firstOf(fw.description, lib.description)), text(fw.notes), copyright)
	room := fit.MaxHelp - utf8.RuneCountInString(source) - 2
	return fit.Join(fit.Clip(body, room), source)
}

// The texts of nodes.

// text is a library's text (Markdown, sometimes with HTML) as plain text. A "<" that opens no
// tag is kept: "(< 250 employees)" is not markup.
func text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.Contains(s, "<") {
		var sb strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '<' && (i+1 == len(s) || !opensTag(s[i+1])) {
				sb.WriteString("&lt;")
				continue
			}
			sb.WriteByte(s[i])
		}
		s = sb.String()
	}
	return fit.Plain(s)
}

func opensTag(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!'
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// display is how CISO Assistant names a node: "ref_id - name", the name, or the ref_id; failing
// those, the start of its description or the end of its urn.
func display(n *reqNode) string {
	name, ref := oneLine(text(n.name)), oneLine(text(n.refID))
	switch {
	case name != "" && ref != "":
		return ref + " - " + name
	case name != "":
		return name
	case ref != "":
		return ref
	}
	if d := oneLine(text(n.description)); d != "" {
		return fit.Clip(d, 120)
	}
	return lastSegment(n.urn)
}

// sectionName is a node's part of a section heading.
func sectionName(n *reqNode) string { return fit.Clip(display(n), fit.MaxLabel) }

func joinRef(ref, s string) string {
	if ref = oneLine(text(ref)); ref != "" {
		return ref + " - " + s
	}
	return s
}

// joinSection makes a heading of the names of the nodes from the second level down, dropping
// the first names when the whole is too long.
func joinSection(path []string) string {
	if len(path) == 0 {
		return ""
	}
	for i := range path {
		s := strings.Join(path[i:], sectionSeparator)
		if i > 0 {
			s = "…" + sectionSeparator + s
		}
		if utf8.RuneCountInString(s) <= fit.MaxLabel {
			return s
		}
	}
	return fit.Clip(path[len(path)-1], fit.MaxLabel)
}

// uniqueSection tells apart a heading already used in the question, by a number.
func uniqueSection(s string, used map[string]bool) string {
	for n := 2; ; n++ {
		suffix := " (" + grouped(n) + ")"
		c := fit.Clip(s, fit.MaxLabel-utf8.RuneCountInString(suffix)) + suffix
		if !used[c] {
			return c
		}
	}
}

// nodeText is what a node says about its questions, for their help: the description and the
// annotation, unless the node is the question's own (whose prompt shows them).
func nodeText(n *reqNode, top bool) string {
	if top {
		return ""
	}
	return fit.Join(text(n.description), text(n.annotation))
}

func evidenceText(s string) string {
	if s = text(s); s == "" {
		return ""
	}
	return "Typical evidence: " + s
}

// Keys from urns.

// lastSegment is what follows the last ":" of a urn (the whole when there is none).
func lastSegment(urn string) string {
	urn = strings.TrimRight(strings.TrimSpace(urn), ":")
	if i := strings.LastIndexByte(urn, ':'); i >= 0 {
		return urn[i+1:]
	}
	return urn
}

// urnKey is the last segment of a urn, with the one before it when the last is only a number:
// "…:choice:2" is "choice_2".
func urnKey(urn string) string {
	urn = strings.TrimRight(strings.TrimSpace(urn), ":")
	last := lastSegment(urn)
	if last == "" || strings.Trim(last, "0123456789") != "" {
		return last
	}
	rest := strings.TrimSuffix(urn, last)
	rest = strings.TrimSuffix(rest, ":")
	if prev := lastSegment(rest); prev != "" && prev != rest {
		return prev + "_" + last
	}
	return last
}

// elementKeySource is what an element's key is made of: the last segment of its node's urn and
// the end of the question's ("…:gouvernance:question:2" is "gouvernance_question_2").
func elementKeySource(n *reqNode, q *question) string {
	qpart := urnKey(q.urn)
	if qpart == "" {
		qpart = "question"
	}
	return lastSegment(firstOf(n.urn, n.refID)) + "_" + qpart
}

func yesNo(locale string) (string, string) {
	switch strings.ToLower(strings.SplitN(strings.SplitN(locale, "-", 2)[0], "_", 2)[0]) {
	case "fr":
		return "Oui", "Non"
	case "de":
		return "Ja", "Nein"
	case "es":
		return "Sí", "No"
	case "it":
		return "Sì", "No"
	case "pt":
		return "Sim", "Não"
	case "nl":
		return "Ja", "Nee"
	}
	return "Yes", "No"
}

// Words for notes.

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// listed names the first few items of a list, and how many more there are.
func listed(items []string) string {
	if len(items) <= maxListedInANote {
		return strings.Join(quoted(items), ", ")
	}
	return strings.Join(quoted(items[:maxListedInANote]), ", ") + " and " + grouped(len(items)-maxListedInANote) + " more"
}

func quoted(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		if strings.HasPrefix(s, "“") {
			out[i] = s
			continue
		}
		out[i] = "“" + clipped(s) + "”"
	}
	return out
}
