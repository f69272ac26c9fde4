package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
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
	for _, name := range []string{"serve", "migrate", "user", "token", "help"} {
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
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v (exit: %v)", err, <-done)
	}
	go io.Copy(io.Discard, stdoutR)
	base := strings.TrimSpace(line[strings.Index(line, "http://"):])

	for path, want := range map[string]int{"/readyz": 200, "/providers": 200, "/api/v1/questionnaires/shared-responsibility": 200} {
		resp, err := http.Get(base + path)
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
