package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// httpFloor is the least an HTTP request of Shareline's shape can cost on this machine, on the
// same stack as the server: net/http, a chi router, a pgx pool sized as the server sizes its own
// (pgxpool's default for the same database URL), driven by the same clients at the same
// concurrency. Its write is one authenticated request that decodes a JSON body and does one
// INSERT, committed; its read is one authenticated request that selects one row by primary key
// and writes a body as large as the evaluation page. Shareline's scenarios are shown as a share
// of it: what the application adds on top of the stack it runs on.
type httpFloor struct {
	pool     *pgxpool.Pool
	srv      *http.Server
	base     string
	token    string // what clients send as "Authorization: Bearer ..."
	pageSize int    // bytes of a read's body
	rows     int    // rows of load_floor_pages
}

// floorPageRows is how many rows the read floor selects among.
const floorPageRows = 1000

// openHTTPFloor makes the floor's tables, opens its pool and starts its server on a free
// loopback port. pageSize is the size of a read's body.
func openHTTPFloor(ctx context.Context, databaseURL string, pageSize int) (*httpFloor, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("http floor: %w", err)
	}
	// No MaxConns here: the server opens its pool with pgxpool's defaults for the same URL.
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("http floor: %w", err)
	}
	f := &httpFloor{pool: pool, pageSize: max(pageSize, 1), rows: floorPageRows}
	if err := f.createTables(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	f.token = "floor_" + hex.EncodeToString(secret)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.dropTables()
		pool.Close()
		return nil, fmt.Errorf("http floor: %w", err)
	}
	f.base = "http://" + ln.Addr().String()
	f.srv = &http.Server{Handler: f.routes(), ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

func (f *httpFloor) createTables(ctx context.Context) error {
	_, err := f.pool.Exec(ctx, `
		CREATE TABLE IF NOT EXISTS load_floor_writes (
			id bigserial PRIMARY KEY, evaluation_id bigint NOT NULL, ref text NOT NULL,
			value jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
		CREATE TABLE IF NOT EXISTS load_floor_pages (id bigint PRIMARY KEY, name text NOT NULL, body text NOT NULL);
		TRUNCATE load_floor_pages;
		INSERT INTO load_floor_pages (id, name, body)
			SELECT i, 'Provider ' || i, repeat('An answer with its explanation and evidence. ', 5)
			FROM generate_series(1, `+strconv.Itoa(floorPageRows)+`) AS i;
		ANALYZE load_floor_pages`)
	if err != nil {
		return fmt.Errorf("http floor: create tables: %w", err)
	}
	return nil
}

func (f *httpFloor) dropTables() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := f.pool.Exec(ctx, `DROP TABLE IF EXISTS load_floor_writes; DROP TABLE IF EXISTS load_floor_pages`)
	return err
}

// close stops the server, drops the tables and closes the pool.
func (f *httpFloor) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := f.srv.Shutdown(ctx)
	err = errors.Join(err, f.dropTables())
	f.pool.Close()
	return err
}

func (f *httpFloor) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(f.authenticated)
	r.Put("/floor/evaluations/{id}/answers/{ref}", f.handleWrite)
	r.Get("/floor/pages/{id}", f.handleRead)
	return r
}

// authenticated refuses a request without the floor's bearer token, compared as the server
// compares tokens: by a SHA-256, in constant time. It reads no database: the floor is the
// stack, not Shareline's sign-in.
func (f *httpFloor) authenticated(next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(f.token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		got := sha256.Sum256([]byte(token))
		if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// handleWrite decodes an answer-shaped JSON body and stores it with one INSERT, committed.
func (f *httpFloor) handleWrite(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusNotFound)
		return
	}
	var in struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || len(in.Value) == 0 {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	var version int64
	err = f.pool.QueryRow(r.Context(), `INSERT INTO load_floor_writes (evaluation_id, ref, value) VALUES ($1, $2, $3) RETURNING id`,
		id, chi.URLParam(r, "ref"), []byte(in.Value)).Scan(&version)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"version":%d}`, version)
}

// handleRead selects one row by primary key and writes it as a page of pageSize bytes.
func (f *httpFloor) handleRead(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		http.Error(w, "bad id", http.StatusNotFound)
		return
	}
	var name, body string
	err = f.pool.QueryRow(r.Context(), `SELECT name, body FROM load_floor_pages WHERE id = $1`, id).Scan(&name, &body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	bw := bufio.NewWriterSize(w, 32<<10)
	line := []byte("<p>" + name + ": " + body + "</p>\n")
	for n := 0; n < f.pageSize; n += len(line) {
		bw.Write(line[:min(len(line), f.pageSize-n)])
	}
	bw.Flush()
}

// writeOp is the write floor's operation: a save-shaped PUT with a body the save-answer scenario
// would send.
func (f *httpFloor) writeOp(c *client, saves *answerMaker) op {
	return func(ctx context.Context, i int) (int64, error) {
		ref, body, err := saves.answer(i, "saas")
		if err != nil {
			return 0, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut,
			fmt.Sprintf("%s/floor/evaluations/%d/answers/%s", f.base, 1+i%f.rows, ref), bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.token)
		return c.do(req)
	}
}

// readOp is the read floor's operation: a GET of one row's page.
func (f *httpFloor) readOp(c *client) op {
	return func(ctx context.Context, i int) (int64, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/floor/pages/%d", f.base, 1+(i*7)%f.rows), nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+f.token)
		return c.do(req)
	}
}
