package vsaq

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The template is read by a small parser of its own rather than encoding/json: VSAQ templates
// are JSON with two additions from JavaScript, "//" comments (the licence header) and long
// texts split into pieces joined by "+", and every value must keep the line it starts on so
// that a refusal can name it.

// Limits on what is parsed.
const (
	maxString    = 64 << 10 // bytes in one string, after joining its pieces
	maxNesting   = 64       // objects and arrays inside each other
	maxItems     = 5000     // items and choices across the file
	maxBlockNest = 12       // levels of blocks, the top block being level 1
)

// value is one JSON value and the line it starts on.
type value struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	line  int
	str   string   // a string's text, a number's digits
	b     bool     // a boolean
	names []string // an object's names, in order
	vals  []*value // an object's values (same order) or an array's elements
}

// get is the value named name in an object, or nil.
func (v *value) get(name string) *value {
	for i, n := range v.names {
		if n == name {
			return v.vals[i]
		}
	}
	return nil
}

// problem is a place in the file that is not what a template may hold.
type problem struct {
	line int
	msg  string
}

func (e *problem) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

type lexer struct {
	data []byte
	pos  int
	line int
}

func newLexer(data []byte) *lexer {
	l := &lexer{data: data, line: 1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		l.pos = 3 // a byte order mark
	}
	return l
}

func (l *lexer) fail(line int, format string, args ...any) error {
	return &problem{line: line, msg: fmt.Sprintf(format, args...)}
}

// space skips white space and "//" comments, which run to the end of their line.
func (l *lexer) space() error {
	for l.pos < len(l.data) {
		switch c := l.data[l.pos]; c {
		case '\n':
			l.line++
			l.pos++
		case ' ', '\t', '\r':
			l.pos++
		case '/':
			if l.pos+1 >= len(l.data) || l.data[l.pos+1] != '/' {
				return l.fail(l.line, "a “/” that does not start a “//” comment; only “//” comments may appear outside texts")
			}
			for l.pos < len(l.data) && l.data[l.pos] != '\n' {
				l.pos++
			}
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) peek() byte {
	if l.pos < len(l.data) {
		return l.data[l.pos]
	}
	return 0
}

// parse reads the whole file as one value.
func parse(data []byte) (*value, error) {
	l := newLexer(data)
	if err := l.space(); err != nil {
		return nil, err
	}
	if l.pos >= len(l.data) {
		return nil, l.fail(l.line, "the file holds nothing but comments and spaces")
	}
	v, err := l.value(0)
	if err != nil {
		return nil, err
	}
	if err := l.space(); err != nil {
		return nil, err
	}
	if l.pos < len(l.data) {
		return nil, l.fail(l.line, "more text after the end of the template's object")
	}
	return v, nil
}

func (l *lexer) value(depth int) (*value, error) {
	if depth > maxNesting {
		return nil, l.fail(l.line, "objects and lists are nested more than %d deep", maxNesting)
	}
	line := l.line
	switch c := l.peek(); {
	case c == '{':
		return l.object(depth)
	case c == '[':
		return l.array(depth)
	case c == '"':
		s, err := l.joined()
		if err != nil {
			return nil, err
		}
		return &value{kind: 's', line: line, str: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return l.number()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(string(l.data[l.pos:min(len(l.data), l.pos+5)]), lit) {
				end := l.pos + len(lit)
				if end < len(l.data) && isWordByte(l.data[end]) {
					break
				}
				l.pos = end
				switch lit {
				case "null":
					return &value{kind: 'z', line: line}, nil
				default:
					return &value{kind: 'b', line: line, b: lit == "true"}, nil
				}
			}
		}
		return nil, l.fail(line, "unexpected word %s; the template must be JSON (texts in double quotes)", l.word())
	case c == 0 && l.pos >= len(l.data):
		return nil, l.fail(line, "the file ends where a value should be")
	default:
		return nil, l.fail(line, "unexpected %s; the template must be JSON (texts in double quotes)", l.word())
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// word is the text at the current position, quoted, for a message.
func (l *lexer) word() string {
	end := l.pos
	for end < len(l.data) && end-l.pos < 20 && isWordByte(l.data[end]) {
		end++
	}
	if end == l.pos {
		r, _ := utf8.DecodeRune(l.data[l.pos:])
		if r == utf8.RuneError {
			return "a byte that is not UTF-8 text"
		}
		return "“" + string(r) + "”"
	}
	w := string(l.data[l.pos:end])
	if !utf8.ValidString(w) {
		return "a byte that is not UTF-8 text"
	}
	return "“" + w + "”"
}

func (l *lexer) object(depth int) (*value, error) {
	v := &value{kind: 'o', line: l.line}
	l.pos++ // {
	seen := map[string]bool{}
	comma := 0 // the line of the last comma
	for first := true; ; first = false {
		if err := l.space(); err != nil {
			return nil, err
		}
		if first && l.peek() == '}' {
			l.pos++
			return v, nil
		}
		if l.peek() == '}' {
			return nil, l.fail(comma, "a “,” before “}”: JSON allows no comma after the last name and value of an object")
		}
		if l.peek() != '"' {
			if l.pos >= len(l.data) {
				return nil, l.fail(l.line, "the file ends inside an object (a “}” is missing)")
			}
			return nil, l.fail(l.line, "expected a name in double quotes in the object that starts on line %d, found %s", v.line, l.word())
		}
		nameLine := l.line
		name, err := l.joined()
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, l.fail(nameLine, "the name “%s” appears twice in one object", name)
		}
		seen[name] = true
		if err := l.space(); err != nil {
			return nil, err
		}
		if l.peek() != ':' {
			return nil, l.fail(l.line, "expected “:” after the name “%s”", name)
		}
		l.pos++
		if err := l.space(); err != nil {
			return nil, err
		}
		val, err := l.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.names, v.vals = append(v.names, name), append(v.vals, val)
		if done, err := l.after("object", '}', v.line, &comma); done || err != nil {
			return v, err
		}
	}
}

func (l *lexer) array(depth int) (*value, error) {
	v := &value{kind: 'a', line: l.line}
	l.pos++    // [
	comma := 0 // the line of the last comma
	for first := true; ; first = false {
		if err := l.space(); err != nil {
			return nil, err
		}
		if first && l.peek() == ']' {
			l.pos++
			return v, nil
		}
		if l.peek() == ']' {
			return nil, l.fail(comma, "a “,” before “]”: JSON allows no comma after the last element of a list")
		}
		val, err := l.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.vals = append(v.vals, val)
		if done, err := l.after("list", ']', v.line, &comma); done || err != nil {
			return v, err
		}
	}
}

// after reads what follows a member of the object or list (what) that starts on line start:
// a comma, whose line it keeps in comma, or the closing bracket (done).
func (l *lexer) after(what string, closing byte, start int, comma *int) (done bool, err error) {
	if err := l.space(); err != nil {
		return false, err
	}
	switch l.peek() {
	case ',':
		*comma = l.line
		l.pos++
		return false, nil
	case closing:
		l.pos++
		return true, nil
	}
	if l.pos >= len(l.data) {
		return false, l.fail(l.line, "the file ends inside the %s that starts on line %d (a “%c” is missing)", what, start, closing)
	}
	return false, l.fail(l.line, "expected “,” or “%c” in the %s that starts on line %d, found %s", closing, what, start, l.word())
}

func (l *lexer) number() (*value, error) {
	line, start := l.line, l.pos
	digits := func() int {
		n := 0
		for l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '9' {
			l.pos++
			n++
		}
		return n
	}
	if l.peek() == '-' {
		l.pos++
	}
	bad := func() error { return l.fail(line, "a malformed number") }
	if l.peek() == '0' {
		l.pos++
	} else if digits() == 0 {
		return nil, bad()
	}
	if l.peek() == '.' {
		l.pos++
		if digits() == 0 {
			return nil, bad()
		}
	}
	if c := l.peek(); c == 'e' || c == 'E' {
		l.pos++
		if c := l.peek(); c == '+' || c == '-' {
			l.pos++
		}
		if digits() == 0 {
			return nil, bad()
		}
	}
	if l.pos < len(l.data) && isWordByte(l.data[l.pos]) {
		return nil, bad()
	}
	return &value{kind: 'n', line: line, str: string(l.data[start:l.pos])}, nil
}

// joined reads a string and any further strings joined to it with "+".
func (l *lexer) joined() (string, error) {
	line := l.line
	var b strings.Builder
	if err := l.str(&b, line); err != nil {
		return "", err
	}
	for {
		pos, ln := l.pos, l.line
		if err := l.space(); err != nil {
			return "", err
		}
		if l.peek() != '+' {
			l.pos, l.line = pos, ln // what follows is read by the caller
			return b.String(), nil
		}
		l.pos++
		if err := l.space(); err != nil {
			return "", err
		}
		if l.peek() != '"' {
			return "", l.fail(l.line, "a “+” must be followed by another text in double quotes")
		}
		if err := l.str(&b, line); err != nil {
			return "", err
		}
	}
}

// str reads one double-quoted string onto b, decoding JSON escapes.
func (l *lexer) str(b *strings.Builder, first int) error {
	line := l.line
	l.pos++ // "
	for {
		if b.Len() > maxString {
			return l.fail(first, "a text longer than %d KiB", maxString>>10)
		}
		if l.pos >= len(l.data) {
			return l.fail(line, "a text in double quotes is not closed before the end of the file")
		}
		c := l.data[l.pos]
		switch {
		case c == '"':
			l.pos++
			return nil
		case c == '\n':
			return l.fail(line, "a line break inside a text in double quotes; split long texts into pieces joined with “+”")
		case c < 0x20:
			return l.fail(line, "a control character inside a text in double quotes")
		case c == '\\':
			if err := l.escape(b); err != nil {
				return err
			}
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			l.pos++
		default:
			r, size := utf8.DecodeRune(l.data[l.pos:])
			if r == utf8.RuneError && size <= 1 {
				return l.fail(l.line, "bytes that are not UTF-8 text; save the file as UTF-8")
			}
			b.Write(l.data[l.pos : l.pos+size])
			l.pos += size
		}
	}
}

func (l *lexer) escape(b *strings.Builder) error {
	if l.pos+1 >= len(l.data) {
		return l.fail(l.line, "a text in double quotes is not closed before the end of the file")
	}
	c := l.data[l.pos+1]
	l.pos += 2
	switch c {
	case '"', '\\', '/':
		b.WriteByte(c)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'u':
		r, ok := l.hex4()
		if !ok {
			return l.fail(l.line, "“\\u” must be followed by four hexadecimal digits")
		}
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if l.pos+1 < len(l.data) && l.data[l.pos] == '\\' && l.data[l.pos+1] == 'u' {
				save := l.pos
				l.pos += 2
				var ok2 bool
				if r2, ok2 = l.hex4(); !ok2 {
					return l.fail(l.line, "“\\u” must be followed by four hexadecimal digits")
				}
				if utf16.DecodeRune(r, r2) == utf8.RuneError {
					l.pos, r2 = save, -1
				}
			}
			if r2 < 0 {
				r = utf8.RuneError
			} else {
				r = utf16.DecodeRune(r, r2)
			}
		}
		b.WriteRune(r)
	default:
		if c == '\n' {
			return l.fail(l.line, "a line break inside a text in double quotes; split long texts into pieces joined with “+”")
		}
		return l.fail(l.line, "an unknown escape “\\%c” in a text; JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX", rune(c))
	}
	return nil
}

func (l *lexer) hex4() (rune, bool) {
	if l.pos+4 > len(l.data) {
		return 0, false
	}
	var r rune
	for _, c := range l.data[l.pos : l.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	l.pos += 4
	return r, true
}

// looks reports whether data, after comments, is an object with a "questionnaire" list, by
// scanning its top-level names and skipping over their values without building them.
func looks(data []byte) bool {
	l := newLexer(data)
	if l.space() != nil || l.peek() != '{' {
		return false
	}
	l.pos++
	for {
		if l.space() != nil || l.peek() != '"' {
			return false
		}
		var b strings.Builder
		if l.str(&b, l.line) != nil {
			return false
		}
		if l.space() != nil || l.peek() != ':' {
			return false
		}
		l.pos++
		if l.space() != nil {
			return false
		}
		if b.String() == "questionnaire" {
			return l.peek() == '['
		}
		if !l.skip() {
			return false
		}
		if l.space() != nil || l.peek() != ',' {
			return false
		}
		l.pos++
	}
}

// skip passes over one value: strings are skipped whole, brackets counted.
func (l *lexer) skip() bool {
	depth := 0
	for l.pos < len(l.data) {
		switch c := l.data[l.pos]; c {
		case '"':
			l.pos++
			for l.pos < len(l.data) && l.data[l.pos] != '"' && l.data[l.pos] != '\n' {
				if l.data[l.pos] == '\\' {
					l.pos++
				}
				l.pos++
			}
			if l.pos >= len(l.data) || l.data[l.pos] != '"' {
				return false
			}
			l.pos++
		case '{', '[':
			depth++
			l.pos++
		case '}', ']':
			if depth == 0 {
				return true
			}
			depth--
			l.pos++
		case ',':
			if depth == 0 {
				return true
			}
			l.pos++
		case '/', ' ', '\t', '\r', '\n':
			if l.space() != nil {
				return false
			}
		default:
			l.pos++
		}
	}
	return false
}
