package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	usecase "shareline/internal/app"
	"shareline/internal/pglocal"
	"shareline/internal/postgres"
	"shareline/internal/server"
)

// TestDatabaseOutage runs the server on a private PostgreSQL cluster, stops the cluster under it
// and starts it again: while it is down every request gets a clear 503, and afterwards the
// server answers again by itself, without a restart.
func TestDatabaseOutage(t *testing.T) {
	ctx := context.Background()
	parent, err := os.MkdirTemp("", "shareline-outage-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(parent, 0o755) // the cluster runs as the postgres user when the tests run as root
	t.Cleanup(func() { os.RemoveAll(parent) })
	opt := pglocal.Options{Database: "outage", DataDir: filepath.Join(parent, "pg")}
	db, err := pglocal.StartPrivate(ctx, opt)
	if err != nil {
		t.Fatalf("start a private cluster: %v", err)
	}
	t.Cleanup(func() { db.Stop(context.Background()) })

	pool, err := pgxpool.New(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	uc := usecase.New(postgres.New(pool), nil)
	cli := usecase.CommandLine()
	u, err := uc.CreateUser(ctx, cli, usecase.UserInput{Email: "ops@example.com", Name: "Ops", Role: "viewer", Password: "outage test password"})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := uc.CreateToken(ctx, cli, u.ID, "test", "")
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Options{App: uc, Log: slog.New(slog.DiscardHandler)}).Handler())
	t.Cleanup(ts.Close)
	get := func(path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, path := range []string{"/readyz", "/api/v1/providers"} {
		if code, body := get(path); code != http.StatusOK {
			t.Fatalf("before the outage, GET %s: got %d %s, want 200", path, code, body)
		}
	}

	if err := db.Stop(ctx); err != nil {
		t.Fatalf("stop the cluster: %v", err)
	}
	for _, path := range []string{"/readyz", "/api/v1/providers"} {
		code, body := get(path)
		if code != http.StatusServiceUnavailable {
			t.Errorf("during the outage, GET %s: got %d %s, want 503", path, code, body)
		}
		for _, leak := range []string{"pgx", "dial", "SQLSTATE", "goroutine"} {
			if strings.Contains(strings.ToLower(body), strings.ToLower(leak)) {
				t.Errorf("during the outage, GET %s says %q: want no internals; body %s", path, leak, body)
			}
		}
	}

	db, err = pglocal.StartPrivate(ctx, opt)
	if err != nil {
		t.Fatalf("start the cluster again: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _ := get("/api/v1/providers")
		if code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the cluster came back, GET /api/v1/providers still answers %d after 20 s", code)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Errorf("after recovery, /readyz: got %d, want 200", code)
	}
}
