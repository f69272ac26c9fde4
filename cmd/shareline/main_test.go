package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"shareline/internal/postgres/postgrestest"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestHelpListsEverySubcommand(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"help"}, console{env(nil), nil, &out, io.Discard}); err != nil {
		t.Fatalf("help: %v", err)
	}
	for _, name := range []string{"serve", "migrate", "user", "token", "demo", "help"} {
		if !strings.Contains(out.String(), "  "+name+" ") {
			t.Errorf("help output does not list %q:\n%s", name, out.String())
		}
	}
}

func TestUnknownSubcommand(t *testing.T) {
	err := run(context.Background(), []string{"serv"}, console{env(nil), nil, io.Discard, io.Discard})
	if err == nil || !strings.Contains(err.Error(), "shareline help") {
		t.Fatalf("got %v, want an error pointing to 'shareline help'", err)
	}
}

func TestMigrateThenServe(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": postgrestest.EmptyURL(t)}
	var out strings.Builder
	if err := run(context.Background(), []string{"migrate"}, console{env(vars), nil, &out, io.Discard}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if !strings.Contains(out.String(), "migration(s) applied") {
		t.Errorf("migrate printed %q, want a count of migrations applied", out.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, console{env(vars), nil, stdoutW, io.Discard})
		stdoutW.Close()
	}()
	// The first start on an empty database creates an admin and prints the password once,
	// before the address.
	lines := bufio.NewReader(stdoutR)
	var base, email, password string
	for base == "" {
		line, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("serve printed no address: %v (exit: %v)", err, <-done)
		}
		if _, after, ok := strings.Cut(line, "Sign in with: email "); ok {
			email, password, _ = strings.Cut(strings.TrimSpace(after), "  password ")
		}
		if i := strings.Index(line, "http://"); i >= 0 {
			base = strings.TrimSpace(line[i:])
		}
	}
	go io.Copy(io.Discard, lines)
	if email != "admin@localhost" || len(password) < 12 {
		t.Fatalf("first start: got credentials %q / %q, want admin@localhost and a printed password", email, password)
	}

	// Sign in with the printed credentials; the client keeps the session cookie.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/providers" || resp.StatusCode != 200 {
		t.Fatalf("sign in with the printed password: landed on %s with %d, want /providers 200", resp.Request.URL.Path, resp.StatusCode)
	}
	for path, want := range map[string]int{"/readyz": 200, "/providers": 200, "/admin/users": 200} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: got %d, want %d", path, resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel: got %v, want a clean exit", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop within 20 s of its context ending")
	}
}

func TestUserAndTokenCommands(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": postgrestest.URL(t)}
	cli := func(stdin string, args ...string) (string, error) {
		var out strings.Builder
		err := run(context.Background(), args, console{env(vars), strings.NewReader(stdin), &out, io.Discard})
		return out.String(), err
	}
	out, err := cli("a long enough password\n", "user", "add", "--email", "Eve@Example.com", "--name", "Eve", "--role", "evaluator", "--password-stdin")
	if err != nil || !strings.Contains(out, "eve@example.com") {
		t.Fatalf("user add: got %q, %v; want the user added", out, err)
	}
	if _, err := cli("short\n", "user", "add", "--email", "x@example.com", "--name", "X", "--role", "viewer", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Errorf("user add with a short password: got %v, want a refusal naming the 12-character minimum", err)
	}
	if _, err := cli("a long enough password\n", "user", "add", "--email", "eve@example.com", "--name", "Eve", "--role", "viewer", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("user add of an existing email: got %v, want 'already exists'", err)
	}

	out, err = cli("", "token", "create", "--email", "eve@example.com", "--name", "CI")
	token := strings.TrimSpace(out)
	if err != nil || !strings.HasPrefix(token, "shl_") || strings.Contains(token, "\n") {
		t.Fatalf("token create: got %q, %v; want the token alone on stdout", out, err)
	}
	if _, err := cli("", "token", "revoke", "--token", token); err != nil {
		t.Errorf("token revoke: %v", err)
	}
	if _, err := cli("", "token", "revoke", "--token", "shl_nonesuch"); err == nil || !strings.Contains(err.Error(), "no such token") {
		t.Errorf("revoke an unknown token: got %v, want 'no such token'", err)
	}
	if _, err := cli("", "token", "create", "--email", "nobody@example.com", "--name", "CI"); err == nil {
		t.Error("token create for an unknown user: got no error")
	}

	// ASVS 3.5.2: a token's lifetime is chosen at creation (1 to 365 days) and said.
	var said strings.Builder
	err = run(context.Background(), []string{"token", "create", "--email", "eve@example.com", "--name", "week", "--expires-in-days", "7"},
		console{env(vars), strings.NewReader(""), io.Discard, &said})
	if want := time.Now().UTC().Add(7 * 24 * time.Hour).Format("2006-01-02"); err != nil || !strings.Contains(said.String(), "expires "+want) || !strings.Contains(said.String(), "unused for 30 days") {
		t.Errorf("token create --expires-in-days 7: got %q, %v; want it to say it expires %s, or once unused for 30 days", said.String(), err, want)
	}
	if _, err := cli("", "token", "create", "--email", "eve@example.com", "--name", "long", "--expires-in-days", "400"); err == nil || !strings.Contains(err.Error(), "from 1 to 365") {
		t.Errorf("token create --expires-in-days 400: got %v, want a refusal asking for 1 to 365", err)
	}
}

func TestLogsAreJSONWhenAsked(t *testing.T) {
	cfg, err := parseConfig("serve", nil, console{env(map[string]string{"SHARELINE_LOG_FORMAT": "json"}), nil, io.Discard, io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	newLogger(cfg, &buf).Info("request", "status", 200)
	var line map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &line); err != nil || line["msg"] != "request" || line["status"] != float64(200) {
		t.Errorf("log line %q: want one JSON object with msg and status (%v)", buf.String(), err)
	}
}
