-- +goose Up
-- The provider list sorts by the latest evaluation's score and searches names by substring.
-- Keeping the latest score on the provider lets one index serve the sort, and a trigram index
-- serves the search, so neither scans the table at 100,000 providers.
-- name_key is the name as it sorts; as a plain column (not an expression) it lets the page's ids
-- be read from these indexes alone, so a deep page skips its offset without touching the table.
ALTER TABLE providers ADD COLUMN latest_score double precision;
ALTER TABLE providers ADD COLUMN name_key text GENERATED ALWAYS AS (lower(name)) STORED;
UPDATE providers AS p SET latest_score = e.score_overall FROM evaluations AS e WHERE e.id = p.latest_evaluation_id;
CREATE INDEX providers_latest_score_idx ON providers (latest_score DESC NULLS LAST, name_key, id);
CREATE INDEX providers_name_order_idx ON providers (name_key, id);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX providers_name_trgm_idx ON providers USING gin (name gin_trgm_ops);

-- +goose Down
DROP INDEX providers_name_trgm_idx;
DROP INDEX providers_name_order_idx;
DROP INDEX providers_latest_score_idx;
ALTER TABLE providers DROP COLUMN name_key;
ALTER TABLE providers DROP COLUMN latest_score;
