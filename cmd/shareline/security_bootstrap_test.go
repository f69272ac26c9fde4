package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"shareline/internal/postgres/postgrestest"
)

// serveOutput runs serve on a free port with vars as its environment and returns its address
// and what it printed before it.
func serveOutput(t *testing.T, vars map[string]string) (addr, printed string) {
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
	var out strings.Builder
	for {
		line, err := lines.ReadString('\n')
		if err != nil {
			cancel()
			t.Fatalf("serve printed no address: %v (exit: %v)", err, <-done)
		}
		if i := strings.Index(line, "http://"); i >= 0 {
			go io.Copy(io.Discard, lines)
			return strings.TrimSpace(line[i:]), out.String()
		}
		out.WriteString(line)
	}
}

// ASVS 2.5.4: no account has a default or known password. A fresh install without
// SHARELINE_ADMIN_PASSWORD makes its first admin with a random password, printed once, which
// differs from one install to the next; with it set, that password is used and never printed.
func TestFreshServeHasNoDefaultPassword(t *testing.T) {
	find := regexp.MustCompile(`email (\S+)  password (\S+)`)
	var passwords []string
	for range 2 {
		base, printed := serveOutput(t, map[string]string{"DATABASE_URL": postgrestest.URL(t)})
		m := find.FindStringSubmatch(printed)
		if m == nil {
			t.Fatalf("a fresh serve printed no first admin password:\n%s", printed)
		}
		email, password := m[1], m[2]
		if len(password) < 20 {
			t.Errorf("bootstrap password %q: want at least 20 random characters", password)
		}
		passwords = append(passwords, password)
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, try := range []struct {
			password string
			want     int
		}{{"admin", http.StatusUnauthorized}, {"password", http.StatusUnauthorized}, {"changeme", http.StatusUnauthorized}, {password, http.StatusSeeOther}} {
			resp, err := client.PostForm(base+"/login", url.Values{"email": {email}, "password": {try.password}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != try.want {
				t.Errorf("sign in as %s with %q: got %d, want %d", email, try.password, resp.StatusCode, try.want)
			}
		}
	}
	if passwords[0] == passwords[1] {
		t.Errorf("two fresh installs printed the same admin password %q", passwords[0])
	}

	const set = "an operator chose this one"
	_, printed := serveOutput(t, map[string]string{"DATABASE_URL": postgrestest.URL(t), "SHARELINE_ADMIN_EMAIL": "ops@example.com", "SHARELINE_ADMIN_PASSWORD": set})
	if strings.Contains(printed, set) || find.MatchString(printed) {
		t.Errorf("with SHARELINE_ADMIN_PASSWORD set, serve printed a password:\n%s", printed)
	}
}
