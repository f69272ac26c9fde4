-- +goose Up
-- Requests for an evaluation sent to a provider's contact: a single-purpose link of which only a
-- SHA-256 is kept. Reissuing replaces the hash, which ends the old link and every respondent
-- session opened from it.
CREATE TABLE evaluation_requests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint NOT NULL REFERENCES evaluations (id),
    contact_name  text NOT NULL CHECK (char_length(contact_name) BETWEEN 1 AND 200),
    contact_email text NOT NULL CHECK (char_length(contact_email) BETWEEN 3 AND 254),
    due_date      date NOT NULL,
    message       text NOT NULL DEFAULT '' CHECK (char_length(message) <= 5000),
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    expires_at    timestamptz NOT NULL,
    sent_by       bigint REFERENCES users (id),
    sent_by_name  text NOT NULL,
    sent_by_email text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    opened_at     timestamptz,
    started_at    timestamptz,
    submitted_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX evaluation_requests_evaluation_idx ON evaluation_requests (evaluation_id, id);

-- A respondent's browser session, keyed by a SHA-256 of its cookie, scoped to one request and
-- to the link it was opened with (token_hash): once the link is reissued, the session is gone.
CREATE TABLE request_sessions (
    hash       bytea PRIMARY KEY CHECK (length(hash) = 32),
    request_id bigint NOT NULL REFERENCES evaluation_requests (id),
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX request_sessions_request_idx ON request_sessions (request_id);
CREATE INDEX request_sessions_expires_idx ON request_sessions (expires_at);

-- +goose Down
DROP TABLE request_sessions;
DROP TABLE evaluation_requests;
