-- +goose Up
-- Failed sign-ins are counted per (account, client address) under a fixed-length key of the
-- account (a SHA-256 of the normalised email), never the text typed in the email field. Rows
-- from before are dropped: they only ever counted the last 15 minutes.
DROP TABLE signin_failures;
CREATE TABLE signin_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_key bytea NOT NULL CHECK (length(account_key) = 32),
    remote_addr text NOT NULL CHECK (char_length(remote_addr) <= 64),
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signin_failures_account_addr_idx ON signin_failures (account_key, remote_addr, at);
CREATE INDEX signin_failures_addr_idx ON signin_failures (remote_addr, at);

-- Sessions belong to a user, so that a password reset, a role change or a deactivation ends
-- them all, and a user can list and end their own. session_epoch moves on at each of those
-- changes; a session is good only while it carries its user's current epoch, so that a request
-- in flight at the time cannot write a session back to life.
ALTER TABLE users ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0;
ALTER TABLE sessions
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN user_id bigint REFERENCES users (id),
    ADD COLUMN user_epoch bigint NOT NULL DEFAULT 0,
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN signed_in_at timestamptz,
    ADD COLUMN last_seen_at timestamptz,
    ADD COLUMN remote_addr text NOT NULL DEFAULT '',
    ADD COLUMN user_agent text NOT NULL DEFAULT '',
    ADD COLUMN ended boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX sessions_id_key ON sessions (id);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE user_id IS NOT NULL;

-- Whom an audit entry is about, when that is a user (a password changed, a session ended), so
-- that each user can be shown the changes made to their own credentials.
ALTER TABLE audit_log ADD COLUMN subject_user_id bigint REFERENCES users (id);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_user_id, at DESC) WHERE subject_user_id IS NOT NULL;

-- +goose Down
DROP INDEX audit_log_subject_idx;
ALTER TABLE audit_log DROP COLUMN subject_user_id;
DROP INDEX sessions_user_idx;
DROP INDEX sessions_id_key;
ALTER TABLE sessions DROP COLUMN id, DROP COLUMN user_id, DROP COLUMN user_epoch, DROP COLUMN created_at,
    DROP COLUMN signed_in_at, DROP COLUMN last_seen_at, DROP COLUMN remote_addr, DROP COLUMN user_agent,
    DROP COLUMN ended;
ALTER TABLE users DROP COLUMN session_epoch;
DROP TABLE signin_failures;
CREATE TABLE signin_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account     text NOT NULL,
    remote_addr text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signin_failures_account_idx ON signin_failures (account, at);
CREATE INDEX signin_failures_addr_idx ON signin_failures (remote_addr, at);
