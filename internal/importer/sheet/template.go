package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// guidance is what the template says under each heading; its row is a comment row (its section
// cell begins with "#"), skipped on import.
var guidance = map[string]string{
	colSection:  "# This guidance row is skipped on import.\nThe question the row belongs to: its title, or Question title > Sub-section. Keep the rows of one question together, and within it the rows of one sub-section. A row whose section begins with # is a comment.",
	colKey:      "The element's key: a lower-case letter, then lower-case letters, digits, _ or - (at most 63). Unique within its question.",
	colText:     "What the respondent is asked. Up to 300 characters; a longer text is cut short and kept whole in the help.",
	colType:     "status (answered yes, partial, no or not applicable), choice (one option), multi (several options), number, date or text.",
	colOptions:  "choice and multi: one option per line, or separated by ;, each key = Label, optionally ending (credit 0.5). The credit runs from 0 to 1 and is 1 when not given.\nnumber: the credit bands, as better=higher; full=99.9; half=99 (full credit at 99.9 or more, half at 99 or more; with better=lower, full must be at most half).\nOther types: leave empty.",
	colUnit:     "number only: the unit of the answer, such as % or hours (at most 40 characters).",
	colWeight:   "How much the element counts within its question: more than 0, at most 100. Empty means 1.",
	colEvidence: "yes if the respondent is asked for evidence; empty or no otherwise.",
	colCritical: "yes if, while this element earns less than full credit, the overall tier is held at Weak.",
	colWhen:     "Ask the element only when another answer fits: mfa = yes | partial, or mfa answered. Join tests with and or or (use parentheses to mix them) and put not in front to turn one around. Name an element by its key, or question_key.key for one in another question (the question key is its title in lower case, each run of spaces and other marks one _).",
	colHelp:     "Guidance shown with the element (up to 4000 characters).",
}

// examples are the template's rows, one of each type, making a questionnaire that imports.
var examples = [][]string{
	// section, key, text, type, options, unit, weight, evidence, critical, when, help
	{"Access control", "mfa", "Is multi-factor authentication enforced for every administrator account?", "status", "", "", "2", "yes", "yes", "", "Count console, API and support-tool access alike."},
	{"Access control", "mfa_methods", "Which second factors are accepted?", "multi", "webauthn = Security key or passkey\ntotp = Authenticator app\nsms = Text message (credit 0.3)", "", "", "", "", "mfa = yes | partial", ""},
	{"Access control > Reviews", "review_cycle", "How often are access rights reviewed?", "choice", "quarterly = Every quarter; yearly = Every year (credit 0.5); never = Never (credit 0)", "", "", "yes", "", "", ""},
	{"Access control > Reviews", "last_review", "When was the last access review?", "date", "", "", "", "", "", "review_cycle answered and not review_cycle = never", ""},
	{"Resilience", "uptime", "What availability did the service reach over the last 12 months?", "number", "better=higher; full=99.9; half=99", "%", "", "yes", "", "", "As measured by the provider's status page or SLA report."},
	{"Resilience", "rto", "What is the recovery time objective?", "number", "better=lower; full=4; half=24", "hours", "", "", "", "", ""},
	{"Resilience > Testing", "dr_test", "Describe how and how often disaster recovery is tested.", "text", "", "", "0.5", "", "", "rto answered or uptime answered", ""},
	{"Data protection", "encryption", "Is customer data encrypted at rest?", "status", "", "", "", "yes", "yes", "", ""},
	{"Data protection", "key_holder", "Who holds the encryption keys?", "choice", "customer = The customer, in its own key service; provider = The provider (credit 0.5)", "", "", "", "", "not encryption = no and (access_control.mfa answered or uptime answered)", ""},
}

// aboutRows are the template's About sheet: field, value, what it is.
var aboutRows = [][]string{
	{"key", "cloud-security-basics", "The questionnaire's key: a lower-case letter, then lower-case letters, digits, _ or -. Leave it empty to make it from the title."},
	{"title", "Cloud security basics", "The questionnaire's title (up to 300 characters). Leave it empty to use the file's name."},
	{"description", "A short example questionnaire: replace its rows on the Elements sheet with your own.", "What the questionnaire is for (up to 4000 characters; optional)."},
}

var columnWidths = map[string]float64{
	colSection: 28, colKey: 16, colText: 44, colType: 11, colOptions: 48, colUnit: 9,
	colWeight: 9, colEvidence: 10, colCritical: 10, colWhen: 40, colHelp: 40,
}

// Template is the XLSX template: an "Elements" sheet with the heading row, a guidance row under
// it, example rows of every type, and an "About" sheet with key, title and description.
func Template() ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "Elements"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "top"},
	})
	if err != nil {
		return nil, err
	}
	note, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Italic: true, Color: "404040", Size: 9},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF8DC"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return nil, err
	}

	heads := make([]any, len(columns))
	notes := make([]any, len(columns))
	for i, c := range columns {
		heads[i], notes[i] = c, guidance[c]
		if err := f.SetColWidth(sheet, columnName(i), columnName(i), columnWidths[c]); err != nil {
			return nil, err
		}
	}
	last := columnName(len(columns) - 1)
	if err := setRow(f, sheet, 1, heads, bold); err != nil {
		return nil, err
	}
	if err := setRow(f, sheet, 2, notes, note); err != nil {
		return nil, err
	}
	if err := f.SetRowHeight(sheet, 2, rowHeight(notes, 1.15, 12)); err != nil {
		return nil, err
	}
	for i, ex := range examples {
		cells := make([]any, len(ex))
		for j, v := range ex {
			cells[j] = v
			if w, ok := number(v); ok && columns[j] == colWeight {
				cells[j] = w // a number cell, as people would type it
			}
		}
		if err := setRow(f, sheet, i+3, cells, wrap); err != nil {
			return nil, err
		}
		if err := f.SetRowHeight(sheet, i+3, rowHeight(cells, 1, 15)); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := f.AutoFilter(sheet, "A1:"+last+"1", nil); err != nil {
		return nil, err
	}
	// Drop-down lists where the answer is one of a few words.
	lists := map[string][]string{
		colType:     {"status", "choice", "multi", "number", "date", "text"},
		colEvidence: {"yes", "no"},
		colCritical: {"yes", "no"},
	}
	for i, c := range columns {
		list, ok := lists[c]
		if !ok {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s3:%s%d", columnName(i), columnName(i), MaxRows)
		if err := dv.SetDropList(list); err != nil {
			return nil, err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, c, guidance[c])
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return nil, err
		}
	}

	if _, err := f.NewSheet("About"); err != nil {
		return nil, err
	}
	for i, r := range aboutRows {
		if err := setRow(f, "About", i+1, []any{r[0], r[1], r[2]}, wrap); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle("About", fmt.Sprintf("A%d", i+1), fmt.Sprintf("A%d", i+1), bold); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle("About", fmt.Sprintf("C%d", i+1), fmt.Sprintf("C%d", i+1), note); err != nil {
			return nil, err
		}
	}
	for col, width := range map[string]float64{"A": 14, "B": 48, "C": 60} {
		if err := f.SetColWidth("About", col, col, width); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// rowHeight is the height in points that shows the row's wrapped texts whole, for a font
// that fits perChar characters in a unit of column width and takes perLine points a line
// (spreadsheet programs do not grow rows to their text when they open a file).
func rowHeight(cells []any, perChar, perLine float64) float64 {
	most := 1
	for i, c := range cells {
		text, ok := c.(string)
		if !ok || i >= len(columns) {
			continue
		}
		fits := max(1, int(columnWidths[columns[i]]*perChar)-1)
		lines := 0
		for _, line := range strings.Split(text, "\n") {
			lines += max(1, (utf8.RuneCountInString(line)+fits-1)/fits)
		}
		most = max(most, lines)
	}
	return float64(most)*perLine + 3
}

func setRow(f *excelize.File, sheet string, n int, cells []any, style int) error {
	for i, c := range cells {
		if c == "" {
			cells[i] = nil // a blank cell, not one holding an empty text
		}
	}
	start := fmt.Sprintf("A%d", n)
	if err := f.SetSheetRow(sheet, start, &cells); err != nil {
		return err
	}
	return f.SetCellStyle(sheet, start, fmt.Sprintf("%s%d", columnName(len(cells)-1), n), style)
}

// TemplateCSV is the template's elements as CSV: the heading row and the example rows.
func TemplateCSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(columns)
	for _, ex := range examples {
		_ = w.Write(ex)
	}
	w.Flush()
	return buf.Bytes()
}
