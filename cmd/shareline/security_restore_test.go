package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Finding 11: restore.sh handed pg_restore the connection string, password and all, on its
// command line, which every user of the machine can read. A stand-in pg_restore records what
// it was given: its arguments, and the password file it was pointed at.
func TestSecurityRestoreKeepsThePasswordOffTheCommandLine(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	bin := t.TempDir()
	record := filepath.Join(bin, "record")
	stub := "#!/usr/bin/env bash\n" +
		"{ printf '%s\\n' \"$@\"; echo \"PGPASSFILE=${PGPASSFILE:-}\"; echo \"PGPASSWORD=${PGPASSWORD:-}\";" +
		" [[ -n \"${PGPASSFILE:-}\" ]] && { echo \"mode=$(stat -c %a \"$PGPASSFILE\")\"; cat \"$PGPASSFILE\"; }; } >" + record + "\nexit 0\n"
	if err := os.WriteFile(filepath.Join(bin, "pg_restore"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	dump := filepath.Join(t.TempDir(), "some.dump")
	if err := os.WriteFile(dump, []byte("not really a dump"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, url, secret string }{
		{"url", "postgres://shareline:s3cr%3At@db.example:5432/shareline?sslmode=disable", "s3cr:t"},
		{"query parameter", "postgres://shareline@db.example/shareline?password=hunter2hunter2&sslmode=disable", "hunter2hunter2"},
		{"key=value", "host=db.example dbname=shareline password='it\\'s a secret'", "it's a secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command("bash", "scripts/restore.sh", dump)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "DATABASE_URL="+tc.url, "PGPASSWORD=")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("restore.sh: %v\n%s", err, out)
			}
			got, err := os.ReadFile(record)
			if err != nil {
				t.Fatal(err)
			}
			args, passfile, _ := strings.Cut(string(got), "PGPASSFILE=")
			if strings.Contains(args, "s3cr") || strings.Contains(args, "hunter2") || strings.Contains(args, "secret") {
				t.Errorf("pg_restore's command line holds the password:\n%s", args)
			}
			if !strings.Contains(args, "db.example") {
				t.Errorf("pg_restore's command line lost the rest of the connection string:\n%s", args)
			}
			if !strings.Contains(passfile, "mode=600") || !strings.Contains(passfile, ":"+strings.ReplaceAll(tc.secret, ":", `\:`)+"\n") {
				t.Errorf("pg_restore was not given the password in a private password file:\n%s", passfile)
			}
		})
	}
}
