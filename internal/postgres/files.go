package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/filestore"
)

// files is the evidence_files table: what each uploaded file is. Its content is the file
// store's (FileContents).
type files struct{ q querier }

// Files is the evidence files repository bound to the transaction.
func (t tx) Files() app.Files { return files(t) }

// FileContents is the default file store: the file contents kept in this database.
func (s *Store) FileContents() filestore.Store { return filestore.NewPostgres(s.pool) }

// Create records an uploaded file and returns it with its new id and time.
func (r files) Create(ctx context.Context, f assess.EvidenceFile, by auth.Actor) (assess.EvidenceFile, error) {
	var id pgtype.UUID
	var at time.Time
	err := r.q.QueryRow(ctx, `
		INSERT INTO evidence_files (evaluation_id, store_key, name, size, sha256, file_type, uploaded_by, user_id, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, created_at`,
		f.EvaluationID, f.StoreKey, f.Name, f.Size, f.SHA256, f.Type, by.Name, nullID(by.UserID), nullID(by.RequestID)).Scan(&id, &at)
	if err != nil {
		return assess.EvidenceFile{}, translate(err, "record evidence file")
	}
	f.ID, f.UploadedBy, f.CreatedAt = id.String(), by.Name, at
	return f, nil
}

// fileColumns are what a query of evidence_files (as f, joined with its evaluation as e) reads
// of a file, in scanFile's order.
const fileColumns = `f.id, f.evaluation_id, e.provider_id, f.store_key, f.name, f.size, f.sha256, f.file_type, f.uploaded_by, f.created_at`

func scanFile(row pgx.Row) (assess.EvidenceFile, error) {
	var id pgtype.UUID
	var f assess.EvidenceFile
	err := row.Scan(&id, &f.EvaluationID, &f.ProviderID, &f.StoreKey, &f.Name, &f.Size, &f.SHA256, &f.Type, &f.UploadedBy, &f.CreatedAt)
	f.ID = id.String()
	return f, err
}

// uuids are the ids that are UUIDs; any other id names no file.
func uuids(ids []string) []pgtype.UUID {
	keys := make([]pgtype.UUID, 0, len(ids))
	for _, id := range ids {
		var k pgtype.UUID
		if k.Scan(id) == nil {
			keys = append(keys, k)
		}
	}
	return keys
}

// Find returns one file by id, with its evaluation's provider; assess.ErrNotFound when there is
// none (or the id is no UUID).
func (r files) Find(ctx context.Context, id string) (assess.EvidenceFile, error) {
	keys := uuids([]string{id})
	if len(keys) == 0 {
		return assess.EvidenceFile{}, translate(pgx.ErrNoRows, "find evidence file")
	}
	f, err := scanFile(r.q.QueryRow(ctx, `SELECT `+fileColumns+`
		FROM evidence_files AS f JOIN evaluations AS e ON e.id = f.evaluation_id WHERE f.id = $1`, keys[0]))
	return f, translate(err, "find evidence file")
}

// Of returns the files with these ids that were uploaded to an evaluation, by id.
func (r files) Of(ctx context.Context, evaluationID int64, ids []string) (map[string]assess.EvidenceFile, error) {
	out := map[string]assess.EvidenceFile{}
	keys := uuids(ids)
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := r.q.Query(ctx, `SELECT `+fileColumns+`
		FROM evidence_files AS f JOIN evaluations AS e ON e.id = f.evaluation_id
		WHERE f.evaluation_id = $1 AND f.id = ANY($2)`, evaluationID, keys)
	if err != nil {
		return nil, translate(err, "find evidence files")
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, translate(err, "find evidence files")
		}
		out[f.ID] = f
	}
	return out, translate(rows.Err(), "find evidence files")
}
