package assess

import (
	"fmt"
	"strings"
	"time"
)

// The team reviews each answer: it accepts it, asks the provider's contact a question about it
// (a clarification, answered in a thread on that element through the request link), or rejects
// it (a finding, with a note). A new save of the answer puts it back to pending.

// Verdict is where the team's review of one answer stands.
type Verdict string

// The verdicts. Pending is no verdict yet, or none since the answer last changed.
const (
	Pending  Verdict = "pending"
	Accepted Verdict = "accepted"
	Clarify  Verdict = "clarify"
	Rejected Verdict = "rejected"
)

// Verdicts are the review states, in the order the filter lists them.
var Verdicts = []Verdict{Pending, Accepted, Clarify, Rejected}

// Label is the verdict in words.
func (v Verdict) Label() string {
	switch v {
	case Pending, "":
		return "Pending review"
	case Accepted:
		return "Accepted"
	case Clarify:
		return "Clarification requested"
	case Rejected:
		return "Rejected"
	}
	return string(v)
}

// MaxReviewComment is the longest review comment or thread message, in characters.
const MaxReviewComment = 5000

// Review is the team's verdict on one answer. Comment is the clarification's question or the
// rejection's note; By and At say who gave the verdict and when (empty while pending).
type Review struct {
	Verdict Verdict
	Comment string
	By      string
	At      time.Time
	// Open says a clarification was asked and not settled since by an accepted or rejected
	// verdict: the element stays open to the provider's contact, also after they submitted and
	// after their save or reply put the verdict back to pending.
	Open bool
}

// State is the verdict, pending when none was given.
func (r Review) State() Verdict {
	if r.Verdict == "" {
		return Pending
	}
	return r.Verdict
}

// ReviewInput is a verdict as a person or a client sent it.
type ReviewInput struct {
	Verdict string `json:"verdict"`
	Comment string `json:"comment"`
}

// Message is one message of the thread on an element: the team's clarification questions and
// the contact's replies.
type Message struct {
	Body         string
	Author       string // the user's name, or "<contact> via request link"
	FromProvider bool
	At           time.Time
}

// ErrNothingToReview refuses a verdict on an element that has no answer.
var ErrNothingToReview error = Conflict("this element has no answer yet: there is nothing to review")

// NewReview checks a verdict on current, the stored answer, of a draft evaluation ev, and returns
// the review to store. Clarify and rejected need a comment; a completed evaluation is locked.
func NewReview(ev Evaluation, current Answer, in ReviewInput, by string, at time.Time) (Review, error) {
	if err := CheckEditable(ev); err != nil {
		return Review{}, err
	}
	f := fieldErrors{}
	v := Verdict(strings.TrimSpace(in.Verdict))
	comment := strings.TrimSpace(in.Comment)
	switch v {
	case Accepted:
	case Clarify, Rejected:
		if comment == "" {
			if v == Clarify {
				f.add("comment", "is required: the question the provider's contact is to answer")
			} else {
				f.add("comment", "is required: say what is wrong with the answer (the finding)")
			}
		}
	case "":
		f.add("verdict", "is required: accepted, clarify or rejected")
	default:
		f.add("verdict", "want accepted, clarify or rejected")
	}
	if err := checkText(comment, MaxReviewComment); err != nil {
		f.add("comment", "%s", err.Error())
	}
	if err := f.err(); err != nil {
		return Review{}, err
	}
	if current.Version == 0 || !current.Answered() {
		return Review{}, ErrNothingToReview
	}
	return Review{Verdict: v, Comment: comment, By: by, At: at, Open: v == Clarify}, nil
}

// AfterChange is the review of an answer once it changed (a new save) or its contact replied
// to the clarification: pending again, with a clarification still open.
func (r Review) AfterChange() Review { return Review{Verdict: Pending, Open: r.Open} }

// NewReply checks a reply to the thread of an element.
func NewReply(body string) (string, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return "", Invalid("body", "is empty: write the answer to the question")
	}
	if err := checkText(body, MaxReviewComment); err != nil {
		return "", Invalid("body", "%s", err.Error())
	}
	return body, nil
}

// ErrNoQuestion refuses a reply on an element the team asked nothing about.
var ErrNoQuestion error = Conflict("the team asked no question about this element: there is nothing to reply to")

// CheckAnswerable says whether the contact of request r may change the answer with review rv at
// now: while the link is open and the answers are not submitted, or, after submitting, while a
// clarification on that element is open. Nothing else opens again.
func CheckAnswerable(r Request, now time.Time, rv Review) error {
	if err := checkLinkLive(r, now); err != nil {
		return err
	}
	if r.SubmittedAt != nil && !rv.Open {
		return ErrSubmitted
	}
	return nil
}

// CheckReplyable says whether the contact of request r may reply on an element with review rv:
// only to an open clarification, while the link is open.
func CheckReplyable(r Request, now time.Time, rv Review) error {
	if err := checkLinkLive(r, now); err != nil {
		return err
	}
	if !rv.Open {
		return ErrNoQuestion
	}
	return nil
}

// checkLinkLive refuses a link that was revoked or has expired, submitted or not: a submitted
// request's link still opens read-only (CheckOpenable), but a change through it needs it live.
func checkLinkLive(r Request, now time.Time) error {
	if err := CheckOpenable(r, now); err != nil {
		return err
	}
	if !now.Before(r.ExpiresAt) {
		return &LinkClosed{Status: RequestExpired, SentBy: r.SentBy, SentByEmail: r.SentByEmail}
	}
	return nil
}

// PendingReviews counts the answered elements whose review is pending, as completing asks about.
func PendingReviews(answers map[string]Answer) int {
	n := 0
	for _, a := range answers {
		if a.Answered() && a.Review.State() == Pending {
			n++
		}
	}
	return n
}

// Text is a verdict as reports and audit entries write it: the verdict, with its comment.
func (r Review) Text() string {
	if r.Comment == "" {
		return r.State().Label()
	}
	return fmt.Sprintf("%s: %s", r.State().Label(), r.Comment)
}

// AnsweredBy is who gave an answer: the provider's contact through a request link, or a user of
// the team.
type AnsweredBy struct {
	Name      string // the user's name, or "<contact> via request link"
	RequestID int64  // the request the contact answered through; 0 for the team
	UserID    int64  // the team's user; 0 for the provider
}

// Provider reports whether the provider's contact gave the answer.
func (b AnsweredBy) Provider() bool { return b.RequestID != 0 }

// Kind is "provider" or "team"; empty when nobody is recorded (an answer stored before it was).
func (b AnsweredBy) Kind() string {
	switch {
	case b.RequestID != 0:
		return "provider"
	case b.Name != "":
		return "team"
	}
	return ""
}

// Text is who answered, in words: "Jane Roe via request link (provider, request 3)" or
// "Ann Analyst (team)".
func (b AnsweredBy) Text() string {
	switch b.Kind() {
	case "provider":
		return fmt.Sprintf("%s (provider, request %d)", b.Name, b.RequestID)
	case "team":
		return b.Name + " (team)"
	}
	return "not recorded"
}
