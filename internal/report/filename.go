package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxSlugLength bounds each slug in a file name, so that the whole name stays short enough
// for every file system and mail client.
const maxSlugLength = 40

// maxNameRunes bounds each name in a UTF-8 file name.
const maxNameRunes = 48

// Name is the name a download is saved under: ASCII for clients that read only filename,
// and UTF-8 with the names in their own script for those that read filename* (RFC 6266).
type Name struct {
	ASCII string
	UTF8  string
}

// Disposition is the Content-Disposition of an attachment with this name: filename with the
// ASCII name and filename* with the UTF-8 one, percent-encoded as RFC 8187 has it.
func (n Name) Disposition() string {
	return fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", n.ASCII, encodeRFC8187(n.UTF8))
}

// UploadName is the name an uploaded file is downloaded under: its own name in UTF-8, and for
// filename the same with each character outside printable ASCII (and each quote or backslash)
// as an underscore.
func UploadName(name string) Name {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return Name{ASCII: ascii, UTF8: name}
}

// encodeRFC8187 percent-encodes every byte of s but RFC 8187's attr-char.
func encodeRFC8187(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// FileName is the name a downloaded report is saved under. ASCII:
// "shareline-<provider-slug>-<offering-slug>-evaluation-<id>-<YYYY-MM-DD of GeneratedAt>.<ext>",
// slugs of the provider and offering as the evaluation recorded them, with common Latin letters
// with diacritics transliterated (ć→c, Ü→u, ß→ss), other characters dropped, and "provider"
// for a name that leaves nothing, so that the evaluation id tells files apart. UTF-8: the same
// with the names as they are written (spaces as dashes, characters that file systems refuse
// left out).
func FileName(r Report, ext string) Name {
	ascii := []string{"shareline", slugOr(r.Evaluation.ProviderName, "provider")}
	utf := []string{"shareline", fileWord(r.Evaluation.ProviderName, "provider")}
	if s := slug(r.Evaluation.Offering); s != "" {
		ascii = append(ascii, s)
	}
	if s := fileWord(r.Evaluation.Offering, ""); s != "" {
		utf = append(utf, s)
	}
	id := "evaluation-" + strconv.FormatInt(r.Evaluation.ID, 10)
	ascii, utf = append(ascii, id), append(utf, id)
	return Name{datedName(strings.Join(ascii, "-"), r.GeneratedAt, ext), datedName(strings.Join(utf, "-"), r.GeneratedAt, ext)}
}

// PortfolioFileName is the name of the portfolio export: "shareline-portfolio-YYYY-MM-DD.<ext>".
func PortfolioFileName(generated time.Time, ext string) Name {
	n := datedName("shareline-portfolio", generated, ext)
	return Name{n, n}
}

// CompareFileName is the name a downloaded comparison is saved under. ASCII:
// "shareline-comparison-<n>-providers-<YYYY-MM-DD>.<ext>"; UTF-8: the first three providers'
// names in their own script, "and-<k>-more" for the others, then the day.
func CompareFileName(c Comparison, ext string) Name {
	n := len(c.Providers)
	ascii := fmt.Sprintf("shareline-comparison-%d-providers", n)
	utf := []string{"shareline-comparison"}
	for _, p := range c.Providers[:min(3, n)] {
		utf = append(utf, fileWord(p.Evaluation.ProviderName, "provider"))
	}
	if n > 3 {
		utf = append(utf, fmt.Sprintf("and-%d-more", n-3))
	}
	return Name{datedName(ascii, c.GeneratedAt, ext), datedName(strings.Join(utf, "-"), c.GeneratedAt, ext)}
}

// datedName is "<prefix>-YYYY-MM-DD.<ext>".
func datedName(prefix string, day time.Time, ext string) string {
	return prefix + "-" + day.Format("2006-01-02") + "." + strings.TrimPrefix(ext, ".")
}

// fileWord is s as part of a UTF-8 file name: runs of spaces become one dash, characters that
// Windows, macOS or Linux refuse in a name (controls, / \ : * ? " < > |) are left out, and it
// is cut to maxNameRunes; fallback when nothing is left.
func fileWord(s, fallback string) string {
	var b strings.Builder
	dash, n := false, 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			dash = b.Len() > 0
			continue
		case unicode.IsControl(r), strings.ContainsRune(`/\:*?"<>|`, r), r == unicode.ReplacementChar:
			continue
		}
		if n >= maxNameRunes {
			break
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
		n++
	}
	if out := strings.Trim(b.String(), "-."); out != "" {
		return out
	}
	return fallback
}

func slugOr(s, fallback string) string {
	if out := slug(s); out != "" {
		return out
	}
	return fallback
}

// slug lower-cases s, transliterates Latin diacritics, turns every run of other characters
// into one dash, and cuts the result at a dash boundary near maxSlugLength.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		ascii := transliterate(r)
		if ascii == "" {
			// A character with no ASCII form (Cyrillic, CJK...) is dropped without a dash,
			// but a space, punctuation or symbol separates words.
			if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) {
				continue
			}
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(ascii)
	}
	out := b.String()
	if len(out) > maxSlugLength {
		out = out[:maxSlugLength]
		if i := strings.LastIndexByte(out, '-'); i > maxSlugLength/2 {
			out = out[:i]
		}
	}
	return strings.Trim(out, "-")
}

// transliterate gives the ASCII letters or digits for r, or "" when r has none.
func transliterate(r rune) string {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return string(r)
	case r < 0x80:
		return ""
	}
	return latinFolds[r]
}

// latinFolds maps lower-case Latin letters with diacritics (Latin-1 Supplement and Latin
// Extended-A, plus the common Romanian and Turkish forms) to ASCII.
var latinFolds = buildFolds(map[string]string{
	"a":  "àáâãäåāăą",
	"ae": "æ",
	"c":  "çćĉċč",
	"d":  "ďđð",
	"e":  "èéêëēĕėęě",
	"g":  "ĝğġģ",
	"h":  "ĥħ",
	"i":  "ìíîïĩīĭįı",
	"ij": "ĳ",
	"j":  "ĵ",
	"k":  "ķĸ",
	"l":  "ĺļľŀł",
	"n":  "ñńņňŉŋ",
	"o":  "òóôõöøōŏő",
	"oe": "œ",
	"r":  "ŕŗř",
	"s":  "śŝşšșſ",
	"ss": "ß",
	"t":  "ţťŧț",
	"th": "þ",
	"u":  "ùúûüũūŭůűų",
	"w":  "ŵ",
	"y":  "ýÿŷ",
	"z":  "źżž",
})

func buildFolds(groups map[string]string) map[rune]string {
	out := map[rune]string{}
	for ascii, letters := range groups {
		for _, r := range letters {
			out[r] = ascii
		}
	}
	return out
}
