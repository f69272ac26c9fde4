// Package sheet reads a questionnaire from a spreadsheet, XLSX or CSV, with one row per element,
// and writes the template people fill in (Template, TemplateCSV).
//
// # The sheet
//
// An XLSX workbook is read from its sheet named "Elements", or else from its first sheet (that
// is not "About"); a CSV file is that sheet alone, separated by commas, semicolons or tabs
// (whichever the heading row uses), in UTF-8 (Windows-1252 and UTF-16 with a byte-order mark are
// read too).
//
// The first row that is not blank holds the headings. Headings are matched without regard to
// case, spaces and underscores ("Evidence", "EVIDENCE" and "evi dence" are one column); columns
// may come in any order; a heading Shareline does not know is refused. The columns:
//
//	section   required  Question title, or Question title > Sub-section (› works too)
//	key       required  the element's key: a lower-case letter, then lower-case letters,
//	                    digits, '_' or '-', at most 63 in all; unique within its question
//	text      required  what the respondent is asked (the element's label)
//	type      required  status, choice, multi, number, date or text
//	help                guidance shown with the element (at most 4000 characters)
//	options             choice and multi: the options; number: the credit bands (below)
//	unit                number only: the unit its answer is in, such as % or hours (at most 40)
//	weight              a number above 0 and at most 100; 1 when empty
//	evidence            yes, no, true, false, 1 or 0; no when empty
//	critical            the same; yes holds the tier at Weak while the element earns less than
//	                    full credit
//	when                the condition under which the element is asked (below)
//
// Every row below the headings is an element, except blank rows and comment rows, whose
// section cell begins with "#" (the template's guidance row is one); both are skipped.
//
// The section column groups rows into questions, in the order they first appear. A question's
// key is its title made into a key (lower case, each run of other characters one '_': the
// title "Access control" gives access_control). The rows of one question must be together, and
// within it the rows of one sub-section; rows are never reordered.
//
// A text longer than 300 characters is cut short for the label and kept whole at the start of
// the help; such changes are reported as notes. Anything else that does not fit is refused,
// with the row and the column: keys are never rewritten.
//
// # Options and bands
//
// A choice or multi element lists its options one per line within the cell, or, in a cell of
// one line, separated by ";":
//
//	key = Label
//	key = Label (credit 0.5)
//
// The option key follows the rules of element keys; the credit, from 0 to 1, is what choosing
// the option earns (1 when not given). For example:
//
//	quarterly = Every quarter; yearly = Every year (credit 0.5); never = Never (credit 0)
//
// A number element may give its credit bands, separated by ";" or by lines, all three parts:
//
//	better=higher; full=99.9; half=99
//
// earns full credit for 99.9 or more and half credit for 99 or more; better=lower turns the
// comparisons around (full must then be at most half). Band values run from 0 to 1,000,000,000.
// Status, date and text elements take no options: a status is answered yes, partial, no or not
// applicable.
//
// # Conditions
//
// The when column asks an element only when other answers fit. A test names an element and
// either asks that it is answered, or lists the answers it may have, separated by "|":
//
//	mfa answered                 (or: mfa is answered)
//	mfa = yes | partial          a status: yes, partial or no
//	review_cycle = yearly        a choice: one of its option keys
//	methods = sms | email        a multi: includes one of the options
//
// An element is named by its key, meaning the element of that key in the same question, or
// else the only element of that key in the sheet; or by question_key.key. Tests join with
// "and" or "or", and "not" in front of a test turns it around; "and" and "or" may be mixed only
// with parentheses, as in "a = yes and (b answered or not c = no)". Words are matched without
// regard to case. Conditions may not depend on themselves, through any chain of conditions.
//
// # About
//
// An XLSX workbook may have a sheet named "About" whose rows give, in the first column, key,
// title or description, and the value in the second (further columns are for people and are
// not read). Without it, and for CSV, the title is the file's name without its extension, and
// the key that title made into a key.
//
// # Limits
//
// At most 2000 rows and 30 columns, and 32 KiB in a cell. An XLSX file is opened only if it
// unpacks to at most 64 MiB in all, with no part above 16 MiB (worksheets, shared strings) or
// 4 MiB (other XML), no worksheet read holding more than about 500,000 XML tags and no
// other part more than 300,000, so that a small file cannot unpack into a large one or into a
// great many small things. Worksheets that are not read are left out unopened, and so are the
// styles: cells are read as in the General number format.
package sheet

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/questionnairefile"
)

// Limits on a spreadsheet.
const (
	MaxRows    = 2000     // rows of a sheet, the heading row included
	MaxColumns = 30       // columns holding anything
	MaxCell    = 32 << 10 // bytes in one cell

	unzipLimit     = 64 << 20 // the whole workbook, unpacked
	unzipXMLLimit  = 16 << 20 // one worksheet or the shared strings, unpacked
	unzipPartLimit = 4 << 20  // any other part excelize reads whole when it opens a workbook
	maxParts       = 1000     // files inside the workbook
	maxTags        = 300_000  // XML tags in a part parsed whole (all but worksheets)
	maxSheetTags   = 1 << 19  // XML tags in a worksheet that is read (others are left out)

	maxProblems = 20 // a refusal lists at most this many problems
)

// Read converts a spreadsheet; name's extension (.xlsx or .csv) says which. notes lists what
// could not be represented (plain sentences; empty when everything was). A refusal is a
// *questionnairefile.Error whose Problems carry Row (1-based spreadsheet row) and a
// plain-words Message naming the column.
func Read(name string, data []byte) (q *assess.Questionnaire, notes []string, err error) {
	if len(data) > questionnairefile.MaxBytes {
		return nil, nil, refusal(0, "the file is %d bytes; the limit is %d (2 MiB)", len(data), questionnairefile.MaxBytes)
	}
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	ext := strings.ToLower(path.Ext(base))
	var g *grid
	switch ext {
	case ".xlsx":
		g, err = readXLSX(data)
	case ".csv":
		g, err = readCSV(data)
	default:
		return nil, nil, refusal(0, "%s: not a spreadsheet Shareline reads; send an .xlsx or .csv file", base)
	}
	if err != nil {
		return nil, nil, err
	}
	return build(g, strings.TrimSpace(strings.TrimSuffix(base, path.Ext(base))))
}

// report gathers the problems that refuse a sheet and the notes of an accepted one.
type report struct {
	problems []questionnairefile.Problem
	notes    []string
}

func (r *report) refuse(row int, format string, args ...any) {
	r.problems = append(r.problems, questionnairefile.Problem{Row: row, Message: fmt.Sprintf(format, args...)})
}

func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// err is the refusal of every problem found, in the order of the rows, or nil.
func (r *report) err() error {
	if len(r.problems) == 0 {
		return nil
	}
	list := slices.Clone(r.problems)
	slices.SortStableFunc(list, func(a, b questionnairefile.Problem) int { return a.Row - b.Row })
	if len(list) > maxProblems {
		list = append(list[:maxProblems], questionnairefile.Problem{Message: "and more problems after these"})
	}
	return &questionnairefile.Error{Problems: list}
}

// refusal is a refusal of one problem.
func refusal(row int, format string, args ...any) error {
	r := &report{}
	r.refuse(row, format, args...)
	return r.err()
}
