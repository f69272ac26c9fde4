package assess

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Evidence is a link that backs an answer, with the day the evidence applies to (not the day it
// was recorded).
type Evidence struct {
	URL           string `json:"url"`
	EffectiveDate Date   `json:"effective_date"`
}

// Answer is the stored answer to one element of an evaluation.
type Answer struct {
	Question    string
	Element     string
	Value       Value
	Explanation string
	Evidence    []Evidence
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Base, when saving, is the version the change was made from; a save based on an older
	// version than the stored one is refused. Nil saves without the check.
	Base *int
	// Note, when saving, says where the saved answer came from when a person did not type it
	// ("restored version 3", "copied from evaluation 12"); history and audit show it.
	Note string
	// Review is the team's verdict on this version of the answer; Thread the messages on the
	// element (clarification questions and the contact's replies), oldest first.
	Review Review
	Thread []Message
	// By is who gave this version: the provider's contact or a user of the team.
	By AnsweredBy
}

// Ref is the answer's "question.element" key.
func (a Answer) Ref() string { return Ref(a.Question, a.Element) }

// Answered reports whether the element has an answer that counts toward progress.
func (a Answer) Answered() bool { return a.Value.IsSet() }

// EvidenceInput is one evidence link as a person or a client sent it.
type EvidenceInput struct {
	URL           string `json:"url"`
	EffectiveDate string `json:"effective_date"`
}

// AnswerInput is an answer as sent, before it is checked against its element.
type AnswerInput struct {
	Value       json.RawMessage `json:"value"`
	Explanation string          `json:"explanation"`
	Evidence    []EvidenceInput `json:"evidence"`
	BaseVersion *int            `json:"base_version"` // optional: the version this change was made from
}

// NewAnswer checks an input against the element it answers and returns the answer to store.
// today is the day against which future dates are refused. Every problem is reported at once,
// keyed by field.
func (q *Questionnaire) NewAnswer(question, element string, in AnswerInput, today Date) (Answer, error) {
	_, el, ok := q.Element(question, element)
	if !ok {
		return Answer{}, fmt.Errorf("element %s: %w", Ref(question, element), ErrNotFound)
	}
	errs := fieldErrors{}
	v, err := ParseValue(el, in.Value, today)
	errs.merge("", err)
	explanation := strings.TrimSpace(in.Explanation)
	if err := checkText(explanation, MaxTextLength); err != nil {
		errs.add("explanation", "%s", err.Error())
	}
	evidence, err := checkEvidence(in.Evidence, today)
	errs.merge("", err)
	if err := errs.err(); err != nil {
		return Answer{}, err
	}
	if in.BaseVersion != nil && *in.BaseVersion < 0 {
		return Answer{}, Invalid("base_version", "want 0 (not answered yet) or a version number")
	}
	return Answer{
		Question:    question,
		Element:     element,
		Value:       v,
		Explanation: explanation,
		Evidence:    evidence,
		Base:        in.BaseVersion,
	}, nil
}

func checkEvidence(in []EvidenceInput, today Date) ([]Evidence, error) {
	if len(in) > MaxEvidence {
		return nil, Invalid("evidence", "at most %d links", MaxEvidence)
	}
	errs := fieldErrors{}
	out := make([]Evidence, 0, len(in))
	for i, e := range in {
		link := strings.TrimSpace(e.URL)
		if err := CheckURL(link); err != nil {
			errs.add(EvidenceField(i, "url"), "%s", err.Error())
		}
		d, err := checkDate(EvidenceField(i, "effective_date"), strings.TrimSpace(e.EffectiveDate), today)
		errs.merge("", err)
		out = append(out, Evidence{URL: link, EffectiveDate: d})
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckURL accepts absolute http and https links with a host, of reasonable length.
func CheckURL(s string) error {
	if s == "" {
		return fmt.Errorf("is empty: want an http or https link")
	}
	if len(s) > MaxURLLength {
		return fmt.Errorf("is longer than %d characters", MaxURLLength)
	}
	if err := checkText(s, MaxURLLength); err != nil || strings.ContainsAny(s, " \t\r\n") {
		return fmt.Errorf("contains spaces or control characters")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an http or https link, such as https://example.com/security")
	}
	return nil
}

// Revision is one save of an answer, as the history shows it.
type Revision struct {
	Version     int
	OldValue    Value
	NewValue    Value
	Explanation string
	Evidence    []Evidence
	Actor       string
	At          time.Time
	Note        string // "restored version 3", "copied from evaluation 12"; empty for a typed save
	By          AnsweredBy
}

// VersionConflict refuses a save made from an older version than the stored one, and carries
// the stored answer so that the person can compare and choose.
type VersionConflict struct {
	Base    int
	Current Answer
}

func (e *VersionConflict) Error() string {
	return fmt.Sprintf("the answer was changed to version %d since version %d you edited", e.Current.Version, e.Base)
}

// Unwrap makes a version conflict a conflict.
func (e *VersionConflict) Unwrap() error { return ErrConflict }

// RefusedEvidence reports which evidence rows a refusal names, when evidence rows are all it
// names: a bad link then need not hold back the rest of the element, which can be saved without
// those rows while they stay in front of the person with their problems.
func RefusedEvidence(err error) (rows []int, only bool) {
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) == 0 {
		return nil, false
	}
	seen := map[int]bool{}
	for field := range ve.Fields {
		i, _, ok := ParseEvidenceField(field)
		if !ok {
			return nil, false
		}
		if !seen[i] {
			seen[i] = true
			rows = append(rows, i)
		}
	}
	slices.Sort(rows)
	return rows, true
}

// EvidenceField names one evidence row's part ("url" or "effective_date") in a refusal:
// "evidence[0].url".
func EvidenceField(row int, part string) string { return fmt.Sprintf("evidence[%d].%s", row, part) }

// ParseEvidenceField reads a field name made by EvidenceField.
func ParseEvidenceField(field string) (row int, part string, ok bool) {
	n, _ := fmt.Sscanf(field, "evidence[%d].%s", &row, &part)
	return row, part, n == 2 && row >= 0 && EvidenceField(row, part) == field
}
