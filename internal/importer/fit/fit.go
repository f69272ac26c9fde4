// Package fit makes the ids and texts of questionnaires written for other tools fit Shareline's
// rules: keys of lower-case letters, digits, '_' and '-' (at most 63, unique where they must
// be), labels of at most 300 characters, and plain text where the source holds HTML.
package fit

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the Shareline format that imported text is fitted to.
const (
	MaxKey   = 63
	MaxLabel = 300
	MaxHelp  = 4000
)

// Key turns any id or text into a key: lower-case, runs of other characters as one '_', a
// letter first, at most MaxKey characters (a long id is cut and ends in a short hash of the
// whole, so two long ids stay apart). fallback is used when nothing is left.
func Key(id, fallback string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(id) {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-'):
			b.WriteRune(r)
			underscore = false
		case !underscore && b.Len() > 0:
			b.WriteByte('_')
			underscore = true
		}
	}
	k := strings.Trim(b.String(), "_-")
	if k == "" {
		k = fallback
	}
	if k[0] < 'a' || k[0] > 'z' {
		k = "k" + k
	}
	if len(k) > MaxKey {
		sum := sha256.Sum256([]byte(id))
		k = strings.TrimRight(k[:MaxKey-9], "_-") + "_" + hex.EncodeToString(sum[:4])
	}
	return k
}

// Keys hands out keys that are unique among those it has given: a key already taken gets
// "_2", "_3" and so on.
type Keys struct{ taken map[string]bool }

// Unique is Key(id, fallback), made unique.
func (k *Keys) Unique(id, fallback string) string {
	if k.taken == nil {
		k.taken = map[string]bool{}
	}
	base := Key(id, fallback)
	key := base
	for n := 2; k.taken[key]; n++ {
		suffix := "_" + itoa(n)
		key = strings.TrimRight(base[:min(len(base), MaxKey-len(suffix))], "_-") + suffix
	}
	k.taken[key] = true
	return key
}

func itoa(n int) string {
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

var (
	tags   = regexp.MustCompile(`(?s)<[^>]*>`)
	breaks = regexp.MustCompile(`(?i)<\s*/?\s*(br|p|li|div|ul|ol|h[1-6])\b[^>]*>`)
	spaces = regexp.MustCompile(`[ \t\r\f\v]+`)
	blank  = regexp.MustCompile(`\n\s*\n+`)
)

// Plain is text with its HTML tags removed and entities decoded, spaces collapsed, and
// paragraphs (from <p>, <br>, <li> and blank lines) kept as single blank lines.
func Plain(s string) string {
	s = breaks.ReplaceAllString(s, "\n\n")
	s = tags.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	s = strings.Map(func(r rune) rune {
		if r == '\u00a0' {
			return ' '
		}
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	s = spaces.ReplaceAllString(s, " ")
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	s = blank.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s)
}

// Label fits a text into a label of at most MaxLabel characters on one line. A longer text is
// cut at a word and ends in "…"; rest is then the whole text, for the element's help, and empty
// otherwise.
func Label(text string) (label, rest string) {
	one := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(one) <= MaxLabel {
		return one, ""
	}
	return Clip(one, MaxLabel), text
}

// Clip cuts s to at most max characters, at a space when there is one in the last fifth, and
// ends it in "…" when anything was cut.
func Clip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := r[:max-1]
	if i := strings.LastIndexByte(string(cut), ' '); i > 0 && utf8.RuneCountInString(string(cut)[:i]) > max*4/5 {
		cut = []rune(string(cut)[:i])
	}
	return strings.TrimRight(string(cut), " ,;:.") + "…"
}

// Brief is s on one line (runs of spaces and line breaks as one space, invalid UTF-8 replaced),
// cut to at most max characters ending in "…": how a message quotes a name or an expression.
func Brief(s string, max int) string {
	r := []rune(strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " "))
	if len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return string(r)
}

// Join puts the non-empty texts together as paragraphs, clipped to MaxHelp characters.
func Join(texts ...string) string {
	var parts []string
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			parts = append(parts, t)
		}
	}
	return Clip(strings.Join(parts, "\n\n"), MaxHelp)
}
