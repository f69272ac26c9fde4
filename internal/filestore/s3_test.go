package filestore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"strings"
	"testing"

	"shareline/internal/filestore"
	"shareline/internal/filestore/s3test"
	"shareline/internal/filestore/storetest"
)

// The S3 store is tested against a real SeaweedFS that each test starts on loopback
// (internal/filestore/s3test).
func TestS3Store(t *testing.T) {
	w := s3test.Start(t)
	storetest.Run(t, func(t *testing.T) filestore.Store { return w.NewStore(t) })
}

// TestS3UploadMemory: a 25 MiB upload and its download raise the heap by a few MiB at most
// (one 5 MiB part buffer), not by the file's size.
func TestS3UploadMemory(t *testing.T) {
	const size = 25 << 20
	const allowed = 12 << 20
	w := s3test.Start(t)
	s := w.NewStore(t)
	ctx := context.Background()

	var b filestore.Blob
	rise := storetest.HeapRise(t, func() {
		var err error
		b, err = s.Put(ctx, io.LimitReader(&pattern{}, size), size)
		if err != nil {
			t.Fatalf("Put of 25 MiB: %v", err)
		}
	})
	t.Logf("25 MiB upload: heap rose by %.1f MiB at most (allowed %d MiB)", float64(rise)/(1<<20), allowed>>20)
	if rise > allowed {
		t.Errorf("25 MiB upload raised the heap by %d bytes, want at most %d", rise, allowed)
	}
	want := sha256.New()
	if _, err := io.Copy(want, io.LimitReader(&pattern{}, size)); err != nil {
		t.Fatal(err)
	}
	if b.Size != size || !bytes.Equal(b.SHA256[:], want.Sum(nil)) {
		t.Fatalf("Blob = %d bytes, sha256 %x; want %d bytes, sha256 %x", b.Size, b.SHA256, size, want.Sum(nil))
	}

	rise = storetest.HeapRise(t, func() {
		rc, err := s.Open(ctx, b.Key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer rc.Close()
		h := sha256.New()
		n, err := io.Copy(h, rc)
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if n != size || !bytes.Equal(h.Sum(nil), b.SHA256[:]) {
			t.Fatalf("downloaded %d bytes, sha256 %x; want %d, %x", n, h.Sum(nil), size, b.SHA256)
		}
	})
	t.Logf("25 MiB download: heap rose by %.1f MiB at most (allowed %d MiB)", float64(rise)/(1<<20), allowed>>20)
	if rise > allowed {
		t.Errorf("25 MiB download raised the heap by %d bytes, want at most %d", rise, allowed)
	}
}

// TestS3Unreachable: NewS3 says what is wrong when the bucket is missing or the store refuses
// the credentials, and never quotes the secret key.
func TestS3Unreachable(t *testing.T) {
	w := s3test.Start(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cfg  filestore.S3Config
		want string
	}{
		{"missing bucket", w.Config("no-such-bucket"), "does not exist"},
		{"wrong secret", func() filestore.S3Config {
			c := w.Config(w.NewBucket(t))
			c.SecretKey = "not-the-secret"
			return c
		}(), "cannot reach the bucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := filestore.NewS3(ctx, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewS3: error %v, want one saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.cfg.SecretKey) {
				t.Errorf("NewS3's error quotes the secret key: %v", err)
			}
		})
	}
}

func TestParseS3(t *testing.T) {
	good := []struct {
		in   string
		want filestore.S3Config
	}{
		{"s3://AK:SK@s3.example.com/files", filestore.S3Config{Endpoint: "s3.example.com", Bucket: "files", AccessKey: "AK", SecretKey: "SK", TLS: true}},
		{"s3://AK:S%2FK%40@127.0.0.1:8333/files?region=eu-west-1&tls=false&path_style=true",
			filestore.S3Config{Endpoint: "127.0.0.1:8333", Bucket: "files", AccessKey: "AK", SecretKey: "S/K@", Region: "eu-west-1", PathStyle: true}},
		{"s3://AK:SK@[::1]:9000/my-files?tls=true&path_style=false", filestore.S3Config{Endpoint: "[::1]:9000", Bucket: "my-files", AccessKey: "AK", SecretKey: "SK", TLS: true}},
	}
	for _, tc := range good {
		got, err := filestore.ParseS3(tc.in)
		if err != nil {
			t.Errorf("ParseS3(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseS3(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", "must start with s3://"},
		{"https://AK:SK@host/files", "must start with s3://"},
		{"s3://host/files", "needs ACCESS:SECRET@"},
		{"s3://AK@host/files", "needs ACCESS:SECRET@"},
		{"s3://AK:SK@/files", "no host"},
		{"s3://AK:SK@host:99999/files", "not a port number"},
		{"s3://AK:SK@host", "names no bucket"},
		{"s3://AK:SK@host/", "names no bucket"},
		{"s3://AK:SK@host/files/sub", "has a slash"},
		{"s3://AK:SK@host/Files_", "bucket \"Files_\""},
		{"s3://AK:SK@host/files?tls=maybe", "tls=\"maybe\": want true or false"},
		{"s3://AK:SK@host/files?path_style=1&path_style=0", "path_style more than once"},
		{"s3://AK:SK@host/files?secure=false", "unknown parameter \"secure\""},
		{"s3://AK:S#K@host/files", "percent-encode #"},
		{"s3://AK:SK%zz@host/files", "not a URL"},
	}
	for _, tc := range bad {
		_, err := filestore.ParseS3(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseS3(%q): error %v, want one saying %q", tc.in, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "SK") {
			t.Errorf("ParseS3(%q): the error quotes the secret key: %v", tc.in, err)
		}
	}
}

// BenchmarkS3Store measures upload and download throughput of an 8 MiB file (two parts).
func BenchmarkS3Store(b *testing.B) {
	const size = 8 << 20
	w := s3test.Start(b)
	s := w.NewStore(b)
	ctx := context.Background()
	b.Run("Upload", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			blob, err := s.Put(ctx, io.LimitReader(&pattern{}, size), size)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := s.Delete(ctx, blob.Key); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("Download", func(b *testing.B) {
		blob, err := s.Put(ctx, io.LimitReader(&pattern{}, size), size)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		for b.Loop() {
			rc, err := s.Open(ctx, blob.Key)
			if err != nil {
				b.Fatal(err)
			}
			n, err := io.Copy(io.Discard, rc)
			rc.Close()
			if err != nil || n != size {
				b.Fatalf("download: %d bytes, %v", n, err)
			}
		}
	})
}

// pattern is an endless stream of bytes that are not all alike, made without allocating.
type pattern struct{ n uint64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		p.n++
		b[i] = byte(p.n*2654435761>>13) ^ byte(p.n>>8)
	}
	return len(b), nil
}
