-- +goose Up
-- A page of the provider list reached through its Next or Previous link starts from the last or
-- first row of the page before it (a key, not an offset), so that a page deep in the list costs
-- what the first one does. A key is compared as one row value, which needs one direction for
-- all its columns: score_order sorts ascending as current_score sorts descending with the
-- providers not assessed last. The score indexes of migration 0011 become indexes on it, in the
-- same order as before.
ALTER TABLE providers
    ADD COLUMN score_order double precision
        GENERATED ALWAYS AS (coalesce(-current_score, 'Infinity'::double precision)) STORED;

DROP INDEX providers_current_score_idx;
DROP INDEX providers_archived_score_idx;
CREATE INDEX providers_current_score_idx ON providers (score_order, name_key, id) WHERE archived_at IS NULL;
CREATE INDEX providers_archived_score_idx ON providers (score_order, name_key, id) WHERE archived_at IS NOT NULL;

-- +goose Down
DROP INDEX providers_archived_score_idx;
DROP INDEX providers_current_score_idx;
ALTER TABLE providers DROP COLUMN score_order;
CREATE INDEX providers_current_score_idx ON providers (current_score DESC NULLS LAST, name_key, id)
    WHERE archived_at IS NULL;
CREATE INDEX providers_archived_score_idx ON providers (current_score DESC NULLS LAST, name_key, id)
    WHERE archived_at IS NOT NULL;
