package filestore

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// OpenAt gives random access to the file kept under key: each ReadAt asks PostgreSQL for just
// the bytes wanted of the chunks they fall in.
func (p *Postgres) OpenAt(ctx context.Context, key string) (File, error) {
	b, err := p.lookup(ctx, key)
	if err != nil {
		return nil, err
	}
	return &pgFileAt{ctx: ctx, pool: p.pool, id: b.id, key: key, size: b.size, chunkSize: b.chunkSize}, nil
}

type pgFileAt struct {
	ctx       context.Context
	pool      *pgxpool.Pool
	id        pgtype.UUID
	key       string
	size      int64
	chunkSize int64
}

func (f *pgFileAt) Size() int64  { return f.size }
func (f *pgFileAt) Close() error { return nil }

// ReadAt reads len(p) bytes at off, one query per chunk they span; io.EOF when the file ends first.
func (f *pgFileAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("filestore: read %s at negative offset %d", f.key, off)
	}
	n := 0
	for n < len(p) && off < f.size {
		seq, within := off/f.chunkSize, off%f.chunkSize
		want := min(int64(len(p)-n), f.chunkSize-within, f.size-off)
		var data []byte
		// substring counts from 1.
		err := f.pool.QueryRow(f.ctx, `SELECT substring(data FROM $3 FOR $4) FROM file_blob_chunks WHERE blob_id = $1 AND seq = $2`,
			f.id, seq, within+1, want).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return n, fmt.Errorf("filestore: file %s: chunk %d is gone (deleted while being read?)", f.key, seq)
		}
		if err != nil {
			return n, fmt.Errorf("filestore: read %s chunk %d: %w", f.key, seq, err)
		}
		if int64(len(data)) != want {
			return n, fmt.Errorf("filestore: file %s is damaged: chunk %d is short", f.key, seq)
		}
		n += copy(p[n:], data)
		off += want
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
