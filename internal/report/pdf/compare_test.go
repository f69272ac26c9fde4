package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/report/reporttest"
)

// comparisonText renders a comparison and reads it back with pdftotext -layout, white space
// folded; it also returns the page count.
func comparisonText(t *testing.T, c assess.Comparison, name string) (string, int) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteComparison(&buf, c); err != nil {
		t.Fatalf("WriteComparison: %v", err)
	}
	return readBack(t, buf.Bytes(), name, true)
}

func TestWriteComparison(t *testing.T) {
	c := reporttest.Three(t)
	text, pages := comparisonText(t, c, "compare3.pdf")
	want := []string{
		"Provider comparison", "Shared responsibility (shared-responsibility), version 1",
		"best first by coverage score", "scores as of 2026-11-29",
		reporttest.Nordic, reporttest.Russian, reporttest.Script, reporttest.Never, "not assessed yet", "Listed apart",
		"Question scores by provider", "Score by question", "Answers: Abuse cases",
		"Responsibility: who secures each layer", "Layers you keep", "Operating system",
		"▲ Customer (reference: Provider)", "Page 1 of ",
	}
	for _, p := range c.Providers {
		want = append(want, p.Summary.Score.Text())
	}
	wantAll(t, text, want...)
	if strings.Contains(text, " of 3") {
		t.Error("PDF splits three providers across pages; want them on one set of pages")
	}
	if pages < 2 {
		t.Errorf("PDF has %d pages, want the chart page and the table", pages)
	}
}

func TestWriteComparisonManyProviders(t *testing.T) {
	for _, tc := range []struct {
		n        int
		captions []string
	}{
		{20, []string{"Providers 1–5 of 20", "Providers 6–10 of 20", "Providers 11–15 of 20", "Providers 16–20 of 20"}},
		{50, []string{"Providers 1–6 of 50", "Providers 25–30 of 50", "Providers 46–50 of 50"}},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			c := reporttest.Many(t, tc.n)
			text, _ := comparisonText(t, c, fmt.Sprintf("compare%d.pdf", tc.n))
			for _, p := range c.Providers {
				if got := strings.Count(text, p.Evaluation.ProviderName); got < 2 {
					t.Errorf("PDF text has %q %d times, want it in the legend and its table column", p.Evaluation.ProviderName, got)
				}
			}
			wantAll(t, text, tc.captions...)
		})
	}
}

// TestWriteComparisonIsStable renders a comparison twice: the same comparison gives the same
// bytes, whatever the time of day.
func TestWriteComparisonIsStable(t *testing.T) {
	c := reporttest.Three(t)
	var a, b bytes.Buffer
	if err := WriteComparison(&a, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteComparison(&b, c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two renderings differ (%d vs %d bytes)", a.Len(), b.Len())
	}
}

func TestWriteComparisonNobodyCompared(t *testing.T) {
	text, _ := comparisonText(t, reporttest.NobodyCompared(t), "compare0.pdf")
	wantAll(t, text, "No provider could be compared", "Acme", "Beta", "not assessed yet")
}

func TestWriteComparisonWithoutSplit(t *testing.T) {
	text, _ := comparisonText(t, reporttest.NoSplitComparison(t), "compare-nosplit.pdf")
	wantAll(t, text, "Vendor basics", "Acme", "Beta", "Score by question", "Answers: People")
	wantNone(t, text, "Responsibility", "Layers you keep", "reference")
}

func TestProviderSets(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "[]"}, {3, "[[0 3]]"}, {6, "[[0 6]]"}, {7, "[[0 4] [4 7]]"}, {20, "[[0 5] [5 10] [10 15] [15 20]]"},
		{50, "[[0 6] [6 12] [12 18] [18 24] [24 30] [30 35] [35 40] [40 45] [45 50]]"},
	} {
		if got := fmtSets(providerSets(tc.n, comparePerPage)); got != tc.want {
			t.Errorf("providerSets(%d) = %s, want %s", tc.n, got, tc.want)
		}
	}
}

func fmtSets(s [][2]int) string {
	var b strings.Builder
	b.WriteString("[")
	for i, p := range s {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "[%d %d]", p[0], p[1])
	}
	return b.String() + "]"
}

func BenchmarkWriteComparison20(b *testing.B) {
	c := reporttest.Many(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteComparison(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}
