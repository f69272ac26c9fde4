-- +goose Up
-- Every save of an answer appends a revision in the same transaction: who, when, the value
-- before and after, and the explanation and evidence saved. Never updated or deleted.
CREATE TABLE answer_revisions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id bigint NOT NULL REFERENCES evaluations (id),
    question      text NOT NULL,
    element       text NOT NULL,
    version       integer NOT NULL,
    old_value     jsonb,
    new_value     jsonb,
    explanation   text NOT NULL,
    evidence      jsonb NOT NULL,
    user_id       bigint REFERENCES users (id),
    actor         text NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (evaluation_id, question, element, version)
);

-- An evaluation is a draft until completed; a completed one is locked, its score frozen.
ALTER TABLE evaluations ADD COLUMN status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'completed'));
ALTER TABLE evaluations ADD COLUMN completed_at timestamptz;

-- +goose Down
ALTER TABLE evaluations DROP COLUMN completed_at;
ALTER TABLE evaluations DROP COLUMN status;
DROP TABLE answer_revisions;
