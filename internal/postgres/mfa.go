package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/app"
)

// mfa is the TOTP columns of users, the recovery_codes table and the settings table.
type mfa struct{ q querier }

// MFA is the second-factor repository bound to the transaction.
func (t tx) MFA() app.MFA { return mfa(t) }

// TOTP returns a user's TOTP secret ("" when none), the last step accepted and whether TOTP is
// on, locking the user's row until the transaction ends so that a code is accepted once.
func (r mfa) TOTP(ctx context.Context, userID int64) (app.TOTPState, error) {
	var s app.TOTPState
	var secret *string
	err := r.q.QueryRow(ctx, `SELECT totp_secret, totp_last_step, totp_enabled_at IS NOT NULL FROM users WHERE id = $1 FOR UPDATE`,
		userID).Scan(&secret, &s.LastStep, &s.Enabled)
	s.Secret = orZero(secret)
	return s, translate(err, fmt.Sprintf("TOTP of user %d", userID))
}

// EnableTOTP turns TOTP on with secret, the code of step just accepted.
func (r mfa) EnableTOTP(ctx context.Context, userID int64, secret string, step int64, at time.Time) error {
	return r.exec(ctx, "enable TOTP", `UPDATE users SET totp_secret = $2, totp_last_step = $3, totp_enabled_at = $4, updated_at = now() WHERE id = $1`,
		userID, secret, step, at)
}

// DisableTOTP turns TOTP off and spends every recovery code.
func (r mfa) DisableTOTP(ctx context.Context, userID int64) error {
	if err := r.exec(ctx, "disable TOTP", `UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, updated_at = now() WHERE id = $1`, userID); err != nil {
		return err
	}
	return r.exec(ctx, "spend recovery codes", `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, userID)
}

// AcceptStep records the time step of a code just accepted.
func (r mfa) AcceptStep(ctx context.Context, userID, step int64) error {
	return r.exec(ctx, "accept a TOTP step", `UPDATE users SET totp_last_step = $2 WHERE id = $1`, userID, step)
}

// ReplaceRecoveryCodes spends a user's remaining recovery codes and stores new ones.
func (r mfa) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	if err := r.exec(ctx, "spend recovery codes", `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
		return err
	}
	return r.exec(ctx, "store recovery codes", `INSERT INTO recovery_codes (user_id, hash) SELECT $1, h FROM unnest($2::bytea[]) AS h`, userID, hashes)
}

// UseRecoveryCode spends the unused recovery code of a user with hash, and says how many are
// left; no such code is assess.ErrNotFound.
func (r mfa) UseRecoveryCode(ctx context.Context, userID int64, hash []byte) (int, error) {
	var left int
	err := r.q.QueryRow(ctx, `
		WITH used AS (
			UPDATE recovery_codes SET used_at = now()
			WHERE id = (SELECT id FROM recovery_codes WHERE user_id = $1 AND hash = $2 AND used_at IS NULL LIMIT 1)
			RETURNING id)
		SELECT (SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL) - 1 FROM used`,
		userID, hash).Scan(&left)
	return left, translate(err, "use a recovery code")
}

// Setting returns a setting's value.
func (r mfa) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := r.q.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	return v, translate(err, "read setting "+key)
}

// SetSetting stores a setting's value.
func (r mfa) SetSetting(ctx context.Context, key, value string) error {
	return r.exec(ctx, "store setting "+key, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`, key, value)
}

func (r mfa) exec(ctx context.Context, doing, sql string, args ...any) error {
	tag, err := r.q.Exec(ctx, sql, args...)
	if err == nil && tag.RowsAffected() == 0 && doing != "spend recovery codes" {
		err = pgx.ErrNoRows
	}
	return translate(err, doing)
}
