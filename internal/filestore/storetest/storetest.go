// Package storetest is the contract every filestore.Store must pass. A store's own test calls
// Run with a function that gives each subtest a new, empty store:
//
//	func TestPostgres(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) filestore.Store { return filestore.NewPostgres(pool(t)) })
//	}
//
// A store that also implements Counter lets Run check that a refused or failed Put keeps
// nothing; without it that check is skipped (and the test log says so).
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
	"time"

	"shareline/internal/filestore"
)

// Counter is implemented by a store that can say how many files it keeps.
type Counter interface {
	Count(ctx context.Context) (int64, error)
}

// LargeSize is the size of the large file Run stores: several MiB, so that it crosses the
// chunk or part boundaries of any reasonable implementation (256 KiB chunks, 5 MiB parts), and
// not a multiple of any power of two.
const LargeSize = 6<<20 + 12345

// Run runs the contract's subtests, each on a store from newStore.
func Run(t *testing.T, newStore func(t *testing.T) filestore.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		data := Random(1, 1000)
		b := put(t, s, bytes.NewReader(data), 1<<20)
		checkBlob(t, b, data)
		checkContent(t, s, b.Key, data)
	})
	t.Run("TwoFilesTwoKeys", func(t *testing.T) {
		s := newStore(t)
		a, c := Random(2, 100), Random(3, 100)
		ba := put(t, s, bytes.NewReader(a), 1<<20)
		bc := put(t, s, bytes.NewReader(c), 1<<20)
		if ba.Key == bc.Key {
			t.Fatalf("two Puts gave the same key %q", ba.Key)
		}
		checkContent(t, s, ba.Key, a)
		checkContent(t, s, bc.Key, c)
	})
	t.Run("Empty", func(t *testing.T) {
		s := newStore(t)
		b := put(t, s, bytes.NewReader(nil), 1<<20)
		checkBlob(t, b, nil)
		checkContent(t, s, b.Key, nil)
	})
	t.Run("Large", func(t *testing.T) {
		s := newStore(t)
		data := Random(4, LargeSize)
		// Odd-sized reads, and the last data arriving together with io.EOF.
		r := iotest.DataErrReader(&oddReader{r: bytes.NewReader(data)})
		b := put(t, s, r, LargeSize)
		checkBlob(t, b, data)
		checkContent(t, s, b.Key, data)
		// Read back in small odd pieces too.
		rc, err := s.Open(context.Background(), b.Key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		got, err := io.ReadAll(&oddReader{r: rc})
		if err != nil {
			t.Fatalf("read in odd pieces: %v", err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("read in odd pieces: content differs (%d bytes, want %d)", len(got), len(data))
		}
	})
	t.Run("LimitExactlyReached", func(t *testing.T) {
		s := newStore(t)
		for _, n := range []int{1, 1000, 256 << 10, 300 << 10} {
			data := Random(uint64(n), n)
			b := put(t, s, bytes.NewReader(data), int64(n))
			checkBlob(t, b, data)
			checkContent(t, s, b.Key, data)
		}
	})
	t.Run("LimitExceeded", func(t *testing.T) {
		s := newStore(t)
		before := count(t, s)
		for _, n := range []int{0, 1000, 256 << 10, 300 << 10} {
			b, err := s.Put(context.Background(), bytes.NewReader(Random(5, n+1)), int64(n))
			if !errors.Is(err, filestore.ErrTooLarge) {
				t.Fatalf("Put of %d bytes with limit %d: error %v, want ErrTooLarge", n+1, n, err)
			}
			if b.Key != "" {
				t.Errorf("Put refused with ErrTooLarge returned the key %q", b.Key)
			}
		}
		checkCount(t, s, before, "after Puts refused with ErrTooLarge")
	})
	t.Run("LimitExceededEndlessReader", func(t *testing.T) {
		// Put stops reading soon after the limit: an endless upload is refused, not read forever.
		s := newStore(t)
		before := count(t, s)
		r := &endless{max: 64 << 20}
		_, err := s.Put(context.Background(), r, 1<<20)
		if !errors.Is(err, filestore.ErrTooLarge) {
			t.Fatalf("Put of an endless reader with limit 1 MiB: error %v, want ErrTooLarge", err)
		}
		if r.n > 2<<20 {
			t.Errorf("Put read %d bytes with a limit of 1 MiB; want it to stop soon after the limit", r.n)
		}
		checkCount(t, s, before, "after an endless Put was refused")
	})
	t.Run("OpenUnknownKey", func(t *testing.T) {
		s := newStore(t)
		put(t, s, bytes.NewReader(Random(6, 10)), 100) // a store that is not empty
		for _, key := range unknownKeys {
			rc, err := s.Open(context.Background(), key)
			if err == nil {
				rc.Close()
			}
			if !errors.Is(err, filestore.ErrNotFound) {
				t.Errorf("Open(%q) of a key never stored: error %v, want ErrNotFound", key, err)
			}
		}
	})
	t.Run("DeleteThenOpen", func(t *testing.T) {
		s := newStore(t)
		ctx := context.Background()
		keep := Random(7, 300<<10)
		gone := put(t, s, bytes.NewReader(Random(8, 300<<10)), 1<<20)
		kept := put(t, s, bytes.NewReader(keep), 1<<20)
		if err := s.Delete(ctx, gone.Key); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		rc, err := s.Open(ctx, gone.Key)
		if err == nil {
			rc.Close()
		}
		if !errors.Is(err, filestore.ErrNotFound) {
			t.Fatalf("Open after Delete: error %v, want ErrNotFound", err)
		}
		checkContent(t, s, kept.Key, keep)
		// Deleting again, or deleting what was never there, is not an error.
		if err := s.Delete(ctx, gone.Key); err != nil {
			t.Errorf("second Delete of %q: %v", gone.Key, err)
		}
		for _, key := range unknownKeys {
			if err := s.Delete(ctx, key); err != nil {
				t.Errorf("Delete(%q) of a key never stored: %v", key, err)
			}
		}
		checkContent(t, s, kept.Key, keep)
	})
	t.Run("ReaderFailsMidway", func(t *testing.T) {
		s := newStore(t)
		before := count(t, s)
		broken := errors.New("storetest: connection reset by the uploader")
		for _, n := range []int{0, 100, 300 << 10, 3 << 20} {
			r := io.MultiReader(bytes.NewReader(Random(9, n)), iotest.ErrReader(broken))
			b, err := s.Put(context.Background(), r, 10<<20)
			if !errors.Is(err, broken) {
				t.Fatalf("Put of a reader failing after %d bytes: error %v, want the reader's error", n, err)
			}
			if b.Key != "" {
				t.Errorf("failed Put returned the key %q", b.Key)
			}
		}
		checkCount(t, s, before, "after Puts whose reader failed")
	})
	t.Run("ContextCancelled", func(t *testing.T) {
		s := newStore(t)
		before := count(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Put(ctx, bytes.NewReader(Random(10, 1000)), 1<<20); err == nil {
			t.Errorf("Put with a cancelled context succeeded")
		}
		// Cancelled midway through a large upload.
		ctx, cancel = context.WithCancel(context.Background())
		defer cancel()
		r := &cancelAfter{r: bytes.NewReader(Random(11, LargeSize)), n: 1 << 20, cancel: cancel}
		if _, err := s.Put(ctx, r, LargeSize); err == nil {
			t.Errorf("Put whose context was cancelled midway succeeded")
		}
		checkCount(t, s, before, "after Puts with a cancelled context")

		data := Random(12, LargeSize)
		b := put(t, s, bytes.NewReader(data), LargeSize)
		ctx, cancel = context.WithCancel(context.Background())
		cancel()
		if rc, err := s.Open(ctx, b.Key); err == nil {
			rc.Close()
			t.Errorf("Open with a cancelled context succeeded")
		}
		// Cancelled midway through a download: the rest is an error, never a short file
		// that looks complete.
		ctx, cancel = context.WithCancel(context.Background())
		defer cancel()
		rc, err := s.Open(ctx, b.Key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		if _, err := io.ReadFull(rc, make([]byte, 1000)); err != nil {
			t.Fatalf("read the first bytes: %v", err)
		}
		cancel()
		if rest, err := io.ReadAll(rc); err == nil {
			t.Errorf("reading after the context was cancelled gave %d more bytes and no error", len(rest))
		}
		checkContent(t, s, b.Key, data) // still kept
	})
}

// unknownKeys are keys no store hands out: Open gives ErrNotFound and Delete no error.
var unknownKeys = []string{"no-such-key", "0", "00000000-0000-0000-0000-000000000000", "../../etc/passwd", "a b/c?d#e"}

// Random returns n bytes of pseudo-random content, the same for the same seed.
func Random(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func put(t *testing.T, s filestore.Store, r io.Reader, limit int64) filestore.Blob {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := s.Put(ctx, r, limit)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if b.Key == "" {
		t.Fatalf("Put returned an empty key")
	}
	return b
}

func checkBlob(t *testing.T, b filestore.Blob, data []byte) {
	t.Helper()
	if b.Size != int64(len(data)) {
		t.Errorf("Blob.Size = %d, want %d", b.Size, len(data))
	}
	if want := sha256.Sum256(data); b.SHA256 != want {
		t.Errorf("Blob.SHA256 = %x, want %x", b.SHA256, want)
	}
}

func checkContent(t *testing.T, s filestore.Store, key string, data []byte) {
	t.Helper()
	rc, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	got, err := io.ReadAll(rc)
	if cerr := rc.Close(); cerr != nil {
		t.Errorf("Close: %v", cerr)
	}
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("content of %q differs: %d bytes (sha256 %x), want %d (sha256 %x)",
			key, len(got), sha256.Sum256(got), len(data), sha256.Sum256(data))
	}
}

// count is the number of files s keeps, or -1 when s is not a Counter.
func count(t *testing.T, s filestore.Store) int64 {
	t.Helper()
	c, ok := s.(Counter)
	if !ok {
		return -1
	}
	n, err := c.Count(context.Background())
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	return n
}

func checkCount(t *testing.T, s filestore.Store, before int64, when string) {
	t.Helper()
	if before < 0 {
		t.Logf("the store is not a storetest.Counter: not checked that nothing is kept %s", when)
		return
	}
	if n := count(t, s); n != before {
		t.Errorf("the store keeps %d files %s, want %d as before", n, when, before)
	}
}

// oddReader returns at most 7919 bytes per Read (a prime, so reads never line up with chunks).
type oddReader struct{ r io.Reader }

func (o *oddReader) Read(p []byte) (int, error) {
	if len(p) > 7919 {
		p = p[:7919]
	}
	return o.r.Read(p)
}

// endless gives zero bytes until max, then fails: a Put that reads that far did not stop at
// its limit.
type endless struct{ n, max int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n >= e.max {
		return 0, errors.New("storetest: Put read far past its limit")
	}
	if int64(len(p)) > e.max-e.n {
		p = p[:e.max-e.n]
	}
	clear(p)
	e.n += int64(len(p))
	return len(p), nil
}

// cancelAfter calls cancel once n bytes have been read, and goes on giving data.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n -= k
	if c.n <= 0 {
		c.cancel()
	}
	return k, err
}
