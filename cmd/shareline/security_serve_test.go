package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shareline/internal/postgres/postgrestest"
)

// secStartServe runs serve on a free port with vars as its environment and returns its address.
func secStartServe(t *testing.T, vars map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, console{env(vars), nil, stdoutW, io.Discard})
		stdoutW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20 s of its context ending")
		}
	})
	lines := bufio.NewReader(stdoutR)
	for {
		line, err := lines.ReadString('\n')
		if err != nil {
			cancel()
			t.Fatalf("serve printed no address: %v (exit: %v)", err, <-done)
		}
		if i := strings.Index(line, "http://"); i >= 0 {
			go io.Copy(io.Discard, lines)
			return strings.TrimSpace(line[i:])
		}
	}
}

// Behind an https:// base URL: the session cookie is __Host- and Secure, HSTS is sent, and the
// sessions table keeps a SHA-256 of the cookie's token, never the token.
func TestServeSessionCookieAndStoredToken(t *testing.T) {
	dbURL := postgrestest.URL(t)
	const email, password = "admin@example.com", "a long enough admin password"
	base := secStartServe(t, map[string]string{
		"DATABASE_URL":             dbURL,
		"SHARELINE_ADMIN_EMAIL":    email,
		"SHARELINE_ADMIN_PASSWORD": password,
		"SHARELINE_BASE_URL":       "https://shareline.example.com",
	})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: got %d, want 303", resp.StatusCode)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("sign-in answer without Strict-Transport-Security under an https:// base URL")
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if strings.Contains(c.Name, "shareline_session") {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-in set no session cookie: %v", resp.Header["Set-Cookie"])
	}
	if session.Name != "__Host-shareline_session" || !session.Secure || session.Path != "/" || session.Domain != "" {
		t.Errorf("session cookie %s (Secure %v, Path %q, Domain %q), want __Host-shareline_session, Secure, Path /, no Domain",
			session.Name, session.Secure, session.Path, session.Domain)
	}

	_, pool := appOn(t, context.Background(), dbURL)
	rows, err := pool.Query(context.Background(), `SELECT token FROM sessions`)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var tok string
		if err := rows.Scan(&tok); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, tok)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(session.Value))
	hashed := false
	for _, tok := range stored {
		if tok == session.Value {
			t.Errorf("SELECT token FROM sessions returns the cookie value itself (%q)", tok)
		}
		hashed = hashed || tok == hex.EncodeToString(sum[:])
	}
	if !hashed {
		t.Errorf("sessions.token holds %q, want the hex SHA-256 of the cookie among them", stored)
	}

	// The session works through the hashed store.
	req, _ := http.NewRequest(http.MethodGet, base+"/providers", nil)
	req.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
	page, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		t.Errorf("GET /providers with the session cookie: got %d, want 200", page.StatusCode)
	}
	if got := page.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("GET /providers signed in: Cache-Control %q, want no-store", got)
	}
}
