package assess

import (
	"strconv"
	"strings"
)

// AnswerText is an answer in words, on one line, as every page, file and audit entry shows it:
// status labels, option labels, numbers with their unit, ISO dates, and a matrix as
// "Layer: Owner; ...".
func AnswerText(el *Element, v Value) string {
	if !v.IsSet() {
		return "Not answered"
	}
	switch v.Type {
	case TypeStatus:
		return v.Status.Label()
	case TypeMatrix:
		split := el.Split()
		parts := make([]string, 0, len(split.Keys()))
		for _, l := range split.Keys() {
			parts = append(parts, split.Label(l)+": "+OwnerText(v.Matrix[l]))
		}
		return strings.Join(parts, "; ")
	case TypeChoice:
		return OptionLabel(el, v.Choice)
	case TypeMulti:
		if len(v.Multi) == 0 {
			return "None"
		}
		labels := make([]string, 0, len(v.Multi))
		for _, key := range v.Multi {
			labels = append(labels, OptionLabel(el, key))
		}
		return strings.Join(labels, ", ")
	case TypeNumber:
		return NumberText(v.Number, el.Unit)
	case TypeDate:
		return v.Date.String()
	case TypeText:
		return v.Text
	}
	return ""
}

// OwnerText names a layer's owner, or says that none was given.
func OwnerText(o Owner) string {
	if o == "" {
		return "not assigned"
	}
	return o.Label()
}

// OptionLabel is an option's label, or its key when the element has no such option.
func OptionLabel(el *Element, key string) string {
	if o, ok := el.Option(key); ok {
		return o.Label
	}
	return key
}

// NumberText writes a number as people read it, with its unit ("1 day", "365 days").
func NumberText(n float64, unit string) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	switch {
	case unit == "":
		return s
	case n == 1 && strings.HasSuffix(unit, "s"):
		return s + " " + strings.TrimSuffix(unit, "s")
	}
	return s + " " + unit
}

// Bytes is a size for people: "512 bytes", "1.5 KiB", "25 MiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0") + " " + suffix
}
