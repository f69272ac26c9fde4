// Package filestore keeps the contents of uploaded evidence files, by key, behind one interface:
// PostgreSQL by default, an S3-compatible object store as the option for when files outgrow the
// database. A store streams: no implementation holds a whole file in memory. What a file is (its
// name, type, evaluation, who uploaded it) is not the store's business: the caller keeps that.
package filestore

import (
	"context"
	"errors"
	"io"
)

// Blob is what a store kept: the key to open it by, its size and the SHA-256 of its content.
type Blob struct {
	Key    string
	Size   int64
	SHA256 [32]byte
}

// Store keeps file contents.
type Store interface {
	// Put reads r to its end into the store under a new key. More than limit bytes is refused
	// with ErrTooLarge, and nothing is kept.
	Put(ctx context.Context, r io.Reader, limit int64) (Blob, error)
	// Open streams the content kept under key; ErrNotFound when there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the content kept under key (a key that is not there is not an error).
	Delete(ctx context.Context, key string) error
}

var (
	// ErrTooLarge: the content is longer than the limit given to Put.
	ErrTooLarge = errors.New("filestore: file too large")
	// ErrNotFound: no content is kept under the key.
	ErrNotFound = errors.New("filestore: no such file")
)
