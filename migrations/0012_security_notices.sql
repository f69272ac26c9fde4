-- +goose Up
-- Security notices: every change to a user's credentials or sessions (a password changed or
-- reset, a second factor turned on or off, recovery codes made or used, an API token made or
-- revoked, sessions ended, a role changed, an account reactivated) is told to that user, written
-- in the same transaction as the change. seen_at is when the user was shown it (once, on the
-- next page; the account page lists them all). The mail_* columns are the outbox of the email
-- sent when SMTP is configured: mailed_at once sent, mail_next_at when the next try is due (and
-- the lease of a try in progress), mail_attempts and mail_error for the retries. Nothing secret
-- is kept here: the summary names the change, never a password, code or token.
CREATE TABLE security_notices (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    at            timestamptz NOT NULL DEFAULT now(),
    action        text NOT NULL,
    actor         text NOT NULL,
    remote_addr   text NOT NULL DEFAULT '',
    summary       text NOT NULL CHECK (char_length(summary) <= 600),
    seen_at       timestamptz,
    mailed_at     timestamptz,
    mail_next_at  timestamptz NOT NULL DEFAULT now(),
    mail_attempts integer NOT NULL DEFAULT 0,
    mail_error    text NOT NULL DEFAULT '',
    mail_given_up boolean NOT NULL DEFAULT false
);
CREATE INDEX security_notices_user_idx ON security_notices (user_id, at DESC);
CREATE INDEX security_notices_unseen_idx ON security_notices (user_id) WHERE seen_at IS NULL;
CREATE INDEX security_notices_mail_idx ON security_notices (mail_next_at)
    WHERE mailed_at IS NULL AND NOT mail_given_up;

-- +goose Down
DROP TABLE security_notices;
