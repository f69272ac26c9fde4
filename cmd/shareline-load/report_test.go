package main

import (
	"strings"
	"testing"
	"time"
)

func TestWriteTablePrintsOneRowPerScenarioAndTheFloorRatio(t *testing.T) {
	ok := func(n int, each time.Duration) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = each
		}
		return out
	}
	results := []result{
		{name: "write-floor", clients: 16, ok: ok(1000, time.Millisecond), elapsed: time.Second},
		{name: "http-write-floor", clients: 16, ok: ok(800, time.Millisecond), elapsed: time.Second},
		{name: "http-read-floor", clients: 16, ok: ok(2000, time.Millisecond), elapsed: time.Second},
		{name: "evaluation-page", clients: 16, ok: ok(500, time.Millisecond), elapsed: time.Second},
		{name: "report-page", clients: 1, ok: ok(500, time.Millisecond), elapsed: time.Second},
		{name: "save-answer", clients: 16, ok: ok(600, 2*time.Millisecond), elapsed: time.Second, bytes: 600 * 2048},
		{name: "compare-page", clients: 16, errors: 5, messages: []string{"GET /compare?ids=1: 404 Not Found: no such page"}, elapsed: time.Second},
		{name: "list-page", note: "skipped: pages need --email and --password"},
	}
	var out strings.Builder
	writeTable(&out, results, false)
	text := out.String()
	if strings.Contains(text, "report-page /") {
		t.Errorf("report-page ran at 1 client, its floor at 16: got a ratio:\n%s", text)
	}
	for _, want := range []string{
		"| scenario | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms | KB/resp |\n|---|---|---|---|---|---|---|---|---|---|\n",
		"| write-floor | 16 | 1000 | 0 | 1000.0 | 1.0 | 1.0 | 1.0 | 1.0 | – |",
		"| save-answer | 16 | 600 | 0 | 600.0 | 2.0 | 2.0 | 2.0 | 2.0 | 2.0 |",
		"| compare-page | 16 | 5 | 5 | 0.0 | – | – | – | – | – |",
		"| list-page | skipped: pages need --email and --password | | | | | | | | |",
		"- compare-page: GET /compare?ids=1: 404 Not Found: no such page",
		"- save-answer / http-write-floor: 0.750\n- save-answer / write-floor: 0.600\n",
		"- http-write-floor / write-floor: 0.800\n",
		"- evaluation-page / http-read-floor: 0.250\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
}

func TestWriteTableShowsServerMemoryWhenSampled(t *testing.T) {
	var out strings.Builder
	r := result{name: "portfolio-csv", clients: 1, ok: []time.Duration{time.Second}, elapsed: time.Second, rssBefore: 40 << 20, rssPeak: 55 << 20}
	writeTable(&out, []result{r}, true)
	if !strings.Contains(out.String(), "| 40 → 55 |") || !strings.Contains(out.String(), "server RSS MB (start → peak)") {
		t.Errorf("table with memory: got\n%s\nwant a column of RSS from 40 to 55 MB", out.String())
	}
	if strings.Contains(out.String(), "floor") {
		t.Errorf("table without floors: got a ratio:\n%s", out.String())
	}
}
