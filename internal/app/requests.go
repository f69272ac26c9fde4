package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// RespondentSessionLifetime is how long a respondent session lasts at most (never past its
// request's expiry): opening the link again starts a new one.
const RespondentSessionLifetime = 12 * time.Hour

// RequestLink is a request with the token of its link: the only moment the token exists
// outside the contact's hands. It is never stored, only its SHA-256.
type RequestLink struct {
	Request assess.Request
	Token   string
	// Email is what became of the link's email to the contact; EmailErr, when it failed, why
	// (for the log, not for people: it may name the mail server).
	Email    EmailOutcome
	EmailErr error
}

// EmailOutcome says whether a link was emailed.
type EmailOutcome string

// The outcomes of a link's email.
const (
	EmailOff    EmailOutcome = "off" // no mail server configured: the team sends the link
	EmailSent   EmailOutcome = "sent"
	EmailFailed EmailOutcome = "failed"
)

// RequestMailTimeout bounds the sending of a link's email, which the person sending the
// request waits for: the page then says whether it went, or that the link must be sent by hand.
const RequestMailTimeout = 15 * time.Second

// newSecret is 32 random bytes, base64url without padding, and its SHA-256.
func newSecret() (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	token := base64.RawURLEncoding.EncodeToString(b)
	return token, SecretHash(token)
}

// SecretHash is what is stored of a link's or a respondent session's token.
func SecretHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CreateRequest sends a request for a draft evaluation to a provider's contact, and returns it
// with its link's token, which is shown once. With a mailer (UseMailer) and linkURL, which makes
// the link's address from its token, the link is also emailed to the contact once the request
// is stored; a failed email leaves the request in place (RequestLink.Email says what happened).
func (a *App) CreateRequest(ctx context.Context, p Principal, evaluationID int64, in assess.RequestInput, linkURL func(token string) string) (RequestLink, error) {
	if err := allow(p, SendRequests, Resource{EvaluationID: evaluationID}); err != nil {
		return RequestLink{}, err
	}
	var out RequestLink
	var about assess.Evaluation
	err := a.store.Update(ctx, func(tx Tx) error {
		ev, err := tx.Evaluations().Find(ctx, evaluationID, false)
		if err != nil {
			return err
		}
		if err := assess.CheckEditable(ev); err != nil {
			return err
		}
		req, err := assess.NewRequest(in, a.Today())
		if err != nil {
			return err
		}
		req.EvaluationID, req.ProviderID = ev.ID, ev.ProviderID
		req.SentBy, req.SentByEmail, req.CreatedAt = p.User.Name, p.User.Email, a.now()
		token, hash := newSecret()
		if req, err = tx.Requests().Create(ctx, req, hash, p.User.ID); err != nil {
			return err
		}
		out, about = RequestLink{Request: req, Token: token}, ev
		return record(ctx, tx, p, auth.ActionRequestSent, ev.ProviderID, ev.ID,
			"sent request %d for evaluation %d to %s <%s>, due %s", req.ID, ev.ID, req.ContactName, req.ContactEmail, req.DueDate)
	})
	if err != nil {
		return out, err
	}
	return a.emailLink(ctx, p, out, about, linkURL), nil
}

// UseMailer makes request links go out by email as well; call it before serving.
func (a *App) UseMailer(m Mailer) { a.mailer = m }

// emailLink emails a link just made to its contact, when there is a mailer, and notes the
// outcome on the request (and, once sent, in the audit log).
func (a *App) emailLink(ctx context.Context, p Principal, link RequestLink, ev assess.Evaluation, linkURL func(string) string) RequestLink {
	link.Email = EmailOff
	if a.mailer == nil || linkURL == nil {
		return link
	}
	// The request is stored: a client that goes away does not stop its email half-way.
	sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RequestMailTimeout)
	err := a.mailer.Send(sendCtx, RequestMail(link.Request, ev, linkURL(link.Token)))
	cancel()
	link.Email, link.EmailErr = EmailSent, err
	if err != nil {
		link.Email = EmailFailed
	}
	req := link.Request
	if uerr := a.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
		noted, err := tx.Requests().Emailed(ctx, req.ID, SecretHash(link.Token), a.now(), link.Email == EmailSent)
		if err != nil {
			return err
		}
		link.Request = noted
		if link.Email != EmailSent {
			return nil
		}
		return record(ctx, tx, p, auth.ActionRequestEmailed, req.ProviderID, req.EvaluationID,
			"emailed the link of request %d to %s <%s>", req.ID, req.ContactName, req.ContactEmail)
	}); uerr != nil && !errors.Is(uerr, assess.ErrNotFound) {
		link.EmailErr = errors.Join(link.EmailErr, fmt.Errorf("noting the email of request %d: %w", req.ID, uerr))
	}
	return link
}

// RequestMail is the email that brings a contact their request's link. It says who asks, about
// what, by when, and that the link needs no account and opens this request only.
func RequestMail(req assess.Request, ev assess.Evaluation, url string) Mail {
	about := ev.ProviderName
	if ev.Offering != "" {
		about += " (" + ev.Offering + ")"
	}
	var body strings.Builder
	fmt.Fprintf(&body, "Hello %s,\n\n", req.ContactName)
	fmt.Fprintf(&body, "%s asks you to answer a security questionnaire about %s by %s.\n\n", sender(req), about, req.DueDate)
	if req.Message != "" {
		fmt.Fprintf(&body, "Their message:\n\n%s\n\n", req.Message)
	}
	fmt.Fprintf(&body, "Open this link to answer; no account is needed:\n\n%s\n\n", url)
	fmt.Fprintf(&body, "The link opens this request and nothing else, and works until %s. It is yours: do not forward it. Your answers save as you type, and you submit them when they are complete.\n\n",
		req.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&body, "If you did not expect this email, or the link stops working, write to %s.\n", sender(req))
	return Mail{To: req.ContactEmail, ToName: req.ContactName, ReplyTo: req.SentByEmail,
		Subject: "Security questionnaire about " + about + ", due " + req.DueDate.String(), Body: body.String()}
}

// sender names who sent a request, with their email when known.
func sender(req assess.Request) string {
	if req.SentByEmail == "" {
		return req.SentBy
	}
	return req.SentBy + " (" + req.SentByEmail + ")"
}

// Requests lists an evaluation's requests, oldest first.
func (a *App) Requests(ctx context.Context, p Principal, evaluationID int64) ([]assess.Request, error) {
	if p.Grant != nil {
		return nil, auth.ErrForbidden // a respondent never sees the team's requests
	}
	if err := allow(p, Read, Resource{EvaluationID: evaluationID}); err != nil {
		return nil, err
	}
	var out []assess.Request
	err := a.store.Read(ctx, func(tx Tx) error {
		if _, err := tx.Evaluations().Find(ctx, evaluationID, false); err != nil {
			return err
		}
		var err error
		out, err = tx.Requests().OfEvaluation(ctx, evaluationID)
		return err
	})
	return out, err
}

// changeRequest locks a request, asks the policy about its evaluation, and runs f on it.
func (a *App) changeRequest(ctx context.Context, p Principal, id int64, f func(tx Tx, req assess.Request) error) error {
	if err := allow(p, SendRequests, Resource{}); err != nil && p.Grant == nil {
		return err
	}
	return a.store.Update(ctx, func(tx Tx) error {
		req, err := tx.Requests().Find(ctx, id, true)
		if err != nil {
			return err
		}
		if err := allow(p, SendRequests, Resource{ProviderID: req.ProviderID, EvaluationID: req.EvaluationID}); err != nil {
			return err
		}
		return f(tx, req)
	})
}

// RevokeRequest ends a request's link: opening it, and every session opened from it, gets
// *assess.LinkClosed.
func (a *App) RevokeRequest(ctx context.Context, p Principal, id int64) (assess.Request, error) {
	var out assess.Request
	err := a.changeRequest(ctx, p, id, func(tx Tx, req assess.Request) error {
		if err := assess.CheckRevocable(req); err != nil {
			return err
		}
		at := a.now()
		req.RevokedAt = &at
		// Its sessions stay, so that the contact is told the link was revoked, and by whom.
		if err := tx.Requests().Update(ctx, req); err != nil {
			return err
		}
		out = req
		return record(ctx, tx, p, auth.ActionRequestRevoked, req.ProviderID, req.EvaluationID,
			"revoked request %d to %s", req.ID, req.ContactName)
	})
	return out, err
}

// ReissueRequest gives a request a new link: the old one, and every session opened from it,
// stop working. An expired request's link lives RequestGrace from now.
//
// With a mailer and linkURL, the new link is emailed as CreateRequest's is.
func (a *App) ReissueRequest(ctx context.Context, p Principal, id int64, linkURL func(token string) string) (RequestLink, error) {
	var out RequestLink
	var about assess.Evaluation
	err := a.changeRequest(ctx, p, id, func(tx Tx, req assess.Request) error {
		if err := assess.CheckReissuable(req); err != nil {
			return err
		}
		token, hash := newSecret()
		req.ExpiresAt = assess.ReissuedExpiry(req, a.now())
		if err := tx.Requests().SetToken(ctx, req.ID, hash, req.ExpiresAt); err != nil {
			return err
		}
		if err := tx.Requests().EndSessions(ctx, req.ID); err != nil {
			return err
		}
		ev, err := tx.Evaluations().Find(ctx, req.EvaluationID, false)
		if err != nil {
			return err
		}
		req.EmailedAt, req.EmailFailedAt = nil, nil // the new link has not been emailed
		out, about = RequestLink{Request: req, Token: token}, ev
		return record(ctx, tx, p, auth.ActionRequestReissued, req.ProviderID, req.EvaluationID,
			"reissued the link of request %d to %s (the old link no longer works)", req.ID, req.ContactName)
	})
	if err != nil {
		return out, err
	}
	return a.emailLink(ctx, p, out, about, linkURL), nil
}

// grant is the respondent grant of a request.
func grant(req assess.Request) Grant {
	return Grant{RequestID: req.ID, EvaluationID: req.EvaluationID, ProviderID: req.ProviderID, ContactName: req.ContactName}
}

// OpenRequest starts a respondent session from a link's token and returns the session's token
// (for its cookie). An unknown token is ErrNotFound; a revoked or expired link an
// *assess.LinkClosed naming who sent it.
func (a *App) OpenRequest(ctx context.Context, token, remoteAddr string) (string, assess.Request, error) {
	var session string
	var out assess.Request
	err := a.store.Update(ctx, func(tx Tx) error {
		req, err := tx.Requests().ByToken(ctx, SecretHash(token))
		if err != nil {
			return err
		}
		now := a.now()
		if err := assess.CheckOpenable(req, now); err != nil {
			return err
		}
		var hash []byte
		session, hash = newSecret()
		until := now.Add(RespondentSessionLifetime)
		if req.ExpiresAt.Before(until) {
			until = req.ExpiresAt
		}
		if err := tx.Requests().StartSession(ctx, hash, req.ID, now, until); err != nil {
			return err
		}
		if req.OpenedAt == nil {
			req.OpenedAt = &now
			if err := tx.Requests().Update(ctx, req); err != nil {
				return err
			}
		}
		out = req
		return record(ctx, tx, Respondent(grant(req), remoteAddr), auth.ActionRequestOpened, req.ProviderID, req.EvaluationID,
			"opened request %d for evaluation %d", req.ID, req.EvaluationID)
	})
	return session, out, err
}

// RespondentSession finds the respondent of a session's token: ErrNotFound when the session is
// unknown, has expired or was opened from a link since reissued. The request is returned as
// it stands, revoked or expired too: the caller says so (CheckOpenable).
func (a *App) RespondentSession(ctx context.Context, session, remoteAddr string) (Principal, assess.Request, error) {
	var req assess.Request
	err := a.store.Lookup(ctx, func(tx Tx) error {
		var err error
		req, err = tx.Requests().Session(ctx, SecretHash(session), a.now())
		return err
	})
	if err != nil {
		return Principal{}, assess.Request{}, err
	}
	return Respondent(grant(req), remoteAddr), req, nil
}

// respondentRequest locks a respondent's request, which a change through its link checks
// (respondentMayAnswer, CheckReplyable); nil for team users.
func (a *App) respondentRequest(ctx context.Context, tx Tx, p Principal) (*assess.Request, error) {
	if p.Grant == nil {
		return nil, nil
	}
	req, err := tx.Requests().Find(ctx, p.Grant.RequestID, true)
	if err != nil {
		return nil, err
	}
	return &req, nil
}

// respondentMayAnswer refuses a respondent's change to an answer under review rv once its link
// closed, or once its answers were submitted unless a clarification opened that element again;
// the first change marks the request in progress. Team users (req nil) pass.
func (a *App) respondentMayAnswer(ctx context.Context, tx Tx, req *assess.Request, rv assess.Review) error {
	if req == nil {
		return nil
	}
	if err := assess.CheckAnswerable(*req, a.now(), rv); err != nil {
		return err
	}
	if req.StartedAt == nil {
		at := a.now()
		req.StartedAt = &at
		return tx.Requests().Update(ctx, *req)
	}
	return nil
}

// SubmitResponse records that the respondent is done: its side becomes read-only.
func (a *App) SubmitResponse(ctx context.Context, p Principal) (assess.Request, error) {
	if p.Grant == nil {
		return assess.Request{}, auth.ErrForbidden
	}
	if err := allow(p, Respond, Resource{EvaluationID: p.Grant.EvaluationID}); err != nil {
		return assess.Request{}, err
	}
	var out assess.Request
	err := a.store.Update(ctx, func(tx Tx) error {
		req, err := tx.Requests().Find(ctx, p.Grant.RequestID, true)
		if err != nil {
			return err
		}
		now := a.now()
		if err := assess.CheckRespondable(req, now); err != nil {
			return err
		}
		req.SubmittedAt = &now
		if err := tx.Requests().Update(ctx, req); err != nil {
			return err
		}
		out = req
		return record(ctx, tx, p, auth.ActionRequestSubmitted, req.ProviderID, req.EvaluationID,
			"submitted the answers to request %d for evaluation %d", req.ID, req.EvaluationID)
	})
	return out, err
}

// RespondentView is what a respondent's pages show: the evaluation (whose score the pages
// leave out) and the request.
type RespondentView struct {
	EvaluationView
	Request assess.Request
}

// Respondent reads the evaluation of a respondent's request, with the request as it stands.
func (a *App) Respondent(ctx context.Context, p Principal) (RespondentView, error) {
	if p.Grant == nil {
		return RespondentView{}, auth.ErrForbidden
	}
	if err := allow(p, Read, Resource{EvaluationID: p.Grant.EvaluationID}); err != nil {
		return RespondentView{}, err
	}
	var v RespondentView
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		if v.Request, err = tx.Requests().Find(ctx, p.Grant.RequestID, false); err != nil {
			return err
		}
		v.EvaluationView, err = a.load(ctx, tx, p.Grant.EvaluationID, false)
		return err
	})
	return v, err
}
