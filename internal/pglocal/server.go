package pglocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// connectTimeout bounds each connection attempt, so probing a server that
// does not answer stays quick.
const connectTimeout = 2 * time.Second

// SQLSTATE codes pglocal reacts to.
const (
	codeInvalidCatalog    = "3D000" // invalid_catalog_name: database does not exist
	codeDuplicateDatabase = "42P04" // duplicate_database
	codeUniqueViolation   = "23505" // concurrent CREATE DATABASE racing on pg_database
)

// openDefault uses opt.Database on the server the libpq defaults point at.
func openDefault(ctx context.Context, opt Options) (*DB, error) {
	cfg, err := pgx.ParseConfig("")
	if err != nil {
		return nil, fmt.Errorf("reading libpq defaults: %w", err)
	}
	cfg.Database = opt.Database
	if err := ensureDatabase(ctx, cfg, opt); err != nil {
		return nil, err
	}
	opt.logf("pglocal: using PostgreSQL at %s, database %s", where(&cfg.Config), opt.Database)
	return &DB{URL: connURL(&cfg.Config), Stop: noStop}, nil
}

// ensureDatabase checks that cfg.Database answers, creating it on the same
// server when the server says it does not exist.
func ensureDatabase(ctx context.Context, cfg *pgx.ConnConfig, opt Options) error {
	conn, err := connect(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	if !hasCode(err, codeInvalidCatalog) {
		return describeConnErr(err, cfg)
	}
	if err := createDatabase(ctx, cfg); err != nil {
		return fmt.Errorf("creating database %s at %s: %s", cfg.Database, where(&cfg.Config), oneLine(err))
	}
	opt.logf("pglocal: created database %s at %s", cfg.Database, where(&cfg.Config))
	conn, err = connect(ctx, cfg)
	if err != nil {
		return describeConnErr(err, cfg)
	}
	return conn.Close(ctx)
}

// createDatabase runs CREATE DATABASE for cfg.Database through the
// maintenance database postgres, or template1 when postgres is missing.
// A concurrent creator winning the race counts as success.
func createDatabase(ctx context.Context, cfg *pgx.ConnConfig) error {
	var lastErr error
	for _, admin := range []string{"postgres", "template1"} {
		ac := cfg.Copy()
		ac.Database = admin
		ac.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
		conn, err := connect(ctx, ac)
		if err != nil {
			lastErr = err
			continue
		}
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
		conn.Close(ctx)
		if err != nil && !hasCode(err, codeDuplicateDatabase) && !hasCode(err, codeUniqueViolation) {
			return err
		}
		return nil
	}
	return lastErr
}

func connect(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

// describeConnErr turns a failed connection into a short reason that says
// whether the server refused or nothing answered.
func describeConnErr(err error, cfg *pgx.ConnConfig) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("server at %s refused user %s, database %s: %s (SQLSTATE %s)",
			where(&cfg.Config), cfg.User, cfg.Database, pgErr.Message, pgErr.Code)
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) && connErr.Unwrap() != nil {
		err = connErr.Unwrap()
	}
	return fmt.Errorf("no answer at %s: %s", where(&cfg.Config), oneLine(err))
}

func hasCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// where names a server for messages: a socket directory or host, and port.
func where(c *pgconn.Config) string {
	port := strconv.Itoa(int(c.Port))
	if strings.HasPrefix(c.Host, "/") {
		return c.Host + " port " + port
	}
	return net.JoinHostPort(c.Host, port)
}

// connURL renders the user, server and database of c as a URL connection
// string. A Unix socket directory goes in the host query parameter. The
// password is left out: pgx and libpq take it from PGPASSWORD or ~/.pgpass
// again when the URL is parsed.
func connURL(c *pgconn.Config) string {
	u := url.URL{Scheme: "postgres", Path: "/" + c.Database}
	if c.User != "" {
		u.User = url.User(c.User)
	}
	port := strconv.Itoa(int(c.Port))
	if strings.HasPrefix(c.Host, "/") {
		u.RawQuery = "host=" + queryEscape(c.Host) + "&port=" + port
	} else {
		u.Host = net.JoinHostPort(c.Host, port)
	}
	return u.String()
}

// queryEscape percent-encodes a query value the way libpq decodes it (no
// "+" for space) but keeps slashes, which are legal in a query and keep
// socket paths readable.
func queryEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
