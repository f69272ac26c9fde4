package report

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"shareline/internal/assess"
)

// comparePDFText renders a comparison and reads it back with pdftotext -layout, white space
// folded; it also returns the page count.
func comparePDFText(t *testing.T, c assess.Comparison, name string) (string, int) {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is missing (install poppler-utils; .ci/run does): %v", err)
	}
	var buf bytes.Buffer
	if err := WriteComparePDF(&buf, c); err != nil {
		t.Fatalf("WriteComparePDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("WriteComparePDF wrote %q..., want a PDF", buf.Bytes()[:min(20, buf.Len())])
	}
	keepArtifact(t, name, buf.Bytes())
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	pages := strings.Count(string(out), "\f")
	return strings.Join(strings.Fields(string(out)), " "), pages
}

func TestWriteComparePDF(t *testing.T) {
	c := threeProviders(t)
	text, pages := comparePDFText(t, c, "compare3.pdf")
	want := []string{
		"Provider comparison", "Shared responsibility (shared-responsibility), version 1",
		"best first by coverage score", "scores as of 2026-11-29",
		nordic, russian, script, never, "not evaluated yet", "Listed apart",
		"Question scores by provider", "Score by question", "Answers: Abuse cases",
		"Responsibility: who secures each layer", "Layers you keep",
		"▲ Customer (reference: Provider)", "Page 1 of ",
	}
	for _, p := range c.Providers {
		want = append(want, score1(p.Summary.Score.Overall))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	if strings.Contains(text, " of 3") {
		t.Error("PDF splits three providers across pages; want them on one set of pages")
	}
	if pages < 2 {
		t.Errorf("PDF has %d pages, want the chart page and the table", pages)
	}
}

func TestWriteComparePDFManyProviders(t *testing.T) {
	for _, tc := range []struct {
		n        int
		captions []string
	}{
		{20, []string{"Providers 1–5 of 20", "Providers 6–10 of 20", "Providers 11–15 of 20", "Providers 16–20 of 20"}},
		{50, []string{"Providers 1–6 of 50", "Providers 25–30 of 50", "Providers 46–50 of 50"}},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			c := manyProviders(t, tc.n)
			text, _ := comparePDFText(t, c, fmt.Sprintf("compare%d.pdf", tc.n))
			for _, p := range c.Providers {
				if got := strings.Count(text, p.Provider.Name); got < 2 {
					t.Errorf("PDF text has %q %d times, want it in the legend and its table column", p.Provider.Name, got)
				}
			}
			for _, w := range tc.captions {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks the page-split caption %q", w)
				}
			}
		})
	}
}

// TestWriteComparePDFIsStable renders a comparison twice: the same comparison gives the same
// bytes, whatever the time of day.
func TestWriteComparePDFIsStable(t *testing.T) {
	c := threeProviders(t)
	var a, b bytes.Buffer
	if err := WriteComparePDF(&a, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteComparePDF(&b, c); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two renderings differ (%d vs %d bytes)", a.Len(), b.Len())
	}
}

func TestWriteComparePDFNobodyCompared(t *testing.T) {
	c := compareOf(t, []assess.CompareInput{
		compareInput(t, 1, "Acme", assess.SaaS, nil),
		compareInput(t, 2, "Beta", assess.IaaS, nil),
	}, assess.SortByCoverage)
	text, _ := comparePDFText(t, c, "compare0.pdf")
	for _, w := range []string{"No provider could be compared", "Acme", "Beta", "not evaluated yet"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
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
