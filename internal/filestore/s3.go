package filestore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// S3Config says where an S3-compatible store is and how to sign in to it.
type S3Config struct {
	Endpoint  string // host:port, no scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // empty: the client's default (us-east-1)
	TLS       bool   // https to the endpoint
	PathStyle bool   // force path-style requests (host/bucket/key); false lets the client choose
}

// String describes the configuration without its secret, for logs and errors.
func (c S3Config) String() string {
	scheme := "https"
	if !c.TLS {
		scheme = "http"
	}
	return fmt.Sprintf("s3 bucket %q at %s://%s", c.Bucket, scheme, c.Endpoint)
}

// S3 keeps file contents as objects in one bucket of an S3-compatible store. Put streams the
// upload in parts of a fixed size, so one upload holds at most one part in memory.
type S3 struct {
	client *minio.Client
	bucket string
}

// s3PartSize is the part size of uploads: S3's minimum, so memory stays at one such buffer.
// S3 allows 10,000 parts, so uploads up to about 48 GiB keep it; a larger limit gets larger parts.
const (
	s3PartSize = 5 << 20
	s3MaxParts = 10000
)

// cleanupTimeout bounds the removal of a failed upload, which runs even when the caller's
// context is done.
const cleanupTimeout = 30 * time.Second

// NewS3 connects to the store cfg names and checks that its bucket is there and reachable with
// the credentials given.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.TLS,
		Region:       cfg.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("filestore: %s: %w", cfg, err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("filestore: %s: cannot reach the bucket: %w", cfg, err)
	}
	if !ok {
		return nil, fmt.Errorf("filestore: %s: the bucket does not exist; create it first", cfg)
	}
	return &S3{client: client, bucket: cfg.Bucket}, nil
}

func (c S3Config) validate() error {
	switch {
	case c.Endpoint == "":
		return errors.New("filestore: s3: no endpoint (host:port)")
	case strings.Contains(c.Endpoint, "/"):
		return fmt.Errorf("filestore: s3: endpoint %q must be host or host:port, without a scheme or path", c.Endpoint)
	case c.Bucket == "":
		return errors.New("filestore: s3: no bucket")
	case c.AccessKey == "" || c.SecretKey == "":
		return errors.New("filestore: s3: an access key and a secret key are both needed")
	}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		return fmt.Errorf("filestore: s3: bucket %q: %w", c.Bucket, err)
	}
	return nil
}

// ParseS3 reads a configuration string of the form
//
//	s3://ACCESS_KEY:SECRET_KEY@host:port/bucket?region=eu-west-1&tls=false&path_style=true
//
// tls defaults to true and path_style to false (the client chooses: virtual-hosted for AWS,
// path-style elsewhere). Keys with reserved characters are percent-encoded. Errors never
// quote the secret key.
func ParseS3(s string) (S3Config, error) {
	if strings.Contains(s, "#") {
		return S3Config{}, errors.New("filestore: the S3 configuration has a #; percent-encode # in keys as %23")
	}
	u, err := url.Parse(s)
	if err != nil {
		// url's errors quote the whole string, secret included.
		return S3Config{}, errors.New("filestore: the S3 configuration is not a URL of the form s3://ACCESS:SECRET@host:port/bucket (percent-encode / @ : % in keys)")
	}
	if u.Scheme != "s3" {
		return S3Config{}, fmt.Errorf("filestore: the S3 configuration must start with s3://, not %q", u.Scheme+"://")
	}
	cfg := S3Config{Endpoint: u.Host, TLS: true}
	if u.User != nil {
		cfg.AccessKey = u.User.Username()
		cfg.SecretKey, _ = u.User.Password()
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return S3Config{}, errors.New("filestore: the S3 configuration needs ACCESS:SECRET@ before the host")
	}
	if u.Hostname() == "" {
		return S3Config{}, errors.New("filestore: the S3 configuration has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return S3Config{}, fmt.Errorf("filestore: the S3 configuration's port %q is not a port number", p)
		}
	}
	bucket := strings.TrimPrefix(u.Path, "/")
	if bucket == "" {
		return S3Config{}, errors.New("filestore: the S3 configuration names no bucket: s3://ACCESS:SECRET@host:port/bucket")
	}
	if strings.Contains(bucket, "/") {
		return S3Config{}, fmt.Errorf("filestore: the S3 configuration's bucket %q has a slash: one bucket name, no path", bucket)
	}
	cfg.Bucket = bucket
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return S3Config{}, errors.New("filestore: the S3 configuration's parameters after ? are malformed")
	}
	for name, values := range q {
		if len(values) != 1 {
			return S3Config{}, fmt.Errorf("filestore: the S3 configuration gives %s more than once", name)
		}
		v := values[0]
		switch name {
		case "region":
			cfg.Region = v
		case "tls", "path_style":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return S3Config{}, fmt.Errorf("filestore: the S3 configuration's %s=%q: want true or false", name, v)
			}
			if name == "tls" {
				cfg.TLS = b
			} else {
				cfg.PathStyle = b
			}
		default:
			return S3Config{}, fmt.Errorf("filestore: the S3 configuration has an unknown parameter %q (known: region, tls, path_style)", name)
		}
	}
	if err := cfg.validate(); err != nil {
		return S3Config{}, err
	}
	return cfg, nil
}

// Put implements Store. The object is written under a random key in parts; a refused or failed
// upload is aborted and whatever of it reached the store removed.
func (s *S3) Put(ctx context.Context, r io.Reader, limit int64) (Blob, error) {
	if limit < 0 {
		return Blob{}, fmt.Errorf("filestore: negative limit %d", limit)
	}
	key, err := newKey()
	if err != nil {
		return Blob{}, err
	}
	lr := &limitedReader{r: r, limit: limit, hash: sha256.New()}
	partSize := uint64(s3PartSize)
	if need := uint64(limit/s3MaxParts) + 1; need > partSize {
		partSize = need
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, lr, -1, minio.PutObjectOptions{
		PartSize:    partSize,
		ContentType: "application/octet-stream",
	})
	if err == nil && lr.tooLarge {
		err = ErrTooLarge // the client stopped short of the error; never keep such a file
	}
	if err != nil {
		s.removeFailed(ctx, key)
		switch {
		case lr.tooLarge:
			return Blob{}, ErrTooLarge
		case lr.err != nil:
			return Blob{}, fmt.Errorf("filestore: s3 put: reading the upload: %w", lr.err)
		}
		return Blob{}, fmt.Errorf("filestore: s3 put: %w", err)
	}
	if info.Size != lr.n {
		s.removeFailed(ctx, key)
		return Blob{}, fmt.Errorf("filestore: s3 put: the store kept %d bytes of %d", info.Size, lr.n)
	}
	b := Blob{Key: key, Size: lr.n}
	lr.hash.Sum(b.SHA256[:0])
	return b, nil
}

// removeFailed removes what a failed upload may have left: its unfinished multipart upload and
// the object. It runs on its own deadline, since a cancelled request is a reason to clean up.
func (s *S3) removeFailed(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_ = s.client.RemoveIncompleteUpload(ctx, s.bucket, key)
	_ = s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

// Open implements Store. Whether the key exists is known when Open returns: the first request
// is made here, not at the first read.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	return s.object(ctx, key)
}

// object opens the object kept under key and asks for its size, which tells whether it exists.
func (s *S3) object(ctx context.Context, key string) (*minio.Object, error) {
	if !validKey(key) {
		return nil, ErrNotFound
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("filestore: s3 open: %w", err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("filestore: s3 open: %w", err)
	}
	return obj, nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if !validKey(key) {
		return nil
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil
		}
		return fmt.Errorf("filestore: s3 delete: %w", err)
	}
	return nil
}

// Count is the number of objects in the bucket plus its unfinished multipart uploads: what the
// store keeps, including anything a failed upload left behind.
func (s *S3) Count(ctx context.Context) (int64, error) {
	var n int64
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err != nil {
			return 0, fmt.Errorf("filestore: s3 count: %w", obj.Err)
		}
		n++
	}
	for up := range s.client.ListIncompleteUploads(ctx, s.bucket, "", true) {
		if up.Err != nil {
			return 0, fmt.Errorf("filestore: s3 count uploads: %w", up.Err)
		}
		n++
	}
	return n, nil
}

// keyBytes is the length of a key's random part: 128 bits, written as 32 hex digits.
const keyBytes = 16

func newKey() (string, error) {
	var b [keyBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("filestore: random key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// validKey reports whether key is one newKey could have made. Any other key was never stored,
// and is not sent to the store.
func validKey(key string) bool {
	if len(key) != 2*keyBytes {
		return false
	}
	for _, c := range []byte(key) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// limitedReader counts and hashes what it passes on, and fails with ErrTooLarge as soon as more
// than limit bytes come: it reads at most one Read past the limit.
type limitedReader struct {
	r        io.Reader
	limit    int64
	n        int64
	hash     hash.Hash
	tooLarge bool
	err      error // the underlying reader's error, other than io.EOF
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.tooLarge {
		return 0, ErrTooLarge
	}
	// Ask for at most one byte past the limit: that byte is enough to know the file is too large.
	if rest := l.limit - l.n; int64(len(p)) > rest {
		p = p[:rest+1]
	}
	n, err := l.r.Read(p)
	if l.n+int64(n) > l.limit {
		l.tooLarge = true
		return 0, ErrTooLarge
	}
	l.n += int64(n)
	l.hash.Write(p[:n])
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

var _ Store = (*S3)(nil)
