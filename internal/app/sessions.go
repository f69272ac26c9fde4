package app

import (
	"context"
	"time"

	"shareline/internal/auth"
)

// Browser sessions are kept through the App so that each request reads its session and its
// user in one query (FindSession), and so that the use cases that must end sessions (a password
// reset, a role change, a deactivation) do so in their own transaction.

// FindSession returns the live session keyed key (a hash of its token) with its user, in one
// query; a session whose user was deactivated, or whose sessions were all ended since, is
// assess.ErrNotFound.
func (a *App) FindSession(ctx context.Context, key string) (StoredSession, error) {
	var s StoredSession
	err := a.store.Lookup(ctx, func(tx Tx) error {
		var err error
		s, err = tx.Sessions().Find(ctx, key)
		return err
	})
	return s, err
}

// CommitSession stores a session's data until expiry, with what is shown about it.
func (a *App) CommitSession(ctx context.Context, key string, data []byte, expiry time.Time, m SessionMeta) error {
	return a.store.Lookup(ctx, func(tx Tx) error { return tx.Sessions().Commit(ctx, key, data, expiry, m) })
}

// DeleteSession removes a session (sign-out, or a token replaced at sign-in).
func (a *App) DeleteSession(ctx context.Context, key string) error {
	return a.store.Lookup(ctx, func(tx Tx) error { return tx.Sessions().Delete(ctx, key) })
}

// Sessions lists p's own live sessions; the one keyed current (the one asking) is marked.
func (a *App) Sessions(ctx context.Context, p Principal, current string) ([]auth.Session, error) {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return nil, err
	}
	var out []auth.Session
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Sessions().OfUser(ctx, p.User.ID, current)
		return err
	})
	return out, err
}

// EndSession ends one of p's own sessions.
func (a *App) EndSession(ctx context.Context, p Principal, id int64) error {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return err
	}
	return a.store.Update(ctx, func(tx Tx) error {
		if err := tx.Sessions().End(ctx, p.User.ID, id); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, p.User.ID, auth.ActionSessionEnded, "%s ended one of their sessions", p.User.Email)
	})
}

// EndOtherSessions ends every session of p's but the one keyed current.
func (a *App) EndOtherSessions(ctx context.Context, p Principal, current string) (int, error) {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return 0, err
	}
	var n int
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if n, err = tx.Sessions().EndAll(ctx, p.User.ID, current); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, p.User.ID, auth.ActionSessionsEnded, "%s ended %s", p.User.Email, count(n, "other session"))
	})
	return n, err
}
