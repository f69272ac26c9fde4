-- +goose Up
-- The contents of uploaded evidence files (internal/filestore's PostgreSQL store). A file is one
-- file_blobs row and its content in file_blob_chunks, 256 KiB a row, so that it is written and
-- read a chunk at a time and never whole in memory. What a file is (name, type, evaluation) is
-- kept by whoever stored it, by key (file_blobs.id).
CREATE TABLE file_blobs (
    id         uuid PRIMARY KEY,
    size       bigint NOT NULL CHECK (size >= 0),
    sha256     bytea NOT NULL CHECK (length(sha256) = 32),
    chunks     integer NOT NULL CHECK (chunks >= 0),
    -- The length of every chunk but the last, so that a read at an offset finds its chunk.
    chunk_size integer NOT NULL CHECK (chunk_size > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A file's row in file_blobs is written after its chunks, in the same transaction: the foreign
-- key is checked at commit.
CREATE TABLE file_blob_chunks (
    blob_id uuid NOT NULL REFERENCES file_blobs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq     integer NOT NULL CHECK (seq >= 0),
    data    bytea NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
-- Out of line and uncompressed: evidence files (PDF, PNG, JPEG, DOCX, XLSX) are mostly
-- compressed already, and compressing them again costs time for nothing; and substring() of an
-- uncompressed value reads only the part asked for (a read at an offset).
ALTER TABLE file_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- +goose Down
DROP TABLE file_blob_chunks;
DROP TABLE file_blobs;
