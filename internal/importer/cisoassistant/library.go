package cisoassistant

import (
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"shareline/internal/questionnairefile"
)

// library is what is read of a library file: its identity and its (first) framework.
type library struct {
	urn, refID, name, description, copyright, locale, version string
	framework                                                 *framework
}

type framework struct {
	line                                 int
	urn, refID, name, description, notes string
	nodes                                []*reqNode
}

// reqNode is one requirement node of the framework.
type reqNode struct {
	line                              int
	urn, parentURN, refID, name       string
	description, annotation, evidence string // evidence: typical_evidence
	depth                             float64
	hasDepth, assessable              bool
	questions                         []*question
	children                          []*reqNode // set while building
	visited                           bool       // set while building
	top                               bool       // set while building: made a question
	elements                          int        // set while building: elements of its own
}

// question is one of a node's questions.
type question struct {
	line, typeLine             int
	urn, typ, text, annotation string
	choices                    []*choice
	dependsOn                  *dependsOn
	node                       *reqNode
	qi, ei                     int               // where its element is, once built
	options                    map[string]string // choice urn (and for a boolean, "true" and "false") → option key
}

type choice struct {
	line                                int
	urn, value, description, annotation string
	score                               float64
	scored                              bool
}

type dependsOn struct {
	line, questionLine, conditionLine int
	question, condition               string
	answers                           []answer
}

type answer struct {
	value string
	line  int
}

// reader reads a library's tree, collecting problems (which refuse the file) and notes (on what
// it cannot carry over, each kind once).
type reader struct {
	problems []questionnairefile.Problem
	notes    []string
	noted    map[string]bool
	unknown  []string // "name (line n)" of fields Shareline does not know, each name once
	unknownN map[string]bool
	locale   string
}

func (r *reader) fail(line int, format string, args ...any) {
	r.problems = append(r.problems, problem(line, format, args...))
}

func problem(line int, format string, args ...any) questionnairefile.Problem {
	return refuse(line, format, args...).(*questionnairefile.Error).Problems[0]
}

// note adds a note of a kind once.
func (r *reader) note(kind, text string) {
	if r.noted == nil {
		r.noted = map[string]bool{}
	}
	if !r.noted[kind] {
		r.noted[kind] = true
		r.notes = append(r.notes, text)
	}
}

func (r *reader) unknownField(k *yaml.Node) {
	if r.unknownN == nil {
		r.unknownN = map[string]bool{}
	}
	name := clipped(k.Value)
	if !r.unknownN[name] {
		r.unknownN[name] = true
		r.unknown = append(r.unknown, "“"+name+"” (line "+itoa(k.Line)+")")
	}
}

// err is the refusal for the problems found, in the order of the file, or nil.
func (r *reader) err() error {
	if len(r.problems) == 0 {
		return nil
	}
	out := r.problems
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	if len(out) > maxProblems {
		out = append(out[:maxProblems:maxProblems], questionnairefile.Problem{Message: "and more problems after these"})
	}
	return &questionnairefile.Error{Problems: out}
}

const maxProblems = 20

// Notes on the fields CISO Assistant has and Shareline has no place for.
func (r *reader) noteGroups() {
	r.note("groups", "Implementation groups are not carried over: every requirement is asked, whichever groups an audit or an answer would select.")
}

func (r *reader) noteTranslations() {
	lang := "own language"
	if r.locale != "" {
		lang = "own language (" + clipped(r.locale) + ")"
	}
	r.note("translations", "Translations are not carried over: the questionnaire is in the library's "+lang+".")
}

func (r *reader) noteScale() {
	r.note("scale", "CISO Assistant's score scales (min_score, max_score, scores definitions) are not carried over: Shareline credits each element from 0 to 1 and scores each question from 0 to 100.")
}

func (r *reader) noteWeight(n *yaml.Node) {
	var v float64
	if !isNull(n) && (n.Kind != yaml.ScalarNode || n.Decode(&v) != nil || v != 1) {
		r.note("weight", "Weights are not carried over: every question and element weighs 1.")
	}
}

// read reads the library at the top of the tree.
func (r *reader) read(root *yaml.Node) *library {
	if root.Kind != yaml.MappingNode {
		r.fail(root.Line, "this is not a CISO Assistant library: a library is a mapping with urn, ref_id, name and objects, and this file holds %s", kindName(root))
		return nil
	}
	lib := &library{}
	var objects *yaml.Node
	fields := r.pairs(root, "the library")
	for _, p := range fields {
		if p.key.Value == "locale" {
			lib.locale = strings.TrimSpace(r.str(p.value, "locale"))
			r.locale = lib.locale
		}
	}
	for _, p := range fields {
		switch v := p.value; p.key.Value {
		case "urn":
			lib.urn = r.str(v, "the library's urn")
		case "ref_id":
			lib.refID = r.str(v, "the library's ref_id")
		case "name":
			lib.name = r.str(v, "the library's name")
		case "description":
			lib.description = r.str(v, "the library's description")
		case "copyright":
			lib.copyright = r.str(v, "copyright")
		case "version":
			lib.version = r.str(v, "version")
		case "objects":
			objects = v
		case "translations":
			r.noteTranslations()
		case "locale", "convert_library_version", "publication_date", "provider", "packager", "dependencies", "labels", "annotation":
			// About the library file itself.
		default:
			r.unknownField(p.key)
		}
	}
	if objects == nil {
		r.fail(root.Line, "this is not a CISO Assistant library: it has no objects (a framework library lists its framework under objects)")
		return nil
	}
	var frameworks []*yaml.Node
	var others []string
	for _, p := range r.pairs(objects, "objects") {
		switch p.key.Value {
		case "framework":
			if !isNull(p.value) {
				frameworks = append(frameworks, p.value)
			}
		case "frameworks":
			frameworks = append(frameworks, r.list(p.value, "frameworks")...)
		default:
			if !isNull(p.value) {
				others = append(others, strings.ReplaceAll(clipped(p.key.Value), "_", " "))
			}
		}
	}
	if len(r.problems) > 0 {
		return nil
	}
	if len(frameworks) == 0 {
		what := "nothing"
		if len(others) > 0 {
			what = "only " + strings.Join(others, ", ")
		}
		r.fail(objects.Line, "this library holds no framework (it holds %s): Shareline imports a library's framework, its requirements and their questions", what)
		return nil
	}
	lib.framework = r.framework(frameworks[0])
	if len(frameworks) > 1 && lib.framework != nil {
		r.note("frameworks", "The library holds "+itoa(len(frameworks))+" frameworks; only the first, “"+clipped(firstOf(lib.framework.name, lib.framework.refID, lib.framework.urn))+"”, was imported.")
	}
	if len(others) > 0 {
		r.note("objects", "The library's other objects ("+strings.Join(others, ", ")+") are not imported: Shareline imports its framework only.")
	}
	return lib
}

func (r *reader) framework(n *yaml.Node) *framework {
	fw := &framework{line: n.Line}
	var nodes *yaml.Node
	for _, p := range r.pairs(n, "the framework") {
		switch v := p.value; p.key.Value {
		case "urn":
			fw.urn = r.str(v, "the framework's urn")
		case "ref_id":
			fw.refID = r.str(v, "the framework's ref_id")
		case "name":
			fw.name = r.str(v, "the framework's name")
		case "description":
			fw.description = r.str(v, "the framework's description")
		case "annotation":
			fw.notes = r.str(v, "the framework's annotation")
		case "requirement_nodes":
			nodes = v
		case "implementation_groups_definition":
			if !isNull(v) {
				r.noteGroups()
			}
		case "min_score", "max_score", "scores_definition":
			if !isNull(v) {
				r.noteScale()
			}
		case "translations":
			r.noteTranslations()
		case "field_visibility", "provider", "locale", "default_locale", "outcomes_definition", "status":
			// How CISO Assistant shows and runs audits of the framework.
		default:
			r.unknownField(p.key)
		}
	}
	if nodes == nil || isNull(nodes) {
		r.fail(n.Line, "the framework has no requirement_nodes: nothing to import")
		return fw
	}
	items := r.list(nodes, "requirement_nodes")
	if len(items) == 0 && nodes.Kind == yaml.SequenceNode {
		r.fail(nodes.Line, "the framework's list of requirement_nodes is empty: nothing to import")
	}
	for _, item := range items {
		if node := r.node(item); node != nil {
			fw.nodes = append(fw.nodes, node)
		}
	}
	return fw
}

func (r *reader) node(n *yaml.Node) *reqNode {
	if n.Kind != yaml.MappingNode {
		r.fail(n.Line, "a requirement node should be a mapping of names to values, not %s", kindName(n))
		return nil
	}
	node := &reqNode{line: n.Line}
	var questions *yaml.Node
	for _, p := range r.pairs(n, "the requirement node") {
		switch v := p.value; p.key.Value {
		case "urn":
			node.urn = strings.TrimSpace(r.str(v, "urn"))
		case "parent_urn":
			node.parentURN = strings.TrimSpace(r.str(v, "parent_urn"))
		case "ref_id":
			node.refID = r.str(v, "ref_id")
		case "name":
			node.name = r.str(v, "name")
		case "description":
			node.description = r.str(v, "description")
		case "annotation":
			node.annotation = r.str(v, "annotation")
		case "typical_evidence":
			node.evidence = r.str(v, "typical_evidence")
		case "depth":
			node.depth, node.hasDepth = r.number(v, "depth")
		case "assessable":
			node.assessable = r.boolean(v, "assessable")
		case "questions":
			questions = v
		case "implementation_groups":
			if !isNull(v) {
				r.noteGroups()
			}
		case "translations":
			r.noteTranslations()
		case "reference_controls", "threats":
			if len(r.list(v, p.key.Value)) > 0 {
				r.note("links", "Links from requirements to reference controls and threats are not carried over.")
			}
		case "weight":
			r.noteWeight(v)
		case "importance":
			if s := strings.TrimSpace(r.str(v, "importance")); s != "" && s != "undefined" {
				r.note("importance", "The importance of requirements (mandatory, recommended, nice to have) is not carried over.")
			}
		case "min_score", "max_score", "scores_definition_ref", "target_score":
			if !isNull(v) {
				r.noteScale()
			}
		case "visibility_expression":
			if strings.TrimSpace(r.str(v, "visibility_expression")) != "" {
				r.note("visibility", "Visibility expressions on requirements are not carried over: the requirements they would hide are always asked.")
			}
		case "question":
			if !isNull(v) {
				r.note("question-block", "Questions in the single “question” block of libraries from before 2025 are not read (current libraries list them under “questions”); those requirements were imported without them.")
			}
		case "display_mode", "order_id", "provider", "locale", "default_locale", "is_published":
			// How CISO Assistant shows the node.
		default:
			r.unknownField(p.key)
		}
	}
	if node.urn == "" {
		r.fail(n.Line, "this requirement node has no urn")
	}
	if questions == nil || isNull(questions) {
		return node
	}
	switch questions.Kind {
	case yaml.MappingNode: // urn → question, as CISO Assistant writes them
		for _, p := range r.pairs(questions, "questions") {
			if q := r.question(strings.TrimSpace(p.key.Value), p.key.Line, p.value); q != nil {
				node.questions = append(node.questions, q)
			}
		}
	case yaml.SequenceNode: // a list of questions, each with its urn
		for _, item := range questions.Content {
			urn := ""
			for i := 0; item.Kind == yaml.MappingNode && i+1 < len(item.Content); i += 2 {
				if k, v := item.Content[i], item.Content[i+1]; k.Value == "urn" && v.Kind == yaml.ScalarNode {
					urn = strings.TrimSpace(v.Value)
				}
			}
			if q := r.question(urn, item.Line, item); q != nil {
				node.questions = append(node.questions, q)
			}
		}
	default:
		r.fail(questions.Line, "questions should be a mapping of question urns to questions, not %s", kindName(questions))
	}
	for _, q := range node.questions {
		q.node = node
	}
	return node
}

func (r *reader) question(urn string, line int, n *yaml.Node) *question {
	q := &question{urn: urn, line: line, typeLine: line}
	if !isNull(n) && n.Kind != yaml.MappingNode {
		r.fail(n.Line, "a question should be a mapping of names to values, not %s", kindName(n))
		return nil
	}
	for _, p := range r.pairs(n, "the question") {
		switch v := p.value; p.key.Value {
		case "type":
			q.typ, q.typeLine = strings.ToLower(strings.TrimSpace(r.str(v, "the question's type"))), v.Line
		case "text":
			q.text = r.str(v, "the question's text")
		case "annotation":
			q.annotation = r.str(v, "the question's annotation")
		case "choices":
			for _, item := range r.list(v, "choices") {
				if c := r.choice(item); c != nil {
					q.choices = append(q.choices, c)
				}
			}
		case "depends_on":
			q.dependsOn = r.dependsOn(v)
		case "weight":
			r.noteWeight(v)
		case "config":
			if !isNull(v) {
				r.note("config", "How CISO Assistant displays some questions (config, such as a slider) is not carried over.")
			}
		case "translations":
			r.noteTranslations()
		case "urn", "ref_id", "order", "is_published":
		default:
			r.unknownField(p.key)
		}
	}
	return q
}

func (r *reader) choice(n *yaml.Node) *choice {
	if n.Kind != yaml.MappingNode {
		r.fail(n.Line, "a choice should be a mapping of names to values, not %s", kindName(n))
		return nil
	}
	c := &choice{line: n.Line}
	for _, p := range r.pairs(n, "the choice") {
		switch v := p.value; p.key.Value {
		case "urn":
			c.urn = strings.TrimSpace(r.str(v, "the choice's urn"))
		case "value":
			c.value = r.str(v, "the choice's value")
		case "description":
			c.description = r.str(v, "the choice's description")
		case "annotation":
			c.annotation = r.str(v, "the choice's annotation")
		case "add_score":
			c.score, c.scored = r.number(v, "add_score")
		case "compute_result":
			if !isNull(v) {
				r.note("compute_result", "Results that choices set in CISO Assistant (compute_result: compliant, non compliant…) are not carried over: Shareline scores a choice by its credit, taken from add_score.")
			}
		case "color":
			if !isNull(v) {
				r.note("color", "The colours of choices are not carried over.")
			}
		case "select_implementation_groups":
			if !isNull(v) {
				r.noteGroups()
			}
		case "translations":
			r.noteTranslations()
		case "ref_id", "order", "is_published":
		default:
			r.unknownField(p.key)
		}
	}
	return c
}

func (r *reader) dependsOn(n *yaml.Node) *dependsOn {
	if isNull(n) {
		return nil
	}
	d := &dependsOn{line: n.Line, questionLine: n.Line, conditionLine: n.Line}
	for _, p := range r.pairs(n, "depends_on") {
		switch v := p.value; p.key.Value {
		case "question":
			d.question, d.questionLine = strings.TrimSpace(r.str(v, "the question depends_on names")), v.Line
		case "answers":
			items := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				items = v.Content
			} else if isNull(v) {
				items = nil
			}
			for _, item := range items {
				if item.Kind != yaml.ScalarNode {
					r.fail(item.Line, "an answer in depends_on should be a single value (the urn of a choice), not %s", kindName(item))
					continue
				}
				d.answers = append(d.answers, answer{value: strings.TrimSpace(item.Value), line: item.Line})
			}
		case "condition":
			d.condition, d.conditionLine = strings.TrimSpace(r.str(v, "the condition of depends_on")), v.Line
		default:
			r.unknownField(p.key)
		}
	}
	if d.question == "" {
		r.fail(n.Line, "depends_on names no question")
		return nil
	}
	return d
}

func firstOf(texts ...string) string {
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			return t
		}
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }
