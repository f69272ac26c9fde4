package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/filestore"
	"shareline/internal/mail"
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
	// BaseURL (SHARELINE_BASE_URL, --base-url) is the address users reach Shareline at, such as
	// https://shareline.example.com. An https:// one turns on SecureCookies.
	BaseURL string
	// SecureCookies (SHARELINE_SECURE_COOKIES=true) marks session cookies Secure (and names the
	// session cookie __Host-shareline_session) and sends HSTS: on when users reach Shareline over
	// HTTPS, through a TLS-terminating proxy. An https:// BaseURL turns it on too.
	SecureCookies bool
	// TrustedProxies (SHARELINE_TRUSTED_PROXIES, --trusted-proxies: comma-separated CIDRs or IP
	// addresses) are the reverse proxies whose X-Forwarded-For is believed; see server.Options.
	TrustedProxies []netip.Prefix
	// TrustProxy (SHARELINE_TRUST_PROXY=true, --trust-proxy) is deprecated: it now means "trust
	// a proxy on loopback only" (see proxies), with a warning.
	TrustProxy bool
	// AdminEmail and AdminPassword (SHARELINE_ADMIN_EMAIL, SHARELINE_ADMIN_PASSWORD) name the
	// first admin, created when serve starts on a database with no users.
	AdminEmail, AdminPassword string
	// MetricsAddr (SHARELINE_METRICS_ADDR, --metrics-addr) serves Prometheus metrics on a
	// separate address; empty turns them off. It must be a loopback address unless MetricsPublic.
	MetricsAddr string
	// MetricsPublic (SHARELINE_METRICS_PUBLIC=true, --metrics-public) allows a MetricsAddr that is
	// not loopback, with a warning: the listener asks for no account.
	MetricsPublic bool
	// Pprof (SHARELINE_PPROF=true, --pprof) adds Go profiles at /debug/pprof/ to the metrics
	// listener.
	Pprof bool
	// CORSOrigins (SHARELINE_CORS_ORIGINS, --cors-origins: comma-separated origins such as
	// https://app.example.com) may call the API from a browser with a token; none by default.
	CORSOrigins []string
	// APIRateLimit (SHARELINE_API_RATE_LIMIT, --api-rate-limit) is the requests one API token
	// may make per minute: 600 by default, "off" for no limit.
	APIRateLimit int
	// Mail (SHARELINE_SMTP_URL, --smtp-url, with SHARELINE_MAIL_FROM, --mail-from) is where the
	// emails telling users of changes to their credentials go; nil: no email, the notices are
	// shown in the app only.
	Mail *mail.Config
	// Files (SHARELINE_FILES, --files) is the S3-compatible bucket evidence files are kept in;
	// nil: in the database. MaxUpload (SHARELINE_MAX_UPLOAD, --max-upload, in MiB) is the
	// largest evidence file accepted: 25 MiB by default.
	Files     *filestore.S3Config
	MaxUpload int64
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
		BaseURL:       getenv("SHARELINE_BASE_URL"),
		SecureCookies: isTrue(getenv("SHARELINE_SECURE_COOKIES")),
		TrustProxy:    isTrue(getenv("SHARELINE_TRUST_PROXY")),
		AdminEmail:    getenv("SHARELINE_ADMIN_EMAIL"),
		AdminPassword: getenv("SHARELINE_ADMIN_PASSWORD"),
		MetricsAddr:   getenv("SHARELINE_METRICS_ADDR"),
		MetricsPublic: isTrue(getenv("SHARELINE_METRICS_PUBLIC")),
		Pprof:         isTrue(getenv("SHARELINE_PPROF")),
	}
	trustedProxies := getenv("SHARELINE_TRUSTED_PROXIES")
	corsOrigins, rateLimit := getenv("SHARELINE_CORS_ORIGINS"), getenv("SHARELINE_API_RATE_LIMIT")
	smtpURL, mailFrom := getenv("SHARELINE_SMTP_URL"), getenv("SHARELINE_MAIL_FROM")
	filesURL, maxUpload := getenv("SHARELINE_FILES"), getenv("SHARELINE_MAX_UPLOAD")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL connection URL (default: $DATABASE_URL, else the local server, else a private cluster)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory of the private PostgreSQL cluster started when no server answers")
	fs.BoolVar(&cfg.LogJSON, "log-json", cfg.LogJSON, "write logs as JSON lines")
	if name == "serve" {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on (also $SHARELINE_ADDR)")
		fs.BoolVar(&cfg.Migrate, "migrate", cfg.Migrate, "apply database migrations at start-up")
		fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "the address users reach Shareline at; https:// turns on Secure cookies and HSTS (also $SHARELINE_BASE_URL)")
		fs.BoolVar(&cfg.SecureCookies, "secure-cookies", cfg.SecureCookies, "Secure cookies and HSTS, for serving behind HTTPS (also $SHARELINE_SECURE_COOKIES; on with an https:// --base-url)")
		fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve Prometheus metrics at http://ADDR/metrics, apart from the app; a loopback address unless --metrics-public (also $SHARELINE_METRICS_ADDR; empty: off)")
		fs.BoolVar(&cfg.MetricsPublic, "metrics-public", cfg.MetricsPublic, "allow a --metrics-addr that is not loopback: the listener asks for no account (also $SHARELINE_METRICS_PUBLIC)")
		fs.BoolVar(&cfg.Pprof, "pprof", cfg.Pprof, "serve Go profiles at /debug/pprof/ on the metrics listener (also $SHARELINE_PPROF)")
		fs.StringVar(&trustedProxies, "trusted-proxies", trustedProxies, "comma-separated CIDRs or IP addresses of the reverse proxies whose X-Forwarded-For is believed (also $SHARELINE_TRUSTED_PROXIES)")
		fs.BoolVar(&cfg.TrustProxy, "trust-proxy", cfg.TrustProxy, "deprecated: trust a proxy on loopback only; use --trusted-proxies (also $SHARELINE_TRUST_PROXY)")
		fs.StringVar(&corsOrigins, "cors-origins", corsOrigins, "comma-separated origins (https://app.example.com) whose pages may call the API with a token (also $SHARELINE_CORS_ORIGINS)")
		fs.StringVar(&smtpURL, "smtp-url", smtpURL, "smtp://user:password@host:587 or smtps://...: email users of changes to their credentials (also $SHARELINE_SMTP_URL; empty: in the app only)")
		fs.StringVar(&mailFrom, "mail-from", mailFrom, "the sender of Shareline's emails, such as \"Shareline <shareline@example.com>\" (also $SHARELINE_MAIL_FROM)")
		fs.StringVar(&filesURL, "files", filesURL, "s3://ACCESS_KEY:SECRET_KEY@host:port/bucket?region=...&tls=false: keep evidence files in this S3-compatible bucket (also $SHARELINE_FILES; empty: in the database)")
		fs.StringVar(&maxUpload, "max-upload", maxUpload, "the largest evidence file accepted, in MiB (default 25; also $SHARELINE_MAX_UPLOAD)")
		fs.StringVar(&rateLimit, "api-rate-limit", rateLimit, "requests per minute one API token may make: a number, or off (default 600; also $SHARELINE_API_RATE_LIMIT)")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if name != "serve" {
		return cfg, nil
	}
	var err error
	if cfg.TrustedProxies, err = parseTrustedProxies(trustedProxies); err != nil {
		return cfg, err
	}
	if cfg.CORSOrigins, err = parseCORSOrigins(corsOrigins); err != nil {
		return cfg, err
	}
	if cfg.APIRateLimit, err = parseRateLimit(rateLimit); err != nil {
		return cfg, err
	}
	if filesURL != "" {
		c, err := filestore.ParseS3(filesURL)
		if err != nil {
			return cfg, err
		}
		cfg.Files = &c
	}
	if cfg.MaxUpload, err = parseMaxUpload(maxUpload); err != nil {
		return cfg, err
	}
	if smtpURL != "" {
		m, err := mail.ParseURL(smtpURL, mailFrom)
		if err != nil {
			return cfg, err
		}
		cfg.Mail = &m
	}
	if cfg.BaseURL != "" {
		if cfg.BaseURL, err = checkBaseURL(cfg.BaseURL); err != nil {
			return cfg, err
		}
		// Users reach an https:// base URL over TLS: cookies that browsers send over TLS only
		// lose nothing there, so this is on whatever SHARELINE_SECURE_COOKIES says.
		cfg.SecureCookies = cfg.SecureCookies || strings.HasPrefix(cfg.BaseURL, "https://")
	}
	if cfg.Pprof && cfg.MetricsAddr == "" {
		return cfg, fmt.Errorf("SHARELINE_PPROF (--pprof) serves profiles on the metrics listener: set SHARELINE_METRICS_ADDR (--metrics-addr) too")
	}
	if cfg.MetricsAddr != "" {
		if err := checkMetricsAddr(cfg.MetricsAddr, cfg.MetricsPublic); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// parseTrustedProxies reads a comma-separated list of CIDRs ("10.0.0.0/8") and IP addresses
// ("192.0.2.7", a range of one).
func parseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for item := range strings.SplitSeq(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		var p netip.Prefix
		if strings.Contains(item, "/") {
			pp, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, fmt.Errorf("SHARELINE_TRUSTED_PROXIES (--trusted-proxies): %q is not a CIDR such as 10.0.0.0/8: %v", item, err)
			}
			p = pp.Masked()
			if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 { // ::ffff:10.0.0.0/104 is 10.0.0.0/8
				p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
			}
		} else {
			a, err := netip.ParseAddr(item)
			if err != nil || a.Zone() != "" {
				return nil, fmt.Errorf("SHARELINE_TRUSTED_PROXIES (--trusted-proxies): %q is not an IP address or a CIDR", item)
			}
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p)
	}
	return out, nil
}

// loopbackProxies is what the deprecated SHARELINE_TRUST_PROXY=true now trusts: a proxy on the
// same machine.
var loopbackProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// proxies is the list of trusted proxies for the server: TrustedProxies, and loopback when the
// deprecated TrustProxy is set, which is logged as a warning.
func (cfg Config) proxies(log *slog.Logger) []netip.Prefix {
	for _, p := range cfg.TrustedProxies {
		if p.Bits() == 0 {
			log.Warn("SHARELINE_TRUSTED_PROXIES trusts every address: any client can then choose the address the sign-in limits and the audit log see",
				"range", p.String())
		}
	}
	if !cfg.TrustProxy {
		return cfg.TrustedProxies
	}
	log.Warn("SHARELINE_TRUST_PROXY (--trust-proxy) is deprecated and now trusts X-Forwarded-For only from a proxy on loopback (127.0.0.0/8, ::1); " +
		"list your proxies in SHARELINE_TRUSTED_PROXIES (--trusted-proxies) instead")
	return append(slices.Clone(cfg.TrustedProxies), loopbackProxies...)
}

// checkBaseURL accepts an absolute http:// or https:// address of the site's root, and returns
// it without a trailing slash.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("SHARELINE_BASE_URL (--base-url) %q: want the site's root, such as https://shareline.example.com", raw)
	}
	return u.Scheme + "://" + u.Host, nil
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

// parseMaxUpload reads the largest upload in MiB: a whole number from 1 to 4096, or "" for the
// default.
func parseMaxUpload(s string) (int64, error) {
	if s == "" {
		return app.DefaultMaxUpload, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 1 || n > 4096 {
		return 0, fmt.Errorf("SHARELINE_MAX_UPLOAD / --max-upload: want a whole number of MiB from 1 to 4096, such as 25; got %q", s)
	}
	return n << 20, nil
}
