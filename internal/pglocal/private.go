package pglocal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
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
	bin, err := find.find()
	if err != nil {
		return nil, err
	}
	cu, err := currentClusterUser()
	if err != nil {
		return nil, err
	}
	c := &cluster{opt: opt, bin: bin, user: cu, dataDir: opt.DataDir,
		sockDir: socketDir(opt.DataDir), logFile: opt.DataDir + ".log"}
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
	db, err := c.startOrReuse(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(db.URL)
	if err == nil {
		err = ensureDatabase(ctx, cfg, opt)
	}
	if err != nil {
		db.Stop(ctx)
		return nil, err
	}
	return db, nil
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
// one.
func (c *cluster) initdb(ctx context.Context) error {
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
		return nil
	}
	err := c.run(ctx, "initdb", "-D", c.dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
	if err != nil {
		return err
	}
	c.opt.logf("pglocal: initialised PostgreSQL %s cluster in %s", c.version(), c.dataDir)
	return nil
}

// startOrReuse starts the cluster, or reuses it when a server already runs
// in the data directory; only a server started here is stopped by Stop.
func (c *cluster) startOrReuse(ctx context.Context) (*DB, error) {
	db := c.opt.Database
	if c.running(ctx) {
		port, sock, err := readPostmasterPID(c.dataDir)
		if err != nil {
			return nil, err
		}
		c.opt.logf("pglocal: reusing running private PostgreSQL %s in %s", c.version(), c.dataDir)
		return &DB{URL: privateURL(sock, port, db), Private: true, Stop: noStop}, nil
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=''", shellQuote(c.sockDir), privatePort)
	err := c.run(ctx, "pg_ctl", "start", "-w", "-t", startTimeout, "-D", c.dataDir, "-l", c.logFile, "-o", opts)
	if err != nil {
		return nil, err
	}
	c.opt.logf("pglocal: started private PostgreSQL %s in %s (socket in %s, log %s)",
		c.version(), c.dataDir, c.sockDir, c.logFile)
	return &DB{URL: privateURL(c.sockDir, privatePort, db), Private: true, Stop: c.stopper()}, nil
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
		once.Do(func() {
			err = c.run(ctx, "pg_ctl", "stop", "-D", c.dataDir, "-m", "fast", "-w")
			if err == nil {
				c.opt.logf("pglocal: stopped private PostgreSQL in %s", c.dataDir)
			}
		})
		return err
	}
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
