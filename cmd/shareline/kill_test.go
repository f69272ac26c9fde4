package main

// Crash tests: the real binary, started as a child process, killed with SIGKILL in the middle of
// concurrent saves (every save that answered 2xx must be in the database afterwards, and nothing
// half-written may be), and stopped with SIGTERM (it must exit 0).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/postgres/postgrestest"
)

const (
	crashAdminEmail    = "crash-admin@example.com"
	crashAdminPassword = "crash test passphrase 42"
)

// builtBinary builds ./cmd/shareline once per test process.
var builtBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "shareline-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "shareline")
	pkgDir, err := os.Getwd() // go test runs in the package directory
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", bin, "./")
	cmd.Dir = pkgDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func shareline(t *testing.T) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("building the binary: %v", err)
	}
	return bin
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// childServer is a running `shareline serve`.
type childServer struct {
	cmd    *exec.Cmd
	base   string
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's result, valid after done
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func childEnv(dbURL string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "SHARELINE_") {
			continue
		}
		out = append(out, kv)
	}
	// The saves run as fast as they go, one token for all: past the API's 600 a minute (a8383d6)
	// they would get 429 and the test would measure the limit, not durability.
	return append(out, "DATABASE_URL="+dbURL, "SHARELINE_API_RATE_LIMIT=off",
		"SHARELINE_ADMIN_EMAIL="+crashAdminEmail, "SHARELINE_ADMIN_PASSWORD="+crashAdminPassword)
}

// startServer starts the binary on dbURL and waits until /readyz answers 200.
func startServer(t *testing.T, dbURL string) *childServer {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(shareline(t), "serve", "--addr", addr)
	cmd.Env = childEnv(dbURL)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &childServer{cmd: cmd, base: "http://" + addr, done: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start shareline serve: %v", err)
	}
	serving := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := sync.Once{}
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Shareline is serving on http://") {
				once.Do(func() { close(serving) })
			}
		}
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			cmd.Process.Kill()
			<-s.done
		}
	})
	deadline := time.After(60 * time.Second)
	select {
	case <-serving:
	case <-s.done:
		t.Fatalf("shareline serve exited before serving: %v\nstderr:\n%s", s.err, s.stderr.String())
	case <-deadline:
		t.Fatalf("shareline serve printed no address within 60s\nstderr:\n%s", s.stderr.String())
	}
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-deadline:
			t.Fatalf("/readyz did not answer 200 within 60s (last: %v)\nstderr:\n%s", err, s.stderr.String())
		case <-s.done:
			t.Fatalf("shareline serve exited while waiting for /readyz: %v\nstderr:\n%s", s.err, s.stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	base, token string
	http        *http.Client
}

func (c *apiClient) do(method, path string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decoding %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode, nil
}

// crashElement is one element a writer goroutine saves over and over.
type crashElement struct {
	ref    string
	values func(i int) any // the i-th value sent
}

func statusCycle(offset int) func(int) any {
	cycle := []any{"yes", "partial", "no", nil, "not_applicable"}
	return func(i int) any { return cycle[(i+offset)%len(cycle)] }
}

func numberCycle(base int) func(int) any {
	return func(i int) any {
		if i%7 == 6 {
			return nil // clearing the answer changes the progress too
		}
		return base + i
	}
}

// ackRecord is what one writer knows: the last save that answered 2xx, and the one that was
// still in flight (sent, no answer yet) when the writer stopped.
type ackRecord struct {
	acked        bool
	ackValue     any
	ackVersion   int
	inFlight     bool
	flightValue  any
	saves, fails int
	err          error
	failedAt     time.Time
}

type evaluationOut struct {
	ID      string `json:"id"`
	Answers map[string]struct {
		Value   json.RawMessage `json:"value"`
		Version int             `json:"version"`
	} `json:"answers"`
	Score struct {
		Progress  float64 `json:"progress"`
		Questions map[string]struct {
			Progress float64 `json:"progress"`
		} `json:"questions"`
	} `json:"score"`
}

func TestAcknowledgedSavesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbURL := postgrestest.URL(t)
	start := time.Now()
	srv := startServer(t, dbURL)
	t.Logf("built and started in %s", time.Since(start).Round(time.Millisecond))

	tokOut, err := exec.Command(shareline(t), "token", "create", "--email", crashAdminEmail, "--name", "crash test", "--database-url", dbURL).Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	token := strings.TrimSpace(string(tokOut))
	api := &apiClient{base: srv.base, token: token, http: &http.Client{Timeout: 10 * time.Second}}

	var provider struct {
		ID string `json:"id"`
	}
	if _, err := api.do("POST", "/api/v1/providers", map[string]string{"name": "Crash Cloud", "offering": "Crash DB", "service_model": "saas"}, &provider); err != nil {
		t.Fatal(err)
	}
	var ev evaluationOut
	if _, err := api.do("POST", "/api/v1/providers/"+provider.ID+"/evaluations", nil, &ev); err != nil {
		t.Fatal(err)
	}

	elements := []crashElement{
		{"monitoring.log_retention_days", numberCycle(30)},
		{"incident_response.notification_hours", numberCycle(1)},
		{"abuse_cases.malware", statusCycle(0)},
		{"abuse_cases.abuse_reporting", statusCycle(1)},
		{"monitoring.continuous_monitoring", statusCycle(2)},
		{"monitoring.customer_log_access", statusCycle(3)},
		{"incident_response.disclosure_channel", statusCycle(4)},
		{"incident_response.post_incident_report", statusCycle(0)},
	}
	records := make([]ackRecord, len(elements))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for n, el := range elements {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := &records[n]
			// Each writer has its own connections, so a kill breaks all of them.
			c := &apiClient{base: api.base, token: token, http: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				v := el.values(i)
				rec.inFlight, rec.flightValue = true, v
				var saved struct {
					Value   json.RawMessage `json:"value"`
					Version int             `json:"version"`
				}
				_, err := c.do("PUT", "/api/v1/evaluations/"+ev.ID+"/answers/"+el.ref, map[string]any{"value": v}, &saved)
				if err != nil {
					// The server is gone (or refused): the save may or may not have committed, so
					// it stays "in flight"; nothing after it is sent.
					rec.fails++
					rec.err, rec.failedAt = err, time.Now()
					return
				}
				if rec.acked && saved.Version <= rec.ackVersion {
					t.Errorf("%s: save %d answered version %d, not above the previous %d", el.ref, i, saved.Version, rec.ackVersion)
				}
				rec.inFlight = false
				rec.acked, rec.ackValue, rec.ackVersion = true, v, saved.Version
				rec.saves++
			}
		}()
	}

	time.Sleep(1500 * time.Millisecond)
	killedAt := time.Now()
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatalf("SIGKILL: %v", err)
	}
	<-srv.done
	close(stop)
	wg.Wait()
	total := 0
	for n, rec := range records {
		total += rec.saves
		if !rec.acked {
			t.Errorf("%s: no save was acknowledged in 1.5 s", elements[n].ref)
		}
		if rec.err != nil && rec.failedAt.Before(killedAt) {
			t.Errorf("%s: a save failed before the kill: %v", elements[n].ref, rec.err)
		}
		t.Logf("%-40s %4d acknowledged, last v%d=%v, in flight at kill: %v", elements[n].ref, rec.saves, rec.ackVersion, rec.ackValue, rec.inFlight)
	}
	t.Logf("%d saves acknowledged before SIGKILL", total)

	// With the server dead, read the database itself: the stored score must match the stored
	// answers, and every save has its revision and audit entry (same transaction).
	checkStoredState(t, dbURL, ev.ID, elements, records)

	// Restart on the same database.
	srv2 := startServer(t, dbURL)
	t.Logf("restarted and ready %s after the kill", time.Since(killedAt).Round(time.Millisecond))
	api.base = srv2.base
	var after evaluationOut
	if _, err := api.do("GET", "/api/v1/evaluations/"+ev.ID, nil, &after); err != nil {
		t.Fatal(err)
	}
	answered := 0
	for _, a := range after.Answers {
		if string(a.Value) != "null" && len(a.Value) > 0 {
			answered++
		}
	}
	if want := round1(100 * float64(answered) / 22); after.Score.Progress != want {
		t.Errorf("after restart: score.progress = %v with %d of 22 answered, want %v", after.Score.Progress, answered, want)
	}
	for n, el := range elements {
		a := after.Answers[el.ref]
		checkElement(t, "API after restart", el.ref, records[n], a.Version, a.Value)
	}
	resp, err := http.Get(srv2.base + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz after restart: %v %v, want 200", resp, err)
	}
	if resp != nil {
		resp.Body.Close()
	}
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// checkElement checks one element's stored version and value against what its writer knows.
func checkElement(t *testing.T, where, ref string, rec ackRecord, version int, value json.RawMessage) {
	t.Helper()
	switch {
	case version < rec.ackVersion:
		t.Errorf("%s: %s: LOST acknowledged save: stored version %d (value %s), acknowledged version %d (value %v)",
			where, ref, version, value, rec.ackVersion, rec.ackValue)
	case version == rec.ackVersion:
		if !sameJSON(value, rec.ackValue) {
			t.Errorf("%s: %s: version %d holds %s, but the acknowledged save of that version sent %v", where, ref, version, value, rec.ackValue)
		}
	case version == rec.ackVersion+1 && rec.inFlight:
		if !sameJSON(value, rec.flightValue) {
			t.Errorf("%s: %s: version %d holds %s, but the save in flight sent %v", where, ref, version, value, rec.flightValue)
		}
	default:
		t.Errorf("%s: %s: stored version %d, acknowledged %d (in flight: %v): a version nobody wrote", where, ref, version, rec.ackVersion, rec.inFlight)
	}
}

func sameJSON(raw json.RawMessage, want any) bool {
	var got any
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return false
	}
	w, _ := json.Marshal(want)
	var wantV any
	json.Unmarshal(w, &wantV)
	return reflect.DeepEqual(got, wantV)
}

func checkStoredState(t *testing.T, dbURL, evalID string, elements []crashElement, records []ackRecord) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(ctx)

	type stored struct {
		value   []byte
		version int
	}
	answers := map[string]stored{}
	rows, err := conn.Query(ctx, `SELECT question || '.' || element, value, version FROM answers WHERE evaluation_id = $1`, evalID)
	if err != nil {
		t.Fatal(err)
	}
	answered := 0
	perQuestion := map[string]int{}
	for rows.Next() {
		var ref string
		var s stored
		if err := rows.Scan(&ref, &s.value, &s.version); err != nil {
			t.Fatal(err)
		}
		answers[ref] = s
		if len(s.value) > 0 && string(s.value) != "null" {
			answered++
			q, _, _ := strings.Cut(ref, ".")
			perQuestion[q]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for n, el := range elements {
		s := answers[el.ref]
		checkElement(t, "database after SIGKILL", el.ref, records[n], s.version, s.value)
	}

	// The stored score was written in the transaction of the last committed save.
	var progress float64
	var questions []byte
	if err := conn.QueryRow(ctx, `SELECT score_progress, score_questions FROM evaluations WHERE id = $1`, evalID).Scan(&progress, &questions); err != nil {
		t.Fatal(err)
	}
	if want := 100 * float64(answered) / 22; math.Abs(progress-want) > 1e-9 {
		t.Errorf("stored score_progress = %v, but %d of 22 elements are answered (want %v): answers and score disagree", progress, answered, want)
	}
	var qs []struct {
		Key      string  `json:"key"`
		Answered int     `json:"answered"`
		Progress float64 `json:"progress"`
	}
	if err := json.Unmarshal(questions, &qs); err != nil {
		t.Logf("score_questions not read (%v): %s", err, questions)
	}
	for _, q := range qs {
		if q.Key != "" && q.Answered != perQuestion[q.Key] {
			t.Errorf("stored score of question %s counts %d answered, the answers table has %d", q.Key, q.Answered, perQuestion[q.Key])
		}
	}

	// Each stored version has exactly one revision per version 1..n, the last one holding the
	// stored value, and one audit entry per save.
	totalVersions := 0
	for _, el := range elements {
		s := answers[el.ref]
		totalVersions += s.version
		q, e, _ := strings.Cut(el.ref, ".")
		var n, maxV int
		var last []byte
		if err := conn.QueryRow(ctx, `SELECT count(*), coalesce(max(version), 0) FROM answer_revisions
			WHERE evaluation_id = $1 AND question = $2 AND element = $3`, evalID, q, e).Scan(&n, &maxV); err != nil {
			t.Fatal(err)
		}
		if n != s.version || maxV != s.version {
			t.Errorf("%s: %d revisions up to version %d, stored version %d", el.ref, n, maxV, s.version)
			continue
		}
		if err := conn.QueryRow(ctx, `SELECT new_value FROM answer_revisions
			WHERE evaluation_id = $1 AND question = $2 AND element = $3 AND version = $4`, evalID, q, e, s.version).Scan(&last); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(normJSON(last), normJSON(s.value)) {
			t.Errorf("%s: last revision holds %s, the answer %s", el.ref, last, s.value)
		}
	}
	var audits int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE evaluation_id = $1 AND action = 'answer.saved'`, evalID).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits != totalVersions {
		t.Errorf("%d answer.saved audit entries, but the answers add up to %d versions", audits, totalVersions)
	}
	t.Logf("database after SIGKILL: %d answered, progress %.1f, %d versions, %d audit entries", answered, progress, totalVersions, audits)
}

func normJSON(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return b
	}
	out, _ := json.Marshal(v)
	return out
}

func TestSIGTERMFinishesAndExitsZero(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	srv := startServer(t, postgrestest.URL(t))
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	sent := time.Now()
	select {
	case <-srv.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("still running 20 s after SIGTERM\nstderr:\n%s", srv.stderr.String())
	}
	if srv.err != nil {
		t.Fatalf("exit after SIGTERM: %v, want exit code 0\nstderr:\n%s", srv.err, srv.stderr.String())
	}
	t.Logf("exited 0 %s after SIGTERM", time.Since(sent).Round(time.Millisecond))
}
