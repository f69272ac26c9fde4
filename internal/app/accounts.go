package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// ErrSelf refuses an admin locking themselves out.
var ErrSelf = assess.Invalid("user", "you cannot deactivate yourself or change your own role: ask another admin")

// SignOut records that p signed out.
func (a *App) SignOut(ctx context.Context, p Principal) error {
	return a.store.Update(ctx, func(tx Tx) error {
		return record(ctx, tx, p, auth.ActionSignOut, 0, 0, "%s signed out", p.User.Name)
	})
}

// TokenUser is the active user an API token acts as, in one query that also notes the use (at
// most once every auth.TokenTouch, which moves the idle expiry on). An unknown or revoked
// token, or one whose user is deactivated, is auth.ErrUnauthenticated; one past its expiry or
// idle expiry is *auth.TokenExpired (an auth.ErrUnauthenticated too). Both are recorded in the
// audit log (without the token) as a failed token authentication from remoteAddr. The token's
// record comes too, as it was before this use.
func (a *App) TokenUser(ctx context.Context, token, remoteAddr string) (auth.User, auth.Token, error) {
	var u auth.User
	var t auth.Token
	now := a.now()
	err := a.store.Lookup(ctx, func(tx Tx) error {
		var err error
		u, t, err = tx.Tokens().Use(ctx, auth.HashToken(token), now, now.Add(-auth.TokenTouch), now.Add(auth.TokenIdle))
		return err
	})
	var refused error
	summary := "an API request with an unknown, revoked or deactivated token was refused"
	switch expired := t.Expiry(now); {
	case assess.IsNotFound(err):
		refused = auth.ErrUnauthenticated
	case err == nil && expired != nil:
		refused, summary = expired, fmt.Sprintf("an API request with the expired token %q of %s was refused", t.Label, u.Email)
	}
	if refused != nil {
		err := a.store.Update(ctx, func(tx Tx) error {
			return record(ctx, tx, Anonymous(remoteAddr), auth.ActionTokenFailed, 0, 0, "%s", summary)
		})
		return auth.User{}, auth.Token{}, errors.Join(refused, err)
	}
	return u, t, err
}

// UserInput is a new account as typed.
type UserInput struct {
	Email, Name, Role, Password string
}

// CreateUser adds an account. An email taken in any case is a validation error on "email".
func (a *App) CreateUser(ctx context.Context, p Principal, in UserInput) (auth.User, error) {
	if err := allow(p, ManageAccounts, Resource{}); err != nil {
		return auth.User{}, err
	}
	u, hash, err := auth.NewUser(in.Email, in.Name, in.Role, in.Password)
	if err != nil {
		return auth.User{}, err
	}
	err = a.store.Update(ctx, func(tx Tx) error {
		if u, err = tx.Users().Create(ctx, u, hash); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionUserAdded, 0, 0, "added user %s (%s) as %s", u.Name, u.Email, u.Role)
	})
	if errors.Is(err, assess.ErrConflict) {
		return auth.User{}, assess.Invalid("email", "a user with this email already exists")
	}
	return u, err
}

// BootstrapAdmin creates the first admin when there are no users at all, and reports whether it
// did (false when another process starting at the same moment made one first).
func (a *App) BootstrapAdmin(ctx context.Context, email, password string) (auth.User, bool, error) {
	var n int
	if err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		n, err = tx.Users().Count(ctx)
		return err
	}); err != nil || n > 0 {
		return auth.User{}, false, err
	}
	first := CommandLine()
	first.User.Name = "first start"
	u, err := a.CreateUser(ctx, first, UserInput{Email: email, Name: "Administrator", Role: string(auth.Admin), Password: password})
	var ve *assess.ValidationError
	if errors.As(err, &ve) && ve.Fields["email"] != "" && len(ve.Fields) == 1 {
		return auth.User{}, false, nil
	}
	return u, err == nil, err
}

// Users lists every account, active first.
func (a *App) Users(ctx context.Context, p Principal) ([]auth.User, error) {
	if err := allow(p, ManageAccounts, Resource{}); err != nil {
		return nil, err
	}
	var out []auth.User
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Users().List(ctx)
		return err
	})
	return out, err
}

// SetRole changes another user's role and ends every session of theirs; revokeTokens also
// ends their API tokens.
func (a *App) SetRole(ctx context.Context, p Principal, id int64, role string, revokeTokens bool) (auth.User, error) {
	r, err := auth.CheckRole(role)
	if err != nil {
		return auth.User{}, err
	}
	return a.changeUser(ctx, p, id, true, func(tx Tx) (auth.User, string, string, error) {
		u, err := tx.Users().SetRole(ctx, id, r)
		if err == nil {
			err = endCredentials(ctx, tx, p, u, revokeTokens)
		}
		return u, auth.ActionUserRoleChanged, fmt.Sprintf("changed the role of %s to %s", u.Email, r), err
	})
}

// SetActive deactivates or reactivates another user. Deactivating ends every session and
// revokes every token of theirs at once, so that reactivating revives neither.
func (a *App) SetActive(ctx context.Context, p Principal, id int64, active bool) (auth.User, error) {
	return a.changeUser(ctx, p, id, !active, func(tx Tx) (auth.User, string, string, error) {
		u, err := tx.Users().SetActive(ctx, id, active)
		if active {
			return u, auth.ActionUserReactivated, "reactivated " + u.Email, err
		}
		if err == nil {
			err = endCredentials(ctx, tx, p, u, true)
		}
		return u, auth.ActionUserDeactivated, "deactivated " + u.Email, err
	})
}

// ResetPassword sets a user's password and ends every session of theirs; revokeTokens also ends
// their API tokens.
func (a *App) ResetPassword(ctx context.Context, p Principal, id int64, password string, revokeTokens bool) (auth.User, error) {
	if err := allow(p, ManageAccounts, Resource{}); err != nil {
		return auth.User{}, err
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return auth.User{}, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return auth.User{}, err
	}
	return a.changeUser(ctx, p, id, false, func(tx Tx) (auth.User, string, string, error) {
		u, err := tx.Users().SetPassword(ctx, id, hash)
		if err == nil {
			err = endCredentials(ctx, tx, p, u, revokeTokens)
		}
		return u, auth.ActionUserPasswordReset, "reset the password of " + u.Email, err
	})
}

// endCredentials ends every session of u, and every token too when tokens is set, recording
// what ended.
func endCredentials(ctx context.Context, tx Tx, p Principal, u auth.User, tokens bool) error {
	n, err := tx.Sessions().EndAll(ctx, u.ID, "")
	if err != nil {
		return err
	}
	if err := recordAbout(ctx, tx, p, u.ID, auth.ActionSessionsEnded, "ended %s of %s", count(n, "session"), u.Email); err != nil {
		return err
	}
	if !tokens {
		return nil
	}
	if n, err = tx.Tokens().RevokeAll(ctx, u.ID); err != nil {
		return err
	}
	return recordAbout(ctx, tx, p, u.ID, auth.ActionTokensRevoked, "revoked %s of %s", count(n, "API token"), u.Email)
}

// changeUser runs one admin change to an account and records it, about that account; notSelf
// refuses it on the admin's own account.
func (a *App) changeUser(ctx context.Context, p Principal, id int64, notSelf bool, change func(Tx) (auth.User, string, string, error)) (auth.User, error) {
	if err := allow(p, ManageAccounts, Resource{}); err != nil {
		return auth.User{}, err
	}
	if notSelf && id == p.User.ID {
		return auth.User{}, ErrSelf
	}
	var u auth.User
	err := a.store.Update(ctx, func(tx Tx) error {
		var action, summary string
		var err error
		if u, action, summary, err = change(tx); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, u.ID, action, "%s", summary)
	})
	return u, err
}

// recordAbout writes an audit entry made by p about user subject; a change to the subject's
// credentials or sessions (auth.NoticeActions) is also told to them, in the same transaction.
func recordAbout(ctx context.Context, tx Tx, p Principal, subject int64, action string, format string, args ...any) error {
	e := p.Actor().Entry(action, fmt.Sprintf(format, args...))
	e.SubjectUserID = subject
	if err := tx.Audit().Record(ctx, e); err != nil {
		return err
	}
	if subject == 0 || !auth.Noticed(action) {
		return nil
	}
	return tx.Notices().Add(ctx, auth.Notice{UserID: subject, Action: action, Actor: e.Actor, RemoteAddr: e.RemoteAddr, Summary: e.Summary})
}

// CreateToken makes an API token for user (0: p's own) that lasts days (as typed; "": the
// default) and returns it, shown this once; only its hash is stored. Making one for another
// user takes ManageAccounts.
func (a *App) CreateToken(ctx context.Context, p Principal, user int64, label, days string) (string, auth.Token, error) {
	action := ManageOwnTokens
	if user == 0 {
		user = p.User.ID
	} else if user != p.User.ID {
		action = ManageAccounts
	}
	if err := allow(p, action, Resource{}); err != nil {
		return "", auth.Token{}, err
	}
	label, err := auth.CheckName("name", label, auth.MaxLabelLength)
	lifetime, derr := auth.CheckTokenDays(days)
	if err := assess.JoinInvalid(err, derr); err != nil {
		return "", auth.Token{}, err
	}
	plain, hash, err := auth.NewToken()
	if err != nil {
		return "", auth.Token{}, err
	}
	var t auth.Token
	err = a.store.Update(ctx, func(tx Tx) error {
		owner, err := tx.Users().Find(ctx, user)
		if err != nil {
			return err
		}
		if !owner.Active {
			return assess.Invalid("user", "%s is deactivated", owner.Email)
		}
		now := a.now()
		if t, err = tx.Tokens().Create(ctx, user, label, hash, now.Add(lifetime), now.Add(auth.TokenIdle)); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, t.UserID, auth.ActionTokenCreated, "created token %q for %s, expiring %s", t.Label, t.UserEmail, t.ExpiresAt.UTC().Format("2006-01-02"))
	})
	return plain, t, err
}

// Tokens lists p's own tokens, or everyone's (all, for an admin), newest first.
func (a *App) Tokens(ctx context.Context, p Principal, all bool) ([]auth.Token, error) {
	owner, action := p.User.ID, ManageOwnTokens
	if all {
		owner, action = 0, ManageAccounts
	}
	if err := allow(p, action, Resource{}); err != nil {
		return nil, err
	}
	var out []auth.Token
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Tokens().List(ctx, owner)
		return err
	})
	return out, err
}

// RevokeToken ends a token at once: one of p's own, or any token (any, for an admin). plain,
// when set, names the token by its value instead of its id (the command line).
func (a *App) RevokeToken(ctx context.Context, p Principal, id int64, any bool, plain string) error {
	owner, action := p.User.ID, ManageOwnTokens
	if any {
		owner, action = 0, ManageAccounts
	}
	if err := allow(p, action, Resource{}); err != nil {
		return err
	}
	var hash []byte
	if plain != "" {
		hash = auth.HashToken(plain)
	}
	return a.store.Update(ctx, func(tx Tx) error {
		t, err := tx.Tokens().Revoke(ctx, id, owner, hash)
		if err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, t.UserID, auth.ActionTokenRevoked, "revoked token %q of %s", t.Label, t.UserEmail)
	})
}

// UserByEmail finds an account by email (the command line names users so).
func (a *App) UserByEmail(ctx context.Context, p Principal, email string) (auth.User, error) {
	if err := allow(p, ManageAccounts, Resource{}); err != nil {
		return auth.User{}, err
	}
	var u auth.User
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		u, _, err = tx.Users().FindByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
		return err
	})
	return u, err
}

// Audit returns one page of the audit log, newest first, and how many entries match.
func (a *App) Audit(ctx context.Context, p Principal, q auth.AuditQuery) ([]auth.AuditEntry, int, error) {
	if err := allow(p, ReadAudit, Resource{}); err != nil {
		return nil, 0, err
	}
	var out []auth.AuditEntry
	var total int
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, total, err = tx.Audit().List(ctx, q)
		return err
	})
	return out, total, err
}
