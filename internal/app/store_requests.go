package app

import (
	"context"
	"time"

	"shareline/internal/assess"
)

// Requests stores requests for evaluations and the respondent sessions opened from their
// links. Links and sessions are named by a SHA-256 of their token; tokens are never stored.
type Requests interface {
	Create(ctx context.Context, r assess.Request, tokenHash []byte, sentByID int64) (assess.Request, error)
	// Find returns one request; lock holds its row until the transaction ends.
	Find(ctx context.Context, id int64, lock bool) (assess.Request, error)
	// ByToken returns the request whose current link has this hash, with its row locked.
	ByToken(ctx context.Context, tokenHash []byte) (assess.Request, error)
	// OfEvaluation lists an evaluation's requests, oldest first.
	OfEvaluation(ctx context.Context, evaluationID int64) ([]assess.Request, error)
	// Update writes a request's expiry and the times of what happened to it.
	Update(ctx context.Context, r assess.Request) error
	// Emailed notes that the link whose hash is tokenHash was emailed at at (sent) or failed to
	// be; a link reissued since is ErrNotFound (its new link is not the one emailed).
	Emailed(ctx context.Context, id int64, tokenHash []byte, at time.Time, sent bool) (assess.Request, error)
	// SetToken gives a request a new link (its hash), which ends the old one and its sessions.
	SetToken(ctx context.Context, id int64, tokenHash []byte, expiresAt time.Time) error
	// StartSession stores a respondent session opened from the request's current link.
	StartSession(ctx context.Context, hash []byte, requestID int64, at, expiresAt time.Time) error
	// Session returns the request of a live respondent session (not expired at now, opened from
	// the request's current link).
	Session(ctx context.Context, hash []byte, now time.Time) (assess.Request, error)
	// Overdue lists up to limit requests that are overdue at now (assess.Request.Overdue) on
	// drafts of providers not archived, the earliest due first.
	Overdue(ctx context.Context, now time.Time, limit int) ([]assess.OverdueRequest, error)
	// EndSessions ends every respondent session of a request.
	EndSessions(ctx context.Context, requestID int64) error
}
