-- +goose Up
-- An archived provider is hidden from the lists, the home page's counts, the portfolio exports
-- and comparisons, and kept with every evaluation, answer and revision until it is restored.
-- archived_at is when it was archived (NULL: not archived), archived_by who did it (NULL also
-- when the command line did).
ALTER TABLE providers
    ADD COLUMN archived_at timestamptz,
    ADD COLUMN archived_by bigint REFERENCES users (id),
    ADD CONSTRAINT providers_archived_by_check CHECK (archived_at IS NOT NULL OR archived_by IS NULL);

-- The list reads the providers that are not archived, in name or score order, from these
-- indexes alone (partial: an archived provider is in neither), and the archived ones from their
-- own; the names keep the ones migrations 0003 and 0005 gave the full indexes.
DROP INDEX providers_name_order_idx;
DROP INDEX providers_current_score_idx;
CREATE INDEX providers_name_order_idx ON providers (name_key, id) WHERE archived_at IS NULL;
CREATE INDEX providers_current_score_idx ON providers (current_score DESC NULLS LAST, name_key, id)
    WHERE archived_at IS NULL;
CREATE INDEX providers_archived_name_idx ON providers (name_key, id) WHERE archived_at IS NOT NULL;
CREATE INDEX providers_archived_score_idx ON providers (current_score DESC NULLS LAST, name_key, id)
    WHERE archived_at IS NOT NULL;

-- provider_total (migration 0007) now counts the providers that are not archived: inserts and
-- deletes count only those, and archiving or restoring one moves the total by one, in the same
-- transaction.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION provider_total_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE provider_total SET providers = 0;
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO n FROM added WHERE archived_at IS NULL;
    ELSE
        SELECT -count(*) INTO n FROM removed WHERE archived_at IS NULL;
    END IF;
    IF n <> 0 THEN
        UPDATE provider_total SET providers = providers + n;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION provider_total_archive() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE provider_total SET providers = providers + CASE WHEN NEW.archived_at IS NULL THEN 1 ELSE -1 END;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- Per row, and only for the rows whose archived state changes: every other update of providers
-- (an edit, a new current evaluation) fires nothing.
CREATE TRIGGER provider_total_archive AFTER UPDATE OF archived_at ON providers
    FOR EACH ROW WHEN ((OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))
    EXECUTE FUNCTION provider_total_archive();

UPDATE provider_total SET providers = (SELECT count(*) FROM providers WHERE archived_at IS NULL);

-- +goose Down
DROP TRIGGER provider_total_archive ON providers;
DROP FUNCTION provider_total_archive();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION provider_total_count() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE provider_total SET providers = 0;
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO n FROM added;
    ELSE
        SELECT -count(*) INTO n FROM removed;
    END IF;
    IF n <> 0 THEN
        UPDATE provider_total SET providers = providers + n;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
DROP INDEX providers_archived_score_idx;
DROP INDEX providers_archived_name_idx;
DROP INDEX providers_current_score_idx;
DROP INDEX providers_name_order_idx;
CREATE INDEX providers_name_order_idx ON providers (name_key, id);
CREATE INDEX providers_current_score_idx ON providers (current_score DESC NULLS LAST, name_key, id);
ALTER TABLE providers DROP CONSTRAINT providers_archived_by_check,
    DROP COLUMN archived_by,
    DROP COLUMN archived_at;
UPDATE provider_total SET providers = (SELECT count(*) FROM providers);
