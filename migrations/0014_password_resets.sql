-- +goose Up
-- API tokens behave as session credentials rather than static secrets (ASVS 3.5.2): each has an
-- expiry chosen when it is made (expires_at), and an idle expiry (idle_expires_at) that each use
-- noted moves on, so that a token nobody uses stops working. Tokens from before get 90 days from
-- now, and their idle clock starts now (their last use before it is kept as it was).
ALTER TABLE api_tokens
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN idle_expires_at timestamptz;
UPDATE api_tokens SET expires_at = now() + interval '90 days', idle_expires_at = now() + interval '30 days';
ALTER TABLE api_tokens
    ALTER COLUMN expires_at SET NOT NULL,
    ALTER COLUMN idle_expires_at SET NOT NULL;

-- Forgotten passwords (ASVS 2.5.6): a reset link carries 32 random bytes, of which only the
-- SHA-256 is kept. One live link per account: a new one ends the one before (ended = 'replaced'),
-- using it ends it ('used'). A link works until expires_at.
CREATE TABLE password_resets (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at   timestamptz,
    ended      text CHECK (ended IN ('used', 'replaced')),
    CHECK ((ended_at IS NULL) = (ended IS NULL))
);
CREATE UNIQUE INDEX password_resets_live_idx ON password_resets (user_id) WHERE ended_at IS NULL;

-- Every request for a reset link, known account or not, counted per account (a SHA-256 of the
-- normalised email, never what was typed) and per client address, for the rate limits.
CREATE TABLE password_reset_requests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_key bytea NOT NULL CHECK (length(account_key) = 32),
    remote_addr text NOT NULL CHECK (char_length(remote_addr) <= 64),
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_reset_requests_account_idx ON password_reset_requests (account_key, at);
CREATE INDEX password_reset_requests_addr_idx ON password_reset_requests (remote_addr, at);

-- +goose Down
DROP TABLE password_reset_requests;
DROP TABLE password_resets;
ALTER TABLE api_tokens DROP COLUMN expires_at, DROP COLUMN idle_expires_at;
