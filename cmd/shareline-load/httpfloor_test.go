package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"shareline/internal/postgres/postgrestest"
)

func TestMain(m *testing.M) { postgrestest.Main(m) }

func TestRunMeasuresTheFloorsAndEachScenarioAgainstItsFloor(t *testing.T) {
	srv, _ := fakeServer(t)
	var out, log strings.Builder
	args := []string{"--url", srv.URL, "--email", "admin@localhost", "--requests", "40", "--clients", "4",
		"--database-url", postgrestest.URL(t), "--scenarios", "write-floor,http-write-floor,http-read-floor,save-answer,evaluation-page"}
	err := run(context.Background(), args, env(map[string]string{"SHARELINE_TOKEN": "shl_tok", "SHARELINE_PASSWORD": "a long password"}), &out, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	text := out.String()
	for _, want := range []string{
		"| write-floor | 4 | 40 | 0 |", "| http-write-floor | 4 | 40 | 0 |", "| http-read-floor | 4 | 40 | 0 |",
		"- save-answer / http-write-floor: ", "- save-answer / write-floor: ",
		"- http-write-floor / write-floor: ", "- evaluation-page / http-read-floor: ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestHTTPFloorStoresWritesAndServesPagesOnlyWithItsToken(t *testing.T) {
	ctx := context.Background()
	dbURL := postgrestest.URL(t)
	f, err := openHTTPFloor(ctx, dbURL, 50_000)
	if err != nil {
		t.Fatal(err)
	}
	m, err := defaultAnswerMaker()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(f.base, 1)
	for i := range 3 {
		if _, err := f.writeOp(c, m)(ctx, i); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	var n int
	if err := f.pool.QueryRow(ctx, `SELECT count(*) FROM load_floor_writes`).Scan(&n); err != nil || n != 3 {
		t.Errorf("rows written: got %d (%v), want 3", n, err)
	}
	size, err := f.readOp(c)(ctx, 5)
	if err != nil || size != 50_000 {
		t.Errorf("read: got %d bytes (%v), want 50000", size, err)
	}
	for _, path := range []string{"/floor/pages/1", "/floor/evaluations/1/answers/q.e"} {
		method := http.MethodGet
		if strings.Contains(path, "answers") {
			method = http.MethodPut
		}
		req, _ := http.NewRequestWithContext(ctx, method, f.base+path, strings.NewReader(`{"value":"yes"}`))
		req.Header.Set("Authorization", "Bearer shl_not_the_floor")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s with another token: got %s, want 401", method, path, resp.Status)
		}
	}
	if err := f.close(); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename LIKE 'load_floor%'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("floor tables left after close: got %d (%v), want 0", tables, err)
	}
}
