package report

import (
	"strings"
	"time"
	"unicode"
)

// maxSlugLength bounds each slug in a file name, so that the whole name stays short enough
// for every file system and mail client.
const maxSlugLength = 40

// FileName is the name a downloaded report is saved under:
// "shareline-<provider-slug>-<offering-slug>-<YYYY-MM-DD of GeneratedAt>.<ext>", after the
// provider and offering as the evaluation recorded them. Slugs are ASCII: common Latin letters
// with diacritics are transliterated (ć→c, Ü→u, ß→ss), other characters dropped, and a
// provider whose name leaves nothing becomes "provider". An empty offering slug is left out.
func FileName(r Report, ext string) string {
	parts := []string{"shareline", slugOr(r.Evaluation.ProviderName, "provider")}
	if s := slug(r.Evaluation.Offering); s != "" {
		parts = append(parts, s)
	}
	return datedName(strings.Join(parts, "-"), r.GeneratedAt, ext)
}

// PortfolioFileName is the name of the portfolio export: "shareline-portfolio-YYYY-MM-DD.<ext>".
func PortfolioFileName(generated time.Time, ext string) string {
	return datedName("shareline-portfolio", generated, ext)
}

// CompareFileName is the name a downloaded comparison is saved under:
// "shareline-comparison-<YYYY-MM-DD of generated>.<ext>".
func CompareFileName(generated time.Time, ext string) string {
	return datedName("shareline-comparison", generated, ext)
}

// datedName is "<prefix>-YYYY-MM-DD.<ext>".
func datedName(prefix string, day time.Time, ext string) string {
	return prefix + "-" + day.Format("2006-01-02") + "." + strings.TrimPrefix(ext, ".")
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
