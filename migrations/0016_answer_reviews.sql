-- +goose Up
-- The team's review of each answer (issue 11, item 4), who gave each answer (item 6), and the
-- verified share of the stored score (item 5).

-- The verdict on the answer's current version: a new save puts it back to pending. review_open
-- says a clarification was asked and not settled since by an accepted or rejected verdict: the
-- element stays open to the provider's contact, also after they submitted.
ALTER TABLE answers
    ADD COLUMN review_verdict text NOT NULL DEFAULT 'pending'
        CHECK (review_verdict IN ('pending', 'accepted', 'clarify', 'rejected')),
    ADD COLUMN review_comment text NOT NULL DEFAULT '' CHECK (char_length(review_comment) <= 5000),
    ADD COLUMN review_by      text NOT NULL DEFAULT '',
    ADD COLUMN review_at      timestamptz,
    ADD COLUMN review_open    boolean NOT NULL DEFAULT false,
    -- Who gave the current version: the user's name or "<contact> via request link", and the
    -- request the contact answered through (NULL: a user of the team, updated_by).
    ADD COLUMN answered_by    text NOT NULL DEFAULT '',
    ADD COLUMN request_id     bigint REFERENCES evaluation_requests (id);

ALTER TABLE answer_revisions
    ADD COLUMN request_id bigint REFERENCES evaluation_requests (id);

-- Answers stored before: who answered is the actor of the revision that made their version.
UPDATE answers AS a SET answered_by = r.actor
FROM answer_revisions AS r
WHERE r.evaluation_id = a.evaluation_id AND r.question = a.question AND r.element = a.element
    AND r.version = a.version;

-- The thread on one element: the team's clarification questions and the contact's replies.
CREATE TABLE answer_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint NOT NULL REFERENCES evaluations (id),
    question      text NOT NULL,
    element       text NOT NULL,
    body          text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
    author        text NOT NULL,
    user_id       bigint REFERENCES users (id),
    request_id    bigint REFERENCES evaluation_requests (id),
    at            timestamptz NOT NULL
);
CREATE INDEX answer_messages_element_idx ON answer_messages (evaluation_id, question, element, id);

ALTER TABLE evaluations ADD COLUMN score_verified double precision NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE evaluations DROP COLUMN score_verified;
DROP TABLE answer_messages;
ALTER TABLE answer_revisions DROP COLUMN request_id;
ALTER TABLE answers DROP COLUMN request_id, DROP COLUMN answered_by, DROP COLUMN review_open,
    DROP COLUMN review_at, DROP COLUMN review_by, DROP COLUMN review_comment, DROP COLUMN review_verdict;
