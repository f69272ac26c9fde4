package assess

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// A request asks a provider's contact to answer one evaluation themselves, through a link that
// reaches nothing else. Its state follows from what happened to it, in this order of precedence:
// revoked, submitted, expired, in progress (something saved), opened, sent.

// RequestStatus is where a request stands.
type RequestStatus string

// The request states.
const (
	RequestSent       RequestStatus = "sent"
	RequestOpened     RequestStatus = "opened"
	RequestInProgress RequestStatus = "in_progress"
	RequestSubmitted  RequestStatus = "submitted"
	RequestRevoked    RequestStatus = "revoked"
	RequestExpired    RequestStatus = "expired"
)

// Label is the state in words.
func (s RequestStatus) Label() string {
	if s == RequestInProgress {
		return "In progress"
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// Limits on a request's fields.
const (
	MaxContactNameLength  = 200
	MaxContactEmailLength = 254
	MaxRequestMessage     = 5000
	// RequestGrace is how long a link lives past its due date.
	RequestGrace = 14 * 24 * time.Hour
	// MaxDueDays is how far ahead a due date may be.
	MaxDueDays = 366
)

// Request is a request for an evaluation sent to a provider's contact.
type Request struct {
	ID           int64
	EvaluationID int64
	ProviderID   int64
	ContactName  string
	ContactEmail string
	DueDate      Date
	Message      string
	ExpiresAt    time.Time
	// SentBy and SentByEmail are the evaluator who sent it: who the contact is told to ask
	// when the link no longer works.
	SentBy, SentByEmail string
	CreatedAt           time.Time
	OpenedAt            *time.Time
	StartedAt           *time.Time // the contact's first save
	SubmittedAt         *time.Time
	RevokedAt           *time.Time
	// EmailedAt is when the current link was emailed to the contact; EmailFailedAt when the
	// last try to email it failed (nil: not tried, as when no mail server is configured).
	EmailedAt, EmailFailedAt *time.Time
}

// RequestInput is a request as a person or a client sent it.
type RequestInput struct {
	ContactName  string `json:"contact_name"`
	ContactEmail string `json:"contact_email"`
	DueDate      string `json:"due_date"`
	Message      string `json:"message"`
}

// NewRequest checks a request's fields against today and returns the request they make, with
// its expiry (the end of the due date plus RequestGrace). Every problem is named by its field.
func NewRequest(in RequestInput, today Date) (Request, error) {
	f := fieldErrors{}
	name := strings.TrimSpace(in.ContactName)
	if name == "" {
		f.add("contact_name", "is required: the name of the person at the provider who answers")
	} else if err := checkLine(name, MaxContactNameLength); err != nil {
		f.add("contact_name", "%s", err.Error())
	}
	email := strings.TrimSpace(in.ContactEmail)
	if email == "" {
		f.add("contact_email", "is required")
	} else if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > MaxContactEmailLength || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		f.add("contact_email", "want an email address such as name@example.com")
	}
	var due Date
	if strings.TrimSpace(in.DueDate) == "" {
		f.add("due_date", "is required: the day the answers are due, as YYYY-MM-DD")
	} else if d, err := ParseDate(strings.TrimSpace(in.DueDate)); err != nil {
		f.add("due_date", "%s", err.Error())
	} else if today.After(d) {
		f.add("due_date", "is in the past: choose today (%s) or a later day", today)
	} else if d.DaysSince(today) > MaxDueDays {
		f.add("due_date", "is more than %d days ahead", MaxDueDays)
	} else {
		due = d
	}
	if err := checkText(in.Message, MaxRequestMessage); err != nil {
		f.add("message", "%s", err.Error())
	}
	if err := f.err(); err != nil {
		return Request{}, err
	}
	return Request{ContactName: name, ContactEmail: email, DueDate: due, Message: strings.TrimSpace(in.Message),
		ExpiresAt: RequestExpiry(due)}, nil
}

// RequestExpiry is when a link for a request due on due stops working: the end of that day
// (UTC) plus RequestGrace.
func RequestExpiry(due Date) time.Time { return due.Time().Add(24 * time.Hour).Add(RequestGrace) }

// Status is where the request stands at now.
func (r Request) Status(now time.Time) RequestStatus {
	switch {
	case r.RevokedAt != nil:
		return RequestRevoked
	case r.SubmittedAt != nil:
		return RequestSubmitted
	case !now.Before(r.ExpiresAt):
		return RequestExpired
	case r.StartedAt != nil:
		return RequestInProgress
	case r.OpenedAt != nil:
		return RequestOpened
	}
	return RequestSent
}

// Overdue says whether the request is past its due day (UTC) with nothing submitted and the
// request not revoked: what the overview lists as overdue.
func (r Request) Overdue(now time.Time) bool {
	return r.RevokedAt == nil && r.SubmittedAt == nil && !now.Before(r.DueDate.Time().Add(24*time.Hour))
}

// OverdueRequest is an overdue request with the name of its provider, as the overview lists it.
type OverdueRequest struct {
	Request
	ProviderName string
}

// LinkClosed is the answer to a request link that was revoked or has expired: it names who to
// ask for a new one.
type LinkClosed struct {
	Status              RequestStatus // revoked or expired
	SentBy, SentByEmail string
}

func (e *LinkClosed) Error() string {
	what := "was revoked"
	if e.Status == RequestExpired {
		what = "has expired"
	}
	who := e.SentBy
	if e.SentByEmail != "" {
		who += " (" + e.SentByEmail + ")"
	}
	return fmt.Sprintf("this request link %s. Ask %s, who sent it, for a new one", what, who)
}

// CheckOpenable refuses a link that was revoked or has expired. A submitted request still
// opens, read-only.
func CheckOpenable(r Request, now time.Time) error {
	if st := r.Status(now); st == RequestRevoked || st == RequestExpired {
		return &LinkClosed{Status: st, SentBy: r.SentBy, SentByEmail: r.SentByEmail}
	}
	return nil
}

// ErrSubmitted: the contact submitted their answers, and their side is read-only.
var ErrSubmitted error = Conflict("the answers were submitted, and can no longer be changed through this link")

// CheckRespondable refuses a change by the contact once the link is closed or the answers are
// submitted.
func CheckRespondable(r Request, now time.Time) error {
	if err := CheckOpenable(r, now); err != nil {
		return err
	}
	if r.SubmittedAt != nil {
		return ErrSubmitted
	}
	return nil
}

// CheckRevocable refuses revoking a request twice.
func CheckRevocable(r Request) error {
	if r.RevokedAt != nil {
		return Conflict("this request is already revoked")
	}
	return nil
}

// CheckReissuable refuses a new link for a request that was revoked or whose answers came in.
func CheckReissuable(r Request) error {
	switch {
	case r.RevokedAt != nil:
		return Conflict("this request is revoked: send a new request instead")
	case r.SubmittedAt != nil:
		return Conflict("the answers to this request were submitted: there is nothing left to answer")
	}
	return nil
}

// ReissuedExpiry is a reissued link's expiry: the request's own, or RequestGrace from now when
// that has passed, so that a new link for an expired request works.
func ReissuedExpiry(r Request, now time.Time) time.Time {
	if now.Add(RequestGrace).After(r.ExpiresAt) && !now.Before(r.ExpiresAt) {
		return now.Add(RequestGrace)
	}
	return r.ExpiresAt
}
