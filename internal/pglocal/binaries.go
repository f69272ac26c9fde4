package pglocal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// errNoBinaries means no PostgreSQL server binaries were found.
var errNoBinaries = errors.New("no PostgreSQL server binaries")

// finder locates the PostgreSQL server binaries. It is a value so tests can
// point it at a fake tree instead of the real system.
type finder struct {
	root string // directory holding one <version>/bin per installed version
	path string // a PATH-style list searched for pg_ctl when root has none
}

func systemFinder() finder {
	return finder{root: "/usr/lib/postgresql", path: os.Getenv("PATH")}
}

// find returns the directory holding pg_ctl, initdb and postgres: the
// highest-version <root>/<version>/bin that has them, else the directory of
// pg_ctl on the search path.
func (f finder) find() (string, error) {
	if dir := f.fromRoot(); dir != "" {
		return dir, nil
	}
	if dir := f.fromPath(); dir != "" {
		return dir, nil
	}
	return "", fmt.Errorf("%w in %s/*/bin or on PATH", errNoBinaries, f.root)
}

func (f finder) fromRoot() string {
	entries, err := os.ReadDir(f.root)
	if err != nil {
		return ""
	}
	best, bestVer := "", []int(nil)
	for _, e := range entries {
		ver, ok := parseVersion(e.Name())
		if !ok {
			continue
		}
		bin := filepath.Join(f.root, e.Name(), "bin")
		if hasServerBinaries(bin, "pg_ctl", "initdb") && compareVersions(ver, bestVer) > 0 {
			best, bestVer = bin, ver
		}
	}
	return best
}

func (f finder) fromPath() string {
	for _, dir := range filepath.SplitList(f.path) {
		if dir == "" || !isExecutable(filepath.Join(dir, "pg_ctl")) {
			continue
		}
		if hasServerBinaries(dir, "pg_ctl", "initdb", "postgres") {
			return dir
		}
		// A symlink such as /usr/bin/pg_ctl may point into the real bin dir.
		real, err := filepath.EvalSymlinks(filepath.Join(dir, "pg_ctl"))
		if err == nil && hasServerBinaries(filepath.Dir(real), "pg_ctl", "initdb", "postgres") {
			return filepath.Dir(real)
		}
	}
	return ""
}

func hasServerBinaries(dir string, names ...string) bool {
	for _, n := range names {
		if !isExecutable(filepath.Join(dir, n)) {
			return false
		}
	}
	return true
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// parseVersion reads a directory name such as "15" or "9.6" as numbers.
func parseVersion(s string) ([]int, bool) {
	var ver []int
	for _, part := range strings.Split(s, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil, false
		}
		ver = append(ver, n)
	}
	return ver, true
}

// compareVersions orders versions numerically, component by component; a
// missing component counts as lower (nil is lowest).
func compareVersions(a, b []int) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i >= len(a):
			return -1
		case i >= len(b):
			return 1
		case a[i] != b[i]:
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
