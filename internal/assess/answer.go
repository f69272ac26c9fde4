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

// Evidence backs an answer: a link, or an uploaded file (FileID set, with the name, size and
// SHA-256 it was stored with). Both carry the day the evidence applies to (not the day it was
// recorded) and may carry the last day it is valid (an audit report's expiry), after which it
// no longer backs the answer.
type Evidence struct {
	URL           string `json:"url,omitempty"`
	FileID        string `json:"file_id,omitempty"`
	Name          string `json:"name,omitempty"`
	Size          int64  `json:"size,omitempty"`
	SHA256        string `json:"sha256,omitempty"`
	EffectiveDate Date   `json:"effective_date"`
	ValidUntil    Date   `json:"valid_until,omitzero"`
}

// IsFile says whether the evidence is an uploaded file rather than a link.
func (e Evidence) IsFile() bool { return e.FileID != "" }

// Expired says whether the evidence's validity ended before today.
func (e Evidence) Expired(today Date) bool {
	return !e.ValidUntil.IsZero() && today.After(e.ValidUntil)
}

// Backed says whether at least one of the answer's evidence items is still valid today: what
// counts an answer's credit as evidenced.
func (a Answer) Backed(today Date) bool {
	for _, e := range a.Evidence {
		if !e.Expired(today) {
			return true
		}
	}
	return false
}

// BackedUntil is the last day on which evidence still backs the answer: the latest validity
// among its items, zero when one of them has none (it backs for good) or there is no evidence.
func BackedUntil(evidence []Evidence) Date {
	var last Date
	for _, e := range evidence {
		if e.ValidUntil.IsZero() {
			return Date{}
		}
		if e.ValidUntil.After(last) {
			last = e.ValidUntil
		}
	}
	return last
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

// EvidenceInput is one evidence item as a person or a client sent it: a link (URL), or a file
// uploaded before (FileID; the name, size and hash are the stored file's, filled in by
// whoever resolves the id, see WithFile).
type EvidenceInput struct {
	URL           string `json:"url,omitempty"`
	FileID        string `json:"file_id,omitempty"`
	EffectiveDate string `json:"effective_date"`
	ValidUntil    string `json:"valid_until,omitempty"`
	// The stored file's description, set by the caller that looked FileID up; never read from
	// a client.
	File *EvidenceFile `json:"-"`
}

// EvidenceFile is what is known of an uploaded evidence file: what an evidence item that
// names it records.
type EvidenceFile struct {
	ID           string
	EvaluationID int64
	ProviderID   int64 // the evaluation's provider, as read back
	Name         string
	Size         int64
	SHA256       string
	Type         string // internal/filetype's code: "pdf", "docx"
	StoreKey     string
	UploadedBy   string
	CreatedAt    time.Time
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
		return nil, Invalid("evidence", "at most %d links and files", MaxEvidence)
	}
	errs := fieldErrors{}
	out := make([]Evidence, 0, len(in))
	for i, e := range in {
		var item Evidence
		link := strings.TrimSpace(e.URL)
		switch {
		case e.FileID != "" && link != "":
			errs.add(EvidenceField(i, "url"), "give a link or a file_id, not both")
		case e.FileID != "":
			if e.File == nil || e.File.ID != e.FileID {
				errs.add(EvidenceField(i, "file_id"), "no file %s was uploaded to this evaluation", clipID(e.FileID))
			} else {
				item = e.File.Evidence(Date{}, Date{})
			}
		default:
			if err := CheckURL(link); err != nil {
				errs.add(EvidenceField(i, "url"), "%s", err.Error())
			}
			item.URL = link
		}
		d, until, err := CheckEvidenceDates(func(part string) string { return EvidenceField(i, part) }, e.EffectiveDate, e.ValidUntil, today)
		errs.merge("", err)
		item.EffectiveDate, item.ValidUntil = d, until
		out = append(out, item)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Evidence is the evidence item that names the file, for the days given.
func (f EvidenceFile) Evidence(effective, validUntil Date) Evidence {
	return Evidence{FileID: f.ID, Name: f.Name, Size: f.Size, SHA256: f.SHA256, EffectiveDate: effective, ValidUntil: validUntil}
}

// CheckEvidenceDates reads the day evidence applies to (required, not in the future) and its
// last valid day (optional, not before the first). field names the part refused ("effective_date"
// or "valid_until") as the caller's input has it.
func CheckEvidenceDates(field func(part string) string, effective, validUntil string, today Date) (Date, Date, error) {
	errs := fieldErrors{}
	d, err := checkDate(field("effective_date"), strings.TrimSpace(effective), today)
	errs.merge("", err)
	var until Date
	if s := strings.TrimSpace(validUntil); s != "" {
		if until, err = ParseDate(s); err != nil {
			errs.add(field("valid_until"), "%s", err.Error())
		} else if !d.IsZero() && d.After(until) {
			errs.add(field("valid_until"), "%s is before the day the evidence applies to (%s)", until, d)
		}
	}
	return d, until, errs.err()
}

// clipID shortens an id a client sent for a message.
func clipID(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return strings.ToValidUTF8(s, "")
}

// WithEvidence is a, unchanged but for one more evidence item at the end; refused when the
// answer already has as many as it may.
func WithEvidence(a Answer, e Evidence) (Answer, error) {
	if len(a.Evidence) >= MaxEvidence {
		return Answer{}, Invalid("evidence", "this answer already has %d links and files, the most it may have: remove one first", MaxEvidence)
	}
	a.Evidence = append(slices.Clip(a.Evidence), e)
	return a, nil
}

// WithoutFile is a without the evidence item that names file id, and that item; ok is false
// when no item names it.
func WithoutFile(a Answer, id string) (Answer, Evidence, bool) {
	i := slices.IndexFunc(a.Evidence, func(e Evidence) bool { return e.IsFile() && e.FileID == id })
	if i < 0 {
		return a, Evidence{}, false
	}
	removed := a.Evidence[i]
	a.Evidence = slices.Delete(slices.Clone(a.Evidence), i, i+1)
	return a, removed, true
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
