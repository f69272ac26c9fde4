package cisoassistant_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// laughs is a billion laughs in YAML: each level is a list of ten aliases of the level before,
// so that the last alias stands for 10^levels values in a file of a few kilobytes.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("objects:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("urn: urn:acme:risk:library:laughs\n")
	return b.String()
}

func TestBillionLaughsIsRefusedCheaply(t *testing.T) {
	data := []byte(laughs(12)) // 10^12 values once expanded
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	problems := refused(t, data)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	t.Logf("refused in %v", elapsed) // time is logged, not asserted: the memory bound below holds anywhere
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("reading %d bytes allocated %d MB", len(data), grew>>20)
	}
	if p := problems[0]; p.Line != 2 || !strings.Contains(p.Message, "aliases") {
		t.Errorf("problem = %+v; want line 2 saying aliases are not accepted", p)
	}
}
