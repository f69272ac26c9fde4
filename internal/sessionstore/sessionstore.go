// Package sessionstore keeps browser sessions under a SHA-256 of their token rather than the
// token itself, so that whoever reads the sessions table (a backup, a replica, a leaked dump)
// learns no cookie that signs them in.
//
// Store wraps any scs.Store (Shareline uses scs's pgxstore on PostgreSQL): every token is
// hashed before it reaches the wrapped store, so the cookie value never does. Sessions written
// before the wrap are keyed by the raw token and are simply not found any more: their users
// sign in again.
package sessionstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/alexedwards/scs/v2"
)

// Store is an scs.Store that keys sessions by the hex SHA-256 of their token.
//
// It does not implement scs.IterableStore: the tokens cannot be recovered from their hashes,
// and Shareline does not iterate over sessions.
type Store struct {
	inner scs.Store
}

// New wraps inner, which then only ever sees hashed tokens.
func New(inner scs.Store) *Store { return &Store{inner: inner} }

// Key is what the wrapped store keeps for token: the hex SHA-256 of it. A token is 32 random
// bytes, so a fast unsalted hash is enough; there is nothing to guess.
func Key(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Find returns the data of the session token names.
func (s *Store) Find(token string) ([]byte, bool, error) { return s.inner.Find(Key(token)) }

// Commit stores the data of the session token names, until expiry.
func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.inner.Commit(Key(token), b, expiry)
}

// Delete removes the session token names; an unknown token is no error.
func (s *Store) Delete(token string) error { return s.inner.Delete(Key(token)) }

// The context-taking variants, which scs prefers when a store has them, pass the context on
// when the wrapped store takes one too.

// FindCtx is Find with a context.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	if c, ok := s.inner.(scs.CtxStore); ok {
		return c.FindCtx(ctx, Key(token))
	}
	return s.Find(token)
}

// CommitCtx is Commit with a context.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if c, ok := s.inner.(scs.CtxStore); ok {
		return c.CommitCtx(ctx, Key(token), b, expiry)
	}
	return s.Commit(token, b, expiry)
}

// DeleteCtx is Delete with a context.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	if c, ok := s.inner.(scs.CtxStore); ok {
		return c.DeleteCtx(ctx, Key(token))
	}
	return s.Delete(token)
}

var _ scs.CtxStore = (*Store)(nil)
