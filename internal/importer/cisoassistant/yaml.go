package cisoassistant

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"shareline/internal/importer/fit"
	"shareline/internal/questionnairefile"
)

// Limits on the YAML of a library, checked on the parsed tree before anything is read from it.
// The largest library CISO Assistant ships holds about a tenth of MaxNodes and nests 11 deep.
const (
	MaxNodes  = 200_000  // values of any kind, keys included
	MaxDepth  = 40       // nesting of mappings and lists
	MaxScalar = 64 << 10 // bytes in one value
)

// parse reads the one YAML document of a file into a tree of nodes and checks the tree's shape
// (see check). It returns the document's top value.
func parse(data []byte) (*yaml.Node, error) {
	if len(data) > questionnairefile.MaxBytes {
		return nil, refuse(0, "the file is %d bytes; the limit is %d (2 MiB)", len(data), questionnairefile.MaxBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, refuse(0, "the file is empty")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, refuse(0, "the file holds no YAML document, only comments or blank lines")
		}
		return nil, syntaxError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err == nil:
		return nil, refuse(next.Line, "the file holds more than one YAML document (another starts here); a library is a single document")
	default:
		return nil, syntaxError(err)
	}
	w := walker{}
	if err := w.check(&doc, 0); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, refuse(doc.Line, "the file holds no library")
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError is a refusal for what the YAML parser could not read, at its line when it says.
func syntaxError(err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return refuse(line, "not valid YAML: %s", m[2])
	}
	return refuse(0, "not valid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

// walker checks a parsed tree: no anchors or aliases (an alias can stand for a whole subtree,
// and nested ones for exponentially many: the billion laughs), no merge keys, at most MaxNodes
// values nested at most MaxDepth deep, no value longer than MaxScalar bytes. It stops at the
// first problem, and never follows an alias.
type walker struct{ nodes int }

func (w *walker) check(n *yaml.Node, depth int) error {
	if w.nodes++; w.nodes > MaxNodes {
		return refuse(n.Line, "the file holds more than %s values; a library is far smaller", grouped(MaxNodes))
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return refuse(n.Line, "anchors (&name) and aliases (*name) are not accepted in a library file; write each value out in full")
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if len(n.Value) > MaxScalar {
			return refuse(n.Line, "a value of %s bytes; the limit for one value is %s bytes (64 KiB)", grouped(len(n.Value)), grouped(MaxScalar))
		}
	case yaml.MappingNode, yaml.SequenceNode:
		if depth > MaxDepth {
			return refuse(n.Line, "values are nested more than %d levels deep", MaxDepth)
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i < len(n.Content); i += 2 {
				if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
					return refuse(k.Line, "merge keys (<<) are not accepted in a library file; write each value out in full")
				}
			}
		}
	}
	for _, c := range n.Content {
		if err := w.check(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// grouped writes n with thousands separated by commas.
func grouped(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func refuse(line int, format string, args ...any) error {
	return &questionnairefile.Error{Problems: []questionnairefile.Problem{{Line: line, Message: fmt.Sprintf(format, args...)}}}
}

// Reading values out of the checked tree. Each helper records a problem (with the value's
// line) when the value is not of the kind wanted, and then returns the zero value.

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	}
	return "something else"
}

// pair is one entry of a mapping.
type pair struct{ key, value *yaml.Node }

// pairs lists a mapping's entries, refusing keys that are not plain values and keys given twice
// (which a decoder would silently resolve to the last). A null value is an empty mapping.
func (r *reader) pairs(n *yaml.Node, what string) []pair {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		r.fail(n.Line, "%s should be a mapping of names to values, not %s", what, kindName(n))
		return nil
	}
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.fail(k.Line, "%s: a name should be a single value, not %s", what, kindName(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			r.fail(k.Line, "%s: “%s” is given twice (first at line %d)", what, clipped(k.Value), first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{k, v})
	}
	return out
}

// list is the items of a list; a null value is an empty list.
func (r *reader) list(n *yaml.Node, what string) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.fail(n.Line, "%s should be a list, not %s", what, kindName(n))
		return nil
	}
	return n.Content
}

// str is a single value as text; null is "".
func (r *reader) str(n *yaml.Node, what string) string {
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		r.fail(n.Line, "%s should be a single value, not %s", what, kindName(n))
		return ""
	}
	return n.Value
}

// number is a single value read as a number; ok is false when it is null or not a number.
func (r *reader) number(n *yaml.Node, what string) (v float64, ok bool) {
	if isNull(n) {
		return 0, false
	}
	if n.Kind == yaml.ScalarNode {
		err := n.Decode(&v)
		if err != nil {
			v, err = strconv.ParseFloat(strings.TrimSpace(n.Value), 64)
		}
		if err == nil && !math.IsNaN(v) && math.Abs(v) <= 1e9 {
			return v, true
		}
	}
	if n.Kind != yaml.ScalarNode {
		r.fail(n.Line, "%s should be a number, not %s", what, kindName(n))
	} else {
		r.fail(n.Line, "%s should be a number (at most a billion either side of 0), not “%s”", what, clipped(n.Value))
	}
	return 0, false
}

// boolean is a single value read as true or false; null is false.
func (r *reader) boolean(n *yaml.Node, what string) bool {
	if isNull(n) {
		return false
	}
	if b, ok := asBool(n); ok {
		return b
	}
	r.fail(n.Line, "%s should be true or false, not “%s”", what, clipped(n.Value))
	return false
}

func asBool(n *yaml.Node) (value, ok bool) {
	if n.Kind != yaml.ScalarNode {
		return false, false
	}
	if err := n.Decode(&value); err == nil {
		return value, true
	}
	switch strings.ToLower(strings.TrimSpace(n.Value)) {
	case "true", "yes":
		return true, true
	case "false", "no":
		return false, true
	}
	return false, false
}

// clipped is a value short enough to quote in a message.
func clipped(s string) string { return fit.Brief(s, 80) }
