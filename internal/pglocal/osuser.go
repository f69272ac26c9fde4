//go:build unix

package pglocal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// clusterUser is the OS account that owns and runs a private cluster: the
// current user, or the postgres system user when running as root (initdb and
// postgres refuse to run as root).
type clusterUser struct {
	other  bool // run commands as uid/gid rather than as the current user
	name   string
	uid    int
	gid    int
	groups []uint32
	home   string
}

func currentClusterUser() (clusterUser, error) {
	if os.Geteuid() != 0 {
		return clusterUser{uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return clusterUser{}, fmt.Errorf("running as root, which PostgreSQL refuses, and there is no postgres system user to run it as: %w", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return clusterUser{}, fmt.Errorf("postgres system user: %w", err)
	}
	cu := clusterUser{other: true, name: u.Username, uid: uid, gid: gid, home: u.HomeDir}
	ids, _ := u.GroupIds()
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil {
			cu.groups = append(cu.groups, uint32(g))
		}
	}
	return cu, nil
}

// command prepares a command run as the cluster user, in its own session so
// that signals meant for the caller's terminal do not reach the server.
func (cu clusterUser) command(ctx context.Context, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if cu.other {
		cmd.SysProcAttr.Credential = &syscall.Credential{
			Uid: uint32(cu.uid), Gid: uint32(cu.gid), Groups: cu.groups,
		}
		cmd.Env = append(os.Environ(), "HOME="+cu.home, "USER="+cu.name, "LOGNAME="+cu.name)
	}
	return cmd
}

// ownDir makes sure path is a directory with the given mode that belongs to
// the cluster user, creating it if needed. An existing directory that belongs
// to somebody else is refused rather than taken over.
func (cu clusterUser) ownDir(path string, mode fs.FileMode) error {
	if err := os.Mkdir(path, mode); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	st, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", path)
	}
	if err := cu.takeOver(path, st); err != nil {
		return err
	}
	return os.Chmod(path, mode)
}

// ownFile creates path if needed and gives it to the cluster user.
func (cu clusterUser) ownFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	st, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	return cu.takeOver(path, st)
}

func (cu clusterUser) takeOver(path string, st fs.FileInfo) error {
	owner := int(st.Sys().(*syscall.Stat_t).Uid)
	if owner != cu.uid && owner != os.Geteuid() {
		return fmt.Errorf("%s belongs to uid %d, not to uid %d", path, owner, cu.uid)
	}
	if cu.other && owner != cu.uid {
		return os.Lchown(path, cu.uid, cu.gid)
	}
	return nil
}

// checkTraverse reports the first directory from dir up to / that the
// cluster user may not enter.
func (cu clusterUser) checkTraverse(dir string) error {
	if !cu.other {
		return nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil {
			return err
		}
		if !cu.canEnter(st) {
			return fmt.Errorf("the %s user (uid %d) cannot enter %s (mode %v): make it traversable (chmod o+x %s) or choose a DataDir elsewhere",
				cu.name, cu.uid, d, st.Mode().Perm(), d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func (cu clusterUser) canEnter(st fs.FileInfo) bool {
	sys := st.Sys().(*syscall.Stat_t)
	perm := st.Mode().Perm()
	switch {
	case int(sys.Uid) == cu.uid:
		return perm&0o100 != 0
	case int(sys.Gid) == cu.gid || slices.Contains(cu.groups, sys.Gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// lockFile takes an exclusive lock on path, waiting until ctx is done, so
// that concurrent callers do not initialise or start the same cluster twice.
// The returned function releases it.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
