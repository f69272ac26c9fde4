package assess

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is the answer to a status element.
type Status string

// The status answers.
const (
	Yes              Status = "yes"
	Partial          Status = "partial"
	No               Status = "no"
	StatusNotApplies Status = "not_applicable"
)

// Statuses lists the status answers in display order.
var Statuses = []Status{Yes, Partial, No, StatusNotApplies}

// Label is the status's name for people.
func (s Status) Label() string {
	switch s {
	case Yes:
		return "Yes"
	case Partial:
		return "Partial"
	case No:
		return "No"
	case StatusNotApplies:
		return "Not applicable"
	}
	return string(s)
}

// Limits on answers.
const (
	MaxTextLength   = 10000 // characters in a text answer or an explanation
	MaxNumber       = 1e9
	MaxEvidence     = 20
	MaxURLLength    = 2048
	maxValueBytes   = 64 << 10
	valueFieldName  = "value"
	errWantOneOf    = "want one of %s"
	errWantAString  = "want a string"
	errUnknownOwner = "unknown owner %q: want one of %s"
)

// Value is a typed answer. The zero Value is "not answered".
type Value struct {
	Type   AnswerType
	Status Status
	Matrix map[Layer]Owner
	Choice string
	Multi  []string
	Number float64
	Date   Date
	Text   string
}

// IsSet reports whether the value holds an answer.
func (v Value) IsSet() bool { return v.Type != "" }

// NotApplicable reports whether the answer removes its element from its question.
func (v Value) NotApplicable() bool { return v.Type == TypeStatus && v.Status == StatusNotApplies }

// Chosen is what a status, choice or multi answer picked, as keys; nil for other answers.
func (v Value) Chosen() []string {
	switch v.Type {
	case TypeStatus:
		return []string{string(v.Status)}
	case TypeChoice:
		return []string{v.Choice}
	case TypeMulti:
		return v.Multi
	}
	return nil
}

// MarshalJSON writes the value in the API's shape: a string, an object of layers, a list of
// option keys, a number, a "YYYY-MM-DD" date, or null when unanswered.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.Type {
	case TypeStatus:
		return json.Marshal(v.Status)
	case TypeMatrix:
		return json.Marshal(v.Matrix)
	case TypeChoice:
		return json.Marshal(v.Choice)
	case TypeMulti:
		return json.Marshal(v.Multi)
	case TypeNumber:
		return json.Marshal(v.Number)
	case TypeDate:
		return v.Date.MarshalJSON()
	case TypeText:
		return json.Marshal(v.Text)
	}
	return []byte("null"), nil
}

// ParseValue reads a JSON value for element el and checks it. JSON null, or nothing, is the
// unanswered Value. today is the day against which dates are checked (no future dates).
func ParseValue(el *Element, raw json.RawMessage, today Date) (Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return Value{}, nil
	}
	if len(raw) > maxValueBytes {
		return Value{}, Invalid(valueFieldName, "is too large")
	}
	v := Value{Type: el.Type}
	var err error
	switch el.Type {
	case TypeStatus:
		v.Status, err = parseStatus(raw)
	case TypeMatrix:
		v.Matrix, err = parseMatrix(el.split, raw)
		if err == nil && v.Matrix == nil {
			return Value{}, nil // an empty matrix claims nothing: not answered
		}
	case TypeChoice:
		v.Choice, err = parseChoice(el, raw)
	case TypeMulti:
		v.Multi, err = parseMulti(el, raw)
	case TypeNumber:
		v.Number, err = parseNumber(raw)
	case TypeDate:
		v.Date, err = parseDateValue(raw, today)
	case TypeText:
		v.Text, err = parseText(raw)
	default:
		err = Invalid(valueFieldName, "element type %q takes no value", el.Type)
	}
	if err != nil {
		return Value{}, err
	}
	return v, nil
}

func decodeString(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", Invalid(valueFieldName, errWantAString)
	}
	return s, nil
}

func parseStatus(raw json.RawMessage) (Status, error) {
	s, err := decodeString(raw)
	if err != nil {
		return "", Invalid(valueFieldName, errWantOneOf, "yes, partial, no, not_applicable")
	}
	if !slices.Contains(Statuses, Status(s)) {
		return "", Invalid(valueFieldName, "unknown status %q: "+errWantOneOf, s, "yes, partial, no, not_applicable")
	}
	return Status(s), nil
}

func parseMatrix(split *Split, raw json.RawMessage) (map[Layer]Owner, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, Invalid(valueFieldName, "want an object giving an owner for each layer")
	}
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[Layer]Owner, len(m))
	errs := fieldErrors{}
	for k, rv := range m {
		field := valueFieldName + "." + k
		if !split.HasLayer(Layer(k)) {
			errs.add(field, "unknown layer %q", k)
			continue
		}
		s, err := decodeString(rv)
		if err != nil {
			errs.add(field, errWantAString)
			continue
		}
		if !split.AllowsOwner(Owner(s)) {
			errs.add(field, errUnknownOwner, s, ownerList(split))
			continue
		}
		out[Layer(k)] = Owner(s)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func ownerList(s *Split) string {
	names := make([]string, 0, len(s.Owners))
	for _, o := range s.Owners {
		names = append(names, string(o))
	}
	return strings.Join(names, ", ")
}

func parseChoice(el *Element, raw json.RawMessage) (string, error) {
	s, err := decodeString(raw)
	if err != nil {
		return "", err
	}
	if _, ok := el.Option(s); !ok {
		return "", Invalid(valueFieldName, "unknown option %q", s)
	}
	return s, nil
}

func parseMulti(el *Element, raw json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, Invalid(valueFieldName, "want a list of options")
	}
	out := make([]string, 0, len(list))
	for _, item := range list {
		s, err := decodeString(item)
		if err != nil {
			return nil, Invalid(valueFieldName, "want a list of option keys (strings)")
		}
		if _, ok := el.Option(s); !ok {
			return nil, Invalid(valueFieldName, "unknown option %q", s)
		}
		if slices.Contains(out, s) {
			return nil, Invalid(valueFieldName, "option %q is listed twice", s)
		}
		out = append(out, s)
	}
	return out, nil
}

func parseNumber(raw json.RawMessage) (float64, error) {
	if raw[0] == '"' || raw[0] == '{' || raw[0] == '[' || raw[0] == 't' || raw[0] == 'f' {
		return 0, Invalid(valueFieldName, "want a number")
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, Invalid(valueFieldName, "want a number")
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, Invalid(valueFieldName, "want a number of at most %g", MaxNumber)
	}
	if f < 0 {
		return 0, Invalid(valueFieldName, "want a number of 0 or more")
	}
	if f > MaxNumber {
		return 0, Invalid(valueFieldName, "want a number of at most %g", MaxNumber)
	}
	return f, nil
}

func parseDateValue(raw json.RawMessage, today Date) (Date, error) {
	s, err := decodeString(raw)
	if err != nil {
		return Date{}, Invalid(valueFieldName, "want a date as YYYY-MM-DD")
	}
	return checkDate(valueFieldName, s, today)
}

// checkDate parses a day and refuses one after today.
func checkDate(field, s string, today Date) (Date, error) {
	d, err := ParseDate(s)
	if err != nil {
		return Date{}, Invalid(field, "%s", err.Error())
	}
	if d.After(today) {
		return Date{}, Invalid(field, "%s is in the future", s)
	}
	return d, nil
}

func parseText(raw json.RawMessage) (string, error) {
	s, err := decodeString(raw)
	if err != nil {
		return "", err
	}
	if err := checkText(s, MaxTextLength); err != nil {
		return "", Invalid(valueFieldName, "%s", err.Error())
	}
	return s, nil
}

// checkText refuses text that is too long or holds bytes no person typed.
func checkText(s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("is %d characters long: at most %d", n, max)
	}
	for _, r := range s {
		if r == 0 || (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || (r >= 0x7F && r <= 0x9F) {
			return fmt.Errorf("contains a control character")
		}
	}
	return nil
}

// ParseStoredValue reads a value that was checked when it was saved. Dates are not compared
// with today again: a stored date was in the past when it was saved.
func ParseStoredValue(el *Element, raw json.RawMessage) (Value, error) {
	return ParseValue(el, raw, Date{9999, time.December, 31})
}
