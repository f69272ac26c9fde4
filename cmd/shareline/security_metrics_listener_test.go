package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func secGet(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Profiles are served only when asked for, apart from the metrics.
func TestMetricsListenerServesPprofOnlyWhenAsked(t *testing.T) {
	for _, pprof := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		var logs strings.Builder
		addr, err := serveMetrics(ctx, Config{MetricsAddr: "127.0.0.1:0", Pprof: pprof}, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr.String()
		if got := secGet(t, base+"/metrics"); got != http.StatusOK {
			t.Errorf("pprof %v: GET /metrics: %d, want 200", pprof, got)
		}
		want := http.StatusNotFound
		if pprof {
			want = http.StatusOK
		}
		for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/debug/pprof/heap"} {
			if got := secGet(t, base+path); got != want {
				t.Errorf("pprof %v: GET %s: %d, want %d", pprof, path, got, want)
			}
		}
		if secGet(t, base+"/debug/pprof/cmdline") == http.StatusOK {
			t.Errorf("pprof %v: /debug/pprof/cmdline answers: it would show the command line", pprof)
		}
		if strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("pprof %v: a warning on loopback: %s", pprof, logs.String())
		}
		cancel()
	}
}

// A listener beyond loopback needs SHARELINE_METRICS_PUBLIC, and then says what it risks.
func TestMetricsListenerBeyondLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := serveMetrics(ctx, Config{MetricsAddr: "0.0.0.0:0"}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler)); err == nil ||
		!strings.Contains(err.Error(), "SHARELINE_METRICS_PUBLIC") {
		t.Errorf("0.0.0.0 without SHARELINE_METRICS_PUBLIC: got %v, want a refusal", err)
	}
	var logs strings.Builder
	if _, err := serveMetrics(ctx, Config{MetricsAddr: "0.0.0.0:0", MetricsPublic: true}, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "not on loopback") {
		t.Errorf("0.0.0.0 with SHARELINE_METRICS_PUBLIC: want a warning, logged %q", logs.String())
	}
}
