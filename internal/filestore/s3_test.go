package filestore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"shareline/internal/filestore"
	"shareline/internal/filestore/storetest"
)

// The S3 store is tested against a real SeaweedFS that each test starts on loopback. The weed
// binary is SHARELINE_WEED, else the one scripts/weed.sh has cached. Without one the tests are
// skipped, unless SHARELINE_REQUIRE_S3=1 (CI, make test), where they fail.

const (
	weedAccessKey = "shareline-test"
	weedSecretKey = "shareline-test-secret"
)

func TestS3Store(t *testing.T) {
	w := startWeed(t)
	storetest.Run(t, func(t *testing.T) filestore.Store { return w.newStore(t) })
}

// TestS3UploadMemory: a 25 MiB upload and its download raise the heap by a few MiB at most
// (one 5 MiB part buffer), not by the file's size.
func TestS3UploadMemory(t *testing.T) {
	const size = 25 << 20
	const allowed = 12 << 20
	w := startWeed(t)
	s := w.newStore(t)
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
	w := startWeed(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cfg  filestore.S3Config
		want string
	}{
		{"missing bucket", w.config("no-such-bucket"), "does not exist"},
		{"wrong secret", func() filestore.S3Config {
			c := w.config(w.newBucket(t))
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
	w := startWeed(b)
	s := w.newStore(b)
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

// weed is a running SeaweedFS serving S3 on loopback.
type weed struct {
	endpoint string
	admin    *minio.Client
	buckets  atomic.Int64
}

func (w *weed) config(bucket string) filestore.S3Config {
	return filestore.S3Config{Endpoint: w.endpoint, Bucket: bucket, AccessKey: weedAccessKey,
		SecretKey: weedSecretKey, PathStyle: true}
}

// newBucket makes an empty bucket of its own for one test.
func (w *weed) newBucket(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("test-%03d", w.buckets.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.admin.MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		tb.Fatalf("make bucket %s: %v", name, err)
	}
	return name
}

// newStore is an S3 store on a new, empty bucket.
func (w *weed) newStore(tb testing.TB) *filestore.S3 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := filestore.NewS3(ctx, w.config(w.newBucket(tb)))
	if err != nil {
		tb.Fatalf("NewS3: %v", err)
	}
	return s
}

// weedBinary is SHARELINE_WEED, else the binary scripts/weed.sh has cached.
var weedBinary = sync.OnceValues(func() (string, error) {
	if p := os.Getenv("SHARELINE_WEED"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("SHARELINE_WEED=%s: %w", p, err)
		}
		return p, nil
	}
	var stderr bytes.Buffer
	cmd := exec.Command("bash", filepath.Join("..", "..", "scripts", "weed.sh"), "--cached")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("no SeaweedFS binary: SHARELINE_WEED is unset and %s", strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
})

// startWeed starts `weed server -s3` on free loopback ports with a temporary data directory and
// an identity for the test's keys, waits until S3 answers, and stops it when tb ends.
func startWeed(tb testing.TB) *weed {
	tb.Helper()
	bin, err := weedBinary()
	if err != nil {
		if os.Getenv("SHARELINE_REQUIRE_S3") == "1" {
			tb.Fatalf("SHARELINE_REQUIRE_S3=1 and %v", err)
		}
		tb.Skipf("skipping the S3 store tests: %v (SHARELINE_REQUIRE_S3=1 makes this a failure)", err)
	}
	dir := tb.TempDir()
	identities := fmt.Sprintf(`{"identities":[{"name":"shareline","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","List","Tagging","Write"]}]}`,
		weedAccessKey, weedSecretKey)
	config := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(config, []byte(identities), 0o600); err != nil {
		tb.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		tb.Fatal(err)
	}
	p := freePorts(tb, 8)
	args := []string{"server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + data,
		"-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=0",
		"-master.port=" + p[0], "-master.port.grpc=" + p[1],
		"-volume.port=" + p[2], "-volume.port.grpc=" + p[3],
		"-filer", "-filer.port=" + p[4], "-filer.port.grpc=" + p[5],
		"-filer.localSocket=" + filepath.Join(dir, "filer.sock"),
		"-s3", "-s3.port=" + p[6], "-s3.port.grpc=" + p[7], "-s3.config=" + config,
		"-s3.localSocket=" + filepath.Join(dir, "s3.sock"),
		"-s3.port.iceberg=0", "-s3.port.lance=0",
	}
	logPath := filepath.Join(dir, "weed.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		tb.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); logFile.Close() }()
	logTail := func() string {
		b, _ := os.ReadFile(logPath)
		if len(b) > 3000 {
			b = b[len(b)-3000:]
		}
		return string(b)
	}
	// Its data is thrown away with the temporary directory, so it is killed, not shut down
	// gracefully (which takes weed server over 15 seconds).
	tb.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	endpoint := net.JoinHostPort("127.0.0.1", p[6])
	admin, err := minio.New(endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(weedAccessKey, weedSecretKey, ""),
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		tb.Fatal(err)
	}
	// Ready when S3 answers and a bucket can be made (the filer and a volume server are up).
	start := time.Now()
	deadline := start.Add(90 * time.Second)
	for {
		select {
		case err := <-exited:
			tb.Fatalf("weed server exited before it was ready (%v); its log ends:\n%s", err, logTail())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.MakeBucket(ctx, "ready", minio.MakeBucketOptions{})
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("weed server not ready after %v: %v; its log ends:\n%s", time.Since(start).Round(time.Second), err, logTail())
		}
		time.Sleep(200 * time.Millisecond)
	}
	tb.Logf("SeaweedFS S3 on %s ready after %v", endpoint, time.Since(start).Round(10*time.Millisecond))
	return &weed{endpoint: endpoint, admin: admin}
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(tb testing.TB, n int) []string {
	tb.Helper()
	var ports []string
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for len(ports) < n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		lns = append(lns, ln)
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		if !slices.Contains(ports, port) {
			ports = append(ports, port)
		}
	}
	return ports
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
