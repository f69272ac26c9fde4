-- +goose Up
-- Whether a request's link was emailed to its contact (when SMTP is configured), so the team's
-- page can say so, or say that it must be sent by hand. The link itself is never stored.
ALTER TABLE evaluation_requests
    ADD COLUMN emailed_at      timestamptz,
    ADD COLUMN email_failed_at timestamptz;

-- +goose Down
ALTER TABLE evaluation_requests
    DROP COLUMN email_failed_at,
    DROP COLUMN emailed_at;
