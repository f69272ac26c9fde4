// Package pglocal finds a reachable PostgreSQL server, or starts a private
// local cluster, and returns a connection string for the application's
// database.
//
// Open tries, in order: an explicit URL, the server that the libpq defaults
// point at (PGHOST, PGPORT, PGUSER, else the local Unix socket and the current
// OS user), and finally a private cluster under Options.DataDir started with
// the PostgreSQL server binaries installed on the machine.
package pglocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

const (
	defaultDatabase = "shareline"
	defaultDataDir  = ".shareline/pg"
)

// ErrNoPostgres is returned (wrapped, with a short reason per failed step) by
// Open when no database could be found or started.
var ErrNoPostgres = errors.New("pglocal: no PostgreSQL available: set DATABASE_URL to a reachable server, install PostgreSQL (its server binaries, e.g. the Debian package postgresql), or run `docker compose up`")

// Options say where to look for or put a database. Zero values take the
// defaults.
type Options struct {
	URL      string    // explicit DATABASE_URL; when non-empty it is used as is (no probing, no creation)
	Database string    // database name to use/create on the default server; default "shareline"
	DataDir  string    // private cluster data directory; default ".shareline/pg" (made absolute)
	Log      io.Writer // progress lines such as "pglocal: started private PostgreSQL 15 in /x/.shareline/pg"; nil = discard
	// Shared makes a private cluster one that several processes use at
	// once, such as parallel test processes: each call registers its process
	// (a file in <DataDir>.users), and DB.Stop stops the cluster, whoever
	// started it, only when no other live process is registered. Callers
	// that are not Shared are not counted.
	Shared bool
}

// DB is a database that answers.
type DB struct {
	URL     string // a pgx/libpq connection string (URL form) for the database
	Private bool   // true when pglocal started a private cluster for it
	// Stop stops the private cluster that this call started; no-op
	// otherwise (see Options.Shared for shared clusters). Safe to call more
	// than once.
	Stop func(ctx context.Context) error
}

// Open returns a database that answers: opt.URL when set, else opt.Database
// on the libpq default server (created if missing), else opt.Database in a
// private cluster in opt.DataDir. When nothing works the error wraps
// ErrNoPostgres.
func Open(ctx context.Context, opt Options) (*DB, error) {
	return open(ctx, opt, systemFinder())
}

// StartPrivate skips the default server and uses the private cluster in
// opt.DataDir: it initialises the cluster if needed, starts it unless it is
// already running, and creates opt.Database in it if missing. opt.URL is
// ignored. Stop on the result stops the cluster only if this call started it
// (or, with opt.Shared, when this process is its last user).
func StartPrivate(ctx context.Context, opt Options) (*DB, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	db, err := startPrivate(ctx, opt, systemFinder())
	if errors.Is(err, errNoBinaries) {
		return nil, fmt.Errorf("%w (%v)", ErrNoPostgres, err)
	}
	return db, err
}

func open(ctx context.Context, opt Options, find finder) (*DB, error) {
	if opt.URL != "" {
		return &DB{URL: opt.URL, Stop: noStop}, nil
	}
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	db, defErr := openDefault(ctx, opt)
	if defErr == nil {
		return db, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db, privErr := startPrivate(ctx, opt, find)
	if privErr == nil {
		return db, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w (default server: %s; private cluster: %s)",
		ErrNoPostgres, oneLine(defErr), oneLine(privErr))
}

func (o Options) withDefaults() (Options, error) {
	if o.Database == "" {
		o.Database = defaultDatabase
	}
	if o.DataDir == "" {
		o.DataDir = defaultDataDir
	}
	abs, err := filepath.Abs(o.DataDir)
	if err != nil {
		return o, fmt.Errorf("pglocal: data directory %q: %w", o.DataDir, err)
	}
	o.DataDir = abs
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o, nil
}

func (o Options) logf(format string, args ...any) {
	fmt.Fprintf(o.Log, format+"\n", args...)
}

func noStop(context.Context) error { return nil }

// oneLine flattens a possibly multi-line error message.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
