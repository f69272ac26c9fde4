-- +goose Up
-- Uploaded evidence files: what each is (name, size, hash, type as sniffed from its content), the
-- evaluation it was uploaded to, and who uploaded it. The content is kept by the file store
-- (internal/filestore) under store_key: file_blobs by default, or an S3 bucket. Rows are never
-- deleted while their evaluation exists, so that a file an answer no longer names stays
-- readable from the revision that had it.
CREATE TABLE evidence_files (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    evaluation_id bigint NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    store_key     text NOT NULL UNIQUE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    size          bigint NOT NULL CHECK (size >= 0),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    file_type     text NOT NULL,
    uploaded_by   text NOT NULL,
    user_id       bigint REFERENCES users (id) ON DELETE SET NULL,
    request_id    bigint REFERENCES evaluation_requests (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_files_evaluation ON evidence_files (evaluation_id);

-- +goose Down
DROP TABLE evidence_files;
