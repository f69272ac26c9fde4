package questionnairefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// scan reads the file once as a stream of tokens, before anything builds it in memory: it refuses
// malformed JSON (naming the line), nesting deeper than MaxDepth, a name given twice in one
// object (which a decoder would silently resolve to the last), and data after the document.
func scan(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object bool
		names  map[string]bool
		expect bool // in an object: the next token is a name
	}
	var stack []*frame
	for {
		offset := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return refuse(lineAt(data, len(data)), "", "the file ends inside the document")
			}
			return nil
		}
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return refuse(lineAt(data, int(se.Offset)), "", "not valid JSON: %s", se.Error())
			}
			return refuse(lineAt(data, int(dec.InputOffset())), "", "not valid JSON: %v", err)
		}
		if len(stack) == 0 && offset > 0 && !onlySpace(data[:offset]) {
			rest := bytes.TrimLeft(data[offset:], " \t\r\n")
			return refuse(lineAt(data, len(data)-len(rest)), "", "data after the end of the document")
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expect {
			if name, ok := tok.(string); ok {
				if top.names[name] {
					return refuse(lineAt(data, int(dec.InputOffset())), "", "the name %s appears twice in one object", strconv.Quote(name))
				}
				top.names[name] = true
				top.expect = false
				continue
			}
		}
		if top != nil && top.object {
			top.expect = true // a value was read: a name comes next
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= MaxDepth {
				return refuse(lineAt(data, int(dec.InputOffset())), "", "nested more than %d levels deep", MaxDepth)
			}
			f := &frame{object: tok == json.Delim('{')}
			if f.object {
				f.names, f.expect = map[string]bool{}, true
			}
			stack = append(stack, f)
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

func onlySpace(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, offset int) int {
	offset = min(max(offset, 0), len(data))
	return bytes.Count(data[:offset], []byte{'\n'}) + 1
}

// place is where a stream of tokens is inside one object or array.
type place struct {
	object bool
	index  int    // in an array: the index of the next value
	name   string // in an object: the name of the current value
	expect bool   // in an object: the next token is a name
}

// done moves past one value.
func (p *place) done() {
	if p.object {
		p.expect = true
	} else {
		p.index++
	}
}

// lineOf is the line where the value at a JSON pointer (as tokens) starts, 0 when not found.
func lineOf(data []byte, target []string) int {
	if len(target) == 0 {
		return 1
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*place
	at := func() bool {
		if len(stack) != len(target) {
			return false
		}
		for i, p := range stack {
			if (p.object && p.name != target[i]) || (!p.object && strconv.Itoa(p.index) != target[i]) {
				return false
			}
		}
		return true
	}
	for {
		offset := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0
		}
		var top *place
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				stack[len(stack)-1].done()
			}
			continue
		}
		if top != nil && top.object && top.expect {
			top.name, _ = tok.(string)
			top.expect = false
			continue
		}
		if at() {
			// The value starts after the separator that precedes it.
			rest := bytes.TrimLeft(data[offset:], " \t\r\n:,")
			return lineAt(data, len(data)-len(rest))
		}
		if tok == json.Delim('{') || tok == json.Delim('[') {
			stack = append(stack, &place{object: tok == json.Delim('{'), expect: tok == json.Delim('{')})
			continue
		}
		if top != nil {
			top.done()
		}
	}
}
