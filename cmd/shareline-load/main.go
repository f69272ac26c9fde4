// Command shareline-load drives a running Shareline server over HTTP with concurrent clients
// and reports, per scenario, throughput, p50/p95/p99 latency and errors as a markdown table.
// It also measures floors at the same concurrency: the durable write on the same PostgreSQL
// (one-row INSERT and commit), and an HTTP write and read on the server's own stack (net/http,
// chi, a pgx pool of the server's size), and prints each scenario's throughput as a share of
// its floor.
//
//	shareline-load --url http://127.0.0.1:8080 --token shl_... --email E --password P \
//	    --clients 16 --duration 10s --database-url postgres:///shareline
//
// It exits non-zero only when it cannot set up (sign in, find evaluations); failed requests
// are counted and reported.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"shareline/internal/assess"
	"shareline/internal/questionnaires"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "shareline-load:", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	url, token, email, password string
	clients                     int
	duration                    time.Duration
	requests                    int
	scenarios                   string
	databaseURL                 string
	pid                         int
	csvRequests                 int
	sessions                    int
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("shareline-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the server's base URL")
	fs.StringVar(&c.token, "token", getenv("SHARELINE_TOKEN"), "API token for /api/v1 (default $SHARELINE_TOKEN); without one the API is called with the session")
	fs.StringVar(&c.email, "email", getenv("SHARELINE_EMAIL"), "email to sign in with, for the HTML pages (default $SHARELINE_EMAIL)")
	fs.StringVar(&c.password, "password", getenv("SHARELINE_PASSWORD"), "password to sign in with (default $SHARELINE_PASSWORD)")
	fs.IntVar(&c.clients, "clients", 16, "concurrent clients")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long each scenario runs")
	fs.IntVar(&c.requests, "requests", 0, "requests per scenario instead of a duration (0: use --duration)")
	fs.StringVar(&c.scenarios, "scenarios", "", "comma list of scenarios to run (default all): write-floor, http-write-floor, http-read-floor, save-answer, list-page, list-page-deep, list-page-offset, list-page-search, evaluation-page, report-page, report-pdf, compare-page, portfolio-csv")
	fs.StringVar(&c.databaseURL, "database-url", getenv("DATABASE_URL"), "the server's PostgreSQL, for the floors (default $DATABASE_URL)")
	fs.IntVar(&c.pid, "pid", 0, "the server's process id, to sample its resident memory during each scenario (Linux)")
	fs.IntVar(&c.csvRequests, "csv-requests", 3, "requests of the portfolio CSV export, one at a time")
	fs.IntVar(&c.sessions, "sessions", 0, "sessions to sign in, used in turn, as that many people would (default: one per client)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	case c.clients < 1:
		return c, fmt.Errorf("--clients %d: want 1 or more", c.clients)
	case c.sessions < 0 || c.sessions > 100:
		return c, fmt.Errorf("--sessions %d: want 1 to 100 (0: one per client)", c.sessions)
	case c.requests <= 0 && c.duration <= 0:
		return c, fmt.Errorf("want a --duration or a number of --requests")
	case c.token == "" && c.email == "":
		return c, fmt.Errorf("want --token or --email and --password (or $SHARELINE_TOKEN)")
	}
	return c, nil
}

// run sets up, runs every selected scenario in turn and prints the table.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	c := newClient(cfg.url, cfg.clients)
	c.token = cfg.token
	if cfg.email != "" {
		n := cfg.sessions
		if n == 0 {
			n = min(cfg.clients, 100)
		}
		if err := c.signIn(ctx, cfg.email, cfg.password, n); err != nil {
			return err
		}
	}
	cat, err := discover(ctx, c)
	if err != nil {
		return err
	}
	saves, err := defaultAnswerMaker()
	if err != nil {
		return err
	}
	all := append(floorScenarios(cfg, c, cat, saves), httpScenarios(c, cat, saves, cfg.csvRequests)...)
	selected, err := selectScenarios(all, cfg.scenarios)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d providers, %d with an evaluation read; %d clients\n", cat.total, len(cat.evaluated), cfg.clients)
	results, err := runAll(ctx, cfg, c, selected, stderr)
	writeTable(stdout, results, cfg.pid != 0)
	return err
}

// defaultAnswerMaker answers the default questionnaire, which demo evaluations use.
func defaultAnswerMaker() (*answerMaker, error) {
	q, err := questionnaires.Default()
	if err != nil {
		return nil, err
	}
	return newAnswerMaker(q, assess.DateOf(time.Now())), nil
}

// runAll runs the scenarios one after another and returns what they measured, also when it
// stops early (interrupted, or the write floor could not be set up).
func runAll(ctx context.Context, cfg config, c *client, list []scenario, stderr io.Writer) ([]result, error) {
	var results []result
	for _, s := range list {
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		if note := missing(cfg, c, s); note != "" {
			results = append(results, result{name: s.name, note: note})
			continue
		}
		r, err := runOne(ctx, cfg, s, stderr)
		if err != nil {
			return results, err
		}
		fmt.Fprintln(stderr, r)
		results = append(results, r)
	}
	return results, ctx.Err()
}

// missing says why a scenario cannot run, or "" when it can.
func missing(cfg config, c *client, s scenario) string {
	switch {
	case s.needs == needsSession && len(c.sessions) == 0:
		return "skipped: pages need --email and --password"
	case s.needs == needsDatabase && cfg.databaseURL == "":
		return "skipped: the floors need --database-url"
	}
	return ""
}

// runOne runs one scenario, with its own plan when it has one, sampling the server's memory.
func runOne(ctx context.Context, cfg config, s scenario, stderr io.Writer) (result, error) {
	p := plan{clients: cfg.clients, duration: cfg.duration, requests: cfg.requests}
	if s.requests > 0 {
		p.requests = s.requests
	}
	if s.clients > 0 {
		p.clients = s.clients
	}
	o := s.op
	if s.open != nil {
		var closeFloor func() error
		var err error
		if o, closeFloor, err = s.open(ctx, p.clients); err != nil {
			return result{}, err
		}
		defer func() {
			if err := closeFloor(); err != nil {
				fmt.Fprintf(stderr, "shareline-load: closing %s: %v\n", s.name, err)
			}
		}()
	}
	before, _ := residentBytes(cfg.pid)
	sampler := startRSS(cfg.pid)
	r := measure(ctx, s.name, o, p)
	r.rssPeak = sampler.finish()
	r.rssBefore = before
	return r, nil
}
