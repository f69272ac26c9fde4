package pglocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// newDataDir returns a data directory path inside a fresh temporary
// directory that the postgres user can traverse (t.TempDir's parent is
// private to root, which the server, run as postgres, could not enter).
func newDataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pglocal-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "pg")
}

func mustConnect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryString(t *testing.T, conn *pgx.Conn, sql string) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func startPrivateT(t *testing.T, opt Options) (*DB, string) {
	t.Helper()
	var log bytes.Buffer
	opt.Log = &log
	db, err := StartPrivate(context.Background(), opt)
	if err != nil {
		t.Fatalf("StartPrivate(%+v): %v", opt, err)
	}
	t.Cleanup(func() { db.Stop(context.Background()) })
	if !db.Private {
		t.Errorf("StartPrivate: Private = false, want true")
	}
	return db, log.String()
}

func TestStartPrivate(t *testing.T) {
	dataDir := newDataDir(t)
	opt := Options{Database: "pglocal_private", DataDir: dataDir}

	db, log := startPrivateT(t, opt)
	if !strings.Contains(log, "initialised") || !strings.Contains(log, "started private PostgreSQL") {
		t.Errorf("first start log = %q, want initialised and started lines", log)
	}
	conn := mustConnect(t, db.URL)
	if got := queryString(t, conn, "SELECT current_database()"); got != opt.Database {
		t.Errorf("current_database() = %q, want %q", got, opt.Database)
	}
	if got := queryString(t, conn, "SHOW data_directory"); got != dataDir {
		t.Errorf("data_directory = %q, want %q", got, dataDir)
	}
	if got := queryString(t, conn, "SHOW listen_addresses"); got != "" {
		t.Errorf("listen_addresses = %q, want empty (socket only)", got)
	}
	if _, err := conn.Exec(context.Background(), "CREATE TABLE marker (x int)"); err != nil {
		t.Fatal(err)
	}

	// A second caller while the server runs reuses it and must not stop it.
	db2, log2 := startPrivateT(t, opt)
	if !strings.Contains(log2, "reusing") || strings.Contains(log2, "initialised") {
		t.Errorf("second start log = %q, want reusing and no initdb", log2)
	}
	if err := db2.Stop(context.Background()); err != nil {
		t.Errorf("Stop of reused cluster: %v, want nil", err)
	}
	if err := conn.Ping(context.Background()); err != nil {
		t.Errorf("after Stop of the reusing DB, ping = %v, want the server still up", err)
	}

	stopAndCheckDown(t, db)

	// Starting again reuses the initialised cluster and its data.
	db3, log3 := startPrivateT(t, opt)
	if strings.Contains(log3, "initialised") || !strings.Contains(log3, "started") {
		t.Errorf("restart log = %q, want started without initdb", log3)
	}
	conn3 := mustConnect(t, db3.URL)
	if got := queryString(t, conn3, "SELECT to_regclass('marker')::text"); got != "marker" {
		t.Errorf("after restart, table marker = %q, want it kept", got)
	}
}

func stopAndCheckDown(t *testing.T, db *DB) {
	t.Helper()
	if err := db.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := db.Stop(context.Background()); err != nil {
		t.Errorf("second Stop: %v, want nil", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, db.URL); err == nil {
		conn.Close(ctx)
		t.Errorf("connect after Stop succeeded, want an error")
	}
}

func TestStartPrivateBlockedParent(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the traversal check only applies when running as root")
	}
	blocked := filepath.Dir(t.TempDir()) // mode 0700, owned by root
	_, err := StartPrivate(context.Background(), Options{DataDir: filepath.Join(t.TempDir(), "pg")})
	if err == nil || !strings.Contains(err.Error(), "cannot enter "+blocked+" ") {
		t.Errorf("StartPrivate under %s: err = %v, want one naming that directory", blocked, err)
	}
}

// defaultServerAnswers skips the test unless the libpq default server
// answers (a refusal such as an unknown database still counts as answering).
func defaultServerAnswers(t *testing.T) *pgx.ConnConfig {
	t.Helper()
	cfg, err := pgx.ParseConfig("")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = "postgres"
	conn, err := connect(context.Background(), cfg)
	if err != nil {
		t.Skipf("default PostgreSQL server (%s) does not answer: %v", where(&cfg.Config), err)
	}
	conn.Close(context.Background())
	return cfg
}

func TestOpenDefaultServerCreatesDatabase(t *testing.T) {
	admin := defaultServerAnswers(t)
	name := fmt.Sprintf("pglocal_test_%d", rand.Int64())
	t.Cleanup(func() {
		conn, err := pgx.ConnectConfig(context.Background(), admin)
		if err != nil {
			t.Logf("dropping %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		_, err = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		if err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
	})
	opt := Options{Database: name, DataDir: filepath.Join(t.TempDir(), "unused")}
	for i := range 2 { // the second Open finds the database already there
		db, err := Open(context.Background(), opt)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		if db.Private {
			t.Errorf("Open #%d: Private = true, want false", i+1)
		}
		if err := db.Stop(context.Background()); err != nil {
			t.Errorf("Stop on default server: %v, want nil", err)
		}
		conn := mustConnect(t, db.URL)
		if got := queryString(t, conn, "SELECT current_database()"); got != name {
			t.Errorf("Open #%d: current_database() = %q, want %q", i+1, got, name)
		}
		cfg, err := pgx.ParseConfig(db.URL)
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", db.URL, err)
		}
		if cfg.Host != admin.Host || cfg.Port != admin.Port || cfg.User != admin.User {
			t.Errorf("URL %q parses to %s@%s, want %s@%s", db.URL, cfg.User, where(&cfg.Config), admin.User, where(&admin.Config))
		}
	}
	if _, err := os.Stat(opt.DataDir); !os.IsNotExist(err) {
		t.Errorf("Open with a default server touched DataDir %s (stat err %v), want it left alone", opt.DataDir, err)
	}
}

func TestOpenURLPassesThrough(t *testing.T) {
	const url = "postgres://someone:secret@db.invalid:6543/app?sslmode=disable"
	db, err := Open(context.Background(), Options{URL: url, DataDir: filepath.Join(t.TempDir(), "pg")})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if db.URL != url || db.Private {
		t.Errorf("Open = {URL: %q, Private: %v}, want {URL: %q, Private: false}", db.URL, db.Private, url)
	}
	if err := db.Stop(context.Background()); err != nil {
		t.Errorf("Stop: %v, want nil", err)
	}
}

func TestOpenNothingWorks(t *testing.T) {
	t.Setenv("PGHOST", t.TempDir()) // a socket directory with no server in it
	t.Setenv("PGPORT", "5432")
	empty := t.TempDir()
	dataDir := filepath.Join(t.TempDir(), "pg")
	_, err := open(context.Background(), Options{DataDir: dataDir}, finder{root: empty, path: empty})
	if !errors.Is(err, ErrNoPostgres) {
		t.Fatalf("open = %v, want an error wrapping ErrNoPostgres", err)
	}
	msg := err.Error()
	for _, want := range []string{"DATABASE_URL", "install PostgreSQL", "postgresql", "docker compose up", "no answer at", "no PostgreSQL server binaries"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine") {
		t.Errorf("error %q should be one line without traces", msg)
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"9", "15", -1}, {"15", "16", -1}, {"16", "9.6", 1}, {"15", "15", 0},
		{"15.1", "15", 1}, {"10", "9.6", 1}, {"9.6", "9.10", -1},
	}
	for _, tt := range tests {
		a, _ := parseVersion(tt.a)
		b, _ := parseVersion(tt.b)
		if got := compareVersions(a, b); got != tt.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if _, ok := parseVersion("common"); ok {
		t.Errorf("parseVersion(common) ok = true, want false")
	}
}

func fakeBinaries(t *testing.T, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFinder(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9.6", "10", "15"} {
		fakeBinaries(t, filepath.Join(root, v, "bin"), "pg_ctl", "initdb", "postgres")
	}
	fakeBinaries(t, filepath.Join(root, "16", "bin"), "pg_ctl") // incomplete
	fakeBinaries(t, filepath.Join(root, "common", "bin"), "pg_ctl", "initdb")
	if got, err := (finder{root: root}).find(); got != filepath.Join(root, "15", "bin") {
		t.Errorf("find in %s = %q, %v; want its 15/bin", root, got, err)
	}

	pathDir := filepath.Join(t.TempDir(), "bin")
	fakeBinaries(t, pathDir, "pg_ctl", "initdb", "postgres")
	path := t.TempDir() + string(filepath.ListSeparator) + pathDir
	if got, err := (finder{root: t.TempDir(), path: path}).find(); got != pathDir {
		t.Errorf("find on PATH %s = %q, %v; want %q", path, got, err, pathDir)
	}
	if _, err := (finder{root: t.TempDir(), path: t.TempDir()}).find(); !errors.Is(err, errNoBinaries) {
		t.Errorf("find with nothing installed: err = %v, want errNoBinaries", err)
	}
}

func TestConnURLRoundTrips(t *testing.T) {
	tests := []struct {
		cfg  pgconn.Config
		want string
	}{
		{pgconn.Config{Host: "/var/run/postgresql", Port: 5432, User: "root", Database: "shareline"},
			"postgres://root@/shareline?host=/var/run/postgresql&port=5432"},
		{pgconn.Config{Host: "localhost", Port: 5433, User: "app", Database: "my db"},
			"postgres://app@localhost:5433/my%20db"},
		{pgconn.Config{Host: "::1", Port: 5432, User: "a@b", Database: "x"},
			"postgres://a%40b@[::1]:5432/x"},
		{pgconn.Config{Host: "/tmp/a b&c", Port: 5432, User: "postgres", Database: "d"},
			"postgres://postgres@/d?host=/tmp/a%20b%26c&port=5432"},
	}
	for _, tt := range tests {
		got := connURL(&tt.cfg)
		if got != tt.want {
			t.Errorf("connURL(%+v) = %q, want %q", tt.cfg, got, tt.want)
		}
		back, err := pgx.ParseConfig(got)
		if err != nil {
			t.Errorf("ParseConfig(%q): %v", got, err)
			continue
		}
		if back.Host != tt.cfg.Host || back.Port != tt.cfg.Port || back.User != tt.cfg.User || back.Database != tt.cfg.Database {
			t.Errorf("ParseConfig(%q) = %s@%s/%s, want %s@%s/%s", got,
				back.User, where(&back.Config), back.Database, tt.cfg.User, where(&tt.cfg), tt.cfg.Database)
		}
	}
}

func TestSocketDir(t *testing.T) {
	if got, want := socketDir("/x/.shareline/pg"), "/x/.shareline/pg.sock"; got != want {
		t.Errorf("socketDir(short) = %q, want %q", got, want)
	}
	long := "/" + strings.Repeat("d", 120) + "/pg"
	got := socketDir(long)
	if !strings.HasPrefix(got, os.TempDir()) || len(got)+len("/.s.PGSQL.5432") >= maxSocketPath {
		t.Errorf("socketDir(long) = %q, want a short directory under %s", got, os.TempDir())
	}
	if again := socketDir(long); again != got {
		t.Errorf("socketDir(long) = %q then %q, want stable", got, again)
	}
}

// Where no server answers but the server binaries are installed, Open starts a private
// cluster: what `make run` does on a machine with PostgreSQL installed but not running.
func TestOpenFallsBackToAPrivateCluster(t *testing.T) {
	t.Setenv("PGHOST", t.TempDir()) // a socket directory with no server in it
	t.Setenv("PGPORT", "5432")
	dataDir := newDataDir(t)
	db, err := Open(context.Background(), Options{Database: "pglocal_fallback", DataDir: dataDir})
	if err != nil {
		t.Fatalf("Open with no server answering: %v, want a private cluster", err)
	}
	t.Cleanup(func() { db.Stop(context.Background()) })
	if !db.Private {
		t.Fatalf("Open: Private = false, want the private cluster")
	}
	conn, err := pgx.Connect(context.Background(), db.URL)
	if err != nil {
		t.Fatalf("connect to %s: %v", db.URL, err)
	}
	defer conn.Close(context.Background())
	var name string
	if err := conn.QueryRow(context.Background(), "SELECT current_database()").Scan(&name); err != nil || name != "pglocal_fallback" {
		t.Errorf("current_database: got %q (%v), want pglocal_fallback", name, err)
	}
}
