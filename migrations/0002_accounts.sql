-- +goose Up
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    role          text NOT NULL CHECK (role IN ('viewer', 'evaluator', 'admin')),
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- API tokens: only a SHA-256 of each token is kept.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    label        text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
    hash         bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Browser sessions, in the shape alexedwards/scs's pgxstore expects, so that every app process
-- behind a load balancer shares them.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Failed sign-ins, counted per account and per client address to slow guessing.
CREATE TABLE signin_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account     text NOT NULL,
    remote_addr text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signin_failures_account_idx ON signin_failures (account, at);
CREATE INDEX signin_failures_addr_idx ON signin_failures (remote_addr, at);

-- Every change and every sign-in, written in the same transaction as the change. Never updated.
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    user_id       bigint REFERENCES users (id),
    actor         text NOT NULL,
    remote_addr   text NOT NULL DEFAULT '',
    action        text NOT NULL,
    provider_id   bigint REFERENCES providers (id),
    evaluation_id bigint REFERENCES evaluations (id),
    summary       text NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC);
CREATE INDEX audit_log_provider_idx ON audit_log (provider_id, at DESC);

-- Who started an evaluation and who last changed each answer.
ALTER TABLE evaluations ADD COLUMN created_by bigint REFERENCES users (id);
ALTER TABLE answers ADD COLUMN updated_by bigint REFERENCES users (id);

-- +goose Down
ALTER TABLE answers DROP COLUMN updated_by;
ALTER TABLE evaluations DROP COLUMN created_by;
DROP TABLE audit_log;
DROP TABLE signin_failures;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
