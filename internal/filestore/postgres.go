package filestore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ChunkSize is how much of a file the PostgreSQL store keeps in one row, and so about the most
// it holds in memory for one Put or one open file.
const ChunkSize = 256 << 10

// Postgres keeps files in PostgreSQL (tables file_blobs and file_blob_chunks), a chunk a row.
// Put writes in one transaction, so a refused or failed upload leaves nothing; Open reads one
// chunk per query.
type Postgres struct {
	pool *pgxpool.Pool
}

// NewPostgres returns a store on pool's database, which must be migrated.
func NewPostgres(pool *pgxpool.Pool) *Postgres {
	return &Postgres{pool: pool}
}

var _ Store = (*Postgres)(nil)

// Put reads r to its end, or to limit+1 bytes, into a new file. The upload holds one pooled
// connection and an open transaction for as long as r takes: the caller bounds that time.
func (p *Postgres) Put(ctx context.Context, r io.Reader, limit int64) (Blob, error) {
	if limit < 0 {
		return Blob{}, fmt.Errorf("filestore: negative limit %d", limit)
	}
	var id pgtype.UUID
	if _, err := rand.Read(id.Bytes[:]); err != nil {
		return Blob{}, fmt.Errorf("filestore: new key: %w", err)
	}
	id.Bytes[6] = id.Bytes[6]&0x0f | 0x40 // version 4
	id.Bytes[8] = id.Bytes[8]&0x3f | 0x80 // RFC 9562 variant
	id.Valid = true

	blob := Blob{Key: id.String()}
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		h := sha256.New()
		size, chunks, err := putChunks(ctx, tx, id, io.TeeReader(limitReader(r, limit), h), limit)
		if err != nil {
			return err
		}
		blob.Size = size
		h.Sum(blob.SHA256[:0])
		_, err = tx.Exec(ctx, `INSERT INTO file_blobs (id, size, sha256, chunks, chunk_size) VALUES ($1, $2, $3, $4, $5)`,
			id, size, blob.SHA256[:], chunks, ChunkSize)
		if err != nil {
			return fmt.Errorf("filestore: store file %s: %w", blob.Key, err)
		}
		return nil
	})
	if err != nil {
		return Blob{}, err
	}
	return blob, nil
}

// limitReader reads at most limit+1 bytes of r: enough to know that r is longer than limit.
func limitReader(r io.Reader, limit int64) io.Reader {
	if limit == math.MaxInt64 {
		return r
	}
	return io.LimitReader(r, limit+1)
}

// putChunks writes r into file_blob_chunks, ChunkSize bytes a row, and returns how many bytes
// and rows it wrote; ErrTooLarge, before writing the chunk, once r has given more than limit.
func putChunks(ctx context.Context, tx pgx.Tx, id pgtype.UUID, r io.Reader, limit int64) (size int64, chunks int32, err error) {
	buf := make([]byte, ChunkSize)
	for {
		n, rerr := io.ReadFull(r, buf)
		if size+int64(n) > limit {
			return 0, 0, ErrTooLarge
		}
		if n > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO file_blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)`,
				id, chunks, buf[:n]); err != nil {
				return 0, 0, fmt.Errorf("filestore: store chunk %d: %w", chunks, err)
			}
			size += int64(n)
			chunks++
		}
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			return size, chunks, nil
		case rerr != nil:
			return 0, 0, fmt.Errorf("filestore: read upload: %w", rerr)
		}
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
	}
}

// parseKey returns the id a key names; false for a string that is not a key this store makes.
func parseKey(key string) (pgtype.UUID, bool) {
	var id pgtype.UUID
	if err := id.Scan(key); err != nil || !id.Valid || id.String() != key {
		return pgtype.UUID{}, false
	}
	return id, true
}

// Open streams the file kept under key, one chunk per query. Reading it fails, rather than ends
// early, if the file is deleted meanwhile or its content no longer matches its SHA-256.
func (p *Postgres) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	b, err := p.lookup(ctx, key)
	if err != nil {
		return nil, err
	}
	return &pgFile{ctx: ctx, pool: p.pool, id: b.id, key: key, hash: sha256.New(), size: b.size, want: b.sha256, chunks: b.chunks}, nil
}

// blobRow is a kept file's row in file_blobs.
type blobRow struct {
	id        pgtype.UUID
	size      int64
	sha256    []byte
	chunks    int32
	chunkSize int64
}

// lookup reads the row of the file kept under key; ErrNotFound when there is none.
func (p *Postgres) lookup(ctx context.Context, key string) (blobRow, error) {
	b := blobRow{}
	id, ok := parseKey(key)
	if !ok {
		return b, ErrNotFound
	}
	b.id = id
	err := p.pool.QueryRow(ctx, `SELECT size, sha256, chunks, chunk_size FROM file_blobs WHERE id = $1`, id).
		Scan(&b.size, &b.sha256, &b.chunks, &b.chunkSize)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, ErrNotFound
	}
	if err != nil {
		return b, fmt.Errorf("filestore: open %s: %w", key, err)
	}
	return b, nil
}

// pgFile reads a file a chunk at a time; it holds no connection between reads.
type pgFile struct {
	ctx    context.Context
	pool   *pgxpool.Pool
	id     pgtype.UUID
	key    string
	size   int64
	want   []byte
	chunks int32

	next  int32  // the next chunk to fetch
	buf   []byte // what is left of the current chunk
	read  int64
	hash  hash.Hash
	err   error // sticky
	close bool
}

func (f *pgFile) Read(p []byte) (int, error) {
	if f.close {
		return 0, errors.New("filestore: read of a closed file")
	}
	for len(f.buf) == 0 && f.err == nil {
		f.err = f.fetch()
	}
	if len(f.buf) == 0 {
		return 0, f.err
	}
	n := copy(p, f.buf)
	f.buf = f.buf[n:]
	return n, nil
}

// fetch loads the next chunk into f.buf, or at the end checks the whole and returns io.EOF.
func (f *pgFile) fetch() error {
	if f.next == f.chunks {
		if f.read != f.size || string(f.hash.Sum(nil)) != string(f.want) {
			return fmt.Errorf("filestore: file %s is damaged: %d bytes read of %d, or SHA-256 differs", f.key, f.read, f.size)
		}
		return io.EOF
	}
	var data []byte
	err := f.pool.QueryRow(f.ctx, `SELECT data FROM file_blob_chunks WHERE blob_id = $1 AND seq = $2`, f.id, f.next).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("filestore: file %s: chunk %d is gone (deleted while being read?)", f.key, f.next)
	}
	if err != nil {
		return fmt.Errorf("filestore: read %s chunk %d: %w", f.key, f.next, err)
	}
	f.next++
	f.read += int64(len(data))
	f.hash.Write(data)
	f.buf = data
	return nil
}

func (f *pgFile) Close() error {
	f.close, f.buf = true, nil
	return nil
}

// Delete removes the file kept under key, all its chunks in one statement.
func (p *Postgres) Delete(ctx context.Context, key string) error {
	id, ok := parseKey(key)
	if !ok {
		return nil
	}
	if _, err := p.pool.Exec(ctx, `DELETE FROM file_blobs WHERE id = $1`, id); err != nil {
		return fmt.Errorf("filestore: delete %s: %w", key, err)
	}
	return nil
}

// Count returns how many files the store keeps.
func (p *Postgres) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := p.pool.QueryRow(ctx, `SELECT count(*) FROM file_blobs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("filestore: count files: %w", err)
	}
	return n, nil
}
