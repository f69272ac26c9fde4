package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeTable prints one markdown table row per scenario, then the errors seen and each
// scenario's throughput as a share of its floor.
func writeTable(w io.Writer, results []result, withRSS bool) {
	header := "| scenario | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms | KB/resp |"
	if withRSS {
		header += " server RSS MB (start → peak) |"
	}
	fmt.Fprintln(w, header)
	fmt.Fprintln(w, strings.Repeat("|---", strings.Count(header, "|")-1)+"|")
	for _, r := range results {
		fmt.Fprintln(w, row(r, withRSS))
	}
	writeErrors(w, results)
	writeRatios(w, results)
}

func row(r result, withRSS bool) string {
	if r.note != "" {
		cells := "| " + r.name + " | " + r.note + " |" + strings.Repeat(" |", 8)
		if withRSS {
			cells += " |"
		}
		return cells
	}
	kb := "–"
	if n := r.requests(); n > 0 && r.bytes > 0 {
		kb = fmt.Sprintf("%.1f", float64(r.bytes)/float64(n)/1024)
	}
	s := fmt.Sprintf("| %s | %d | %d | %d | %.1f | %s | %s | %s | %s | %s |",
		r.name, r.clients, r.requests(), r.errors, r.throughput(),
		ms(r.ok, 50), ms(r.ok, 95), ms(r.ok, 99), ms(r.ok, 100), kb)
	if withRSS {
		s += " " + rss(r) + " |"
	}
	return s
}

// ms formats a percentile of sorted latencies in milliseconds, or a dash when none succeeded.
func ms(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", float64(percentile(sorted, p).Microseconds())/1000)
}

func rss(r result) string {
	if r.rssPeak == 0 {
		return "–"
	}
	const mb = 1 << 20
	return fmt.Sprintf("%.0f → %.0f", float64(r.rssBefore)/mb, float64(r.rssPeak)/mb)
}

func writeErrors(w io.Writer, results []result) {
	first := true
	for _, r := range results {
		if len(r.messages) == 0 {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nErrors (first few per scenario):")
			first = false
		}
		for _, m := range r.messages {
			fmt.Fprintf(w, "- %s: %s\n", r.name, m)
		}
	}
}

// floorsOf names the floors a scenario is measured against: a save against the HTTP write
// floor and the database's, a page or file against the HTTP read floor, the HTTP write floor
// against the database's (what the stack itself costs).
func floorsOf(name string) []string {
	switch {
	case strings.HasSuffix(name, "floor"):
		if name == "http-write-floor" {
			return []string{"write-floor"}
		}
		return nil
	case name == "save-answer":
		return []string{"http-write-floor", "write-floor"}
	}
	return []string{"http-read-floor"}
}

// ratio is one scenario's throughput over one floor's.
type ratio struct {
	scenario, floor string
	value           float64
}

// ratios pairs each scenario with the floors it has in results, at the same concurrency.
func ratios(results []result) []ratio {
	floors := map[string]result{}
	for _, r := range results {
		if r.note == "" && strings.HasSuffix(r.name, "floor") {
			floors[r.name] = r
		}
	}
	var out []ratio
	for _, r := range results {
		if r.note != "" {
			continue
		}
		for _, name := range floorsOf(r.name) {
			f, ok := floors[name]
			if !ok || f.clients != r.clients || f.throughput() == 0 {
				continue
			}
			out = append(out, ratio{r.name, name, r.throughput() / f.throughput()})
		}
	}
	return out
}

// writeRatios prints each scenario's throughput as a share of its floors, one line each.
func writeRatios(w io.Writer, results []result) {
	list := ratios(results)
	if len(list) == 0 {
		return
	}
	fmt.Fprintln(w, "\nThroughput as a share of its floor (same clients):")
	for _, r := range list {
		fmt.Fprintf(w, "- %s / %s: %.3f\n", r.scenario, r.floor, r.value)
	}
}
