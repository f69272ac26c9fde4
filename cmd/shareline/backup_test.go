package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/postgres/postgrestest"
)

// repoRoot walks up from the package directory to the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package directory")
		}
		dir = parent
	}
}

// appOn is the use cases on the database at url, with the built-in questionnaires stored.
func appOn(t *testing.T, ctx context.Context, url string) (*app.App, *pgxpool.Pool) {
	t.Helper()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	uc, _, err := openApp(ctx, &database{pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	return uc, pool
}

// runScript runs a script of scripts/ from the repository root with DATABASE_URL set.
func runScript(t *testing.T, root, dbURL string, args ...string) string {
	t.Helper()
	cmd := exec.Command("bash", args...)
	cmd.Dir = root
	cmd.Env = append(childEnv(dbURL), "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install postgresql-client): cannot test backup and restore", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	root := repoRoot(t)

	// A database with one provider (and the audit entry its creation wrote).
	source := postgrestest.URL(t)
	uc, _ := appOn(t, ctx, source)
	p, err := uc.CreateProvider(ctx, app.CommandLine(), assess.ProviderInput{Name: "Backup Cloud", Offering: "Object storage", ServiceModel: "iaas", Notes: "kept under NDA"})
	if err != nil {
		t.Fatal(err)
	}

	// scripts/backup.sh FILE prints the file it wrote.
	file := filepath.Join(t.TempDir(), "round-trip.dump")
	start := time.Now()
	out := runScript(t, root, source, "scripts/backup.sh", file)
	if strings.TrimSpace(out) != file {
		t.Errorf("backup.sh printed %q, want the file name %q", out, file)
	}
	if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
		t.Fatalf("backup.sh wrote no dump at %s: %v", file, err)
	}
	t.Logf("backup took %s", time.Since(start).Round(time.Millisecond))

	// restore.sh refuses to run without a file.
	cmd := exec.Command("bash", "scripts/restore.sh")
	cmd.Dir = root
	cmd.Env = childEnv("dbname=nonexistent_never_touched")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "usage") {
		t.Errorf("restore.sh without FILE: got %v, %q; want a usage message and a failure", err, out)
	}

	// Restore into a second, empty database.
	target := postgrestest.EmptyURL(t)
	start = time.Now()
	runScript(t, root, target, "scripts/restore.sh", file)
	t.Logf("restore took %s", time.Since(start).Round(time.Millisecond))

	restored, pool := appOn(t, ctx, target)
	v, err := restored.Provider(ctx, app.CommandLine(), p.ID)
	got := v.Provider
	if err != nil {
		t.Fatalf("provider %d after restore: %v", p.ID, err)
	}
	if got.Name != p.Name || got.Offering != p.Offering || got.ServiceModel != p.ServiceModel || got.Notes != p.Notes {
		t.Errorf("restored provider: got %+v, want %+v", got, p)
	}
	var audits int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE provider_id = $1`, p.ID).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits == 0 {
		t.Errorf("no audit_log rows for provider %d after restore", p.ID)
	}

	// The restored database is fully migrated: migrate applies nothing.
	var mout strings.Builder
	if err := run(ctx, []string{"migrate"}, console{env(map[string]string{"DATABASE_URL": target}), nil, &mout, &mout}); err != nil {
		t.Fatalf("migrate on the restored database: %v\n%s", err, mout.String())
	}
	if !strings.Contains(mout.String(), " 0 migration(s) applied") {
		t.Errorf("migrate on the restored database printed %q, want 0 migration(s) applied", mout.String())
	}

	// Identity sequences came back too: a new provider gets a new id.
	if q, err := restored.CreateProvider(ctx, app.CommandLine(), assess.ProviderInput{Name: "After Restore", ServiceModel: "saas"}); err != nil {
		t.Fatalf("creating a provider after restore: %v", err)
	} else if q.ID <= p.ID {
		t.Errorf("provider created after restore got id %d, not above the restored %d", q.ID, p.ID)
	}
}
