-- +goose Up
-- Questionnaires are data: each version is stored once and never changes, so that an evaluation
-- pinned to a version always reads the questions it was answered against. The built-in versions
-- are seeded at start-up, after the migrations.
CREATE TABLE questionnaires (
    key        text NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    title      text NOT NULL,
    definition jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, version)
);

-- A stored version is never updated, and one that an evaluation pins is never deleted.
-- +goose StatementBegin
CREATE FUNCTION questionnaires_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM evaluations AS e
            WHERE e.questionnaire_key = OLD.key AND e.questionnaire_version = OLD.version) THEN
        RAISE EXCEPTION 'questionnaire % v% is used by evaluations and cannot change', OLD.key, OLD.version
            USING ERRCODE = 'restrict_violation';
    ELSIF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'questionnaire % v% cannot change: publish a new version', OLD.key, OLD.version
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER questionnaires_immutable BEFORE UPDATE OR DELETE ON questionnaires
    FOR EACH ROW EXECUTE FUNCTION questionnaires_immutable();

-- Every evaluation pins a stored version. Existing rows point at the built-in version, which is
-- only seeded after the migrations, so the key is not checked against them (NOT VALID); new and
-- changed rows are checked. The index serves the key's checks and the count of pinning
-- evaluations.
ALTER TABLE evaluations ADD CONSTRAINT evaluations_questionnaire_fkey
    FOREIGN KEY (questionnaire_key, questionnaire_version) REFERENCES questionnaires (key, version) NOT VALID;
CREATE INDEX evaluations_questionnaire_idx ON evaluations (questionnaire_key, questionnaire_version);

-- An evaluation records the provider as it was when it started, who completed it, and the
-- completed evaluation a reassessment started from.
ALTER TABLE evaluations
    ADD COLUMN provider_name text,
    ADD COLUMN offering text,
    ADD COLUMN service_model text;
UPDATE evaluations AS e SET provider_name = p.name, offering = p.offering, service_model = p.service_model
FROM providers AS p WHERE p.id = e.provider_id;
ALTER TABLE evaluations
    ALTER COLUMN provider_name SET NOT NULL,
    ALTER COLUMN offering SET NOT NULL,
    ALTER COLUMN service_model SET NOT NULL,
    ADD CONSTRAINT evaluations_service_model_check CHECK (service_model IN ('saas', 'paas', 'iaas')),
    ADD COLUMN completed_by bigint REFERENCES users (id),
    ADD COLUMN reassessed_from bigint REFERENCES evaluations (id);

-- A provider is represented by its current evaluation (the latest completed one) and its draft
-- in progress, if any; the current one's score is kept on the provider for the list's sort
-- (NULL: not assessed), in the index that served the latest score.
ALTER TABLE providers
    ADD COLUMN current_evaluation_id bigint REFERENCES evaluations (id),
    ADD COLUMN draft_evaluation_id bigint REFERENCES evaluations (id);
ALTER TABLE providers RENAME COLUMN latest_score TO current_score;
ALTER INDEX providers_latest_score_idx RENAME TO providers_current_score_idx;
UPDATE providers AS p
SET current_evaluation_id = r.current_id, draft_evaluation_id = r.draft_id, current_score = r.current_score
FROM providers AS x LEFT JOIN (
    SELECT e.provider_id,
        (array_agg(e.id ORDER BY e.completed_at DESC NULLS LAST, e.id DESC)
            FILTER (WHERE e.status = 'completed'))[1] AS current_id,
        (array_agg(CASE WHEN e.score_tier = 'not_assessed' THEN NULL ELSE e.score_overall END
            ORDER BY e.completed_at DESC NULLS LAST, e.id DESC) FILTER (WHERE e.status = 'completed'))[1] AS current_score,
        max(e.id) FILTER (WHERE e.status = 'draft') AS draft_id
    FROM evaluations AS e GROUP BY e.provider_id
) AS r ON r.provider_id = x.id
WHERE p.id = x.id;
ALTER TABLE providers DROP COLUMN latest_evaluation_id;

-- A revision says where a saved answer came from when a person did not type it.
ALTER TABLE answer_revisions ADD COLUMN note text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE answer_revisions DROP COLUMN note;

ALTER TABLE providers ADD COLUMN latest_evaluation_id bigint REFERENCES evaluations (id);
ALTER INDEX providers_current_score_idx RENAME TO providers_latest_score_idx;
ALTER TABLE providers RENAME COLUMN current_score TO latest_score;
UPDATE providers AS p SET latest_evaluation_id = e.id, latest_score = e.score_overall
FROM providers AS x LEFT JOIN (
    SELECT DISTINCT ON (provider_id) provider_id, id, score_overall FROM evaluations ORDER BY provider_id, id DESC
) AS e ON e.provider_id = x.id
WHERE p.id = x.id;
ALTER TABLE providers DROP COLUMN draft_evaluation_id, DROP COLUMN current_evaluation_id;

ALTER TABLE evaluations
    DROP COLUMN reassessed_from,
    DROP COLUMN completed_by,
    DROP COLUMN service_model,
    DROP COLUMN offering,
    DROP COLUMN provider_name;

DROP INDEX evaluations_questionnaire_idx;
ALTER TABLE evaluations DROP CONSTRAINT evaluations_questionnaire_fkey;
DROP TABLE questionnaires;
DROP FUNCTION questionnaires_immutable();
