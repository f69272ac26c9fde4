-- +goose Up
-- The audit log is append-only in the database itself, not only in the app: whoever connects
-- with the app's role (the app, a psql session, a compromised process) can insert entries but
-- never change, delete or truncate them. Only the table's owner can lift this, by dropping the
-- trigger, which is itself a schema change that shows.
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are only ever inserted; nothing edits or removes them.';
END;
$$;
-- +goose StatementEnd

-- FOR EACH STATEMENT, so that a statement is refused even when it matches no row.
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TRIGGER audit_log_append_only ON audit_log;
DROP FUNCTION audit_log_append_only();
