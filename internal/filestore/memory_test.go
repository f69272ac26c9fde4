package filestore_test

import (
	"context"
	"crypto/sha256"
	"io"
	"runtime/debug"
	"testing"

	"shareline/internal/filestore"
	"shareline/internal/filestore/storetest"
	"shareline/internal/postgres/postgrestest"
)

// fileSize is the default upload limit of issue 11: the size a store must take without holding
// it in memory.
const fileSize = 25 << 20

// TestPostgresMemory puts and gets a 25 MiB file and checks that the heap never rises by more
// than 8 MiB over what it was before: the store streams, a chunk at a time.
func TestPostgresMemory(t *testing.T) {
	store := filestore.NewPostgres(postgrestest.Pool(t))
	ctx := context.Background()
	// Warm up: the pool's connection and its buffers exist before the baseline is taken.
	if _, err := store.Put(ctx, storetest.Stream(0, 1<<20), 1<<20); err != nil {
		t.Fatal(err)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(10))

	rise := storetest.HeapRise(t, func() {
		h := sha256.New()
		b, err := store.Put(ctx, io.TeeReader(storetest.Stream(1, fileSize), h), fileSize)
		if err != nil {
			t.Fatalf("Put: %v", err)
		}
		if b.Size != fileSize || string(b.SHA256[:]) != string(h.Sum(nil)) {
			t.Fatalf("Put: size %d sha256 %x, want %d %x", b.Size, b.SHA256, fileSize, h.Sum(nil))
		}
		rc, err := store.Open(ctx, b.Key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		h.Reset()
		n, err := io.Copy(h, rc)
		if err != nil || n != fileSize || string(b.SHA256[:]) != string(h.Sum(nil)) {
			t.Fatalf("read back %d bytes (%v), sha256 %x; want %d bytes, %x", n, err, h.Sum(nil), fileSize, b.SHA256)
		}
	})
	t.Logf("heap rise during a 25 MiB put and get: %.1f MiB", float64(rise)/(1<<20))
	if rise > 8<<20 {
		t.Errorf("heap rose by %.1f MiB during a 25 MiB put and get, want at most 8 MiB", float64(rise)/(1<<20))
	}
}

// BenchmarkStore measures the PostgreSQL store's upload and download of a 25 MiB file.
func BenchmarkStore(b *testing.B) {
	store := filestore.NewPostgres(postgrestest.Pool(b))
	ctx := context.Background()
	var key string
	b.Run("upload", func(b *testing.B) {
		b.SetBytes(fileSize)
		for b.Loop() {
			blob, err := store.Put(ctx, storetest.Stream(2, fileSize), fileSize)
			if err != nil {
				b.Fatal(err)
			}
			key = blob.Key
		}
	})
	if key == "" {
		b.Skip("no file uploaded")
	}
	b.Run("download", func(b *testing.B) {
		b.SetBytes(fileSize)
		for b.Loop() {
			rc, err := store.Open(ctx, key)
			if err != nil {
				b.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, rc); err != nil || n != fileSize {
				b.Fatalf("read %d bytes: %v", n, err)
			}
			rc.Close()
		}
	})
}
