package app

import (
	"context"
	"errors"
	"math"
	"runtime"
	"strconv"
	"sync"
	"time"
	"weak"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// Sign-in limits. Failures are counted per (account, client address) and per address, within
// signinWindow. The first freePerPair failures of an account from one address cost nothing;
// after that each attempt from there must wait firstSigninWait after the latest failure, then
// twice that after the next, and so on up to maxSigninWait. Other addresses are not slowed, so that a guesser cannot lock the owner
// out; an address that fails for many accounts (freePerAddress) is slowed the same way for all.
// An admin can clear an account's failures (ClearSignInFailures).
const (
	signinWindow    = time.Hour
	freePerPair     = 5
	freePerAddress  = 50
	firstSigninWait = 15 * time.Second
	maxSigninWait   = 15 * time.Minute
)

// Password checks are capped per App: each argon2id check holds 19 MiB, so at most
// max(2, GOMAXPROCS) run at once, and an attempt that finds none free within hashWait is
// refused with SignInBusy rather than queued without bound.
const hashWait = 200 * time.Millisecond

// TooManySignIns refuses a sign-in attempt after too many failures; RetryAfter says when the
// next attempt may be made.
type TooManySignIns struct{ RetryAfter time.Duration }

func (e *TooManySignIns) Error() string { return "too many failed sign-ins: wait and try again" }

// SignInBusy refuses a sign-in attempt when every password check slot is taken; nothing was
// checked or counted.
type SignInBusy struct{ RetryAfter time.Duration }

func (e *SignInBusy) Error() string { return "too many sign-ins at once: try again in a moment" }

// signinWait is how long the next attempt must wait, given the failures counted.
func signinWait(c SignInCount) time.Duration {
	wait := func(failures, free int, last time.Time) time.Duration {
		if failures < free {
			return 0
		}
		d := min(maxSigninWait, time.Duration(math.Pow(2, float64(min(failures-free, 20))))*firstSigninWait)
		return last.Add(d).Sub(c.Now)
	}
	return max(0, wait(c.Pair, freePerPair, c.PairLast), wait(c.Address, freePerAddress, c.AddressLast))
}

// SignIn checks an email and password. A malformed email is a validation error, refused before
// anything is hashed or counted. Otherwise, whatever is wrong (no such account, a deactivated
// one, a wrong password) the answer is auth.ErrBadCredentials, after about the same time. The
// attempt is counted before the password is checked, in one transaction under a lock on the
// client address, so that concurrent attempts cannot all slip under the limit. A user with TOTP
// is not signed in yet: SecondFactor finishes it.
func (a *App) SignIn(ctx context.Context, email, password, remoteAddr string) (auth.User, error) {
	email, err := auth.CheckEmail(email)
	if err != nil {
		return auth.User{}, err
	}
	if len(password) > auth.MaxPasswordLength {
		return auth.User{}, assess.Invalid("password", "is longer than any password here (%d bytes at most)", auth.MaxPasswordLength)
	}
	return a.checkPasswordLimited(ctx, email, password, remoteAddr, func(tx Tx, u auth.User) error {
		p := Principal{User: u, RemoteAddr: remoteAddr, Via: "session"}
		if u.TOTPEnabled {
			return record(ctx, tx, p, auth.ActionSignInPassword, 0, 0, "%s gave the right password; a second factor is asked", u.Email)
		}
		return record(ctx, tx, p, auth.ActionSignIn, 0, 0, "%s signed in", u.Email)
	})
}

// checkPasswordLimited checks the password of the account email (normalised), under the
// sign-in limits: the attempt is counted first, in one transaction under the address's lock;
// the check takes a password-check slot; a failure stays counted and is recorded, and a
// success forgets the account's failures from the address and runs succeeded in the same
// transaction.
func (a *App) checkPasswordLimited(ctx context.Context, email, password, remoteAddr string, succeeded func(Tx, auth.User) error) (auth.User, error) {
	key := auth.SignInKey(email)
	var u auth.User
	var hash string
	var attempt int64
	err := a.store.Update(ctx, func(tx Tx) error {
		if err := tx.SignIns().Lock(ctx, remoteAddr); err != nil {
			return err
		}
		c, err := tx.SignIns().Count(ctx, key, remoteAddr, signinWindow)
		if err != nil {
			return err
		}
		if wait := signinWait(c); wait > 0 {
			return &TooManySignIns{RetryAfter: max(time.Second, time.Duration(math.Ceil(wait.Seconds()))*time.Second)}
		}
		if attempt, err = tx.SignIns().Record(ctx, key, remoteAddr, signinWindow); err != nil {
			return err
		}
		u, hash, err = tx.Users().FindByEmail(ctx, email)
		if assess.IsNotFound(err) {
			return nil
		}
		return err
	})
	if err != nil {
		return auth.User{}, err
	}
	release, ok := a.hashSlot(ctx)
	if !ok {
		err := a.store.Update(ctx, func(tx Tx) error { return tx.SignIns().Forget(ctx, attempt) })
		return auth.User{}, errors.Join(&SignInBusy{RetryAfter: time.Second}, err)
	}
	good := false
	if u.ID == 0 {
		auth.CheckNoUser(password)
	} else {
		good = auth.CheckPassword(hash, password) && u.Active
	}
	release()
	anon := Anonymous(remoteAddr)
	if !good {
		err := a.store.Update(ctx, func(tx Tx) error {
			if u.ID == 0 {
				return record(ctx, tx, anon, auth.ActionSignInFailed, 0, 0, "failed sign-in for an unknown account")
			}
			return recordAbout(ctx, tx, anon, u.ID, auth.ActionSignInFailed, "failed sign-in as %s", u.Email)
		})
		return auth.User{}, errors.Join(auth.ErrBadCredentials, err)
	}
	err = a.store.Update(ctx, func(tx Tx) error {
		if err := tx.SignIns().Forget(ctx, attempt); err != nil {
			return err
		}
		if _, err := tx.SignIns().Clear(ctx, key, remoteAddr); err != nil {
			return err
		}
		return succeeded(tx, u)
	})
	return u, err
}

// Reauthenticate checks p's password again, under the sign-in limits, before an admin action
// when p's sign-in is old (ASVS 3.7.1); a wrong one is a validation error on password.
func (a *App) Reauthenticate(ctx context.Context, p Principal, password string) error {
	return a.checkOwnPassword(ctx, p, "password", password, func(tx Tx) error {
		return recordAbout(ctx, tx, p, p.User.ID, auth.ActionReauthenticated, "%s gave their password again", p.User.Email)
	})
}

// ClearSignInFailures forgets every failed sign-in of a user's account, from every address, so
// that whoever was slowed down by them may try again at once.
func (a *App) ClearSignInFailures(ctx context.Context, p Principal, id int64) (auth.User, error) {
	return a.changeUser(ctx, p, id, false, func(tx Tx) (auth.User, string, string, error) {
		u, err := tx.Users().Find(ctx, id)
		if err != nil {
			return u, "", "", err
		}
		n, err := tx.SignIns().Clear(ctx, auth.SignInKey(u.Email), "")
		return u, auth.ActionSignInFailuresCleared, "cleared " + count(n, "failed sign-in") + " of " + u.Email, err
	})
}

// hashSlot takes one of the App's password-check slots, waiting at most hashWait; release gives
// it back.
func (a *App) hashSlot(ctx context.Context) (release func(), ok bool) {
	slots := hashSlotsOf(a)
	timer := time.NewTimer(hashWait)
	defer timer.Stop()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, true
	case <-timer.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}

// hashSlots holds each App's password-check slots. They live here rather than in App so that
// this file keeps the whole of the sign-in limits; entries go when their App does.
var hashSlots = struct {
	sync.Mutex
	m map[weak.Pointer[App]]chan struct{}
}{m: map[weak.Pointer[App]]chan struct{}{}}

func hashSlotsOf(a *App) chan struct{} {
	hashSlots.Lock()
	defer hashSlots.Unlock()
	k := weak.Make(a)
	if c, ok := hashSlots.m[k]; ok {
		return c
	}
	c := make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	hashSlots.m[k] = c
	runtime.AddCleanup(a, func(k weak.Pointer[App]) {
		hashSlots.Lock()
		delete(hashSlots.m, k)
		hashSlots.Unlock()
	}, k)
	return c
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
