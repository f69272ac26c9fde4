// Package s3test starts a real S3-compatible server for tests: SeaweedFS's weed server on
// loopback, with a temporary data directory, stopped when the test ends. The weed binary is
// SHARELINE_WEED, else the one scripts/weed.sh has cached. Without one the tests that need it
// are skipped, unless SHARELINE_REQUIRE_S3=1 (CI, make test), where they fail.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
)

// The keys of the identity the server is started with.
const (
	weedAccessKey = "shareline-test"
	weedSecretKey = "shareline-test-secret"
)

// Server is a running SeaweedFS serving S3 on loopback.
type Server struct {
	endpoint string
	admin    *minio.Client
	buckets  atomic.Int64
}

// Config is the configuration of a store on one of the server's buckets.
func (w *Server) Config(bucket string) filestore.S3Config {
	return filestore.S3Config{Endpoint: w.endpoint, Bucket: bucket, AccessKey: weedAccessKey,
		SecretKey: weedSecretKey, PathStyle: true}
}

// NewBucket makes an empty bucket of its own for one test.
func (w *Server) NewBucket(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("test-%03d", w.buckets.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.admin.MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		tb.Fatalf("make bucket %s: %v", name, err)
	}
	return name
}

// NewStore is an S3 store on a new, empty bucket.
func (w *Server) NewStore(tb testing.TB) *filestore.S3 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := filestore.NewS3(ctx, w.Config(w.NewBucket(tb)))
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
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	var stderr bytes.Buffer
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "weed.sh"), "--cached")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("no SeaweedFS binary: SHARELINE_WEED is unset and %s", strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
})

// Start starts `weed server -s3` on free loopback ports with a temporary data directory and
// an identity for the test's keys, waits until S3 answers, and stops it when tb ends.
func Start(tb testing.TB) *Server {
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
	return &Server{endpoint: endpoint, admin: admin}
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

// repoRoot is the directory of go.mod, found upwards from the test's working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
