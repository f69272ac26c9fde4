package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/pglocal"
	"shareline/internal/postgres"
)

// Config is everything the program reads from flags and the environment.
type Config struct {
	Addr        string // SHARELINE_ADDR, --addr
	DatabaseURL string // DATABASE_URL, --database-url
	DataDir     string // SHARELINE_DATA_DIR, --data-dir: where a private cluster lives
	Migrate     bool   // --migrate: apply migrations when serve starts
	LogJSON     bool   // SHARELINE_LOG_FORMAT=json, --log-json
	// SecureCookies (SHARELINE_SECURE_COOKIES=true) marks session cookies Secure and sends HSTS:
	// set it when users reach Shareline over HTTPS, through a TLS-terminating proxy.
	SecureCookies bool
	// TrustProxy (SHARELINE_TRUST_PROXY=true) reads client addresses from X-Forwarded-For.
	TrustProxy bool
	// AdminEmail and AdminPassword (SHARELINE_ADMIN_EMAIL, SHARELINE_ADMIN_PASSWORD) name the
	// first admin, created when serve starts on a database with no users.
	AdminEmail, AdminPassword string
	// MetricsAddr (SHARELINE_METRICS_ADDR, --metrics-addr) serves Prometheus metrics on a
	// separate address; empty turns them off.
	MetricsAddr string
}

// parseConfig reads flags over environment defaults.
func parseConfig(name string, args []string, c console) (Config, error) {
	fs := flag.NewFlagSet("shareline "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return parseConfigWith(name, fs, args, c.getenv)
}

// parseConfigWith adds the shared flags to a subcommand's own flag set and parses it.
func parseConfigWith(name string, fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	cfg := Config{
		Addr:          orDefault(getenv("SHARELINE_ADDR"), "127.0.0.1:8080"),
		DatabaseURL:   getenv("DATABASE_URL"),
		DataDir:       orDefault(getenv("SHARELINE_DATA_DIR"), ".shareline/pg"),
		Migrate:       true,
		LogJSON:       getenv("SHARELINE_LOG_FORMAT") == "json",
		SecureCookies: isTrue(getenv("SHARELINE_SECURE_COOKIES")),
		TrustProxy:    isTrue(getenv("SHARELINE_TRUST_PROXY")),
		AdminEmail:    getenv("SHARELINE_ADMIN_EMAIL"),
		AdminPassword: getenv("SHARELINE_ADMIN_PASSWORD"),
		MetricsAddr:   getenv("SHARELINE_METRICS_ADDR"),
	}
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL connection URL (default: $DATABASE_URL, else the local server, else a private cluster)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory of the private PostgreSQL cluster started when no server answers")
	fs.BoolVar(&cfg.LogJSON, "log-json", cfg.LogJSON, "write logs as JSON lines")
	if name == "serve" {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (also $SHARELINE_ADDR)")
		fs.BoolVar(&cfg.Migrate, "migrate", cfg.Migrate, "apply database migrations at start-up")
		fs.BoolVar(&cfg.SecureCookies, "secure-cookies", cfg.SecureCookies, "Secure cookies and HSTS, for serving behind HTTPS (also $SHARELINE_SECURE_COOKIES)")
		fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve Prometheus metrics at http://ADDR/metrics, apart from the app (also $SHARELINE_METRICS_ADDR; empty: off)")
		fs.BoolVar(&cfg.TrustProxy, "trust-proxy", cfg.TrustProxy, "read client addresses from X-Forwarded-For (also $SHARELINE_TRUST_PROXY)")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return cfg, nil
}

func isTrue(v string) bool {
	b, _ := strconv.ParseBool(v)
	return b
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// database is an open pool and whatever must be stopped with it.
type database struct {
	pool *pgxpool.Pool
	db   *pglocal.DB
	log  io.Writer
}

func (d *database) Close(ctx context.Context) {
	d.pool.Close()
	if err := d.db.Stop(ctx); err != nil {
		fmt.Fprintln(d.log, "stopping the private PostgreSQL:", err)
	}
}

// openDatabase finds or starts PostgreSQL (see internal/pglocal), opens a pool and checks that
// the database answers; with migrate, it applies the migrations.
func openDatabase(ctx context.Context, cfg Config, log io.Writer, migrate bool) (*database, error) {
	db, err := pglocal.Open(ctx, pglocal.Options{URL: cfg.DatabaseURL, Database: "shareline", DataDir: cfg.DataDir, Log: log})
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.New(ctx, db.URL)
	if err == nil {
		pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = pool.Ping(pingCtx)
		cancel()
		if err != nil {
			pool.Close()
		}
	}
	if err != nil {
		db.Stop(ctx)
		return nil, fmt.Errorf("cannot reach the database (check DATABASE_URL): %w", err)
	}
	d := &database{pool: pool, db: db, log: log}
	if migrate {
		n, err := postgres.Migrate(ctx, pool)
		if err != nil {
			d.Close(ctx)
			return nil, err
		}
		fmt.Fprintf(log, "database ready: %d migration(s) applied\n", n)
	}
	return d, nil
}
