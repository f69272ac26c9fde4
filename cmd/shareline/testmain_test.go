package main

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"shareline/internal/postgres/postgrestest"
)

// TestMain stops the private PostgreSQL cluster the tests may have started (postgrestest.Run) and
// removes the binary the crash tests build (builtBinary, kill_test.go) with its temporary
// directory.
func TestMain(m *testing.M) {
	var mu sync.Mutex
	var built string
	build := builtBinary
	builtBinary = sync.OnceValues(func() (string, error) {
		bin, err := build()
		mu.Lock()
		built = bin
		mu.Unlock()
		return bin, err
	})
	code := postgrestest.Run(m)
	mu.Lock()
	if built != "" {
		os.RemoveAll(filepath.Dir(built)) // the os.MkdirTemp directory that holds only the binary
	}
	mu.Unlock()
	os.Exit(code)
}
