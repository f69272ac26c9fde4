package vsaq_test

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/importer/vsaq"
	"shareline/internal/questionnairefile"
	"shareline/internal/questionnairefile/questionnairefiletest"
)

// roundTrip is questionnairefiletest.RoundTrip: the importer's own check of what it converts.
func roundTrip(t *testing.T, q *assess.Questionnaire) *assess.Questionnaire {
	return questionnairefiletest.RoundTrip(t, q)
}

func readFile(t *testing.T, name string) (*assess.Questionnaire, []string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !vsaq.Looks(data) {
		t.Fatalf("Looks(%s) = false", name)
	}
	q, notes, err := vsaq.Read(data)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return q, notes
}

func element(t *testing.T, q *assess.Questionnaire, ref string) *assess.Element {
	t.Helper()
	question, key, _ := strings.Cut(ref, ".")
	_, el, ok := q.Element(question, key)
	if !ok {
		t.Fatalf("no element %s", ref)
	}
	return el
}

func credits(el *assess.Element) map[string]float64 {
	out := map[string]float64{}
	for _, o := range el.Options {
		out[o.Key] = o.Credit
	}
	return out
}

func optionKeys(el *assess.Element) []string {
	var out []string
	for _, o := range el.Options {
		out = append(out, o.Key)
	}
	return out
}

func chosen(ref string, keys ...string) assess.Condition {
	return assess.Condition{Element: ref, AnyOf: keys}
}

func not(c assess.Condition) assess.Condition { return assess.Condition{Not: &c} }

func all(cs ...assess.Condition) assess.Condition { return assess.Condition{All: cs} }

func sameWhen(t *testing.T, el *assess.Element, want *assess.Condition) {
	t.Helper()
	if !reflect.DeepEqual(el.When, want) {
		t.Errorf("%s: when\n got %s\nwant %s", el.Key, show(el.When), show(want))
	}
}

func show(c *assess.Condition) string {
	if c == nil {
		return "(always)"
	}
	return fmt.Sprintf("%+v", *c)
}

func TestAcme(t *testing.T) {
	q, notes := readFile(t, "testdata/acme.json")
	q = roundTrip(t, q)

	if q.Key != "acme_hosting_security_review" || q.Title != "Acme Hosting Security Review" || q.Version != 1 {
		t.Errorf("key %q, title %q, version %d", q.Key, q.Title, q.Version)
	}
	if !strings.Contains(q.Description, "VSAQ") {
		t.Errorf("description %q does not say where it came from", q.Description)
	}
	var questions []string
	for _, qu := range q.Questions {
		questions = append(questions, qu.Key+"="+qu.Title)
	}
	if want := []string{"general=Acme Hosting Security Review", "block_access=Access Control", "block_ops=Operations"}; !reflect.DeepEqual(questions, want) {
		t.Errorf("questions %q, want %q", questions, want)
	}
	if n := q.ElementCount(); n != 11 {
		t.Errorf("%d elements, want 11", n)
	}

	types := map[string]assess.AnswerType{}
	sections := map[string]string{}
	var critical []string
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			ref := assess.Ref(qu.Key, el.Key)
			types[ref], sections[ref] = el.Type, el.Section
			if el.Critical {
				critical = append(critical, ref)
			}
		}
	}
	wantTypes := map[string]assess.AnswerType{
		"general.contact_email":                        assess.TypeText,
		"block_access.sso":                             assess.TypeChoice,
		"block_access.mfa_kinds":                       assess.TypeMulti,
		"block_access.sms_reason":                      assess.TypeText,
		"block_access.how_do_staff_recover_a_lost_key": assess.TypeText, // no id: a key from its text
		"block_access.mfa_enforced":                    assess.TypeChoice,
		"block_access.access_review":                   assess.TypeText,
		"block_ops.ops_oncall":                         assess.TypeChoice,
		"block_ops.ops_logs":                           assess.TypeChoice, // no id: its choices' prefix
		"block_ops.pentest_report":                     assess.TypeText,
		"block_ops.pentest_date":                       assess.TypeText,
	}
	if !reflect.DeepEqual(types, wantTypes) {
		t.Errorf("types\n got %v\nwant %v", types, wantTypes)
	}
	wantSections := map[string]string{
		"general.contact_email":                        "",
		"block_access.sso":                             "",
		"block_access.mfa_kinds":                       "Second factor",
		"block_access.sms_reason":                      "Second factor",
		"block_access.how_do_staff_recover_a_lost_key": "Second factor › Recovery",
		"block_access.mfa_enforced":                    "Second factor (continued)",
		"block_access.access_review":                   "Access Control (continued)",
		"block_ops.ops_oncall":                         "",
		"block_ops.ops_logs":                           "",
		"block_ops.pentest_report":                     "Evidence › Reports",
		"block_ops.pentest_date":                       "Evidence › Reports",
	}
	if !reflect.DeepEqual(sections, wantSections) {
		t.Errorf("sections\n got %v\nwant %v", sections, wantSections)
	}
	if want := []string{"block_access.sso", "block_access.mfa_kinds"}; !reflect.DeepEqual(critical, want) {
		t.Errorf("critical elements %v, want %v", critical, want)
	}

	// Warnings lower credits: medium to 0.5, critical and high to 0; no severity is medium.
	sso := element(t, q, "block_access.sso")
	if want := []string{"sso_yes", "sso_password", "sso_shared", "none_of_the_above"}; !reflect.DeepEqual(optionKeys(sso), want) {
		t.Errorf("sso options %v, want %v", optionKeys(sso), want)
	}
	if want := map[string]float64{"sso_yes": 1, "sso_password": 0.5, "sso_shared": 0, "none_of_the_above": 1}; !reflect.DeepEqual(credits(sso), want) {
		t.Errorf("sso credits %v, want %v", credits(sso), want)
	}
	if sso.Label != "How do staff sign in to admin consoles?" {
		t.Errorf("HTML left in the label: %q", sso.Label)
	}
	wantHelp := "Tell us how people sign in.\n\n" +
		"Warning (medium): Passwords alone — Passwords alone are easy to phish.\n\n" +
		"Warning (critical): Shared accounts — Nobody can tell who did what with a shared account."
	if sso.Help != wantHelp {
		t.Errorf("sso help\n got %q\nwant %q", sso.Help, wantHelp)
	}
	sameWhen(t, sso, nil)

	mfa := element(t, q, "block_access.mfa_kinds")
	if want := map[string]float64{"mfa_totp": 1, "mfa_sms": 0, "mfa_key": 1}; !reflect.DeepEqual(credits(mfa), want) {
		t.Errorf("mfa credits %v, want %v", credits(mfa), want)
	}
	// The warning's text was split with "+" and held HTML; the tip without warn is advice.
	wantHelp = "Warning (high): SMS codes — SMS codes can be intercepted by SIM swapping.\n\n" +
		"Advice: Hardware keys resist phishing — a good choice."
	if mfa.Help != wantHelp {
		t.Errorf("mfa help\n got %q\nwant %q", mfa.Help, wantHelp)
	}
	ssoYes := chosen("block_access.sso", "sso_yes")
	sameWhen(t, mfa, &ssoYes)

	// "^warn_mfa_sms" is the warning's own condition and its block's.
	want := all(ssoYes, chosen("block_access.mfa_kinds", "mfa_sms"))
	sameWhen(t, element(t, q, "block_access.sms_reason"), &want)

	// A block condition, then "mfa_key && !(mfa_sms || mfa_totp)", the two tests of one
	// element joined by || merged into one.
	want = all(ssoYes, chosen("block_access.mfa_kinds", "mfa_key"), not(chosen("block_access.mfa_kinds", "mfa_totp", "mfa_sms")))
	sameWhen(t, element(t, q, "block_access.how_do_staff_recover_a_lost_key"), &want)

	enforced := element(t, q, "block_access.mfa_enforced")
	if got := fmt.Sprint(enforced.Options); got != "[{yes Yes, for every account 1} {no No, some accounts are exempt 0.5}]" {
		t.Errorf("yesno options %s", got)
	}
	if enforced.Critical || enforced.Help != "Warning: Exempt accounts — Exempt accounts are the ones attackers look for." {
		t.Errorf("yesno: critical %v, help %q", enforced.Critical, enforced.Help)
	}
	sameWhen(t, enforced, &ssoYes)
	sameWhen(t, element(t, q, "block_access.access_review"), nil)

	// The check is a choice of ticked or not; the warning on it is too complex for credits.
	notShared := not(chosen("block_access.sso", "sso_shared"))
	oncall := element(t, q, "block_ops.ops_oncall")
	if want := map[string]float64{"checked": 1, "unchecked": 1}; !reflect.DeepEqual(credits(oncall), want) || oncall.Critical {
		t.Errorf("check: credits %v, critical %v", credits(oncall), oncall.Critical)
	}
	logWarning := "Warning (high): No log review — An on-call team that does not read the logs misses attacks."
	if oncall.Help != logWarning || element(t, q, "block_ops.ops_logs").Help != logWarning {
		t.Errorf("the complex warning is not in the help of the elements it tests: %q", oncall.Help)
	}
	sameWhen(t, oncall, &notShared)

	report := element(t, q, "block_ops.pentest_report")
	if !report.Evidence || !strings.Contains(report.Help, "evidence") {
		t.Errorf("upload: evidence %v, help %q", report.Evidence, report.Help)
	}
	sameWhen(t, report, &notShared)
	want = all(notShared, assess.Condition{Element: "block_ops.pentest_report"})
	sameWhen(t, element(t, q, "block_ops.pentest_date"), &want)
	if element(t, q, "general.contact_email").Evidence {
		t.Error("a line expects evidence")
	}

	if len(notes) != 3 {
		t.Fatalf("%d notes, want 3: %q", len(notes), notes)
	}
	const acme = "testdata/acme.json"
	for i, want := range []string{
		fmt.Sprintf("“No log review” (line %d) cannot lower the credit", itemLine(t, acme, `"id": "warn_ops_logs"`)),
		fmt.Sprintf("(line %d) was marked as required", itemLine(t, acme, `"id": "contact_email"`)),
		fmt.Sprintf("(line %d) was given a separate box", itemLine(t, acme, `"id": "warn_sso_password"`)),
	} {
		if !strings.Contains(notes[i], want) {
			t.Errorf("note %d = %q, want it to contain %q", i, notes[i], want)
		}
	}
}

func TestLooks(t *testing.T) {
	shareline, err := questionnairefile.Write(&assess.Questionnaire{Key: "k", Version: 1, Title: "T", Questions: []assess.Question{{Key: "q", Title: "Q", Weight: 1, Elements: []assess.Element{{Key: "e", Label: "E", Type: assess.TypeText, Weight: 1}}}}})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]bool{
		"// c\n// d\n{\"questionnaire\": []}":            true,
		"{\"version\": 1, \"questionnaire\": [\n]}":      true,
		"{\"a\": {\"questionnaire\": []}, \"b\": \"}\"}": false,
		"{\"questionnaire\": {}}":                        false,
		"{}":                                             false,
		"[{\"questionnaire\": []}]":                      false,
		"":                                               false,
		"/* c */ {\"questionnaire\": []}":                false,
		string(shareline):                                false,
	} {
		if got := vsaq.Looks([]byte(in)); got != want {
			t.Errorf("Looks(%q) = %v, want %v", in, got, want)
		}
	}
}

// tmpl is a template of one top block holding items, the first on line 3.
func tmpl(items ...string) string {
	return "// A test template.\n{\"questionnaire\": [{\"type\": \"block\", \"text\": \"Test\", \"items\": [\n" +
		strings.Join(items, ",\n") + "\n]}]}\n"
}

func block(id string, items ...string) string {
	return fmt.Sprintf(`{"type": "block", "id": %q, "text": %q, "items": [`, id, "Block "+id) + "\n" + strings.Join(items, ",\n") + "\n]}"
}

func radio(id, cond string) string {
	return fmt.Sprintf(`{"type": "radiogroup", "id": %q, "text": "Question %s", "cond": %q, "choices": [{%q: "Yes"}, {%q: "No"}]}`, id, id, cond, id+"_yes", id+"_no")
}

func line(id, cond string) string {
	return fmt.Sprintf(`{"type": "line", "id": %q, "text": "Line %s", "cond": %q}`, id, id, cond)
}

// itemLine is the line where the item holding marker starts: the "{" before it.
func itemLine(t *testing.T, file, marker string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), marker)
	if i < 0 {
		t.Fatalf("no %q in %s", marker, file)
	}
	return strings.Count(string(data[:strings.LastIndex(string(data[:i]), "{")]), "\n") + 1
}

// lineOf is the line of the first occurrence of marker in src.
func lineOf(t *testing.T, src, marker string) int {
	t.Helper()
	i := strings.Index(src, marker)
	if i < 0 {
		t.Fatalf("no %q in the template", marker)
	}
	return strings.Count(src[:i], "\n") + 1
}

func TestRefusals(t *testing.T) {
	nested := `{"type": "line", "id": "deep", "text": "Deep"}`
	for i := 13; i >= 1; i-- {
		nested = fmt.Sprintf(`{"type": "block", "id": "level%d", "text": "Level %d", "items": [`+"\n%s\n]}", i, i, nested)
	}
	nested = "{\"questionnaire\": [\n" + nested + "\n]}"

	var blocks []string
	for b := range 5 {
		var lines []string
		for i := range 250 {
			if b == 4 && i > 0 {
				break
			}
			lines = append(lines, line(fmt.Sprintf("e%d_%d", b, i), ""))
		}
		blocks = append(blocks, block(fmt.Sprintf("b%d", b), lines...))
	}
	tooMany := tmpl(blocks...)

	var spacers []string
	for i := range 5001 {
		spacers = append(spacers, fmt.Sprintf(`{"type": "spacer", "id": "s%d"}`, i+1))
	}

	var questions []string
	for i := range 101 {
		questions = append(questions, block(fmt.Sprintf("q%d", i), line(fmt.Sprintf("l%d", i), "")))
	}

	var choices []string
	for i := range 101 {
		choices = append(choices, fmt.Sprintf(`{"c%d": "Choice %d"}`, i, i))
	}

	cases := []struct {
		name, src, marker string // marker: where the line named starts
		want              []string
	}{
		{"not JSON after the header", "// Licence\n// more licence\n{\n  'questionnaire': []\n}\n", "'questionnaire'", []string{"double quotes"}},
		{"a comma before ]", tmpl(line("a", ""), ""), line("a", "") + ",", []string{"comma after the last element"}},
		{"a comma before }", tmpl(`{"type": "line", "id": "a",` + "\n" + `}`), `{"type": "line", "id": "a",`, []string{"comma after the last name"}},
		{"+ between a text and a number", tmpl(`{"type": "info", "text": "a" +` + "\n" + ` 12}`), " 12}", []string{"+"}},
		{"a line break in a text", tmpl("{\"type\": \"info\", \"text\": \"one\ntwo\"}"), `{"type": "info"`, []string{"line break", "+"}},
		{"data after the object", tmpl(line("a", "")) + `{"x": 1}`, `{"x": 1}`, []string{"after the end"}},
		{"no questionnaire list", `{"questions": []}`, `{"questions"`, []string{"no “questionnaire” list"}},
		{"unknown id in a cond", tmpl(radio("a", ""), line("b", "a_yes || nosuch_id")), `{"type": "line", "id": "b"`, []string{"nosuch_id", "no item or choice"}},
		{"unknown id in a function's arguments", tmpl(line("b", `matches(nosuch/value, "x")`)), `{"type": "line", "id": "b"`, []string{"nosuch"}},
		{"a cyclic pair of conds", tmpl(radio("a", "b_yes"), radio("b", "a_no")), `{"type": "radiogroup", "id": "a"`, []string{"circle", "“Question a” (line 3) → “Question b” (line 4) → “Question a” (line 3)"}},
		{"a block's cond on its own item", tmpl(`{"type": "block", "text": "Inner", "cond": "a_yes", "items": [` + "\n" + radio("a", "") + "]}"), `{"type": "radiogroup", "id": "a"`, []string{"could never be asked", "Question a"}},
		{"a circle through ^", tmpl(line("a", "^b"), line("b", "^a")), `{"type": "line", "id": "a"`, []string{"circle", "^"}},
		{"blocks too deep", nested, `"id": "level13"`, []string{"nested more than 12 levels"}},
		{"too many elements", tooMany, `"id": "e4_0"`, []string{"more than 1000"}},
		{"too many elements in a question", tmpl(block("big", strings.Repeat(`{"type": "line", "text": "L"},`+"\n", 300)+`{"type": "box", "text": "Last"}`)), `{"type": "box", "text": "Last"}`, []string{"more than 300"}},
		{"too many questions", tmpl(questions...), `"id": "q100"`, []string{"more than 100"}},
		{"too many choices", tmpl(`{"type": "checkgroup", "text": "Many", "choices": [` + strings.Join(choices, ", ") + `]}`), `{"type": "checkgroup"`, []string{"101 choices"}},
		// The top block is the first item: the 5000th spacer is one too many.
		{"too many items", tmpl(spacers...), `"id": "s5000"}`, []string{"more than 5000 items"}},
		{"a huge string", tmpl(`{"type": "info", "text": "` + strings.Repeat("a", 70000) + `"}`), `{"type": "info"`, []string{"longer than 64 KiB"}},
		{"a huge string in pieces", tmpl(`{"type": "info", "text": "` + strings.Repeat(strings.Repeat("a", 1000)+"\" +\n\"", 70) + `"}`), `{"type": "info"`, []string{"longer than 64 KiB"}},
		{"unbalanced parentheses", tmpl(radio("a", ""), line("b", "(a_yes || a_no")), `{"type": "line", "id": "b"`, []string{"unbalanced parentheses", "(a_yes || a_no"}},
		{"a closing parenthesis too many", tmpl(radio("a", ""), line("b", "a_yes)")), `{"type": "line", "id": "b"`, []string{"closes no"}},
		{"a single &", tmpl(radio("a", ""), line("b", "a_yes & a_no")), `{"type": "line", "id": "b"`, []string{"single “&”"}},
		{"two ids without an operator", tmpl(radio("a", ""), line("b", "a_yes a_no")), `{"type": "line", "id": "b"`, []string{"without && or ||"}},
		{"parentheses too deep", tmpl(radio("a", ""), line("b", strings.Repeat("(", 9)+"a_yes"+strings.Repeat(")", 9))), `{"type": "line", "id": "b"`, []string{"more than 8 deep"}},
		{"a cond too long", tmpl(radio("a", ""), line("b", "a_yes"+strings.Repeat(" || a_yes", 222))), `{"type": "line", "id": "b"`, []string{"the limit is 2000"}},
		{"an id used twice", tmpl(radio("a", ""), line("a_yes", "")), `{"type": "line", "id": "a_yes"`, []string{"“a_yes” is used twice", "line 3"}},
		{"an unknown item type", tmpl(`{"type": "slider", "id": "s"}`), `{"type": "slider"`, []string{"unknown item type “slider”"}},
		{"a group without choices", tmpl(`{"type": "radiogroup", "id": "r", "text": "R", "choices": []}`), `{"type": "radiogroup"`, []string{"no choices"}},
		{"nothing to answer", tmpl(`{"type": "info", "text": "Just words."}`), `{"questionnaire"`, []string{"nothing to answer"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := vsaq.Read([]byte(c.src))
			var fe *questionnairefile.Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want a *questionnairefile.Error", err, err)
			}
			if len(fe.Problems) != 1 {
				t.Fatalf("%d problems: %v", len(fe.Problems), err)
			}
			p := fe.Problems[0]
			if want := lineOf(t, c.src, c.marker); p.Line != want {
				t.Errorf("line %d, want %d: %v", p.Line, want, err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d: ", p.Line)) {
				t.Errorf("the message does not name the line: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(p.Message, w) {
					t.Errorf("message %q does not say %q", p.Message, w)
				}
			}
		})
	}
}

// convert reads a template that must be accepted and checks it as the importer does.
func convert(t *testing.T, src string) (*assess.Questionnaire, []string) {
	t.Helper()
	q, notes, err := vsaq.Read([]byte(src))
	if err != nil {
		t.Fatalf("Read: %v\n%s", err, src)
	}
	return roundTrip(t, q), notes
}

func TestConditionIDs(t *testing.T) {
	src := tmpl(block("b",
		radio("r", ""),
		`{"type": "checkgroup", "id": "g", "text": "G", "choices": [{"g_1": "One"}, {"g_2": "Two"}, {"g_3": "Three"}]}`,
		`{"type": "yesno", "id": "yn", "text": "Y?", "yes": "Sure", "no": "Nope"}`,
		`{"type": "check", "id": "c", "text": "Tick"}`,
		`{"type": "tip", "id": "t", "text": "A tip", "cond": "r_no"}`,
		line("l", ""),
		line("by_yes", "yn/yes"),
		line("by_bare", "yn"),
		line("by_no", "yn/no"),
		line("by_value", "yn/value && l/value"),
		line("by_line", "l"),
		line("by_radio_group", "r"),
		line("by_check_group", "g"),
		line("by_check", "c/yes"),
		line("by_merge", "g_1 || g_3 || r_yes"),
		line("by_tip", "!t"),
		line("by_tip_shown", "^t"),
		line("by_mixed", "r_yes || r_no && c"),
		line("by_function", `r_yes && matches(l/value, "^a")`),
		line("by_false", "false"),
	))
	q, notes := convert(t, src)
	whens := map[string]*assess.Condition{
		"by_yes":         {Element: "b.yn", AnyOf: []string{"yes"}},
		"by_bare":        {Element: "b.yn", AnyOf: []string{"yes"}},
		"by_no":          {Element: "b.yn", AnyOf: []string{"no"}},
		"by_value":       {All: []assess.Condition{{Element: "b.yn"}, {Element: "b.l"}}},
		"by_line":        {Element: "b.l"},
		"by_radio_group": {Element: "b.r"}, // one of all its options: answered
		"by_check_group": {Element: "b.g", AnyOf: []string{"g_1", "g_2", "g_3"}},
		"by_check":       {Element: "b.c", AnyOf: []string{"checked"}},
		"by_merge":       {Any: []assess.Condition{{Element: "b.g", AnyOf: []string{"g_1", "g_3"}}, {Element: "b.r", AnyOf: []string{"r_yes"}}}},
		"by_tip":         nil, // a tip's id is never true in VSAQ: !t always holds
		"by_tip_shown":   {Element: "b.r", AnyOf: []string{"r_no"}},
		"by_mixed":       {All: []assess.Condition{{Element: "b.r"}, {Element: "b.c", AnyOf: []string{"checked"}}}},
		"by_function":    {Element: "b.r", AnyOf: []string{"r_yes"}},
		"by_false":       nil,
	}
	for key, want := range whens {
		sameWhen(t, element(t, q, "b."+key), want)
	}
	yn := element(t, q, "b.yn")
	if yn.Options[0].Label != "Sure" || yn.Options[1].Label != "Nope" {
		t.Errorf("yesno labels %v", yn.Options)
	}
	for _, want := range []string{
		"left to right: (r_yes || r_no) && c",
		"calls matches(…)",
		"Part of the condition",
		"“false” of the text field “Line by_false”",
		"never holds",
	} {
		if !strings.Contains(strings.Join(notes, "\n"), want) {
			t.Errorf("no note says %q: %q", want, notes)
		}
	}
}

func TestStructure(t *testing.T) {
	// Several top-level items: the list is the top block; blocks are questions and loose
	// items go to "General". A question with nothing to answer is left out.
	src := "{\"questionnaire\": [\n" + strings.Join([]string{
		line("first", ""),
		block("one", radio("r", "")),
		block("empty", `{"type": "info", "text": "Only <em>words</em>."}`),
		`{"type": "info", "text": "About the last line."}`, // goes to the next loose element
		block("two", `{"type": "block", "id": "inner", "cond": "r_yes", "items": [`+"\n"+`{"type": "tip", "warn": "yes", "severity": "high", "name": "Inside", "text": "T", "cond": "r_no"}]}`, line("x", "")),
		line("last", ""),
		`{"type": "tip", "warn": "yes", "severity": "high", "text": "Careful.", "cond": "r_no || r_yes"}`,
	}, ",\n") + "\n]}"
	q, notes := convert(t, src)
	if q.Title != "VSAQ questionnaire" || q.Key != "vsaq_questionnaire" {
		t.Errorf("title %q, key %q", q.Title, q.Key)
	}
	var got []string
	for _, qu := range q.Questions {
		got = append(got, fmt.Sprintf("%s:%s:%d", qu.Key, qu.Title, len(qu.Elements)))
	}
	if want := []string{"general:General:2", "one:Block one:1", "two:Block two:1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("questions %v, want %v", got, want)
	}
	if h := element(t, q, "general.last").Help; h != "About the last line." {
		t.Errorf("info before a loose line: help %q", h)
	}
	if h := element(t, q, "two.x").Help; h != "" {
		t.Errorf("the top level's info went into a block: help %q", h)
	}
	r := element(t, q, "one.r")
	if want := map[string]float64{"r_yes": 0, "r_no": 0}; !reflect.DeepEqual(credits(r), want) || !r.Critical {
		t.Errorf("warning from another question: credits %v, critical %v", credits(r), r.Critical)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"“Block empty”", "left out", "“Inside”", "sits in the block"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no note says %q: %q", want, notes)
		}
	}
}

func TestNorthwind(t *testing.T) {
	q, notes := readFile(t, "testdata/northwind.json")
	q = roundTrip(t, q)
	data, err := os.ReadFile("testdata/northwind.json")
	if err != nil {
		t.Fatal(err)
	}
	// The texts of the template, joined as Read joins them, to compare with.
	text := func(start string) string {
		i := strings.Index(string(data), start)
		if i < 0 {
			t.Fatalf("no %q in the template", start)
		}
		var b strings.Builder
		rest := string(data[i:])
		for {
			end := strings.Index(rest[1:], `"`) + 1
			b.WriteString(rest[1:end])
			rest = strings.TrimLeft(rest[end+1:], " ")
			if !strings.HasPrefix(rest, "+") {
				return b.String()
			}
			rest = strings.TrimLeft(rest[1:], " \n")
		}
	}
	runes := func(s string) int { return len([]rune(s)) }

	fullTitle := text(`"Northwind Storage`)
	if runes(q.Title) > 300 || !strings.HasSuffix(q.Title, "…") || !strings.Contains(q.Description, fullTitle) {
		t.Errorf("title %q (%d), description %q", q.Title, runes(q.Title), q.Description)
	}
	if len(q.Questions) != 1 {
		t.Fatalf("%d questions, want 1 (the block with only words is left out)", len(q.Questions))
	}
	qu := q.Questions[0]
	if runes(qu.Title) > 300 || !strings.HasPrefix(qu.Prompt, text(`"Data Centre:`)+"\n\n") || !strings.HasSuffix(qu.Prompt, "Thank you for the details about the site.") {
		t.Errorf("question title %q, prompt %q", qu.Title, qu.Prompt)
	}
	power, cooling := element(t, q, "block_dc.power"), element(t, q, "block_dc.cooling")
	if runes(power.Section) > 300 || !strings.HasSuffix(power.Section, "…") {
		t.Errorf("section %q (%d)", power.Section, runes(power.Section))
	}
	if !strings.HasSuffix(cooling.Section, "… (2)") || runes(cooling.Section) > 300 || cooling.Section[:100] != power.Section[:100] {
		t.Errorf("a second block of the same name: section %q (%d)", cooling.Section, runes(cooling.Section))
	}
	// Nested sections too long together: the outer name is cut, the inner one kept.
	if sec := element(t, q, "block_dc.cooling_temperature").Section; runes(sec) > 300 || !strings.HasSuffix(sec, "… › Cooling details") || !strings.HasPrefix(sec, "Power and Cooling: ") {
		t.Errorf("nested section %q (%d)", sec, runes(sec))
	}
	if cooling.Label != strings.TrimSuffix(power.Section, "…")+"…" {
		t.Errorf("a group without text is not labelled by its block: %q", cooling.Label)
	}
	if runes(power.Label) > 300 || !strings.HasPrefix(power.Help, text(`"Which of these`)+"\n\n") {
		t.Errorf("long label %q, help %q", power.Label, power.Help)
	}
	if o := power.Options[0]; runes(o.Label) > 300 || !strings.Contains(power.Help, "Choice in full: "+text(`"Two independent`)) {
		t.Errorf("long option %q, help %q", o.Label, power.Help)
	}
	if n := runes(cooling.Help); n > 4000 || n < 3900 || !strings.HasSuffix(cooling.Help, "…") || !strings.HasPrefix(cooling.Help, "About the site:") {
		t.Errorf("help of %d characters, want it cut to 4000", runes(cooling.Help))
	}
	gen := element(t, q, "block_dc.generator_untested")
	if want := map[string]float64{"checked": 0, "unchecked": 1}; !reflect.DeepEqual(credits(gen), want) || !gen.Critical {
		t.Errorf("a warned check: credits %v, critical %v", credits(gen), gen.Critical)
	}
	if want := "Warning (critical): Untested generator — A generator that has never run under load may not start.\n\nWarning (high): Every data centre needs a documented evacuation plan."; gen.Help != want {
		t.Errorf("help %q", gen.Help)
	}
	// "a || b && c" is (a || b) && c, as VSAQ reads it; a and b are all of power's choices.
	want := all(assess.Condition{Element: "block_dc.power"}, chosen("block_dc.cooling", "cooling_water"))
	sameWhen(t, element(t, q, "block_dc.cooling_notes"), &want)

	const nw = "testdata/northwind.json"
	generator := itemLine(t, nw, `"id": "generator_untested"`)
	wantNotes := []string{
		fmt.Sprintf("“cooling” (line %d) was longer than Shareline's 4000 characters", itemLine(t, nw, `"id": "cooling"`)),
		fmt.Sprintf("“warn_always” (line %d) cannot lower the credit", itemLine(t, nw, `"id": "warn_always"`)),
		fmt.Sprintf("(line %d) joins “||” and then “&&”", itemLine(t, nw, `"id": "cooling_notes"`)),
		"left to right: (power_dual || power_single) && cooling_water",
		fmt.Sprintf("“Only words” (line %d) has nothing to answer", itemLine(t, nw, `"id": "block_words"`)),
		fmt.Sprintf("(line %d) was given a placeholder", generator),
		fmt.Sprintf("(line %d) was shown in VSAQ only to administrators", generator),
		fmt.Sprintf("(line %d) was given an entry for VSAQ's to-do list", itemLine(t, nw, `"id": "warn_generator"`)),
	}
	if len(notes) != 7 {
		t.Fatalf("%d notes, want 7: %q", len(notes), notes)
	}
	joined := strings.Join(notes, "\n")
	for _, w := range wantNotes {
		if !strings.Contains(joined, w) {
			t.Errorf("no note says %q: %q", w, notes)
		}
	}
}

func TestBlockOfBlocksGivesAQuestionForEach(t *testing.T) {
	// As in Google's web application template: one level-2 block that only groups blocks.
	src := "{\"questionnaire\": [{\"type\": \"block\", \"text\": \"Top\", \"items\": [\n" + strings.Join([]string{
		`{"type": "block", "text": "Application", "id": "app", "cond": "c_yes", "items": [` + "\n" +
			block("meta", line("name", "")) + ",\n" + block("https", radio("r", "")) + "]}",
		block("contact", radio("c", "")),
	}, ",\n") + "\n]}]}"
	q, _ := convert(t, src)
	var got []string
	for _, qu := range q.Questions {
		got = append(got, fmt.Sprintf("%s:%s:%d", qu.Key, qu.Title, len(qu.Elements)))
	}
	if want := []string{"meta:Application › Block meta:1", "https:Application › Block https:1", "contact:Block contact:1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("questions %v, want %v", got, want)
	}
	// The grouping block's condition still applies to what it holds.
	if w := element(t, q, "https.r").When; w == nil || w.Element != "contact.c" {
		t.Errorf("https.r when = %+v, want the Application block's condition on contact.c", w)
	}
}
