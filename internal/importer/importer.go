// Package importer reads a questionnaire from a file in any format Shareline imports: its own
// JSON (questionnairefile), Google VSAQ templates (vsaq), CISO Assistant libraries
// (cisoassistant) and spreadsheets (sheet). Whatever the format, the result is checked as a
// Shareline file is: it is written in Shareline's format and read back through
// questionnairefile.Read, so an import is refused or accepted whole, by the same rules, and
// exports and imports back unchanged.
package importer

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/importer/cisoassistant"
	"shareline/internal/importer/sheet"
	"shareline/internal/importer/vsaq"
	"shareline/internal/questionnairefile"
)

// Format is a kind of questionnaire file.
type Format string

// The formats imported.
const (
	Shareline     Format = "shareline"
	VSAQ          Format = "vsaq"
	CISOAssistant Format = "ciso-assistant"
	Spreadsheet   Format = "spreadsheet"
)

// Label is the format's name for people.
func (f Format) Label() string {
	switch f {
	case Shareline:
		return "Shareline JSON"
	case VSAQ:
		return "Google VSAQ template"
	case CISOAssistant:
		return "CISO Assistant library (YAML)"
	case Spreadsheet:
		return "Spreadsheet (XLSX or CSV)"
	}
	return string(f)
}

// Result is an imported questionnaire, the format it came in, and what the import could not
// carry over from the source, in words (empty when everything was).
type Result struct {
	Questionnaire *assess.Questionnaire
	Format        Format
	Notes         []string
}

// Read imports the file called name (its name says its format, with a look inside for JSON).
// A refusal is a *questionnairefile.Error naming the line, row or place of each problem.
func Read(name string, data []byte) (Result, error) {
	if len(data) > questionnairefile.MaxBytes {
		return Result{}, refused("the file is %d bytes; the limit is %d (2 MiB)", len(data), questionnairefile.MaxBytes)
	}
	format, err := Detect(name, data)
	if err != nil {
		return Result{}, err
	}
	if format == Shareline {
		q, err := questionnairefile.Read(data)
		return Result{Questionnaire: q, Format: format}, err
	}
	var q *assess.Questionnaire
	var notes []string
	switch format {
	case VSAQ:
		q, notes, err = vsaq.Read(data)
	case CISOAssistant:
		q, notes, err = cisoassistant.Read(data)
	case Spreadsheet:
		q, notes, err = sheet.Read(name, data)
	}
	if err != nil {
		return Result{}, err
	}
	// The converted definition is held to every rule of the format, as a file would be.
	file, err := questionnairefile.Write(q)
	if err != nil {
		return Result{}, err
	}
	checked, err := questionnairefile.Read(file)
	if err != nil {
		return Result{}, err
	}
	return Result{Questionnaire: checked, Format: format, Notes: notes}, nil
}

// Detect says which format a file is in: by its extension, and for JSON by whether it holds
// a VSAQ "questionnaire" list or a Shareline definition.
func Detect(name string, data []byte) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return CISOAssistant, nil
	case ".xlsx", ".csv":
		return Spreadsheet, nil
	case ".json", "":
		if vsaq.Looks(data) {
			return VSAQ, nil
		}
		if len(bytes.TrimSpace(data)) > 0 && bytes.TrimSpace(data)[0] == '{' {
			return Shareline, nil
		}
	}
	return "", refused("%s: not a questionnaire file Shareline reads; send Shareline or VSAQ JSON (.json), a CISO Assistant library (.yaml), or a spreadsheet (.xlsx or .csv)", filepath.Base(name))
}

func refused(format string, args ...any) error {
	return &questionnairefile.Error{Problems: []questionnairefile.Problem{{Message: fmt.Sprintf(format, args...)}}}
}
