package pdf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"shareline/internal/report/pdf"
	"shareline/internal/report/reporttest"
)

// renderer is the one browser every test of this package prints with, as the server has one.
var renderer = sync.OnceValue(func() *pdf.Renderer { return pdf.NewRenderer(pdf.Options{Concurrency: 2}) })

// printDoc prints doc or fails the test, saying how to get Chromium when there is none.
func printDoc(t testing.TB, doc pdf.Document) []byte {
	t.Helper()
	r := renderer()
	if err := r.Available(); err != nil {
		t.Fatalf("%v (.ci/run installs chromium)", err)
	}
	b, err := r.Print(context.Background(), doc)
	if err != nil {
		t.Fatalf("Print: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("printed %q..., want a PDF", b[:min(20, len(b))])
	}
	return b
}

// tool finds a reader on PATH or fails the test with how to install it.
func tool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is missing (apt-get install %s; .ci/run does): %v", name, pkg, err)
	}
	return path
}

// saved writes a PDF to a temporary file (and to $REPORT_OUT_DIR, when set) and returns its path.
func saved(t testing.TB, b []byte, name string) string {
	t.Helper()
	reporttest.KeepArtifact(t, name, b)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// bidiControls are the marks pdftotext puts around right-to-left runs; a reader sees none.
var bidiControls = strings.NewReplacer("\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u200e", "", "\u200f", "", "\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "")

// pdfText is the text pdftotext reads from the PDF at path, in reading order, without bidi
// marks and with runs of white space folded to one space.
func pdfText(t testing.TB, path string) string {
	t.Helper()
	out := run(t, tool(t, "pdftotext", "poppler-utils"), "-enc", "UTF-8", path, "-")
	return strings.Join(strings.Fields(bidiControls.Replace(out)), " ")
}

// pdfInfo is pdfinfo's fields of the PDF at path.
func pdfInfo(t testing.TB, path string) map[string]string {
	t.Helper()
	out := run(t, tool(t, "pdfinfo", "poppler-utils"), "-isodates", path)
	fields := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return fields
}

var subsetTag = regexp.MustCompile(`^[A-Z]{6}\+\S+$`)

// checkFonts fails unless pdffonts lists at least one font and every font is embedded, subset
// and named with a subset tag.
func checkFonts(t testing.TB, path string) []string {
	t.Helper()
	out := run(t, tool(t, "pdffonts", "poppler-utils"), path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var names []string
	for _, line := range lines[min(2, len(lines)):] {
		f := strings.Fields(line)
		// name type... encoding emb sub uni object ID
		if len(f) < 7 {
			t.Errorf("pdffonts line %q: cannot read it", line)
			continue
		}
		emb, sub := f[len(f)-5], f[len(f)-4]
		if !subsetTag.MatchString(f[0]) || emb != "yes" || sub != "yes" {
			t.Errorf("pdffonts: %q, want every font embedded (emb yes), subset (sub yes) and subset-tagged (ABCDEF+Name)", line)
		}
		names = append(names, f[0])
	}
	if len(names) == 0 {
		t.Errorf("pdffonts lists no font:\n%s", out)
	}
	return names
}

// checkQPDF runs qpdf --check, which fails on a damaged file.
func checkQPDF(t testing.TB, path string) {
	t.Helper()
	run(t, tool(t, "qpdf", "qpdf"), "--check", path)
}

// outline is the titles of the PDF's bookmarks, in order, depth first, read by qpdf.
func outline(t testing.TB, path string) []string {
	t.Helper()
	out := run(t, tool(t, "qpdf", "qpdf"), "--json", "--json-key=outlines", path)
	var doc struct {
		Outlines []outlineItem `json:"outlines"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	var titles []string
	var walk func([]outlineItem)
	walk = func(items []outlineItem) {
		for _, it := range items {
			titles = append(titles, it.Title)
			walk(it.Kids)
		}
	}
	walk(doc.Outlines)
	return titles
}

type outlineItem struct {
	Title string        `json:"title"`
	Kids  []outlineItem `json:"kids"`
}

// pages renders every page to PNG at a low resolution when REPORT_OUT_DIR is set, to look at.
func pages(t testing.TB, path, name string) {
	t.Helper()
	if dir := os.Getenv("REPORT_OUT_DIR"); dir != "" {
		run(t, tool(t, "pdftoppm", "poppler-utils"), "-r", "70", "-png", path, filepath.Join(dir, name))
	}
}
