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

// Finding 11: a backup holds every evaluation, so it is written readable by its owner only
// (0600, in a 0700 directory it makes), and the password in DATABASE_URL never reaches
// pg_dump's command line. A stand-in pg_dump records what it was given and writes the file.
func TestSecurityBackupIsPrivateAndKeepsThePasswordOffTheCommandLine(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	bin := t.TempDir()
	record := filepath.Join(bin, "record")
	stub := "#!/usr/bin/env bash\n" +
		"{ printf '%s\\n' \"$@\"; echo \"PGPASSFILE=${PGPASSFILE:-}\"; [[ -n \"${PGPASSFILE:-}\" ]] && { echo \"mode=$(stat -c %a \"$PGPASSFILE\")\"; cat \"$PGPASSFILE\"; }; } >" + record + "\n" +
		"for a in \"$@\"; do case $a in --file=*) echo dump > \"${a#--file=}\";; esac; done\nexit 0\n"
	if err := os.WriteFile(filepath.Join(bin, "pg_dump"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	out := filepath.Join(dir, "nightly.dump")
	cmd := exec.Command("bash", "scripts/backup.sh", out)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "PGPASSWORD=",
		"DATABASE_URL=postgres://shareline:s3cr%3At@db.example:5432/shareline?sslmode=disable")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("backup.sh: %v\n%s", err, b)
	}
	got, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	args, passfile, _ := strings.Cut(string(got), "PGPASSFILE=")
	if strings.Contains(args, "s3cr") || !strings.Contains(args, "db.example") {
		t.Errorf("pg_dump's command line: want the connection string without its password, got:\n%s", args)
	}
	if !strings.Contains(passfile, "mode=600") || !strings.Contains(passfile, `:s3cr\:t`+"\n") {
		t.Errorf("pg_dump was not given the password in a private password file:\n%s", passfile)
	}
	for path, want := range map[string]os.FileMode{out: 0o600, dir: 0o700} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", path, fi.Mode().Perm(), want)
		}
	}
}
