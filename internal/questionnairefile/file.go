// Package questionnairefile reads and writes questionnaire files in Shareline's own JSON format:
// the definition that `shareline questionnaire export` writes and the admin page offers for
// download, checked on the way in against the JSON Schema in this package and then by assess.
// A file is refused whole, with every problem it can name, or accepted whole.
package questionnairefile

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"shareline/internal/assess"
)

// Limits on a file, beyond those the schema states (lengths of strings, sizes of lists).
const (
	MaxBytes    = 2 << 20 // a larger file is refused before it is parsed
	MaxDepth    = 32      // nesting of objects and arrays; the format needs 7, and 16 more for conditions
	MaxElements = 1000    // across every question
	maxProblems = 20      // a report of more than this many problems is cut short
)

// Schema is the JSON Schema of the format (draft 2020-12).
//
//go:embed shareline-questionnaire.schema.json
var Schema []byte

// Problem is one reason a file is refused: where (a JSON pointer, and the line when known) and
// what is wrong, in words for people.
type Problem struct {
	Path    string // a JSON pointer such as /questions/0/elements/2/type; empty for the whole file
	Line    int    // 1-based; 0 when unknown
	Row     int    // in a spreadsheet: the 1-based row; 0 otherwise
	Message string
}

func (p Problem) String() string {
	var where []string
	if p.Row > 0 {
		where = append(where, fmt.Sprintf("row %d", p.Row))
	}
	if p.Line > 0 {
		where = append(where, fmt.Sprintf("line %d", p.Line))
	}
	if p.Path != "" {
		where = append(where, p.Path)
	}
	if len(where) == 0 {
		return p.Message
	}
	return strings.Join(where, ", ") + ": " + p.Message
}

// Error is a refused file: every problem found, in the order of the file.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "questionnaire file refused: " + strings.Join(parts, "; ")
}

func refuse(line int, path, format string, args ...any) error {
	return &Error{[]Problem{{Path: path, Line: line, Message: fmt.Sprintf(format, args...)}}}
}

var schema = mustCompile()

func mustCompile() *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		panic(fmt.Sprintf("questionnairefile: schema: %v", err))
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("questionnaire.schema.json", doc); err != nil {
		panic(fmt.Sprintf("questionnairefile: schema: %v", err))
	}
	s, err := c.Compile("questionnaire.schema.json")
	if err != nil {
		panic(fmt.Sprintf("questionnairefile: schema: %v", err))
	}
	return s
}

// Read parses a file in Shareline's JSON format and checks it: size and depth first, then the
// schema, then the rules of assess.ParseQuestionnaire. The version in the file is optional (1 when
// left out): publishing numbers versions itself (assess.NextVersion).
func Read(data []byte) (*assess.Questionnaire, error) {
	if len(data) > MaxBytes {
		return nil, refuse(0, "", "the file is %d bytes; the limit is %d (2 MiB)", len(data), MaxBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, refuse(0, "", "the file is empty")
	}
	if err := scan(data); err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, refuse(0, "", "not JSON: %v", err)
	}
	if err := schema.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, refuse(0, "", "%v", err)
		}
		return nil, schemaProblems(data, ve)
	}
	if m, ok := doc.(map[string]any); ok {
		if _, given := m["version"]; !given {
			m["version"] = 1
			if data, err = json.Marshal(m); err != nil {
				return nil, refuse(0, "", "%v", err)
			}
		}
	}
	q, err := assess.ParseQuestionnaire(data)
	if err != nil {
		return nil, refuse(0, "", "%s", strings.TrimPrefix(err.Error(), "questionnaire "))
	}
	if n := q.ElementCount(); n > MaxElements {
		return nil, refuse(0, "/questions", "%d elements; the limit is %d", n, MaxElements)
	}
	return q, nil
}

// Write is the file of a questionnaire: its definition as stored, indented, ending in a newline.
// Read(Write(q)) gives q back.
func Write(q *assess.Questionnaire) ([]byte, error) {
	data, err := json.MarshalIndent(q, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

var english = message.NewPrinter(language.English)

// schemaProblems lists the leaves of a schema refusal, each at its place in the file.
func schemaProblems(data []byte, ve *jsonschema.ValidationError) error {
	var leaves []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	seen := map[string]bool{}
	var out []Problem
	var places [][]string
	for _, leaf := range leaves {
		p := Problem{Path: pointer(leaf.InstanceLocation), Message: leaf.ErrorKind.LocalizedString(english)}
		if p.Path == "" {
			p.Path = "/"
		}
		if seen[p.String()] {
			continue
		}
		seen[p.String()] = true
		if len(out) == maxProblems {
			out = append(out, Problem{Message: "and more problems after these"})
			break
		}
		out, places = append(out, p), append(places, leaf.InstanceLocation)
	}
	// Lines are found for the problems reported only: each is one pass over the file.
	for i := range places {
		out[i].Line = lineOf(data, places[i])
	}
	sort.SliceStable(out[:len(places)], func(i, j int) bool { return out[i].Line < out[j].Line })
	return &Error{out}
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}
