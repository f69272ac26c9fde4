package sheet_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"shareline/internal/assess"
	"shareline/internal/importer/sheet"
	"shareline/internal/questionnairefile"
)

var headings = []string{"section", "key", "text", "type", "options", "unit", "weight", "evidence", "critical", "when", "help"}

// full covers every type, sub-sections, options with credits, bands, weights, evidence,
// critical and conditions with and, or, not and parentheses, within and across questions.
var full = [][]string{
	{"Identity", "sso", "Do staff sign in through single sign-on?", "status", "", "", "3", "yes", "true", "", "Include contractors."},
	{"Identity > Second factor", "mfa", "Which second factors are accepted?", "multi", "webauthn = Security key\ntotp = Authenticator app (credit 0.5)\nsms = Text message (Credit: 0)", "", "", "", "", "sso = yes | Partial", ""},
	{"Identity > Second factor", "mfa_since", "Since when is MFA enforced?", "date", "", "", "", "no", "", "mfa answered AND not mfa = sms", ""},
	{"Operations", "uptime", "Availability over the last 12 months", "number", "better=higher; full=99.9; half=99", "%", "0.5", "1", "0", "", ""},
	{"Operations", "rto", "Recovery time objective", "Number", "better = lower ; full = 4 ; half = 24", "hours", "", "", "", "identity.sso = no or (uptime answered and region is answered)", ""},
	{"Operations", "region", "Where is data stored?", "choice", "eu = In the EU; us = In the US (credit 0.5); any = Anywhere (credit 0)", "", "", "", "", "not (identity.sso = no or uptime answered)", ""},
	{"Operations > Notes", "notes", "Anything else?", "text", "", "", "", "", "", "region = eu | us and sso is answered", "Free text."},
}

func fullWant(key, title, description string) *assess.Questionnaire {
	return &assess.Questionnaire{
		Key: key, Version: 1, Title: title, Description: description,
		Questions: []assess.Question{
			{Key: "identity", Title: "Identity", Weight: 1, Elements: []assess.Element{
				{Key: "sso", Label: "Do staff sign in through single sign-on?", Help: "Include contractors.", Type: assess.TypeStatus, Weight: 3, Evidence: true, Critical: true},
				{Key: "mfa", Label: "Which second factors are accepted?", Type: assess.TypeMulti, Weight: 1, Section: "Second factor",
					Options: []assess.Option{{Key: "webauthn", Label: "Security key", Credit: 1}, {Key: "totp", Label: "Authenticator app", Credit: 0.5}, {Key: "sms", Label: "Text message", Credit: 0}},
					When:    &assess.Condition{Element: "identity.sso", AnyOf: []string{"yes", "partial"}}},
				{Key: "mfa_since", Label: "Since when is MFA enforced?", Type: assess.TypeDate, Weight: 1, Section: "Second factor",
					When: &assess.Condition{All: []assess.Condition{{Element: "identity.mfa"}, {Not: &assess.Condition{Element: "identity.mfa", AnyOf: []string{"sms"}}}}}},
			}},
			{Key: "operations", Title: "Operations", Weight: 1, Elements: []assess.Element{
				{Key: "uptime", Label: "Availability over the last 12 months", Type: assess.TypeNumber, Weight: 0.5, Evidence: true, Unit: "%", Bands: &assess.Bands{Better: "higher", Full: 99.9, Half: 99}},
				{Key: "rto", Label: "Recovery time objective", Type: assess.TypeNumber, Weight: 1, Unit: "hours", Bands: &assess.Bands{Better: "lower", Full: 4, Half: 24},
					When: &assess.Condition{Any: []assess.Condition{
						{Element: "identity.sso", AnyOf: []string{"no"}},
						{All: []assess.Condition{{Element: "operations.uptime"}, {Element: "operations.region"}}},
					}}},
				{Key: "region", Label: "Where is data stored?", Type: assess.TypeChoice, Weight: 1,
					Options: []assess.Option{{Key: "eu", Label: "In the EU", Credit: 1}, {Key: "us", Label: "In the US", Credit: 0.5}, {Key: "any", Label: "Anywhere", Credit: 0}},
					When:    &assess.Condition{Not: &assess.Condition{Any: []assess.Condition{{Element: "identity.sso", AnyOf: []string{"no"}}, {Element: "operations.uptime"}}}}},
				{Key: "notes", Label: "Anything else?", Help: "Free text.", Type: assess.TypeText, Weight: 1, Section: "Notes",
					When: &assess.Condition{All: []assess.Condition{{Element: "operations.region", AnyOf: []string{"eu", "us"}}, {Element: "identity.sso"}}}},
			}},
		},
	}
}

// book is an XLSX workbook with the sheets given, in order; a cell that reads as a number is
// written as one, as a person typing it would make it.
func book(t testing.TB, sheets ...sheetRows) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, cells := range s.rows {
			row := make([]any, len(cells))
			for c, v := range cells {
				row[c] = v
				var n float64
				if _, err := fmt.Sscanf(v, "%g", &n); err == nil && fmt.Sprint(n) == v {
					row[c] = n
				}
			}
			if err := f.SetSheetRow(s.name, fmt.Sprintf("A%d", r+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type sheetRows struct {
	name string
	rows [][]string
}

func withHeadings(rows [][]string) [][]string { return append([][]string{headings}, rows...) }

// csvOf writes rows as CSV with the delimiter given.
func csvOf(t testing.TB, comma rune, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = comma
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// roundTrip checks that q writes as a Shareline file that reads back as q, and writes again
// to the same bytes.
func roundTrip(t *testing.T, q *assess.Questionnaire) {
	t.Helper()
	file, err := questionnairefile.Write(q)
	if err != nil {
		t.Fatal(err)
	}
	back, err := questionnairefile.Read(file)
	if err != nil {
		t.Fatalf("reading the written questionnaire: %v\n%s", err, file)
	}
	if !reflect.DeepEqual(back, q) {
		t.Errorf("the questionnaire changed on the way back:\n%s", cmp.Diff(q, back, cmpopts.IgnoreUnexported(assess.Element{})))
	}
	again, err := questionnairefile.Write(back)
	if err != nil || !bytes.Equal(again, file) {
		t.Errorf("a second write differs from the first (%v)", err)
	}
}

func diff(want, got *assess.Questionnaire) string {
	return cmp.Diff(want, got, cmpopts.IgnoreUnexported(assess.Element{}))
}

func TestReadXLSX(t *testing.T) {
	data := book(t,
		sheetRows{"Scratch", [][]string{{"anything"}}},
		sheetRows{"Elements", withHeadings(full)},
		sheetRows{"about", [][]string{
			{"Key", "vendor-check", "for people"},
			{"# a comment", "ignored"},
			{},
			{"TITLE", "Vendor check"},
			{"description", "Checks a vendor."},
		}},
	)
	q, notes, err := sheet.Read("Vendor.XLSX", data)
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(fullWant("vendor-check", "Vendor check", "Checks a vendor."), q); d != "" {
		t.Errorf("questionnaire (-want +got):\n%s", d)
	}
	if want := []string{`The sheet "Scratch" was not read: only "Elements" and an "About" sheet are.`}; !reflect.DeepEqual(notes, want) {
		t.Errorf("notes = %q, want %q", notes, want)
	}
	roundTrip(t, q)
}

func TestReadCSV(t *testing.T) {
	// Headings in another order and spelling, semicolons, a byte-order mark, blank and comment
	// rows, and a first sheet that is read when none is named Elements.
	order := []int{1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	heads := []string{"KEY", "Section", " Text ", "type", "Options", "Unit", "WEIGHT", "Evi_dence", "critical", "When", "help"}
	rows := [][]string{heads, {"x", "# a comment", "y"}}
	for i, r := range full {
		out := make([]string, len(r))
		for j, k := range order {
			out[j] = r[k]
		}
		rows = append(rows, out)
		if i == 2 {
			rows = append(rows, make([]string, len(r)))
		}
	}
	for _, comma := range []rune{';', ',', '\t'} {
		data := append([]byte("\xEF\xBB\xBF"), csvOf(t, comma, rows)...)
		q, notes, err := sheet.Read(`C:\Exports\Vendor check.csv`, data)
		if err != nil {
			t.Fatalf("%q: %v", comma, err)
		}
		if d := diff(fullWant("vendor_check", "Vendor check", ""), q); d != "" {
			t.Errorf("%q: questionnaire (-want +got):\n%s", comma, d)
		}
		if len(notes) != 0 {
			t.Errorf("%q: notes %q, want none", comma, notes)
		}
		roundTrip(t, q)
	}
	// The same from an XLSX workbook without an About sheet: the file's name gives the title.
	q, _, err := sheet.Read("vendor check.xlsx", book(t, sheetRows{"Sheet one", rows}))
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(fullWant("vendor_check", "vendor check", ""), q); d != "" {
		t.Errorf("XLSX without About (-want +got):\n%s", d)
	}
}

func TestLongTextsAreCutWithNotes(t *testing.T) {
	long := strings.Repeat("Is the provider's security programme described in words ", 8)
	rows := withHeadings([][]string{
		{strings.Repeat("Governance ", 30), "program", long, "text", "", "", "", "", "", "", "See the policy."},
	})
	q, notes, err := sheet.Read("long.csv", csvOf(t, ',', rows))
	if err != nil {
		t.Fatal(err)
	}
	qu, el := q.Questions[0], q.Questions[0].Elements[0]
	if len([]rune(el.Label)) > 300 || !strings.HasSuffix(el.Label, "…") || el.Help != strings.TrimSpace(long)+"\n\nSee the policy." {
		t.Errorf("label %q, help %q: want the label cut and the whole text before the help", el.Label, el.Help)
	}
	if len([]rune(qu.Title)) > 300 || qu.Prompt != strings.TrimSpace(strings.Join(strings.Fields(strings.Repeat("Governance ", 30)), " ")) {
		t.Errorf("question title %q, prompt %q: want the title cut and kept whole as the prompt", qu.Title, qu.Prompt)
	}
	if len(notes) != 2 || !strings.HasPrefix(notes[0], "Row 2: the question title is longer") || !strings.HasPrefix(notes[1], "Row 2: the text is longer than 300 characters") {
		t.Errorf("notes = %q", notes)
	}
	roundTrip(t, q)
}

func TestCSVDelimitersAndLineEnds(t *testing.T) {
	for name, data := range map[string]string{
		"blank lines first":    "\n\nsection;key;text;type\nQ;a;A, in words;status\n",
		"Excel's sep= line":    "sep=;\nsection;key;text;type\nQ;a;A, in words;status\n",
		"old Mac line endings": "section;key;text;type\rQ;a;A, in words;status\r",
		"Windows line endings": "section;key;text;type\r\nQ;a;A, in words;status\r\n",
		"quoted delimiters":    "\"section\";key;text;type\nQ;a;\"A, in words\";status\n",
	} {
		q, _, err := sheet.Read("x.csv", []byte(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := q.Questions[0].Elements[0].Label; got != "A, in words" {
			t.Errorf("%s: label %q", name, got)
		}
	}
}

func TestCSVEncodings(t *testing.T) {
	rows := withHeadings([][]string{{"Sécurité", "chiffrement", "Données chiffrées ?", "status"}})
	utf8 := csvOf(t, ';', rows)
	latin := []byte(strings.NewReplacer("é", "\xe9").Replace(string(utf8)))
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range string(utf8) {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	for name, data := range map[string][]byte{"utf-8": utf8, "windows-1252": latin, "utf-16": utf16} {
		q, notes, err := sheet.Read("x.csv", data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := q.Questions[0].Title + " / " + q.Questions[0].Elements[0].Label; got != "Sécurité / Données chiffrées ?" {
			t.Errorf("%s: read %q", name, got)
		}
		if (name == "windows-1252") != (len(notes) == 1 && strings.Contains(notes[0], "Windows-1252")) {
			t.Errorf("%s: notes %q", name, notes)
		}
	}
}

func TestTemplateImports(t *testing.T) {
	data, err := sheet.Template()
	if err != nil {
		t.Fatal(err)
	}
	fromXLSX, notes, err := sheet.Read("template.xlsx", data)
	if err != nil {
		t.Fatalf("the template: %v", err)
	}
	if len(notes) != 0 {
		t.Errorf("the template gives notes: %q", notes)
	}
	if fromXLSX.Key != "cloud-security-basics" || fromXLSX.Title != "Cloud security basics" || fromXLSX.Description == "" {
		t.Errorf("the About sheet gave %q, %q, %q", fromXLSX.Key, fromXLSX.Title, fromXLSX.Description)
	}
	fromCSV, notes, err := sheet.Read("template.csv", sheet.TemplateCSV())
	if err != nil {
		t.Fatalf("the CSV template: %v", err)
	}
	if len(notes) != 0 {
		t.Errorf("the CSV template gives notes: %q", notes)
	}
	if fromCSV.Key != "template" || fromCSV.Title != "template" {
		t.Errorf("the CSV template is %q, %q; want its file's name", fromCSV.Key, fromCSV.Title)
	}
	if d := cmp.Diff(fromXLSX.Questions, fromCSV.Questions, cmpopts.IgnoreUnexported(assess.Element{})); d != "" {
		t.Errorf("the two templates differ (-xlsx +csv):\n%s", d)
	}
	types := map[assess.AnswerType]bool{}
	sections, conditions := 0, 0
	for _, qu := range fromXLSX.Questions {
		for _, el := range qu.Elements {
			types[el.Type] = true
			if el.Section != "" {
				sections++
			}
			if el.When != nil {
				conditions++
			}
		}
	}
	if len(types) != 6 || sections == 0 || conditions == 0 {
		t.Errorf("the template shows types %v, %d elements in sub-sections, %d conditions; want all six types, sub-sections and conditions", types, sections, conditions)
	}
	roundTrip(t, fromXLSX)
	roundTrip(t, fromCSV)
}

// problems is the refusal's problems; the test fails when err is not a refusal.
func problems(t *testing.T, err error) []questionnairefile.Problem {
	t.Helper()
	var fe *questionnairefile.Error
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *questionnairefile.Error", err)
	}
	return fe.Problems
}

func TestRefusals(t *testing.T) {
	ok := []string{"Q", "ok", "Fine?", "status"}
	el := func(cells ...string) []string { return cells }
	tooMany := [][]string{headings}
	for i := range sheet.MaxRows {
		tooMany = append(tooMany, el("Q", fmt.Sprintf("e%d", i), "E", "status"))
	}
	tests := []struct {
		name string
		rows [][]string
		row  int
		want string // in the message of the problem on that row
	}{
		{"unknown type", withHeadings([][]string{ok, el("Q", "a", "A", "yes/no")}), 3, `type (column D): "yes/no" is not a type`},
		{"empty type", withHeadings([][]string{el("Q", "a", "A", "")}), 2, "type (column D): empty"},
		{"status with options", withHeadings([][]string{el("Q", "a", "A", "status", "y = Yes")}), 2, "options (column E): a status element takes no options"},
		{"options on a date", withHeadings([][]string{el("Q", "a", "A", "date", "y = Yes")}), 2, "options (column E): a date element takes no options"},
		{"matrix", withHeadings([][]string{el("Q", "a", "A", "matrix")}), 2, "type (column D): a matrix element cannot come from a spreadsheet"},
		{"bad key", withHeadings([][]string{ok, el("Q", "Data Region", "A", "status")}), 3, `key (column B): "Data Region" is not a key`},
		{"empty key", withHeadings([][]string{el("Q", "", "A", "status")}), 2, "key (column B): empty"},
		{"duplicate key", withHeadings([][]string{ok, el("Q", "ok", "Again", "text")}), 3, `key (column B): "ok" is already the key of the element on row 2`},
		{"empty text", withHeadings([][]string{el("Q", "a", "", "status")}), 2, "text (column C): empty"},
		{"choice without options", withHeadings([][]string{el("Q", "a", "A", "choice")}), 2, "options (column E): a choice element needs its options"},
		{"option without a label", withHeadings([][]string{el("Q", "a", "A", "choice", "eu; us = US")}), 2, `options (column E): the option "eu" has no label`},
		{"bad option key", withHeadings([][]string{el("Q", "a", "A", "multi", "In the EU = eu")}), 2, `options (column E): the option key "In the EU" is not a key`},
		{"bad credit", withHeadings([][]string{el("Q", "a", "A", "choice", "eu = EU (credit 1.5)")}), 2, "options (column E): the credit 1.5 of the option eu is out of range"},
		{"credit not a number", withHeadings([][]string{el("Q", "a", "A", "choice", "eu = EU (credit half)")}), 2, `options (column E): the credit "half" of the option eu is not a number`},
		{"bands the wrong way", withHeadings([][]string{el("Q", "a", "A", "number", "better=lower; full=24; half=4")}), 2, "options (column E): with better=lower, full (24) must be at most half (4)"},
		{"bands incomplete", withHeadings([][]string{el("Q", "a", "A", "number", "better=higher; full=9")}), 2, "options (column E): the bands lack half"},
		{"unit on a status", withHeadings([][]string{el("Q", "a", "A", "status", "", "%")}), 2, "unit (column F): a unit is for number elements"},
		{"bad weight", withHeadings([][]string{el("Q", "a", "A", "status", "", "", "0")}), 2, "weight (column G): 0 is out of range"},
		{"weight with a comma", withHeadings([][]string{el("Q", "a", "A", "status", "", "", "0,5")}), 2, `weight (column G): "0,5" is not a number; write decimals with a point`},
		{"bad evidence", withHeadings([][]string{el("Q", "a", "A", "status", "", "", "", "maybe")}), 2, `evidence (column H): "maybe": write yes or no`},
		{"when on an unknown element", withHeadings([][]string{ok, el("Q", "a", "A", "status", "", "", "", "", "", "nope answered")}), 3, `when (column J): no element of this sheet has the key "nope"`},
		{"when on an unknown question", withHeadings([][]string{ok, el("Q", "a", "A", "status", "", "", "", "", "", "r.ok answered")}), 3, `when (column J): "r" names no question of this sheet: the question keys are q`},
		{"when on an unknown option", withHeadings([][]string{el("Q", "c", "C", "choice", "eu = EU"), el("Q", "a", "A", "status", "", "", "", "", "", "c = us")}), 3, `when (column J): c has no option "us"; its options are eu`},
		{"when tests a text's answer", withHeadings([][]string{el("Q", "c", "C", "text"), el("Q", "a", "A", "status", "", "", "", "", "", "c = eu")}), 3, "when (column J): c is a text element: a condition can only test that it is answered"},
		{"when tests not applicable", withHeadings([][]string{ok, el("Q", "a", "A", "status", "", "", "", "", "", "ok = not_applicable")}), 3, "when (column J): ok is a status element, answered yes, partial or no"},
		{"when mixes and with or", withHeadings([][]string{ok, el("Q", "a", "A", "status", "", "", "", "", "", "ok answered and ok = yes or ok = no")}), 3, `when (column J): "and" and "or" are mixed; group the tests with parentheses`},
		{"when unclosed", withHeadings([][]string{ok, el("Q", "a", "A", "status", "", "", "", "", "", "(ok answered")}), 3, `when (column J): a "(" is not closed`},
		{"when incomplete", withHeadings([][]string{ok, el("Q", "a", "A", "status", "", "", "", "", "", "ok =")}), 3, `when (column J): after "ok =" write the answers`},
		{"when ambiguous", withHeadings([][]string{el("Q", "x", "X", "status"), el("R", "x", "X", "status"), el("S", "a", "A", "status", "", "", "", "", "", "x answered")}), 4, "when (column J): x is the key of elements in several questions; write q.x or r.x"},
		{"cyclic when pair", withHeadings([][]string{ok, el("Q", "a", "A", "status", "", "", "", "", "", "b = yes"), el("Q", "b", "B", "status", "", "", "", "", "", "a answered")}), 3, "when (column J): the conditions depend on themselves, on rows 3 and 4: q.a → q.b → q.a"},
		{"when on itself", withHeadings([][]string{el("Q", "a", "A", "status", "", "", "", "", "", "a answered")}), 2, "when (column J): the condition depends on its own element: q.a → q.a"},
		{"missing required heading", [][]string{{"section", "key", "text"}, el("Q", "a", "A")}, 1, "the heading row lacks type"},
		{"unknown heading", [][]string{{"section", "key", "text", "type", "Colour"}, ok}, 1, `unknown heading "Colour" (column E)`},
		{"heading twice", [][]string{{"section", "key", "text", "type", "Type"}, ok}, 1, "the heading type appears twice, in columns D and E"},
		{"a value without a heading", [][]string{{"section", "key", "text", "type", "", "help"}, el("Q", "a", "A", "status", "stray")}, 2, `column E holds "stray" but has no heading`},
		{"split question rows", withHeadings([][]string{ok, el("R", "a", "A", "status"), el("Q", "b", "B", "status")}), 4, `section (column A): the rows of the question "Q" must be together: it began on row 2`},
		{"split sub-section rows", withHeadings([][]string{el("Q > S", "a", "A", "status"), el("Q > T", "b", "B", "status"), el("Q > S", "c", "C", "status")}), 4, `section (column A): the rows of the sub-section "S" of the question "Q" must be together: it began on row 2`},
		{"three levels", withHeadings([][]string{el("Q > S > T", "a", "A", "status")}), 2, `section (column A): "Q > S > T" has more than two levels`},
		{"empty section", withHeadings([][]string{el("", "a", "A", "status")}), 2, "section (column A): empty"},
		{"one key, two spellings", withHeadings([][]string{el("Access control", "a", "A", "status"), el("Access Control", "b", "B", "status")}), 3, `section (column A): "Access Control" is spelt differently from "Access control" on row 2`},
		{"too many rows", tooMany, sheet.MaxRows + 1, "the file has more than 2000 rows"},
		{"a cell too large", withHeadings([][]string{ok, el("Q", "a", "A", "text", "", "", "", "", "", "", strings.Repeat("x", sheet.MaxCell+1))}), 3, "the file: the cell in column K holds 32769 bytes; the limit is 32768 (32 KiB)"},
		{"too many columns", withHeadings([][]string{append(slicesRepeat("", 30), "far")}), 2, "the file: column AE holds a value; at most 30 columns (A to AD) are read"},
		{"nothing below the headings", [][]string{headings}, 1, "no elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"x.csv", "x.xlsx"} {
				data := csvOf(t, ',', tt.rows)
				if name == "x.xlsx" {
					data = book(t, sheetRows{"Elements", tt.rows})
					if strings.HasPrefix(tt.want, "the file") {
						continue
					}
				}
				q, _, err := sheet.Read(name, data)
				if err == nil {
					t.Fatalf("%s: accepted %+v", name, q)
				}
				found := false
				for _, p := range problems(t, err) {
					if p.Row == tt.row && strings.Contains(p.Message, tt.want) {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: %v\nwant on row %d: %s", name, err, tt.row, tt.want)
				}
			}
		})
	}
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestRefusalsInTheSheetsOfAWorkbook(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		row  int
		want string
	}{
		{"too many rows", book(t, sheetRows{"Elements", append(withHeadings(nil), append(make([][]string, sheet.MaxRows), []string{"Q", "a", "A", "status"})...)}), sheet.MaxRows + 2, `the sheet "Elements" has more than 2000 rows`},
		// Excel holds at most 32767 characters in a cell, but they may take more bytes.
		{"a cell too large", book(t, sheetRows{"Elements", withHeadings([][]string{{"Q", "a", strings.Repeat("é", 20000), "text"}})}), 2, `the sheet "Elements": the cell in column C holds 40000 bytes; the limit is 32768`},
		{"a bad About key", book(t, sheetRows{"Elements", withHeadings([][]string{{"Q", "a", "A", "text"}})}, sheetRows{"About", [][]string{{"title", "T"}, {"key", "My Key"}}}), 2, `About sheet: the key "My Key" is not a key`},
		{"an unknown About field", book(t, sheetRows{"Elements", withHeadings([][]string{{"Q", "a", "A", "text"}})}, sheetRows{"About", [][]string{{"version", "2"}}}), 1, `About sheet: column A holds "version"`},
		{"no headings", book(t, sheetRows{"Elements", nil}), 0, "the sheet is empty"},
		{"not a workbook", []byte("section,key\n"), 0, "not an XLSX workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := sheet.Read("x.xlsx", tt.data)
			ps := problems(t, err)
			if ps[0].Row != tt.row || !strings.Contains(ps[0].Message, tt.want) {
				t.Errorf("%v\nwant on row %d: %s", err, tt.row, tt.want)
			}
		})
	}
	// A problem on the About sheet does not keep those of the elements from being found.
	_, _, err := sheet.Read("x.xlsx", book(t, sheetRows{"Elements", withHeadings([][]string{{"Q", "a", "A", "bogus"}})}, sheetRows{"About", [][]string{{"colour", "blue"}}}))
	if ps := problems(t, err); len(ps) != 2 || ps[0].Row != 1 || ps[1].Row != 2 || !strings.Contains(ps[1].Message, "type (column D)") {
		t.Errorf("want the About sheet's problem and the element's: %v", err)
	}
	if _, _, err := sheet.Read("x.ods", nil); err == nil || !strings.Contains(err.Error(), "send an .xlsx or .csv file") {
		t.Errorf("an .ods file: %v", err)
	}
}

// Rows are numbered as a spreadsheet program shows them: blank lines count, and a cell of
// several lines is still one row.
func TestCSVRowNumbers(t *testing.T) {
	data := "section,key,text,type,help\n\nQ,a,A,status,\"two\nlines\"\n\n\nQ,b,B,bogus\n"
	_, _, err := sheet.Read("x.csv", []byte(data))
	if ps := problems(t, err); ps[0].Row != 6 {
		t.Errorf("%v: want row 6", err)
	}
	_, _, err = sheet.Read("x.csv", []byte("section,key,text,type\nQ,\"a,A,status\n"))
	if ps := problems(t, err); ps[0].Line != 2 || !strings.Contains(ps[0].Message, "the CSV cannot be read") {
		t.Errorf("a broken quote: %v", err)
	}
}

func TestManyProblemsAreListedInRowOrder(t *testing.T) {
	rows := [][]string{headings}
	for i := range 30 {
		rows = append(rows, []string{"Q", fmt.Sprintf("k%d", i), "", "status"})
	}
	_, _, err := sheet.Read("x.csv", csvOf(t, ',', rows))
	ps := problems(t, err)
	if len(ps) != 21 || ps[0].Row != 2 || ps[19].Row != 21 || ps[20].Message != "and more problems after these" {
		t.Errorf("%d problems: %v", len(ps), err)
	}
}
