-- +goose Up
-- Responses of API requests sent with an Idempotency-Key, kept 24 hours per principal so that
-- a client's retry gets the first answer instead of doing the work twice. status is NULL while
-- the first request is still being handled.
CREATE TABLE idempotency_keys (
    owner        text        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    status       integer,
    header       jsonb,
    body         bytea,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
