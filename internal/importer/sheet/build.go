package sheet

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/importer/fit"
	"shareline/internal/questionnairefile"
)

// The columns of the Elements sheet, in the template's order.
const (
	colSection  = "section"
	colKey      = "key"
	colText     = "text"
	colType     = "type"
	colOptions  = "options"
	colUnit     = "unit"
	colWeight   = "weight"
	colEvidence = "evidence"
	colCritical = "critical"
	colWhen     = "when"
	colHelp     = "help"
)

var (
	columns  = []string{colSection, colKey, colText, colType, colOptions, colUnit, colWeight, colEvidence, colCritical, colWhen, colHelp}
	required = []string{colSection, colKey, colText, colType}
)

// Limits of the Shareline format that rows are held to (the schema's).
const (
	maxQuestions        = 100
	maxQuestionElements = 300
	maxOptions          = 100
	maxUnit             = 40
	maxBand             = 1e9
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// heading is a heading as matched: lower case, without spaces and underscores.
func heading(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == ' ' || r == '\t' || r == '\n' || r == '\u00a0' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// builder turns the rows of an Elements sheet into questions.
type builder struct {
	r         *report
	col       map[string]int // column name → 0-based index
	named     map[int]bool   // columns with a heading
	questions []*question
	byKey     map[string]*question
	elements  int
}

// question is a question being built, with the row and the condition text of each element.
type question struct {
	assess.Question
	title    string         // as written, whole
	row      int            // where it begins
	sections map[string]int // section → the row it begins on
	started  bool           // a row of it has been read
	section  string         // the section of the last row read
	rows     []int          // the row of each element
	whens    []string       // the condition of each element, as written
}

func build(g *grid, fileTitle string) (*assess.Questionnaire, []string, error) {
	r := &report{notes: g.notes}
	q := &assess.Questionnaire{Version: 1}
	about(g.about, fileTitle, q, r)
	b := &builder{r: r, byKey: map[string]*question{}}
	if len(g.elements) == 0 {
		r.refuse(0, "the sheet is empty: its first row should hold the headings %s, and each row after it one element", strings.Join(columns, ", "))
		return nil, nil, r.err()
	}
	if !b.headings(g.elements[0]) {
		return nil, nil, r.err()
	}
	for _, rw := range g.elements[1:] {
		b.row(rw)
	}
	if len(b.questions) == 0 && len(r.problems) == 0 {
		r.refuse(g.elements[0].n, "no elements: write one element on each row below the headings")
	}
	b.conditions()
	if err := r.err(); err != nil {
		return nil, nil, err
	}
	for _, qu := range b.questions {
		q.Questions = append(q.Questions, qu.Question)
	}
	// importer.Read holds the result to every rule of a Shareline file, as it does for every
	// format; the tests hold Read to the same (questionnairefiletest.RoundTrip).
	return q, r.notes, nil
}

// about sets the questionnaire's key, title and description from the About sheet, or from the
// file's name.
func about(rows []row, fileTitle string, q *assess.Questionnaire, r *report) {
	key, keyRow := "", 0
	for _, rw := range rows {
		name := heading(rw.cells[0])
		value := ""
		if len(rw.cells) > 1 {
			value = rw.cells[1]
		}
		switch {
		case name == "" || strings.HasPrefix(name, "#"):
			if value != "" && name == "" {
				r.refuse(rw.n, "About sheet: column B holds %q but column A does not say what it is; write key, title or description there", short(value))
			}
		case name == "key":
			key, keyRow = value, rw.n
		case name == "title":
			if value == "" {
				continue
			}
			title, rest := fit.Label(value)
			if rest != "" {
				r.note("The title on the About sheet is longer than %d characters and was cut short.", fit.MaxLabel)
			}
			q.Title = title
		case name == "description":
			q.Description = fit.Clip(value, fit.MaxHelp)
			if q.Description != value {
				r.note("The description on the About sheet is longer than %d characters and was cut short.", fit.MaxHelp)
			}
		default:
			r.refuse(rw.n, "About sheet: column A holds %q; it may say key, title or description", short(rw.cells[0]))
		}
	}
	if q.Title == "" {
		q.Title, _ = fit.Label(fileTitle)
		if q.Title == "" {
			q.Title = "Imported questionnaire"
		}
	}
	switch {
	case key == "":
		q.Key = fit.Key(q.Title, "questionnaire")
	case !keyPattern.MatchString(key):
		r.refuse(keyRow, "About sheet: the key %q %s", short(key), keyRule(key))
	default:
		q.Key = key
	}
}

// keyRule says what is wrong with a key, suggesting one.
func keyRule(key string) string {
	return fmt.Sprintf("is not a key: use a lower-case letter, then lower-case letters, digits, '_' or '-', at most %d in all (such as %s)", fit.MaxKey, fit.Key(key, "key"))
}

// short is a cell's text cut for a message.
func short(s string) string { return fit.Clip(strings.Join(strings.Fields(s), " "), 60) }

// headings maps the columns of the heading row; false when the row is refused.
func (b *builder) headings(rw row) bool {
	b.col, b.named = map[string]int{}, map[int]bool{}
	before := len(b.r.problems)
	var unknown []string
	for i, cell := range rw.cells {
		h := heading(cell)
		if h == "" {
			continue
		}
		b.named[i] = true
		known := false
		for _, c := range columns {
			if h == c {
				known = true
				if j, dup := b.col[c]; dup {
					b.r.refuse(rw.n, "the heading %s appears twice, in columns %s and %s", c, columnName(j), columnName(i))
				}
				b.col[c] = i
			}
		}
		if !known {
			unknown = append(unknown, fmt.Sprintf("%q (column %s)", short(cell), columnName(i)))
		}
	}
	if len(unknown) > 0 {
		b.r.refuse(rw.n, "unknown heading %s: the columns are %s", strings.Join(unknown, ", "), strings.Join(columns, ", "))
	}
	var missing []string
	for _, c := range required {
		if _, ok := b.col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		b.r.refuse(rw.n, "the heading row lacks %s; the first row that is not blank must hold the headings, with at least %s", and(missing), and(required))
	}
	return len(b.r.problems) == before
}

// and lists words as "a, b and c".
func and(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// where names a column for a message: "type (column D)".
func (b *builder) where(c string) string {
	return fmt.Sprintf("%s (column %s)", c, columnName(b.col[c]))
}

// row reads one element.
func (b *builder) row(rw row) {
	get := func(c string) string {
		if i, ok := b.col[c]; ok && i < len(rw.cells) {
			return rw.cells[i]
		}
		return ""
	}
	if strings.HasPrefix(get(colSection), "#") {
		return // a comment for people
	}
	for i, cell := range rw.cells {
		if cell != "" && !b.named[i] {
			b.r.refuse(rw.n, "column %s holds %q but has no heading; give it one of %s, or empty it", columnName(i), short(cell), strings.Join(columns, ", "))
		}
	}
	refuse := func(c, format string, args ...any) {
		b.r.refuse(rw.n, "%s: %s", b.where(c), fmt.Sprintf(format, args...))
	}

	qu, section := b.question(rw.n, get(colSection), refuse)
	el := assess.Element{Weight: 1, Section: section}

	el.Key = get(colKey)
	keep := qu != nil
	switch {
	case el.Key == "":
		refuse(colKey, "empty; give each element a key, unique within its question, such as %s", fit.Key(get(colText), "element"))
		keep = false
	case !keyPattern.MatchString(el.Key):
		refuse(colKey, "%q %s", short(el.Key), keyRule(el.Key))
		keep = false
	case qu != nil:
		for i, other := range qu.Elements {
			if other.Key == el.Key {
				refuse(colKey, "%q is already the key of the element on row %d of this question; keys are unique within a question", el.Key, qu.rows[i])
				keep = false
			}
		}
	}

	text := get(colText)
	label, rest := fit.Label(text)
	el.Label = label
	if label == "" {
		refuse(colText, "empty; write what the respondent is asked")
	}
	if rest != "" {
		b.r.note("Row %d: the text is longer than %d characters, so the label is cut short; the whole text is kept at the start of the help.", rw.n, fit.MaxLabel)
	}
	help := get(colHelp)
	if joined := joinHelp(rest, help); len([]rune(joined)) > fit.MaxHelp {
		b.r.note("Row %d: the help is longer than %d characters and was cut short.", rw.n, fit.MaxHelp)
	}
	el.Help = fit.Join(rest, help)

	typ := strings.ToLower(get(colType))
	el.Type = assess.AnswerType(typ)
	validType := false
	switch el.Type {
	case assess.TypeStatus, assess.TypeChoice, assess.TypeMulti, assess.TypeNumber, assess.TypeDate, assess.TypeText:
		validType = true
	case assess.TypeMatrix:
		refuse(colType, "a matrix element cannot come from a spreadsheet: it needs the questionnaire's responsibility split (layers and who owns each), which a sheet has no place for; import the questionnaire as Shareline JSON, or ask the question as a choice")
	case "":
		refuse(colType, "empty; write status, choice, multi, number, date or text")
	default:
		refuse(colType, "%q is not a type; write status (yes, partial or no), choice (one option), multi (several options), number, date or text", short(typ))
	}

	if validType {
		b.options(&el, get(colOptions), refuse)
	}

	if unit := get(colUnit); unit != "" {
		switch {
		case validType && el.Type != assess.TypeNumber:
			refuse(colUnit, "a unit is for number elements; leave it empty for a %s element", el.Type)
		case strings.Contains(unit, "\n"):
			refuse(colUnit, "a unit is one line, such as %% or hours")
		case len([]rune(unit)) > maxUnit:
			refuse(colUnit, "%q is longer than %d characters", short(unit), maxUnit)
		default:
			el.Unit = unit
		}
	}
	if w := get(colWeight); w != "" {
		v, ok := number(w)
		switch {
		case !ok:
			refuse(colWeight, "%q is not a number%s", short(w), commaHint(w))
		case !(v > 0 && v <= 100):
			refuse(colWeight, "%s is out of range: a weight is more than 0 and at most 100", w)
		default:
			el.Weight = v
		}
	}
	var ok bool
	if el.Evidence, ok = yesNo(get(colEvidence)); !ok {
		refuse(colEvidence, "%q: write yes or no (true/false and 1/0 do too), or leave it empty for no", short(get(colEvidence)))
	}
	if el.Critical, ok = yesNo(get(colCritical)); !ok {
		refuse(colCritical, "%q: write yes or no (true/false and 1/0 do too), or leave it empty for no", short(get(colCritical)))
	}

	// An element whose key is usable is kept even when other cells are refused, so that later
	// rows and conditions are checked against it rather than refused because of it.
	if !keep {
		return
	}
	qu.Elements = append(qu.Elements, el)
	qu.rows = append(qu.rows, rw.n)
	qu.whens = append(qu.whens, get(colWhen))
	b.elements++
	switch {
	case len(qu.Elements) == maxQuestionElements+1:
		refuse(colSection, "the question %q has more than %d elements; split it into several questions", short(qu.Title), maxQuestionElements)
	case b.elements == questionnairefile.MaxElements+1:
		b.r.refuse(rw.n, "more than %d elements in the sheet; the limit is %d", questionnairefile.MaxElements, questionnairefile.MaxElements)
	}
}

// joinHelp is the help made of the parts given, as fit.Join puts them, before it is cut short.
func joinHelp(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "\n\n")
}

// question is the question a row belongs to, given its section cell, and the element's section
// within it: the row's question goes on, or a new one begins. nil when the cell is refused.
func (b *builder) question(n int, cell string, refuse func(c, format string, args ...any)) (*question, string) {
	cell = strings.Join(strings.Fields(cell), " ")
	parts := strings.FieldsFunc(cell, func(r rune) bool { return r == '>' || r == '›' })
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	switch {
	case cell == "" || strings.IndexAny(cell, ">›") == 0 || len(parts) == 0 || parts[0] == "":
		refuse(colSection, "empty; write the question's title, or Question title > Sub-section")
		return nil, ""
	case len(parts) > 2:
		refuse(colSection, "%q has more than two levels: a question holds sub-sections, which hold no more; write Question title > Sub-section", short(cell))
		return nil, ""
	}
	title, section := parts[0], ""
	if len(parts) == 2 {
		section = parts[1]
	}
	key := fit.Key(title, "question")
	qu := b.byKey[key]
	switch {
	case qu == nil:
		if len(b.questions) == maxQuestions {
			refuse(colSection, "more than %d questions; the limit is %d", maxQuestions, maxQuestions)
			return nil, ""
		}
		label, rest := fit.Label(title)
		qu = &question{Question: assess.Question{Key: key, Title: label, Weight: 1}, title: title, row: n, sections: map[string]int{}}
		if rest != "" {
			qu.Prompt = fit.Clip(rest, fit.MaxHelp)
			b.r.note("Row %d: the question title is longer than %d characters, so it is cut short; the whole title is kept as the question's prompt.", n, fit.MaxLabel)
		}
		b.questions = append(b.questions, qu)
		b.byKey[key] = qu
	case b.questions[len(b.questions)-1] != qu:
		refuse(colSection, "the rows of the question %q must be together: it began on row %d, and rows of other questions come between; move this row up to it", short(title), qu.row)
		return nil, ""
	case title != qu.title:
		refuse(colSection, "%q is spelt differently from %q on row %d, though both make the question key %s; spell them alike, or tell the two questions apart", short(title), short(qu.title), qu.row, key)
		return nil, ""
	}

	label, rest := fit.Label(section)
	if qu.started && label == qu.section {
		return qu, label
	}
	if start, seen := qu.sections[label]; seen {
		if label == "" {
			refuse(colSection, "the rows of the question %q that are in no sub-section must be together: they began on row %d, and a sub-section comes between; move this row up to them, or give it a sub-section", short(title), start)
		} else {
			refuse(colSection, "the rows of the sub-section %q of the question %q must be together: it began on row %d, and other rows come between; move this row up to it", short(label), short(title), start)
		}
		return nil, ""
	}
	if rest != "" {
		b.r.note("Row %d: the sub-section %q is longer than %d characters and was cut short.", n, label, fit.MaxLabel)
	}
	qu.sections[label], qu.started, qu.section = n, true, label
	return qu, label
}

// options reads the options of a choice or multi element, or the bands of a number element.
func (b *builder) options(el *assess.Element, cell string, refuse func(c, format string, args ...any)) {
	switch el.Type {
	case assess.TypeChoice, assess.TypeMulti:
		if cell == "" {
			refuse(colOptions, "a %s element needs its options: write key = Label, one per line or separated by ;", el.Type)
			return
		}
		el.Options = b.choices(cell, refuse)
	case assess.TypeNumber:
		if cell != "" {
			el.Bands = bands(cell, refuse)
		}
	case assess.TypeStatus:
		if cell != "" {
			refuse(colOptions, "a status element takes no options: it is answered yes, partial, no or not applicable; empty this cell, or make the element a choice")
		}
	default:
		if cell != "" {
			refuse(colOptions, "a %s element takes no options; empty this cell, or make the element a choice", el.Type)
		}
	}
}

// items are the parts of an options cell: its lines when it has several, else the parts
// between semicolons.
func items(cell string) []string {
	sep := ";"
	if strings.Contains(cell, "\n") {
		sep = "\n"
	}
	var out []string
	for _, p := range strings.Split(cell, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var creditPattern = regexp.MustCompile(`(?i)\(\s*credit\s*[:=]?\s*([^()]*?)\s*\)$`)

// choices reads options written key = Label or key = Label (credit 0.5).
func (b *builder) choices(cell string, refuse func(c, format string, args ...any)) []assess.Option {
	var out []assess.Option
	seen := map[string]bool{}
	list := items(cell)
	if len(list) > maxOptions {
		refuse(colOptions, "%d options; the limit is %d", len(list), maxOptions)
		return nil
	}
	for _, item := range list {
		key, label, found := strings.Cut(item, "=")
		key, label = strings.TrimSpace(key), strings.TrimSpace(label)
		o := assess.Option{Key: key, Credit: 1}
		if m := creditPattern.FindStringSubmatchIndex(label); m != nil {
			value := label[m[2]:m[3]]
			label = strings.TrimSpace(label[:m[0]])
			credit, ok := number(value)
			switch {
			case !ok:
				refuse(colOptions, "the credit %q of the option %s is not a number%s", short(value), key, commaHint(value))
			case credit < 0 || credit > 1:
				refuse(colOptions, "the credit %s of the option %s is out of range: a credit runs from 0 (earns nothing) to 1 (full credit)", value, key)
			default:
				o.Credit = credit
			}
		}
		switch {
		case !found:
			refuse(colOptions, "the option %q has no label: write each option as key = Label, such as eu = In the EU", short(item))
			continue
		case !keyPattern.MatchString(key):
			refuse(colOptions, "the option key %q %s; write each option as key = Label", short(key), keyRule(key))
			continue
		case seen[key]:
			refuse(colOptions, "the option key %s is listed twice", key)
			continue
		case label == "":
			refuse(colOptions, "the option %s has no label: write it as %s = Label", key, key)
			continue
		}
		seen[key] = true
		var rest string
		if o.Label, rest = fit.Label(label); rest != "" {
			b.r.note("The label of the option %s (%s) is longer than %d characters and was cut short.", key, short(label), fit.MaxLabel)
		}
		out = append(out, o)
	}
	return out
}

// bands reads better=higher; full=99.9; half=99.
func bands(cell string, refuse func(c, format string, args ...any)) *assess.Bands {
	const syntax = "write better=higher; full=99.9; half=99 (or better=lower, with full at most half)"
	var bd assess.Bands
	given := map[string]bool{}
	ok := true
	for _, item := range items(cell) {
		name, value, found := strings.Cut(item, "=")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		if !found {
			refuse(colOptions, "%q is not a band setting; %s", short(item), syntax)
			ok = false
			continue
		}
		if given[name] {
			refuse(colOptions, "%s is given twice", name)
			ok = false
			continue
		}
		given[name] = true
		switch name {
		case "better":
			switch strings.ToLower(value) {
			case "higher", "lower":
				bd.Better = strings.ToLower(value)
			default:
				refuse(colOptions, "better=%s: write better=higher or better=lower", short(value))
				ok = false
			}
		case "full", "half":
			v, isNumber := number(value)
			switch {
			case !isNumber:
				refuse(colOptions, "%s=%s is not a number%s", name, short(value), commaHint(value))
				ok = false
			case v < 0 || v > maxBand:
				refuse(colOptions, "%s=%s is out of range: band values run from 0 to 1,000,000,000", name, value)
				ok = false
			case name == "full":
				bd.Full = v
			default:
				bd.Half = v
			}
		default:
			refuse(colOptions, "%q is not a band setting; the bands of a number element say better, full and half: %s", short(name), syntax)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	var missing []string
	for _, name := range []string{"better", "full", "half"} {
		if !given[name] {
			missing = append(missing, name)
		}
	}
	switch {
	case len(missing) > 0:
		refuse(colOptions, "the bands lack %s; %s", and(missing), syntax)
		return nil
	case bd.Better == "higher" && bd.Full < bd.Half:
		refuse(colOptions, "with better=higher, full (%v) must be at least half (%v)", bd.Full, bd.Half)
		return nil
	case bd.Better == "lower" && bd.Full > bd.Half:
		refuse(colOptions, "with better=lower, full (%v) must be at most half (%v)", bd.Full, bd.Half)
		return nil
	}
	return &bd
}

var numberPattern = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$`)

// number reads a plain decimal number (no thousands separators, hex or infinities).
func number(s string) (float64, bool) {
	if !numberPattern.MatchString(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}

func commaHint(s string) string {
	if strings.Contains(s, ",") {
		return "; write decimals with a point, as 0.5, and no thousands separators"
	}
	return ""
}

// yesNo reads a yes/no cell; false when it says neither.
func yesNo(s string) (value, ok bool) {
	switch strings.ToLower(s) {
	case "yes", "true", "1":
		return true, true
	case "", "no", "false", "0":
		return false, true
	}
	return false, false
}
