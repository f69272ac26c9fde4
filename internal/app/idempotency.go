package app

import (
	"context"
	"errors"
	"strconv"
	"time"

	"shareline/internal/auth"
)

// IdempotencyKeyLifetime is how long the response to a request with an Idempotency-Key is
// kept: a retry within it gets that response; after it, the key may be used again.
const IdempotencyKeyLifetime = 24 * time.Hour

// IdempotentResponse is what is kept of a request sent with an Idempotency-Key: a digest of the
// request, and once it was answered (Done), the answer.
type IdempotentResponse struct {
	RequestHash []byte
	Done        bool
	Status      int
	Header      map[string][]string
	Body        []byte
}

// IdempotencyKeys keeps idempotency keys per owner (a principal).
type IdempotencyKeys interface {
	// Claim records the key for the owner with the request's digest, unless a record made at or
	// after cutoff exists; it then returns that record with claimed false. Records made before
	// cutoff are replaced, and the owner's other expired records removed.
	Claim(ctx context.Context, owner, key string, hash []byte, now, cutoff time.Time) (rec IdempotentResponse, claimed bool, err error)
	// Finish stores the answer of a claimed key.
	Finish(ctx context.Context, owner, key string, res IdempotentResponse) error
	// Release forgets a claimed key whose request failed, so that a retry runs it again.
	Release(ctx context.Context, owner, key string) error
}

// IdempotencyStore is a Store that keeps idempotency keys (the PostgreSQL one does).
type IdempotencyStore interface {
	IdempotencyKeys() IdempotencyKeys
}

var errNoIdempotencyKeys = errors.New("app: this store keeps no idempotency keys")

func (a *App) idempotencyKeys(p Principal) (IdempotencyKeys, string, error) {
	if !p.Signed() {
		return nil, "", auth.ErrUnauthenticated
	}
	s, ok := a.store.(IdempotencyStore)
	if !ok {
		return nil, "", errNoIdempotencyKeys
	}
	return s.IdempotencyKeys(), "user:" + strconv.FormatInt(p.User.ID, 10), nil
}

// ClaimIdempotencyKey claims key for the principal's request (hash is its digest), or returns
// what is kept of the earlier request with the same key.
func (a *App) ClaimIdempotencyKey(ctx context.Context, p Principal, key string, hash []byte) (IdempotentResponse, bool, error) {
	keys, owner, err := a.idempotencyKeys(p)
	if err != nil {
		return IdempotentResponse{}, false, err
	}
	now := a.now()
	return keys.Claim(ctx, owner, key, hash, now, now.Add(-IdempotencyKeyLifetime))
}

// FinishIdempotencyKey keeps the answer to a claimed key's request.
func (a *App) FinishIdempotencyKey(ctx context.Context, p Principal, key string, res IdempotentResponse) error {
	keys, owner, err := a.idempotencyKeys(p)
	if err != nil {
		return err
	}
	return keys.Finish(ctx, owner, key, res)
}

// ReleaseIdempotencyKey forgets a claimed key whose request failed.
func (a *App) ReleaseIdempotencyKey(ctx context.Context, p Principal, key string) error {
	keys, owner, err := a.idempotencyKeys(p)
	if err != nil {
		return err
	}
	return keys.Release(ctx, owner, key)
}
