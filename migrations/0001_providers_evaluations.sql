-- +goose Up
CREATE TABLE providers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    offering      text NOT NULL DEFAULT '' CHECK (char_length(offering) <= 200),
    service_model text NOT NULL CHECK (service_model IN ('saas', 'paas', 'iaas')),
    website       text NOT NULL DEFAULT '',
    notes         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Names are unique whatever their case: "Acme" and "ACME" are one provider.
CREATE UNIQUE INDEX providers_name_lower_key ON providers (lower(name));

CREATE TABLE evaluations (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_id           bigint NOT NULL REFERENCES providers (id),
    questionnaire_key     text NOT NULL,
    questionnaire_version integer NOT NULL,
    -- The score as of the last save, so that lists never recompute it.
    score_overall         double precision NOT NULL DEFAULT 0,
    score_tier            text NOT NULL DEFAULT 'poor',
    score_progress        double precision NOT NULL DEFAULT 0,
    score_evidenced       double precision NOT NULL DEFAULT 0,
    score_questions       jsonb NOT NULL DEFAULT '[]',
    score_as_of           date NOT NULL,
    scoring_version       integer NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluations_provider_idx ON evaluations (provider_id, id DESC);
-- Finds the scores computed on an earlier day, which are refreshed daily.
CREATE INDEX evaluations_score_as_of_idx ON evaluations (score_as_of);

-- The newest evaluation of each provider, kept on the provider so that the list joins one row.
ALTER TABLE providers ADD COLUMN latest_evaluation_id bigint REFERENCES evaluations (id);

CREATE TABLE answers (
    evaluation_id bigint NOT NULL REFERENCES evaluations (id),
    question      text NOT NULL,
    element       text NOT NULL,
    value         jsonb,
    explanation   text NOT NULL DEFAULT '',
    evidence      jsonb NOT NULL DEFAULT '[]',
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (evaluation_id, question, element)
);

-- +goose Down
DROP TABLE answers;
ALTER TABLE providers DROP COLUMN latest_evaluation_id;
DROP TABLE evaluations;
DROP TABLE providers;
