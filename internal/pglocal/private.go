package pglocal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// privatePort names the socket file; the cluster listens on no TCP port.
	privatePort = 5432
	// maxSocketPath keeps socket paths below the 107-byte Unix limit.
	maxSocketPath = 100
	startTimeout  = "30" // seconds pg_ctl start waits for the server
)

// cluster is a private PostgreSQL cluster in a data directory. Its socket
// directory, log file and lock file sit next to the data directory.
type cluster struct {
	opt     Options
	bin     string // directory holding pg_ctl, initdb and postgres
	user    clusterUser
	dataDir string
	sockDir string
	logFile string
}

// startPrivate is StartPrivate with a given finder and opt already
// defaulted.
func startPrivate(ctx context.Context, opt Options, find finder) (*DB, error) {
	c, err := newCluster(opt, find)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(c.dataDir), 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockFile(ctx, c.dataDir+".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := c.prepare(); err != nil {
		return nil, err
	}
	if err := c.initdb(ctx); err != nil {
		return nil, err
	}
	var reg string // this process's registration as a user of a shared cluster
	if opt.Shared {
		if reg, err = c.register(); err != nil {
			return nil, err
		}
	}
	db, err := c.startOrReuse(ctx, reg)
	var cfg *pgx.ConnConfig
	if err == nil {
		if cfg, err = pgx.ParseConfig(db.URL); err == nil {
			err = ensureDatabase(ctx, cfg, opt)
		}
	}
	if err != nil {
		// Undo even when ctx is done; pg_ctl stop -w bounds its own wait.
		ctx := context.WithoutCancel(ctx)
		switch {
		case reg != "":
			c.leaveLocked(ctx, reg) // we hold the lock that Stop would take
		case db != nil:
			db.Stop(ctx)
		}
		return nil, err
	}
	c.warnIfCLocale(ctx, cfg)
	return db, nil
}

// newCluster describes the cluster in opt.DataDir, run with the binaries
// find finds.
func newCluster(opt Options, find finder) (*cluster, error) {
	bin, err := find.find()
	if err != nil {
		return nil, err
	}
	cu, err := currentClusterUser()
	if err != nil {
		return nil, err
	}
	return &cluster{opt: opt, bin: bin, user: cu, dataDir: opt.DataDir,
		sockDir: socketDir(opt.DataDir), logFile: opt.DataDir + ".log"}, nil
}

// socketDir is <dataDir>.sock, or a directory in os.TempDir named after the
// data directory when that path would be too long for a Unix socket.
func socketDir(dataDir string) string {
	dir := dataDir + ".sock"
	if len(dir)+len("/.s.PGSQL.")+len(strconv.Itoa(privatePort)) < maxSocketPath {
		return dir
	}
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(os.TempDir(), "shareline-pg-"+hex.EncodeToString(sum[:6]))
}

// prepare creates the data and socket directories and the log file, owned
// by the cluster user, after checking that user can reach them.
func (c *cluster) prepare() error {
	if err := c.user.checkTraverse(filepath.Dir(c.dataDir)); err != nil {
		return err
	}
	if err := c.user.checkTraverse(filepath.Dir(c.sockDir)); err != nil {
		return err
	}
	if err := c.user.ownDir(c.dataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if err := c.user.ownDir(c.sockDir, 0o700); err != nil {
		return fmt.Errorf("socket directory: %w", err)
	}
	if err := c.user.ownFile(c.logFile); err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	return nil
}

// initdb initialises the cluster unless the data directory already holds
// one. An existing cluster is kept whatever its locale (see warnIfCLocale).
//
// The cluster gets a UTF-8 locale, so that lower(), upper() and ILIKE fold
// the case of non-ASCII letters (under the C locale lower('Ä') is 'Ä'): the
// ICU root locale where the server supports ICU (PostgreSQL 15 and later,
// when built with ICU), else a libc UTF-8 locale; --no-locale only as a last
// resort, with a warning. A failed initdb empties the data directory it was
// given, so the next choice starts afresh.
func (c *cluster) initdb(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
		return nil
	}
	var err error
	for _, loc := range c.localeChoices(ctx) {
		args := append([]string{"-D", c.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8"}, loc.args...)
		if err = c.run(ctx, "initdb", args...); err == nil {
			c.opt.logf("pglocal: initialised PostgreSQL %s cluster in %s (locale %s)", c.version(), c.dataDir, loc.name)
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		c.opt.logf("pglocal: initdb with locale %s failed: %s", loc.name, oneLine(err))
	}
	return err
}

// locale is one way to call initdb: its locale options and a name for
// messages.
type locale struct {
	name string
	args []string
}

// localeChoices lists the locales to try, best first.
func (c *cluster) localeChoices(ctx context.Context) []locale {
	libc := utf8Locale(ctx)
	var choices []locale
	if c.supportsLocaleProvider(ctx) {
		choices = append(choices, locale{"ICU und, libc " + libc,
			[]string{"--locale-provider=icu", "--icu-locale=und", "--locale=" + libc}})
	}
	return append(choices,
		locale{"libc " + libc, []string{"--locale=" + libc}},
		locale{"C", []string{"--no-locale"}})
}

// supportsLocaleProvider reports whether initdb takes --locale-provider
// (PostgreSQL 15 and later). Whether the server was built with ICU only
// shows when initdb runs.
func (c *cluster) supportsLocaleProvider(ctx context.Context) bool {
	cmd := c.user.command(ctx, filepath.Dir(c.dataDir), filepath.Join(c.bin, "initdb"), "--help")
	out, err := cmd.Output()
	return err == nil && strings.Contains(string(out), "--locale-provider")
}

// utf8Locale returns the libc locale for a cluster: C.UTF-8 (Debian, Ubuntu,
// Fedora and Alpine have it), unless `locale -a` lists no C.UTF-8 but other
// UTF-8 locales, then en_US.UTF-8 or the first of them.
func utf8Locale(ctx context.Context) string {
	const want = "C.UTF-8"
	out, err := exec.CommandContext(ctx, "locale", "-a").Output()
	if err != nil {
		return want
	}
	return pickUTF8Locale(strings.Fields(string(out)), want)
}

func pickUTF8Locale(available []string, want string) string {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }
	var utf8 []string
	for _, l := range available {
		if n := norm(l); n == norm(want) {
			return want
		} else if strings.HasSuffix(n, ".utf8") {
			utf8 = append(utf8, l)
		}
	}
	for _, l := range utf8 {
		if norm(l) == "en_us.utf8" {
			return l
		}
	}
	if len(utf8) > 0 {
		return utf8[0]
	}
	return want
}

// warnIfCLocale logs a warning when the database at cfg uses the C (or
// POSIX) locale with the libc provider, as clusters made by older versions
// of pglocal (initdb --no-locale) do: such a cluster keeps working, but case
// folding of non-ASCII text does not. Errors are ignored: this is advice.
func (c *cluster) warnIfCLocale(ctx context.Context, cfg *pgx.ConnConfig) {
	conn, err := connect(ctx, cfg)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	// datlocprovider exists from PostgreSQL 15 on; to_jsonb keeps the query valid before.
	var ctype, provider string
	err = conn.QueryRow(ctx, `SELECT d.datctype, coalesce(to_jsonb(d)->>'datlocprovider', 'c')
		FROM pg_database d WHERE d.datname = current_database()`).Scan(&ctype, &provider)
	if err != nil || provider != "c" || (ctype != "C" && ctype != "POSIX") {
		return
	}
	c.opt.logf("pglocal: warning: the private cluster in %s uses the %s locale, so lower() and ILIKE ignore non-ASCII letters; to recreate it with a UTF-8 locale, stop it and remove %s (its data is lost)",
		c.dataDir, ctype, c.dataDir)
}

// startOrReuse starts the cluster, or reuses it when a server already runs
// in the data directory. Unless reg names a registration of a shared user
// (see register), only a server started here is stopped by Stop.
func (c *cluster) startOrReuse(ctx context.Context, reg string) (*DB, error) {
	db := c.opt.Database
	stop := noStop
	if reg != "" {
		stop = c.sharedStopper(reg)
	}
	if c.running(ctx) {
		port, sock, err := readPostmasterPID(c.dataDir)
		if err != nil {
			return nil, err
		}
		c.opt.logf("pglocal: reusing running private PostgreSQL %s in %s", c.version(), c.dataDir)
		return &DB{URL: privateURL(sock, port, db), Private: true, Stop: stop}, nil
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=''", shellQuote(c.sockDir), privatePort)
	err := c.run(ctx, "pg_ctl", "start", "-w", "-t", startTimeout, "-D", c.dataDir, "-l", c.logFile, "-o", opts)
	if err != nil {
		return nil, err
	}
	c.opt.logf("pglocal: started private PostgreSQL %s in %s (socket in %s, log %s)",
		c.version(), c.dataDir, c.sockDir, c.logFile)
	if reg == "" {
		stop = c.stopper()
	}
	return &DB{URL: privateURL(c.sockDir, privatePort, db), Private: true, Stop: stop}, nil
}

func (c *cluster) running(ctx context.Context) bool {
	cmd := c.user.command(ctx, filepath.Dir(c.dataDir), filepath.Join(c.bin, "pg_ctl"), "status", "-D", c.dataDir)
	return cmd.Run() == nil
}

// stopper returns a Stop that runs pg_ctl stop once and then keeps
// returning its result.
func (c *cluster) stopper() func(context.Context) error {
	var once sync.Once
	var err error
	return func(ctx context.Context) error {
		once.Do(func() { err = c.stop(ctx) })
		return err
	}
}

func (c *cluster) stop(ctx context.Context) error {
	err := c.run(ctx, "pg_ctl", "stop", "-D", c.dataDir, "-m", "fast", "-w")
	if err == nil {
		c.opt.logf("pglocal: stopped private PostgreSQL in %s", c.dataDir)
	}
	return err
}

// run runs a server program as the cluster user with its output appended
// to the log file; a failure names the program and the log's last line.
func (c *cluster) run(ctx context.Context, prog string, args ...string) error {
	logf, err := os.OpenFile(c.logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := c.user.command(ctx, filepath.Dir(c.dataDir), filepath.Join(c.bin, prog), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Run(); err != nil {
		name := prog
		if prog == "pg_ctl" {
			name += " " + args[0]
		}
		return fmt.Errorf("%s in %s failed: %v; log %s ends: %s", name, c.dataDir, err, c.logFile, lastLine(c.logFile))
	}
	return nil
}

func (c *cluster) version() string {
	b, err := os.ReadFile(filepath.Join(c.dataDir, "PG_VERSION"))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// readPostmasterPID reads the port (line 4) and first socket directory
// (line 5) of a running server from its postmaster.pid.
func readPostmasterPID(dataDir string) (int, string, error) {
	path := filepath.Join(dataDir, "postmaster.pid")
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, "", err
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 5 {
		return 0, "", fmt.Errorf("%s: too short", path)
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return 0, "", fmt.Errorf("%s: bad port line %q", path, lines[3])
	}
	sock := strings.TrimSpace(lines[4])
	if sock == "" {
		return 0, "", fmt.Errorf("%s: the running server has no Unix socket", path)
	}
	return port, sock, nil
}

func privateURL(sockDir string, port int, db string) string {
	return connURL(&pgconn.Config{Host: sockDir, Port: uint16(port), User: "postgres", Database: db})
}

// shellQuote quotes s for the shell that pg_ctl passes -o options through.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// lastLine returns the last non-empty line of a file, for error messages.
// Only the file's tail is read: the log grows with every run.
func lastLine(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "(unreadable)"
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "(unreadable)"
	}
	off := max(st.Size()-4096, 0)
	buf := make([]byte, st.Size()-off)
	n, _ := f.ReadAt(buf, off)
	lines := strings.Split(strings.TrimSpace(string(buf[:n])), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
