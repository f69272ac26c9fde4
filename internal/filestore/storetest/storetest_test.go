package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
	"testing"

	"shareline/internal/filestore"
)

// TestMemory runs the contract on a small in-memory store, so that the contract itself is
// known to be passable; it is no store for real use (it keeps whole files in memory).
func TestMemory(t *testing.T) {
	Run(t, func(t *testing.T) filestore.Store { return &memStore{files: map[string][]byte{}} })
}

type memStore struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memStore) Put(ctx context.Context, r io.Reader, limit int64) (filestore.Blob, error) {
	var buf bytes.Buffer
	h := sha256.New()
	p := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return filestore.Blob{}, err
		}
		n, err := r.Read(p)
		buf.Write(p[:n])
		h.Write(p[:n])
		if int64(buf.Len()) > limit {
			return filestore.Blob{}, filestore.ErrTooLarge
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return filestore.Blob{}, err
		}
	}
	k := make([]byte, 16)
	rand.Read(k)
	b := filestore.Blob{Key: hex.EncodeToString(k), Size: int64(buf.Len())}
	h.Sum(b.SHA256[:0])
	m.mu.Lock()
	m.files[b.Key] = buf.Bytes()
	m.mu.Unlock()
	return b, nil
}

func (m *memStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	data, ok := m.files[key]
	m.mu.Unlock()
	if !ok {
		return nil, filestore.ErrNotFound
	}
	return &ctxReader{ctx: ctx, r: bytes.NewReader(data)}, nil
}

func (m *memStore) Delete(ctx context.Context, key string) error {
	m.mu.Lock()
	delete(m.files, key)
	m.mu.Unlock()
	return nil
}

func (m *memStore) Count(ctx context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.files)), nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (c *ctxReader) Close() error { return nil }
