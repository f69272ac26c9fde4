package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"shareline/internal/postgres/postgrestest"
)

// startSlowClientServer runs `shareline serve` on a free port until the test ends and returns its base
// URL and host:port.
func startSlowClientServer(t *testing.T) (base, addr string) {
	t.Helper()
	vars := map[string]string{"DATABASE_URL": postgrestest.URL(t)}
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
		case err := <-done:
			if err != nil {
				t.Errorf("serve after cancel: got %v, want a clean exit", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop within 10 s of its context ending")
		}
	})
	lines := bufio.NewReader(stdoutR)
	for base == "" {
		line, err := lines.ReadString('\n')
		if err != nil {
			t.Fatalf("serve printed no address: %v", err)
		}
		if i := strings.Index(line, "http://"); i >= 0 {
			base = strings.TrimSpace(line[i:])
		}
	}
	go io.Copy(io.Discard, lines)
	return base, strings.TrimPrefix(base, "http://")
}

// TestSlowClientHeaderIsCutOff trickles a request header one byte every 500 ms: the server must
// drop the connection once ReadHeaderTimeout (5 s) has passed, not hold it open for as long as
// the client cares to trickle, and must keep serving other clients meanwhile.
func TestSlowClientHeaderIsCutOff(t *testing.T) {
	const (
		interval = 500 * time.Millisecond
		earliest = 4 * time.Second // ReadHeaderTimeout is 5 s, less a margin for timer slack
		latest   = 8 * time.Second // ReadHeaderTimeout plus a margin
	)
	base, addr := startSlowClientServer(t)

	start := time.Now()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer conn.Close()

	// The reader sees what the server sends back (perhaps a 408) and, above all, the close.
	closed := make(chan time.Duration, 1)
	var reply strings.Builder
	go func() {
		buf := make([]byte, 512)
		for {
			n, err := conn.Read(buf)
			reply.Write(buf[:n])
			if err != nil {
				closed <- time.Since(start)
				return
			}
		}
	}()

	// A header far longer than can be sent in 8 s at one byte per 500 ms: it never completes.
	header := "GET /healthz HTTP/1.1\r\nHost: " + addr + "\r\nX-Trickle: " + strings.Repeat("x", 200) + "\r\n\r\n"
	healthz := make(chan error, 1)
	sent := 0
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var cutOff time.Duration
	readerDone := false
loop:
	for {
		select {
		case cutOff = <-closed:
			readerDone = true
			break loop
		case <-tick.C:
		}
		if time.Since(start) > 12*time.Second {
			t.Fatalf("server still holds the connection after %v (%d header bytes trickled), want it closed within %v", time.Since(start).Round(time.Millisecond), sent, latest)
		}
		if sent == 4 {
			// While the slow client trickles, a normal client on another connection is served.
			go func() {
				c := &http.Client{Timeout: 3 * time.Second}
				resp, err := c.Get(base + "/healthz")
				if err != nil {
					healthz <- err
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					healthz <- errors.New("GET /healthz: got " + resp.Status + ", want 200 OK")
					return
				}
				healthz <- nil
			}()
		}
		if sent < len(header) {
			if _, err := conn.Write([]byte{header[sent]}); err != nil {
				// A write can fail before the read sees the close: that is the cut-off too.
				cutOff = time.Since(start)
				break loop
			}
			sent++
		}
	}
	if !readerDone {
		// Let the reader finish before its reply is read.
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		<-closed
	}
	t.Logf("slow client: trickled %d header bytes, connection closed by the server after %v; server sent %q",
		sent, cutOff.Round(time.Millisecond), reply.String())
	if cutOff < earliest || cutOff > latest {
		t.Errorf("connection closed after %v, want between %v and %v (ReadHeaderTimeout 5 s)", cutOff.Round(time.Millisecond), earliest, latest)
	}
	if strings.Contains(reply.String(), "200 OK") {
		t.Errorf("server answered the incomplete request with %q, want no 200", reply.String())
	}

	select {
	case err := <-healthz:
		if err != nil {
			t.Errorf("normal client while the slow one trickled: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Error("normal client while the slow one trickled: no answer within 3 s")
	}
}
