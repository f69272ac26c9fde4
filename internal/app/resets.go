package app

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// Forgotten passwords (ASVS 2.5.6): anyone may ask for a reset link for an email. The answer
// is the same whether or not an account uses it, and so is the work done before answering:
// one transaction that counts and records the ask, and the email, when there is one to send,
// goes out afterwards without being waited for. Following the link sets a new password and
// ends every session of the user; their second factor, if they have one, still applies.

// Resets stores reset links (their hashes) and the asks for them.
type Resets interface {
	// Lock holds the reset lock of a client address until the transaction ends, so that
	// concurrent asks from one address are counted one after another.
	Lock(ctx context.Context, remoteAddr string) error
	// CountAsks counts the asks since since for the account key and from the address, with
	// the oldest of the address's.
	CountAsks(ctx context.Context, key []byte, remoteAddr string, since time.Time) (ResetAsks, error)
	// RecordAsk notes an ask at at, and forgets those from before forgetBefore.
	RecordAsk(ctx context.Context, key []byte, remoteAddr string, at, forgetBefore time.Time) error
	// Create ends the user's live link, if any (ended 'replaced'), and stores a new one.
	Create(ctx context.Context, userID int64, hash []byte, at, expires time.Time) error
	// Find returns the link with this hash; lock holds it until the transaction ends. None is
	// assess.ErrNotFound.
	Find(ctx context.Context, hash []byte, lock bool) (auth.ResetLink, error)
	// End ends a live link as how (auth.ResetEndedUsed) at at.
	End(ctx context.Context, id int64, how string, at time.Time) error
}

// ResetAsks is what the limits on asks are decided on.
type ResetAsks struct {
	Account, Address int
	AddressOldest    time.Time
}

// TooManyResetAsks refuses an ask for a reset link from an address that asked too often;
// RetryAfter says when it may ask again.
type TooManyResetAsks struct{ RetryAfter time.Duration }

func (e *TooManyResetAsks) Error() string {
	return "too many password reset links were asked for from here: wait and try again"
}

// ResetsByEmail says whether reset links can be emailed: only with a mail server, and only
// when the caller knows the address users reach Shareline at (a link made on the host a
// request names would let anyone have a victim's link sent to a site of theirs).
func (a *App) ResetsByEmail(baseURL string) bool { return a.mailer != nil && baseURL != "" }

// AskPasswordReset handles an ask for a reset link for email from remoteAddr. A malformed
// email is a validation error, refused before anything is counted; too many asks from the
// address are *TooManyResetAsks. Otherwise the answer is nil whether or not an account uses the
// email: an active account under its limit gets a new link (ending the one before), emailed
// in the background to the link linkURL makes from its token. Without a mailer or linkURL
// nothing is made.
func (a *App) AskPasswordReset(ctx context.Context, email, remoteAddr string, linkURL func(token string) string, log *slog.Logger) error {
	email, err := auth.CheckEmail(email)
	if err != nil {
		return err
	}
	if a.mailer == nil || linkURL == nil {
		return nil
	}
	key := auth.SignInKey(email)
	now := a.now()
	since := now.Add(-auth.ResetWindow)
	var to auth.User
	token, hash := newSecret()
	err = a.store.Update(ctx, func(tx Tx) error {
		if err := tx.Resets().Lock(ctx, remoteAddr); err != nil {
			return err
		}
		c, err := tx.Resets().CountAsks(ctx, key, remoteAddr, since)
		if err != nil {
			return err
		}
		if c.Address >= auth.MaxResetAsksPerHour {
			wait := c.AddressOldest.Add(auth.ResetWindow).Sub(now)
			return &TooManyResetAsks{RetryAfter: max(time.Second, time.Duration(math.Ceil(wait.Seconds()))*time.Second)}
		}
		if err := tx.Resets().RecordAsk(ctx, key, remoteAddr, now, since); err != nil {
			return err
		}
		u, _, err := tx.Users().FindByEmail(ctx, email)
		anon := Anonymous(remoteAddr)
		switch {
		case assess.IsNotFound(err):
			return record(ctx, tx, anon, auth.ActionPasswordResetAsked, 0, 0, "a password reset link was asked for an unknown account")
		case err != nil:
			return err
		case !u.Active:
			return recordAbout(ctx, tx, anon, u.ID, auth.ActionPasswordResetAsked, "a password reset link was asked for %s, which is deactivated: none was sent", u.Email)
		case c.Account >= auth.MaxResetLinksPerHour:
			return recordAbout(ctx, tx, anon, u.ID, auth.ActionPasswordResetAsked, "a password reset link was asked for %s, over the limit of %d an hour: none was sent", u.Email, auth.MaxResetLinksPerHour)
		}
		if err := tx.Resets().Create(ctx, u.ID, hash, now, now.Add(auth.ResetLinkLife)); err != nil {
			return err
		}
		to = u
		return recordAbout(ctx, tx, anon, u.ID, auth.ActionPasswordResetAsked, "a password reset link was emailed to %s", u.Email)
	})
	if err != nil || to.ID == 0 {
		return err
	}
	// The link is stored: its email goes out on its own, so that the answer takes no longer
	// for an account that exists, and a client that goes away stops nothing.
	go func() {
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RequestMailTimeout)
		defer cancel()
		if err := a.mailer.Send(sendCtx, ResetMail(to, linkURL(token), remoteAddr)); err != nil {
			log.WarnContext(sendCtx, "a password reset link was not emailed", "user_id", to.ID, "err", err)
		}
	}()
	return nil
}

// ResetMail is the email that brings a user their reset link.
func ResetMail(u auth.User, url, remoteAddr string) Mail {
	name := u.Name
	if name == "" {
		name = u.Email
	}
	var body strings.Builder
	fmt.Fprintf(&body, "Hello %s,\n\n", name)
	fmt.Fprintf(&body, "Someone (from %s) asked to reset the password of your Shareline account (%s).\n", remoteAddr, u.Email)
	fmt.Fprintf(&body, "To choose a new password, open this link within %d minutes:\n\n%s\n\n", int(auth.ResetLinkLife.Minutes()), url)
	body.WriteString("The link works once. Every session of yours ends when you use it; if you sign in with a second step, you still will.\n")
	body.WriteString("If you did not ask for this, ignore this email: your password stays as it is.\n")
	return Mail{To: u.Email, ToName: u.Name, Subject: "Shareline: reset your password", Body: body.String()}
}

// CheckResetLink says whether a reset link's token works now (nil), or why not (an
// auth.ErrResetLinkInvalid), without using it.
func (a *App) CheckResetLink(ctx context.Context, token string) error {
	if err := auth.CheckResetToken(token); err != nil {
		return err
	}
	return a.store.Read(ctx, func(tx Tx) error {
		l, err := tx.Resets().Find(ctx, SecretHash(token), false)
		if assess.IsNotFound(err) {
			return auth.ErrResetLinkUnknown
		}
		if err != nil {
			return err
		}
		return l.Check(a.now())
	})
}

// ResetPasswordWithLink sets a new password through a reset link's token, once: the link ends
// (used), every session of the user ends, and the change is recorded and told to the user. A
// link that does not work is an auth.ErrResetLinkInvalid; a password the policy refuses is a
// validation error on "password", and leaves the link as it was; every password-check slot
// taken is *SignInBusy.
func (a *App) ResetPasswordWithLink(ctx context.Context, token, password, remoteAddr string) (auth.User, error) {
	// The link is checked before anything is hashed, so that made-up links cost no hash; the
	// hash takes one of the password-check slots that sign-ins share.
	if err := a.CheckResetLink(ctx, token); err != nil {
		return auth.User{}, err
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return auth.User{}, err
	}
	release, ok := a.hashSlot(ctx)
	if !ok {
		return auth.User{}, &SignInBusy{RetryAfter: time.Second}
	}
	passwordHash, err := auth.HashPassword(password)
	release()
	if err != nil {
		return auth.User{}, err
	}
	var u auth.User
	err = a.store.Update(ctx, func(tx Tx) error {
		now := a.now()
		l, err := tx.Resets().Find(ctx, SecretHash(token), true)
		if assess.IsNotFound(err) {
			return auth.ErrResetLinkUnknown
		}
		if err != nil {
			return err
		}
		if err := l.Check(now); err != nil {
			return err
		}
		if u, err = tx.Users().Find(ctx, l.UserID); err != nil {
			return err
		}
		if !u.Active {
			return auth.ErrResetLinkUnknown
		}
		if err := tx.Resets().End(ctx, l.ID, auth.ResetEndedUsed, now); err != nil {
			return err
		}
		if u, err = tx.Users().SetPassword(ctx, u.ID, passwordHash); err != nil {
			return err
		}
		p := Principal{User: u, RemoteAddr: remoteAddr, Via: "reset link"}
		if err := endCredentials(ctx, tx, p, u, false); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, u.ID, auth.ActionPasswordResetByLink, "%s reset their password with an emailed link", u.Email)
	})
	return u, err
}
