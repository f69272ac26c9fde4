package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// writeTable prints one markdown table row per scenario, then the errors seen and the ratio of
// save-answer throughput to the durable write floor.
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
	if ratio, ok := floorRatio(results); ok {
		fmt.Fprintf(w, "\nsave-answer throughput / durable write floor: %.2f\n", ratio)
	}
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

// floorRatio is save-answer throughput over the write floor's, when both ran.
func floorRatio(results []result) (float64, bool) {
	var save, floor float64
	for _, r := range results {
		switch {
		case r.note != "":
		case r.name == "save-answer":
			save = r.throughput()
		case r.name == "write-floor":
			floor = r.throughput()
		}
	}
	if save == 0 || floor == 0 {
		return 0, false
	}
	return save / floor, true
}
