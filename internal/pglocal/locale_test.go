package pglocal

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A private cluster must fold the case of non-ASCII letters: the store's case-insensitive
// uniqueness (a unique index on lower(name)) and its ILIKE search depend on it.
func TestPrivateClusterFoldsNonASCIICase(t *testing.T) {
	db, _ := startPrivateT(t, Options{Database: "pglocal_locale", DataDir: newDataDir(t)})
	conn := mustConnect(t, db.URL)
	if got := queryString(t, conn, "SELECT lower('ОБЛАЧНЫЕ')"); got != "облачные" {
		t.Errorf("lower('ОБЛАЧНЫЕ') = %q, want %q", got, "облачные")
	}
	var match bool
	if err := conn.QueryRow(context.Background(), "SELECT 'Ärger' ILIKE '%ärg%'").Scan(&match); err != nil {
		t.Fatal(err)
	}
	if !match {
		t.Errorf("'Ärger' ILIKE '%%ärg%%' = false, want true")
	}
}

// A data directory initialised by an older pglocal (initdb --no-locale) is kept and keeps
// working; pglocal only logs a one-line warning suggesting to recreate it.
func TestOldCLocaleClusterIsKeptWithAWarning(t *testing.T) {
	opt := Options{Database: "pglocal_old", DataDir: newDataDir(t), Log: io.Discard}
	c, err := newCluster(opt, systemFinder())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.prepare(); err != nil {
		t.Fatal(err)
	}
	if err := c.run(context.Background(), "initdb", "-D", c.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"); err != nil {
		t.Fatal(err)
	}

	db, log := startPrivateT(t, opt)
	if strings.Contains(log, "initialised") {
		t.Errorf("log = %q: the existing cluster was initialised again", log)
	}
	var warnings []string
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if strings.Contains(line, "warning") {
			warnings = append(warnings, line)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "C locale") || !strings.Contains(warnings[0], "remove "+opt.DataDir) {
		t.Errorf("log = %q, want one warning naming the C locale and suggesting to remove %s", log, opt.DataDir)
	}
	conn := mustConnect(t, db.URL)
	if got := queryString(t, conn, "SELECT lower('ABC')"); got != "abc" {
		t.Errorf("lower('ABC') on the old cluster = %q, want abc", got)
	}
}

// A fresh cluster gets no such warning.
func TestNewClusterHasNoLocaleWarning(t *testing.T) {
	_, log := startPrivateT(t, Options{Database: "pglocal_new", DataDir: newDataDir(t)})
	if strings.Contains(log, "warning") {
		t.Errorf("log = %q, want no warning", log)
	}
	if !strings.Contains(log, "(locale ICU und, libc C.UTF-8)") && !strings.Contains(log, "(locale libc ") {
		t.Errorf("log = %q, want the initialised line to name a UTF-8 locale", log)
	}
}

// Where the server has no ICU (initdb refuses --locale-provider=icu), initdb is run again with a
// libc UTF-8 locale.
func TestInitdbFallsBackWithoutICU(t *testing.T) {
	bin := filepath.Join(filepath.Dir(newDataDir(t)), "bin") // reachable by the postgres user
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
if [ "$1" = --help ]; then echo "  --locale-provider={libc|icu}"; exit 0; fi
for a in "$@"; do
  case $a in --locale-provider=*) echo "initdb: error: ICU is not supported in this build" >&2; exit 1;; esac
done
echo "$@" > "$2/args"
echo 15 > "$2/PG_VERSION"
`
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	c, err := newCluster(Options{DataDir: newDataDir(t), Log: &log}, finder{path: bin})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.prepare(); err != nil {
		t.Fatal(err)
	}
	if err := c.initdb(context.Background()); err != nil {
		t.Fatalf("initdb: %v (log %s)", err, log.String())
	}
	args, _ := os.ReadFile(filepath.Join(c.dataDir, "args"))
	if !strings.Contains(string(args), "--locale=") || strings.Contains(string(args), "icu") || strings.Contains(string(args), "--no-locale") {
		t.Errorf("initdb ran with %q, want a libc --locale", args)
	}
	if !strings.Contains(log.String(), "ICU is not supported") || !strings.Contains(log.String(), "(locale libc ") {
		t.Errorf("log = %q, want the ICU failure and the libc locale", log.String())
	}
}

func TestPickUTF8Locale(t *testing.T) {
	tests := []struct {
		available []string
		want      string
	}{
		{[]string{"C", "C.utf8", "POSIX"}, "C.UTF-8"},
		{[]string{"C", "C.UTF-8", "en_US.UTF-8"}, "C.UTF-8"},
		{[]string{"C", "POSIX", "de_DE.utf8", "en_US.UTF-8"}, "en_US.UTF-8"},
		{[]string{"C", "POSIX", "de_DE.utf8"}, "de_DE.utf8"},
		{[]string{"C", "POSIX"}, "C.UTF-8"}, // let initdb say whether it has it
		{nil, "C.UTF-8"},
	}
	for _, tt := range tests {
		if got := pickUTF8Locale(tt.available, "C.UTF-8"); got != tt.want {
			t.Errorf("pickUTF8Locale(%q) = %q, want %q", tt.available, got, tt.want)
		}
	}
}
