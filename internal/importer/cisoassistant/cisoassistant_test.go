package cisoassistant_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"shareline/internal/assess"
	"shareline/internal/importer/cisoassistant"
	"shareline/internal/questionnairefile"
	"shareline/internal/questionnairefile/questionnairefiletest"
)

// roundTrip is questionnairefiletest.RoundTrip: the importer's own check of what it converts.
func roundTrip(t *testing.T, q *assess.Questionnaire) *assess.Questionnaire {
	return questionnairefiletest.RoundTrip(t, q)
}

func readFile(t *testing.T, name string) (*assess.Questionnaire, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	q, notes, err := cisoassistant.Read(data)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return roundTrip(t, q), notes
}

func element(t *testing.T, q *assess.Questionnaire, question, el string) *assess.Element {
	t.Helper()
	_, e, ok := q.Element(question, el)
	if !ok {
		t.Fatalf("no element %s.%s; have %v", question, el, refs(q))
	}
	return e
}

func refs(q *assess.Questionnaire) []string {
	var out []string
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			out = append(out, assess.Ref(qu.Key, el.Key))
		}
	}
	return out
}

func credits(el *assess.Element) map[string]float64 {
	out := map[string]float64{}
	for _, o := range el.Options {
		out[o.Key] = o.Credit
	}
	return out
}

func hasNote(notes []string, words ...string) bool {
	for _, n := range notes {
		all := true
		for _, w := range words {
			all = all && strings.Contains(n, w)
		}
		if all {
			return true
		}
	}
	return false
}

func TestCompleteLibrary(t *testing.T) {
	q, notes := readFile(t, "complete.yaml")

	if q.Key != "cloud-checks" || q.Version != 1 || q.Title != "Cloud provider checks" {
		t.Errorf("key, version, title = %q, %d, %q", q.Key, q.Version, q.Title)
	}
	if !strings.HasPrefix(q.Description, "Checks a cloud provider should pass.") ||
		!strings.Contains(q.Description, "Imported from a CISO Assistant library (Acme cloud checks, version 2).") {
		t.Errorf("description = %q", q.Description)
	}
	wantRefs := []string{
		"gov.policy_question_1", "gov.policy_question_2", "gov.review_question_1", "gov.review_question_2", "gov.staff",
		"ops.ops_question_1", "ops.ops_question_2", "ops.ops_question_3", "ops.ops_question_4",
	}
	if got := refs(q); !reflect.DeepEqual(got, wantRefs) {
		t.Fatalf("elements = %v, want %v (the welcome screen left out)", got, wantRefs)
	}
	gov := q.Questions[0]
	if gov.Title != "GOV - Governance" || gov.Prompt != "How the provider governs security.\n\nAsk the provider's CISO." {
		t.Errorf("question gov: title %q, prompt %q", gov.Title, gov.Prompt)
	}

	types := map[string]assess.AnswerType{}
	sections := map[string]string{}
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			types[el.Key], sections[el.Key] = el.Type, el.Section
		}
	}
	wantTypes := map[string]assess.AnswerType{
		"policy_question_1": assess.TypeChoice, "policy_question_2": assess.TypeMulti, "review_question_1": assess.TypeDate,
		"review_question_2": assess.TypeChoice, "staff": assess.TypeStatus, "ops_question_1": assess.TypeNumber,
		"ops_question_2": assess.TypeText, "ops_question_3": assess.TypeChoice, "ops_question_4": assess.TypeChoice,
	}
	if !reflect.DeepEqual(types, wantTypes) {
		t.Errorf("types = %v, want %v", types, wantTypes)
	}
	wantSections := map[string]string{
		"policy_question_1": "GOV.1 - Security policy", "policy_question_2": "GOV.1 - Security policy",
		"review_question_1": "GOV.1 - Security policy › GOV.1.1 - Policy review", "review_question_2": "GOV.1 - Security policy › GOV.1.1 - Policy review",
		"staff": "GOV.2 - Staff screening", "ops_question_1": "", "ops_question_2": "", "ops_question_3": "", "ops_question_4": "",
	}
	if !reflect.DeepEqual(sections, wantSections) {
		t.Errorf("sections = %v, want %v", sections, wantSections)
	}

	// Credits: scaled from add_score within each question.
	policy := element(t, q, "gov", "policy_question_1")
	if got, want := credits(policy), map[string]float64{"choice_1": 1, "choice_2": 0.7, "choice_3": 0, "choice_4": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("credits of 10, 4, -10 and no score = %v, want %v", got, want)
	}
	if got, want := credits(element(t, q, "ops", "ops_question_4")), map[string]float64{"choice_1": 1, "choice_2": 0.5, "choice_3": 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("credits of -2, -6, -10 = %v, want %v", got, want)
	}
	if got, want := credits(element(t, q, "ops", "ops_question_3")), map[string]float64{"choice_1": 1, "choice_2": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("credits of equal scores = %v, want %v", got, want)
	}
	if got, want := credits(element(t, q, "gov", "policy_question_2")), map[string]float64{"choice_1": 1, "choice_2": 1, "choice_3": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("credits of a multi with equal scores = %v, want %v", got, want)
	}
	board := element(t, q, "gov", "review_question_2")
	if want := []assess.Option{{Key: "yes", Label: "Yes", Credit: 1}, {Key: "no", Label: "No", Credit: 1}}; !reflect.DeepEqual(board.Options, want) {
		t.Errorf("boolean options = %v, want %v", board.Options, want)
	}

	// Help and evidence.
	for _, want := range []string{"• Yes, approved and published — Approved by the board.", "A written security policy exists.", "Typical evidence: The policy document, signed."} {
		if !strings.Contains(policy.Help, want) {
			t.Errorf("help of policy_question_1 = %q, want it to hold %q", policy.Help, want)
		}
	}
	if !policy.Evidence || element(t, q, "gov", "review_question_1").Evidence {
		t.Errorf("evidence: policy %v (typical_evidence given), review %v (none)", policy.Evidence, element(t, q, "gov", "review_question_1").Evidence)
	}
	staff := element(t, q, "gov", "staff")
	if staff.Label != "GOV.2 - Staff screening" || staff.Help != "Staff with access to customer data are screened." {
		t.Errorf("status element: label %q, help %q", staff.Label, staff.Help)
	}

	// Conditions.
	wantWhen := map[string]*assess.Condition{
		"gov.policy_question_2": {Element: "gov.policy_question_1", AnyOf: []string{"choice_1", "choice_2"}},
		"gov.review_question_1": {All: []assess.Condition{
			{Element: "gov.policy_question_2", AnyOf: []string{"choice_1"}},
			{Element: "gov.policy_question_2", AnyOf: []string{"choice_3"}},
		}},
		"ops.ops_question_2": {Element: "gov.review_question_2", AnyOf: []string{"yes"}},
	}
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			ref := assess.Ref(qu.Key, el.Key)
			if !reflect.DeepEqual(el.When, wantWhen[ref]) {
				t.Errorf("%s: when = %+v, want %+v", ref, el.When, wantWhen[ref])
			}
		}
	}

	for _, words := range [][]string{
		{"Implementation groups"}, {"compute_result"}, {"colours"}, {"no add_score", "“Does not apply”", "full credit"},
		{"adds up", "best single choice"}, {"1 top-level requirement node", "“W - Welcome”"},
	} {
		if !hasNote(notes, words...) {
			t.Errorf("no note with %q in %q", words, notes)
		}
	}
	if len(notes) != 6 {
		t.Errorf("%d notes, want 6: %q", len(notes), notes)
	}
}

func TestPlainFramework(t *testing.T) {
	q, notes := readFile(t, "plain.yaml")
	if got, want := refs(q), []string{"k1.k1_1", "k1.k1_3_1", "k1.k1_3_2", "k2.k2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("elements = %v, want %v", got, want)
	}
	for _, key := range []string{"k1_3_1", "k1_3_2"} {
		if el := element(t, q, "k1", key); el.Section != "1.3 - Accès" || el.Type != assess.TypeStatus {
			t.Errorf("%s: section %q, type %s; want requirements without questions under their parent's heading", key, el.Section, el.Type)
		}
	}
	if el := element(t, q, "k1", "k1_3_2"); el.Label != "1.3.2 - Double authentification" || el.Help != "Au moins pour les administrateurs." {
		t.Errorf("k1_3_2: label %q, help %q", el.Label, el.Help)
	}
	officer := element(t, q, "k1", "k1_1")
	if officer.Type != assess.TypeStatus || officer.Section != "" ||
		officer.Label != "1.1 - Un responsable de la sécurité est nommé (< 250 salariés compris)." || officer.Help != "" {
		t.Errorf("status element from a description: %+v", officer)
	}
	backups := element(t, q, "k2", "k2")
	if q.Questions[1].Prompt != "Les données sont sauvegardées chaque jour." || backups.Label != "2 - Sauvegardes" ||
		backups.Help != "Typical evidence: Journal des sauvegardes." || !backups.Evidence {
		t.Errorf("a top-level assessable node: prompt %q, element %+v", q.Questions[1].Prompt, backups)
	}
	for _, words := range [][]string{{"Translations", "(fr)"}, {"1 requirement node", "“Note”"}, {"reference controls"}} {
		if !hasNote(notes, words...) {
			t.Errorf("no note with %q in %q", words, notes)
		}
	}
}

// TestOtherShapes reads the list of frameworks, questions as a list, booleans in French, long
// texts and a heading met twice.
func TestOtherShapes(t *testing.T) {
	long := strings.Repeat("The provider keeps an inventory of every asset. ", 10)
	lib := `urn: urn:acme:risk:library:shapes
ref_id: shapes
locale: fr
name: Shapes
objects:
  frameworks:
    - urn: urn:acme:risk:framework:shapes
      name: Shapes
      requirement_nodes:
        - urn: urn:acme:shapes:a
          name: A
          assessable: false
        - urn: urn:acme:shapes:a:x
          parent_urn: urn:acme:shapes:a
          name: Same
          assessable: true
          questions:
            - urn: urn:acme:shapes:a:x:question:1
              type: boolean
              text: "` + long + `"
        - urn: urn:acme:shapes:a:y
          parent_urn: urn:acme:shapes:a
          name: Other
          assessable: true
        - urn: urn:acme:shapes:a:z
          parent_urn: urn:acme:shapes:a
          name: Same
          assessable: true
          colour_of_the_day: blue
          questions:
            - urn: urn:acme:shapes:a:z:question:1
              text: Anything else?
              depends_on:
                question: urn:acme:shapes:a:x:question:1
            - urn: urn:acme:shapes:a:z:question:2
              type: number
              text: How many?
    - urn: urn:acme:risk:framework:ignored
      name: Ignored
      requirement_nodes: []
`
	q, notes, err := cisoassistant.Read([]byte(lib))
	if err != nil {
		t.Fatal(err)
	}
	q = roundTrip(t, q)
	var sections []string
	for _, el := range q.Questions[0].Elements {
		sections = append(sections, el.Section)
	}
	// y, a requirement without questions, is named by its element; it goes under a heading of
	// its own as another comes before it.
	if want := []string{"Same", "Other", "Same (2)", "Same (2)"}; !reflect.DeepEqual(sections, want) {
		t.Errorf("sections = %q, want %q", sections, want)
	}
	el := element(t, q, "a", "x_question_1")
	if n := utf8.RuneCountInString(el.Label); n > 300 || !strings.HasSuffix(el.Label, "…") || !strings.HasPrefix(el.Help, strings.TrimSpace(long)) {
		t.Errorf("a long text: label of %d characters %q, help %q", n, el.Label, el.Help)
	}
	if el.Options[0].Label != "Oui" || el.Options[1].Label != "Non" {
		t.Errorf("boolean options in French = %+v", el.Options)
	}
	if got := element(t, q, "a", "z_question_1"); got.Type != assess.TypeText || !reflect.DeepEqual(got.When, &assess.Condition{Element: "a.x_question_1"}) {
		t.Errorf("a question without a type, depending on no answers: %+v", got)
	}
	for _, words := range [][]string{{"2 frameworks", "“Shapes”"}, {"“colour_of_the_day” (line 29)"}, {"once the question it depends on is answered"}} {
		if !hasNote(notes, words...) {
			t.Errorf("no note with %q in %q", words, notes)
		}
	}
}

// A library to vary in the refusal tests: q1 is a choice, q2 depends on it.
const small = `urn: urn:acme:risk:library:small
ref_id: small
name: Small
objects:
  framework:
    urn: urn:acme:risk:framework:small
    name: Small
    requirement_nodes:
      - urn: urn:acme:small:n
        name: N
        assessable: true
        questions:
          urn:acme:small:n:question:1:
            type: unique_choice
            text: First?
            choices:
              - urn: urn:acme:small:n:question:1:choice:1
                value: Yes
          urn:acme:small:n:question:2:
            type: text
            text: Second?
            depends_on:
              question: urn:acme:small:n:question:1
              answers:
                - urn:acme:small:n:question:1:choice:1
`

func TestSmallIsAccepted(t *testing.T) {
	q, notes, err := cisoassistant.Read([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, q)
	if len(notes) != 0 {
		t.Errorf("notes = %q; want none, everything being represented", notes)
	}
}

func TestTreeNotes(t *testing.T) {
	lib := `urn: urn:acme:risk:library:tree
ref_id: tree
name: Tree
objects:
  framework:
    urn: urn:acme:risk:framework:tree
    name: Tree
    requirement_nodes:
      - urn: urn:acme:tree:a
        name: A
        assessable: true
        questions:
          urn:acme:tree:a:question:1:
            type: unique_choice
            text: Which one?
            choices:
              - urn: urn:acme:tree:a:question:1:choice:1
                value: One
              - urn: urn:acme:tree:a:question:1:choice:2
                value: Two
          urn:acme:tree:a:question:2:
            type: text
            text: Why both?
            depends_on:
              question: urn:acme:tree:a:question:1
              answers: [urn:acme:tree:a:question:1:choice:1, urn:acme:tree:a:question:1:choice:2]
              condition: all
      - urn: urn:acme:tree:b
        parent_urn: urn:acme:tree:nowhere
        name: B
        assessable: true
      - urn: urn:acme:tree:c
        parent_urn: urn:acme:tree:d
        name: C
        assessable: true
      - urn: urn:acme:tree:d
        parent_urn: urn:acme:tree:c
        name: D
        assessable: true
`
	q, notes, err := cisoassistant.Read([]byte(lib))
	if err != nil {
		t.Fatal(err)
	}
	q = roundTrip(t, q)
	if got, want := refs(q), []string{"a.a_question_1", "a.a_question_2", "b.b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("elements = %v, want %v", got, want)
	}
	for _, words := range [][]string{
		{"1 requirement node names a parent_urn", "“B”", "top-level"},
		{"2 requirement nodes are not under any top-level node", "loop"},
		{"1 question depends on several answers", "never asked"},
	} {
		if !hasNote(notes, words...) {
			t.Errorf("no note with %q in %q", words, notes)
		}
	}
}

// refused reads a file that must be refused and returns its problems.
func refused(t *testing.T, data []byte) []questionnairefile.Problem {
	t.Helper()
	q, _, err := cisoassistant.Read(data)
	var fe *questionnairefile.Error
	if !errors.As(err, &fe) || len(fe.Problems) == 0 {
		t.Fatalf("Read = %v, %v; want a *questionnairefile.Error", q != nil, err)
	}
	return fe.Problems
}

func TestRefusals(t *testing.T) {
	deep := strings.Repeat("[", 50) + strings.Repeat("]", 50)
	tests := []struct {
		name, data string
		line       int
		want       string
	}{
		{"not YAML", "name: [unclosed\nother: 1\n", 1, "not valid YAML"},
		{"not YAML either", "\x00\x01\x02", 0, "not valid YAML"},
		{"empty", " \n", 0, "empty"},
		{"only comments", "# nothing\n", 0, "no YAML document"},
		{"a list", "- a\n- b\n", 1, "not a CISO Assistant library"},
		{"no objects", "title: hello\nitems: [1, 2]\n", 1, "not a CISO Assistant library: it has no objects"},
		{"no framework", "urn: x\nobjects:\n  risk_matrix:\n    urn: m\n", 3, "holds no framework (it holds only risk matrix)"},
		{"two documents", "urn: a\n---\nurn: b\n", 2, "more than one YAML document"},
		{"too deep", "a: " + deep + "\n", 1, "nested more than 40 levels"},
		{"huge value", "name: " + strings.Repeat("x", 70<<10) + "\n", 1, "the limit for one value is 65,536 bytes"},
		{"too many values", "a: [" + strings.Repeat("1,", 200_001) + "]\n", 1, "more than 200,000 values"},
		{"an anchor", "a: &x 1\nb: 2\n", 1, "anchors (&name) and aliases (*name) are not accepted"},
		{"merge key", "a: {x: 1}\nb:\n  <<: {y: 2}\n", 3, "merge keys (<<) are not accepted"},
		{"a key twice", strings.Replace(small, "        name: N\n", "        name: N\n        name: M\n", 1), 11, "“name” is given twice (first at line 10)"},
		{"unknown depends_on question", strings.Replace(small, "question: urn:acme:small:n:question:1\n", "question: urn:acme:small:n:question:9\n", 1), 23, "depends_on names the question “urn:acme:small:n:question:9”, which is not among"},
		{"unknown depends_on answer", strings.Replace(small, "- urn:acme:small:n:question:1:choice:1\n", "- urn:acme:small:n:question:1:choice:7\n", 1), 25, "not the urn of a choice of the question"},
		{"bad condition", strings.Replace(small, "              answers:\n", "              condition: most\n              answers:\n", 1), 24, "want any or all"},
		{"unknown type", strings.Replace(small, "type: text", "type: slider", 1), 20, "unknown question type “slider”"},
		{"no choices", strings.Replace(small, "type: text", "type: multiple_choice", 1), 19, "this multiple_choice question has no choices"},
		{"bad add_score", strings.Replace(small, "value: Yes", "value: Yes\n                add_score: lots", 1), 19, "add_score should be a number"},
		{"urn twice", strings.Replace(small, "urn:acme:small:n:question:2:", "urn:acme:small:n:question:1:", 1), 0, "is given twice"},
		{"answers of a text question", strings.Replace(small, "type: unique_choice", "type: text", 1), 25, "of the text question “urn:acme:small:n:question:1”"},
		{"choice urn twice", strings.Replace(small, "                value: Yes\n", "                value: Yes\n              - urn: urn:acme:small:n:question:1:choice:1\n                value: No\n", 1), 19, "the choice urn “urn:acme:small:n:question:1:choice:1” is given twice in this question (first at line 17)"},
		{"nothing to answer", strings.Replace(strings.Replace(small, "assessable: true", "assessable: false", 1), "questions:", "questions: {}\n        unused:", 1), 6, "nothing to answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := refused(t, []byte(tt.data))
			found := false
			for _, p := range problems {
				if strings.Contains(p.Message, tt.want) && (tt.line == 0 || p.Line == tt.line) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems = %+v; want one at line %d saying %q", problems, tt.line, tt.want)
			}
		})
	}
}

func TestCyclicDependsOnIsRefused(t *testing.T) {
	cyclic := strings.Replace(small, "            type: unique_choice\n", `            type: unique_choice
            depends_on:
              question: urn:acme:small:n:question:2
`, 1)
	problems := refused(t, []byte(cyclic))
	p := problems[0]
	if p.Line != 16 || !strings.Contains(p.Message, "depend on one another in a loop") ||
		!strings.Contains(p.Message, "“urn:acme:small:n:question:1” → “urn:acme:small:n:question:2” → “urn:acme:small:n:question:1”") {
		t.Errorf("problem = %+v; want the loop named at line 16", p)
	}
}
