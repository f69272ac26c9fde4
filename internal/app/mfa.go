package app

import (
	"context"
	"errors"
	"math"
	"time"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// mfaRequiredKey is the setting that says who must sign in with a second factor.
const mfaRequiredKey = "mfa_required"

// ErrBadSecondFactor is the one answer to a wrong TOTP or recovery code.
var ErrBadSecondFactor = errors.New("that code is not right: enter the 6-digit code your authenticator shows now, or a recovery code")

// MFARequirement says who must sign in with a second factor (an admin's setting).
func (a *App) MFARequirement(ctx context.Context) (auth.MFARequirement, error) {
	var v string
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		v, err = tx.MFA().Setting(ctx, mfaRequiredKey)
		return err
	})
	if assess.IsNotFound(err) {
		return auth.MFAOptional, nil
	}
	if err != nil {
		return "", err
	}
	return auth.CheckMFARequirement(v)
}

// SetMFARequirement changes who must sign in with a second factor. Users it now covers who
// have none are asked to set one up at their next sign-in.
func (a *App) SetMFARequirement(ctx context.Context, p Principal, value string) error {
	if err := allow(p, ManageAccounts, Resource{}); err != nil {
		return err
	}
	m, err := auth.CheckMFARequirement(value)
	if err != nil {
		return err
	}
	return a.store.Update(ctx, func(tx Tx) error {
		if err := tx.MFA().SetSetting(ctx, mfaRequiredKey, string(m)); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionSettingChanged, 0, 0, "set who must sign in with a second factor to %s", m)
	})
}

// NewTOTPKey makes a TOTP secret for p to set up (nothing is stored until EnableTOTP).
func (a *App) NewTOTPKey(ctx context.Context, p Principal) (auth.TOTPKey, error) {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return auth.TOTPKey{}, err
	}
	return auth.NewTOTPKey(p.User.Email)
}

// EnableTOTP turns TOTP on for p with secret, given a code of it (proof that the authenticator
// has it), and returns new recovery codes, shown this once.
func (a *App) EnableTOTP(ctx context.Context, p Principal, secret, code string) ([]string, error) {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return nil, err
	}
	if err := auth.CheckTOTPSecret(secret); err != nil {
		return nil, err
	}
	step, ok := auth.CheckTOTP(secret, code, a.now(), 0)
	if !ok {
		return nil, assess.Invalid("code", "is not the code your authenticator shows now: check its clock and try again")
	}
	codes, hashes, err := auth.NewRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = a.store.Update(ctx, func(tx Tx) error {
		st, err := tx.MFA().TOTP(ctx, p.User.ID)
		if err != nil {
			return err
		}
		if st.Enabled {
			return assess.Invalid("code", "two-step sign-in is already on: turn it off first to set up another authenticator")
		}
		if err := tx.MFA().EnableTOTP(ctx, p.User.ID, secret, step, a.now()); err != nil {
			return err
		}
		if err := tx.MFA().ReplaceRecoveryCodes(ctx, p.User.ID, hashes); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, p.User.ID, auth.ActionTOTPEnabled, "%s turned on two-step sign-in (TOTP) with %d recovery codes", p.User.Email, len(codes))
	})
	return codes, err
}

// DisableTOTP turns p's TOTP off, given p's password.
func (a *App) DisableTOTP(ctx context.Context, p Principal, password string) error {
	if err := a.checkOwnPassword(ctx, p, "password", password, nil); err != nil {
		return err
	}
	return a.store.Update(ctx, func(tx Tx) error {
		if err := tx.MFA().DisableTOTP(ctx, p.User.ID); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, p.User.ID, auth.ActionTOTPDisabled, "%s turned off two-step sign-in", p.User.Email)
	})
}

// RegenerateRecoveryCodes replaces p's recovery codes with new ones, given p's password, and
// returns them, shown this once: the old ones stop working.
func (a *App) RegenerateRecoveryCodes(ctx context.Context, p Principal, password string) ([]string, error) {
	codes, hashes, err := auth.NewRecoveryCodes()
	if err != nil {
		return nil, err
	}
	err = a.checkOwnPassword(ctx, p, "recovery_password", password, func(tx Tx) error {
		st, err := tx.MFA().TOTP(ctx, p.User.ID)
		if err != nil {
			return err
		}
		if !st.Enabled {
			return assess.Invalid("recovery_password", "two-step sign-in is off: recovery codes come with turning it on")
		}
		if err := tx.MFA().ReplaceRecoveryCodes(ctx, p.User.ID, hashes); err != nil {
			return err
		}
		return recordAbout(ctx, tx, p, p.User.ID, auth.ActionRecoveryCodesRegenerated, "%s made %d new recovery codes; the old ones no longer work", p.User.Email, len(codes))
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// ResetTOTP turns another user's TOTP off (an admin's help when the authenticator and the
// recovery codes are lost) and ends their sessions.
func (a *App) ResetTOTP(ctx context.Context, p Principal, id int64) (auth.User, error) {
	return a.changeUser(ctx, p, id, true, func(tx Tx) (auth.User, string, string, error) {
		u, err := tx.Users().Find(ctx, id)
		if err == nil {
			err = tx.MFA().DisableTOTP(ctx, id)
		}
		if err == nil {
			err = endCredentials(ctx, tx, p, u, false)
		}
		return u, auth.ActionTOTPDisabled, "turned off the two-step sign-in of " + u.Email, err
	})
}

// SecondFactor finishes the sign-in of the user whose password was accepted, given a TOTP code
// or a recovery code. Wrong codes count as failed sign-ins of the account from remoteAddr and
// slow further attempts as wrong passwords do; a TOTP code is accepted once only.
func (a *App) SecondFactor(ctx context.Context, userID int64, code, remoteAddr string) (auth.User, error) {
	var u auth.User
	var bad bool
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if u, err = tx.Users().Find(ctx, userID); err != nil {
			return err
		}
		key := auth.SignInKey(u.Email)
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
		st, err := tx.MFA().TOTP(ctx, userID)
		if err != nil {
			return err
		}
		p := Principal{User: u, RemoteAddr: remoteAddr, Via: "session"}
		how := ""
		if step, ok := auth.CheckTOTP(st.Secret, code, a.now(), st.LastStep); ok && st.Enabled && u.Active {
			how = "a TOTP code"
			err = tx.MFA().AcceptStep(ctx, userID, step)
		} else if left, rerr := tx.MFA().UseRecoveryCode(ctx, userID, auth.HashRecoveryCode(code)); rerr == nil && st.Enabled && u.Active {
			how = "a recovery code"
			err = recordAbout(ctx, tx, p, u.ID, auth.ActionRecoveryCodeUsed, "%s signed in with a recovery code; %d left", u.Email, left)
		} else if rerr != nil && !assess.IsNotFound(rerr) {
			return rerr
		}
		if err != nil {
			return err
		}
		if how == "" {
			bad = true
			if _, err := tx.SignIns().Record(ctx, key, remoteAddr, signinWindow); err != nil {
				return err
			}
			return recordAbout(ctx, tx, Anonymous(remoteAddr), u.ID, auth.ActionSecondFactorFailed, "a wrong second-factor code for %s", u.Email)
		}
		if _, err := tx.SignIns().Clear(ctx, key, remoteAddr); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionSignIn, 0, 0, "%s signed in with a password and %s", u.Email, how)
	})
	if err == nil && bad {
		err = ErrBadSecondFactor
	}
	if err != nil {
		return auth.User{}, err
	}
	return u, nil
}

// checkOwnPassword checks p's own password, on field, under the sign-in limits (so that a
// session in the wrong hands cannot guess it through these forms either); then runs then, when
// not nil, in the transaction that notes the success.
func (a *App) checkOwnPassword(ctx context.Context, p Principal, field, password string, then func(Tx) error) error {
	if err := allow(p, ManageOwnAccount, Resource{}); err != nil {
		return err
	}
	if len(password) > auth.MaxPasswordLength {
		return assess.Invalid(field, "is not your password")
	}
	_, err := a.checkPasswordLimited(ctx, p.User.Email, password, p.RemoteAddr, func(tx Tx, _ auth.User) error {
		if then == nil {
			return nil
		}
		return then(tx)
	})
	if errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, assess.ErrUnavailable) {
		return assess.Invalid(field, "is not your password")
	}
	return err
}
