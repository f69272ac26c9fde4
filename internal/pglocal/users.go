//go:build unix

package pglocal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// A shared private cluster (Options.Shared) counts its users with one file
// per registration in <DataDir>.users, named <pid>.<n>. Registering and
// leaving both happen under the data directory's lock file, so a process
// that is starting or reusing the cluster never sees it stopped under it.
// Files left by processes that died without calling Stop (a crashed or
// killed test binary) are ignored and removed.

// registrations numbers this process's registrations, so that each DB has
// its own file and one Stop does not end another DB's use.
var registrations atomic.Uint64

func usersDir(dataDir string) string { return dataDir + ".users" }

// register records a new user of the cluster from this process and returns
// its file. The caller holds the lock.
func (c *cluster) register() (string, error) {
	dir := usersDir(c.dataDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("users directory: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%d.%d", os.Getpid(), registrations.Add(1)))
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		return "", fmt.Errorf("registering as a user of the cluster: %w", err)
	}
	return path, nil
}

// sharedStopper returns the Stop of a shared user: it takes the lock and
// leaves, once; later calls return the first result.
func (c *cluster) sharedStopper(reg string) func(context.Context) error {
	var once sync.Once
	var err error
	return func(ctx context.Context) error {
		once.Do(func() {
			var unlock func()
			if unlock, err = lockFile(ctx, c.dataDir+".lock"); err != nil {
				return
			}
			defer unlock()
			err = c.leaveLocked(ctx, reg)
		})
		return err
	}
}

// leaveLocked removes the registration reg and stops the cluster if no live
// process is registered any more. The caller holds the lock.
func (c *cluster) leaveLocked(ctx context.Context, reg string) error {
	if err := os.Remove(reg); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	n, err := liveUsers(usersDir(c.dataDir))
	if err != nil {
		return err
	}
	if n > 0 {
		c.opt.logf("pglocal: leaving private PostgreSQL in %s running for %d other user(s)", c.dataDir, n)
		return nil
	}
	os.Remove(usersDir(c.dataDir)) // empty now; nothing to keep
	if !c.running(ctx) {
		return nil
	}
	return c.stop(ctx)
}

// liveUsers counts the registrations in dir whose process is alive,
// removing those of dead processes.
func liveUsers(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		pidText, _, _ := strings.Cut(e.Name(), ".")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 {
			continue // not a registration
		}
		if !processAlive(pid) {
			os.Remove(filepath.Join(dir, e.Name()))
			continue
		}
		n++
	}
	return n, nil
}

// processAlive reports whether a process with this pid exists (signal 0
// checks without sending anything; EPERM means it exists under another
// user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
