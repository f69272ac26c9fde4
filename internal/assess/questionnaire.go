package assess

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
)

// AnswerType says what kind of value an element takes.
type AnswerType string

// The answer types.
const (
	TypeStatus AnswerType = "status"
	TypeMatrix AnswerType = "matrix"
	TypeChoice AnswerType = "choice"
	TypeMulti  AnswerType = "multi"
	TypeNumber AnswerType = "number"
	TypeDate   AnswerType = "date"
	TypeText   AnswerType = "text"
)

func (t AnswerType) valid() bool {
	switch t {
	case TypeStatus, TypeMatrix, TypeChoice, TypeMulti, TypeNumber, TypeDate, TypeText:
		return true
	}
	return false
}

// Questionnaire is one version of a set of questions. It is data, stored as JSON: the questions,
// their elements and credit rules, and the responsibility split that matrix elements ask about
// (nil when the questionnaire has no matrix).
type Questionnaire struct {
	Key         string     `json:"key"`
	Version     int        `json:"version"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Split       *Split     `json:"split,omitempty"`
	Questions   []Question `json:"questions"`
}

// Question groups elements; its score is one of the figures the coverage score averages.
type Question struct {
	Key      string    `json:"key"`
	Title    string    `json:"title"`
	Prompt   string    `json:"prompt,omitempty"`
	Weight   float64   `json:"weight"`
	Elements []Element `json:"elements"`
}

// Element is one thing a respondent answers.
type Element struct {
	Key      string     `json:"key"`
	Label    string     `json:"label"`
	Help     string     `json:"help,omitempty"`
	Type     AnswerType `json:"type"`
	Weight   float64    `json:"weight"`
	Evidence bool       `json:"evidence"`
	// Critical marks an element that holds the tier at Weak (CriticalCap) while it applies and
	// earns less than full credit, whatever the coverage.
	Critical bool     `json:"critical,omitempty"`
	Options  []Option `json:"options,omitempty"`
	Unit     string   `json:"unit,omitempty"`
	Bands    *Bands   `json:"bands,omitempty"`
	// Section is the heading, inside its question, of the group of elements this one belongs
	// to: the second level of nesting. Elements of one section are listed together.
	Section string `json:"section,omitempty"`
	// When is the condition under which the element is asked (nil: always).
	When *Condition `json:"when,omitempty"`

	split *Split // the questionnaire's split, for matrix elements; set when it is checked
}

// Split is the responsibility split a matrix element asks about (nil for other elements).
func (e *Element) Split() *Split { return e.split }

// Option is one choice of a choice or multi element. Credit is what choosing it earns (default 1);
// a multi element earns the best credit among the options chosen.
type Option struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Credit float64 `json:"credit"`
}

// Bands turn a number into a credit: a value at or beyond Full earns 1, at or beyond Half earns 0.5,
// anything else 0. Better says which direction is beyond: "higher" or "lower".
type Bands struct {
	Better string  `json:"better"`
	Full   float64 `json:"full"`
	Half   float64 `json:"half"`
}

// UnmarshalJSON tells a weight left out (1) from an explicit 0 (refused when checked).
func (qu *Question) UnmarshalJSON(b []byte) error {
	type plain Question
	aux := struct {
		*plain
		Weight *float64 `json:"weight"`
	}{plain: (*plain)(qu)}
	if err := decodeStrict(b, &aux); err != nil {
		return err
	}
	qu.Weight = weightOrDefault(aux.Weight)
	return nil
}

// UnmarshalJSON tells a weight left out (1) from an explicit 0 (refused when checked).
func (el *Element) UnmarshalJSON(b []byte) error {
	type plain Element
	aux := struct {
		*plain
		Weight *float64 `json:"weight"`
	}{plain: (*plain)(el)}
	if err := decodeStrict(b, &aux); err != nil {
		return err
	}
	el.Weight = weightOrDefault(aux.Weight)
	return nil
}

// UnmarshalJSON tells a credit left out (1) from an explicit 0 (an option that earns nothing).
func (o *Option) UnmarshalJSON(b []byte) error {
	type plain Option
	aux := struct {
		*plain
		Credit *float64 `json:"credit"`
	}{plain: (*plain)(o)}
	if err := decodeStrict(b, &aux); err != nil {
		return err
	}
	o.Credit = 1
	if aux.Credit != nil {
		o.Credit = *aux.Credit
	}
	return nil
}

func weightOrDefault(w *float64) float64 {
	if w == nil {
		return 1
	}
	return *w
}

// decodeStrict decodes one JSON value refusing unknown fields, as the whole document is.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Ref is the "question.element" key of an element, as used in the API.
func Ref(question, element string) string { return question + "." + element }

// Element finds an element by its question and element keys.
func (q *Questionnaire) Element(question, element string) (*Question, *Element, bool) {
	for i := range q.Questions {
		if q.Questions[i].Key != question {
			continue
		}
		for j := range q.Questions[i].Elements {
			if q.Questions[i].Elements[j].Key == element {
				return &q.Questions[i], &q.Questions[i].Elements[j], true
			}
		}
	}
	return nil, nil, false
}

// Section is a run of a question's elements under one heading (empty for elements before the
// question's first section).
type Section struct {
	Title    string
	Elements []*Element
}

// Sections groups the question's elements by section, in order.
func (qu *Question) Sections() []Section {
	var out []Section
	for i := range qu.Elements {
		el := &qu.Elements[i]
		if len(out) == 0 || out[len(out)-1].Title != el.Section {
			out = append(out, Section{Title: el.Section})
		}
		out[len(out)-1].Elements = append(out[len(out)-1].Elements, el)
	}
	return out
}

// ElementCount is the number of elements across every question.
func (q *Questionnaire) ElementCount() int {
	n := 0
	for _, qu := range q.Questions {
		n += len(qu.Elements)
	}
	return n
}

// Option finds an option of a choice or multi element.
func (e *Element) Option(key string) (Option, bool) {
	for _, o := range e.Options {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

// ParseQuestionnaire reads a questionnaire from JSON and checks it, filling in default weights
// and option credits. Unknown fields are refused so that a typo cannot silently change scoring.
func ParseQuestionnaire(data []byte) (*Questionnaire, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var q Questionnaire
	if err := dec.Decode(&q); err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("questionnaire: trailing data after the document")
	}
	if err := q.check(); err != nil {
		return nil, fmt.Errorf("questionnaire %q v%d: %w", q.Key, q.Version, err)
	}
	return &q, nil
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

func (q *Questionnaire) check() error {
	if !keyPattern.MatchString(q.Key) {
		return fmt.Errorf("key %q: want lower-case letters, digits, '_' or '-'", q.Key)
	}
	if q.Version < 1 {
		return fmt.Errorf("version %d: want 1 or more", q.Version)
	}
	if q.Title == "" {
		return fmt.Errorf("title is empty")
	}
	if len(q.Questions) == 0 {
		return fmt.Errorf("no questions")
	}
	if q.Split != nil {
		if err := q.Split.check(); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for i := range q.Questions {
		qu := &q.Questions[i]
		if seen[qu.Key] {
			return fmt.Errorf("question %q appears twice", qu.Key)
		}
		seen[qu.Key] = true
		if err := qu.check(); err != nil {
			return fmt.Errorf("question %q: %w", qu.Key, err)
		}
		for j := range qu.Elements {
			el := &qu.Elements[j]
			if el.Type != TypeMatrix {
				continue
			}
			if q.Split == nil {
				return fmt.Errorf("question %q: element %q: a matrix element needs the questionnaire's split", qu.Key, el.Key)
			}
			el.split = q.Split
		}
	}
	return q.checkConditions()
}

func (qu *Question) check() error {
	if !keyPattern.MatchString(qu.Key) || qu.Title == "" {
		return fmt.Errorf("want a lower-case key and a title")
	}
	if err := checkWeight(qu.Weight); err != nil {
		return err
	}
	if len(qu.Elements) == 0 {
		return fmt.Errorf("no elements")
	}
	seen, sections := map[string]bool{}, map[string]bool{}
	for i := range qu.Elements {
		el := &qu.Elements[i]
		if seen[el.Key] {
			return fmt.Errorf("element %q appears twice", el.Key)
		}
		seen[el.Key] = true
		if i == 0 || el.Section != qu.Elements[i-1].Section {
			if sections[el.Section] {
				return fmt.Errorf("element %q: the elements of section %q must be listed together", el.Key, el.Section)
			}
			sections[el.Section] = true
		}
		if err := el.check(); err != nil {
			return fmt.Errorf("element %q: %w", el.Key, err)
		}
	}
	return nil
}

func (el *Element) check() error {
	if !keyPattern.MatchString(el.Key) || el.Label == "" {
		return fmt.Errorf("want a lower-case key and a label")
	}
	if !el.Type.valid() {
		return fmt.Errorf("unknown type %q", el.Type)
	}
	if err := checkWeight(el.Weight); err != nil {
		return err
	}
	hasOptions := el.Type == TypeChoice || el.Type == TypeMulti
	if hasOptions != (len(el.Options) > 0) {
		return fmt.Errorf("options are for choice and multi elements, which need at least one")
	}
	if el.Bands != nil && el.Type != TypeNumber {
		return fmt.Errorf("bands are for number elements")
	}
	if el.Bands != nil {
		if err := el.Bands.check(); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for i := range el.Options {
		o := &el.Options[i]
		if !keyPattern.MatchString(o.Key) || o.Label == "" || seen[o.Key] {
			return fmt.Errorf("option %q: want a unique lower-case key and a label", o.Key)
		}
		seen[o.Key] = true
		if o.Credit < 0 || o.Credit > 1 || math.IsNaN(o.Credit) {
			return fmt.Errorf("option %q: credit %v is outside 0 to 1", o.Key, o.Credit)
		}
	}
	return nil
}

func (b *Bands) check() error {
	switch {
	case b.Better == "higher" && b.Full >= b.Half:
	case b.Better == "lower" && b.Full <= b.Half:
	default:
		return fmt.Errorf("bands: want better \"higher\" with full >= half, or \"lower\" with full <= half")
	}
	return nil
}

// checkWeight refuses weights that would break the arithmetic.
func checkWeight(w float64) error {
	if w <= 0 || w > 100 || math.IsNaN(w) {
		return fmt.Errorf("weight %v: want more than 0 and at most 100", w)
	}
	return nil
}

// DefaultKey is the key of the questionnaire new evaluations use unless told otherwise.
const DefaultKey = "shared-responsibility"
