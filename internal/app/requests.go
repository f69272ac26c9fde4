package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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
}

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
// with its link's token, which is shown once.
func (a *App) CreateRequest(ctx context.Context, p Principal, evaluationID int64, in assess.RequestInput) (RequestLink, error) {
	if err := allow(p, SendRequests, Resource{EvaluationID: evaluationID}); err != nil {
		return RequestLink{}, err
	}
	var out RequestLink
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
		out = RequestLink{Request: req, Token: token}
		return record(ctx, tx, p, auth.ActionRequestSent, ev.ProviderID, ev.ID,
			"sent request %d for evaluation %d to %s <%s>, due %s", req.ID, ev.ID, req.ContactName, req.ContactEmail, req.DueDate)
	})
	return out, err
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
func (a *App) ReissueRequest(ctx context.Context, p Principal, id int64) (RequestLink, error) {
	var out RequestLink
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
		out = RequestLink{Request: req, Token: token}
		return record(ctx, tx, p, auth.ActionRequestReissued, req.ProviderID, req.EvaluationID,
			"reissued the link of request %d to %s (the old link no longer works)", req.ID, req.ContactName)
	})
	return out, err
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
