-- +goose Up
-- The scored part of every answer of an evaluation (value, and whether it has evidence), kept
-- beside its score, keyed by "question.element": a save rescores from it and the changed answer
-- instead of reading every answer back. NULL means not kept (evaluations written before this
-- migration, or loaded in bulk without it): the next save reads the answers once and keeps it.
-- Every write of answers either rewrites it (a save) or sets it to NULL (Answers.Save).
ALTER TABLE evaluations ADD COLUMN scored jsonb;

-- The exact number of providers, kept in the same transaction as every insert and delete of
-- providers by the triggers below, so that the list's total is one row read instead of a count
-- of the table. One row only.
CREATE TABLE provider_total (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    providers bigint NOT NULL CHECK (providers >= 0)
);
INSERT INTO provider_total (providers) SELECT count(*) FROM providers;

-- +goose StatementBegin
CREATE FUNCTION provider_total_count() RETURNS trigger
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

-- Per statement, with the statement's rows as a transition table: a bulk load (COPY of 100,000
-- providers) updates the row once, not once per provider.
CREATE TRIGGER provider_total_insert AFTER INSERT ON providers
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION provider_total_count();
CREATE TRIGGER provider_total_delete AFTER DELETE ON providers
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION provider_total_count();
CREATE TRIGGER provider_total_truncate AFTER TRUNCATE ON providers
    FOR EACH STATEMENT EXECUTE FUNCTION provider_total_count();

-- +goose Down
DROP TRIGGER provider_total_truncate ON providers;
DROP TRIGGER provider_total_delete ON providers;
DROP TRIGGER provider_total_insert ON providers;
DROP FUNCTION provider_total_count();
DROP TABLE provider_total;
ALTER TABLE evaluations DROP COLUMN scored;
