-- +goose Up
-- TOTP as a second factor: the shared secret (base32), when it was turned on, and the last time
-- step a code was accepted for, so that no code is accepted twice.
ALTER TABLE users
    ADD COLUMN totp_secret text,
    ADD COLUMN totp_enabled_at timestamptz,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
    ADD CONSTRAINT users_totp_enabled_has_secret CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL);

-- Recovery codes: one-time codes for when the authenticator is lost, kept as SHA-256 (each is
-- 50 random bits, shown once).
CREATE TABLE recovery_codes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    hash       bytea NOT NULL CHECK (length(hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id) WHERE used_at IS NULL;

-- Settings an admin changes in the app: mfa_required is none, admins or everyone.
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings (key, value) VALUES ('mfa_required', 'none');

-- +goose Down
DROP TABLE settings;
DROP TABLE recovery_codes;
ALTER TABLE users DROP CONSTRAINT users_totp_enabled_has_secret,
    DROP COLUMN totp_last_step, DROP COLUMN totp_enabled_at, DROP COLUMN totp_secret;
