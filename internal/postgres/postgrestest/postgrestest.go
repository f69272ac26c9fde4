// Package postgrestest gives tests a fresh, migrated PostgreSQL database each, on whatever server
// internal/pglocal finds (DATABASE_URL, the local default server, or a private cluster).
//
// A package that uses postgrestest needs a TestMain that calls Main, so that a private cluster
// started for its tests is stopped when they end.
//
// The first test in a process migrates a template database named after a hash of the migration
// files; every test then gets a copy of it (CREATE DATABASE ... TEMPLATE), which takes a few
// milliseconds, and drops it when the test ends.
package postgrestest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/pglocal"
	"shareline/internal/postgres"
	"shareline/internal/questionnaires"
	"shareline/migrations"
)

// server is the database server the tests share, found once per process. A private cluster is
// shared with the other test processes (go test runs packages in parallel) and left by Main.
var server = sync.OnceValues(func() (*serverInfo, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := pglocal.Open(ctx, pglocal.Options{
		URL:      os.Getenv("DATABASE_URL"),
		Database: "shareline_test",
		DataDir:  filepath.Join(os.TempDir(), "shareline-test-pg"),
		Log:      os.Stderr,
		Shared:   true,
	})
	if err != nil {
		return nil, err
	}
	opened.Lock()
	opened.db = db
	underMain := opened.main
	opened.Unlock()
	if db.Private && !underMain {
		fmt.Fprintln(os.Stderr, "postgrestest: warning: this package has no TestMain calling postgrestest.Main (or Run), so the private PostgreSQL cluster is not stopped when its tests end")
	}
	cfg, err := pgx.ParseConfig(db.URL)
	if err != nil {
		return nil, err
	}
	return &serverInfo{url: db.URL, cfg: cfg}, nil
})

// opened is what Main needs to know about server.
var opened struct {
	sync.Mutex
	main bool        // Main is running the tests
	db   *pglocal.DB // set once server has opened a database
}

// Main runs a test package that uses postgrestest and then, before exiting with the tests' exit
// code, leaves the private PostgreSQL cluster the tests used, if any: it is stopped unless another
// test process still uses it. Every package whose tests use postgrestest calls it from TestMain:
//
//	func TestMain(m *testing.M) { postgrestest.Main(m) }
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main without the os.Exit, for a TestMain with more to clean up: it returns the exit
// code, which is non-zero also when the private cluster could not be stopped.
func Run(m *testing.M) int {
	opened.Lock()
	opened.main = true
	opened.Unlock()
	code := m.Run()
	if err := leave(); err != nil {
		fmt.Fprintf(os.Stderr, "postgrestest: stopping the private PostgreSQL cluster: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// leave stops the private cluster if this process opened one and is its last user; a no-op for
// any other server.
func leave() error {
	opened.Lock()
	db := opened.db
	opened.Unlock()
	if db == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return db.Stop(ctx)
}

type serverInfo struct {
	url string // the server's connection string, for a database of its own
	cfg *pgx.ConnConfig
}

// withDatabase returns the server's connection string naming another database. pgx's
// ConnConfig.ConnString returns the string it was parsed from, so the name must be set in the
// string itself.
func (s *serverInfo) withDatabase(name string) (string, error) {
	u, err := url.Parse(s.url)
	if err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	if strings.Contains(s.url, "://") {
		return "", fmt.Errorf("cannot read connection URL %q: %v", s.url, err)
	}
	// Keyword/value form: a later keyword overrides an earlier one.
	return s.url + " dbname=" + name, nil
}

// URL returns the connection string of a new migrated database that is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, true)
}

// EmptyURL returns the connection string of a new database with no tables at all, dropped when t
// ends: for testing migrations themselves.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, false)
}

func newDatabase(t testing.TB, migrated bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := server()
	if err != nil {
		t.Fatalf("no database for tests: %v", err)
	}
	admin, err := pgx.ConnectConfig(ctx, srv.cfg)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer admin.Close(ctx)
	template := "template0"
	if migrated {
		if template, err = ensureTemplate(ctx, admin, srv); err != nil {
			t.Fatalf("template database: %v", err)
		}
	}
	name := "shareline_t_" + randomSuffix(t)
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s",
		pgx.Identifier{name}.Sanitize(), pgx.Identifier{template}.Sanitize())); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, srv.cfg, name) })
	u, err := srv.withDatabase(name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Pool returns a pool on a new migrated database, closed and dropped when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), URL(t))
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Store returns a Store on a new migrated database that holds the built-in questionnaires, as
// after start-up.
func Store(t testing.TB) *postgres.Store {
	t.Helper()
	qs, err := questionnaires.Builtin()
	if err != nil {
		t.Fatalf("built-in questionnaires: %v", err)
	}
	store := postgres.New(Pool(t))
	ctx := context.Background()
	err = store.Update(ctx, func(tx app.Tx) error {
		for _, q := range qs {
			if _, err := tx.Questionnaires().Publish(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("store the built-in questionnaires: %v", err)
	}
	return store
}

// ensureTemplate creates and migrates the template for the current migrations, once across every
// test process (an advisory lock keeps parallel packages from racing).
func ensureTemplate(ctx context.Context, admin *pgx.Conn, srv *serverInfo) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7461726)`); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), `SELECT pg_advisory_unlock(7461726)`)
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Build under a temporary name and rename at the end, so that a half-migrated template left
	// by a crash is never used.
	building := name + "_building"
	admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		return "", err
	}
	u, err := srv.withDatabase(building)
	if err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return "", err
	}
	_, err = postgres.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return "", err
	}
	_, err = admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s",
		pgx.Identifier{building}.Sanitize(), pgx.Identifier{name}.Sanitize()))
	return name, err
}

// templateName is named after the migrations' contents, so that a changed migration gets a new
// template rather than a stale one.
func templateName() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	return "shareline_tmpl_" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

func dropDatabase(t testing.TB, cfg *pgx.ConnConfig, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Errorf("drop test database %s: %v", name, err)
		return
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Errorf("drop test database %s: %v", name, err)
	}
}

func randomSuffix(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
