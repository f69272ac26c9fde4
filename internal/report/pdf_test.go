package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"shareline/internal/assess"
)

// pdfText renders a report and reads it back with pdftotext, as a user's PDF reader would,
// with runs of white space folded to one space so that wrapped lines read as one.
func pdfText(t *testing.T, r Report) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is missing (install poppler-utils; .ci/run does): %v", err)
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, r); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("WritePDF wrote %q..., want a PDF", buf.Bytes()[:min(20, buf.Len())])
	}
	path := filepath.Join(t.TempDir(), FileName(r, "pdf"))
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("REPORT_PDF_DIR"); out != "" {
		// Keep a copy to render and look at: REPORT_PDF_DIR=/tmp go test -run PDF
		_ = os.WriteFile(filepath.Join(out, filepath.Base(path)), buf.Bytes(), 0o600)
	}
	text, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(text)), " ")
}

func TestWritePDFShowsTheReport(t *testing.T) {
	for _, name := range []string{"Nordić Cloud Ünited", "Облачные Системы"} {
		t.Run(name, func(t *testing.T) {
			r := fullReport(t, name)
			text := pdfText(t, r)
			abuse, _ := r.Summary.Score.Question("abuse_cases")
			want := []string{
				name,
				"Object storage",
				score1(r.Summary.Score.Overall),
				"Abuse cases",
				"83.3", // the worked example of QUESTIONNAIRE.md
				score1(abuse.Score),
				r.Summary.Score.Tier.Label(),
				"Ana Müller",
				"Follow-up questions for the provider",
				"What stays with you",
				"Responsibility matrix",
				"Deviation",
				"https://docs.example.com/security (effective 2026-05-01)",
				"Page 1 of ",
			}
			for _, q := range r.Questionnaire.Questions {
				want = append(want, q.Title)
			}
			fus := FollowUps(r)
			if len(fus) == 0 {
				t.Fatal("FollowUps is empty; the test report should have some")
			}
			want = append(want, fus[0].Text, fus[len(fus)-1].Text)
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
		})
	}
}

func TestWritePDFReplacesCharactersTheFontLacks(t *testing.T) {
	text := pdfText(t, fullReport(t, "Nordić Cloud Ünited"))
	for _, gone := range []string{"中", "😀"} {
		if strings.Contains(text, gone) {
			t.Errorf("PDF text has %q, which DejaVu Sans cannot draw; want it replaced", gone)
		}
	}
	if want := "A national scheme □ □ only."; !strings.Contains(text, want) {
		t.Errorf("PDF text lacks %q: a missing glyph must come out as a visible □", want)
	}
}

func TestWritePDFEmptyEvaluation(t *testing.T) {
	r := buildReport(t, "Acme", "", assess.IaaS, nil)
	r.Evaluator = ""
	text := pdfText(t, r)
	for _, w := range []string{"Acme", "0.0", "Poor", "not recorded", "Not answered", "reference split for IaaS"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text of an unanswered evaluation lacks %q", w)
		}
	}
}

func TestGlyphSetReadsTheFontCmap(t *testing.T) {
	g, err := fontGlyphs()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "AzćÜßЖж€“”□▲↗" {
		if !g.has(r) {
			t.Errorf("glyph set lacks %q, which DejaVu Sans has", r)
		}
	}
	for _, r := range []rune{'中', 0x1F600, 0x0007} {
		if g.has(r) {
			t.Errorf("glyph set has %U, which DejaVu Sans lacks (or cannot be drawn)", r)
		}
	}
	if got, want := g.drawable("a\tb\r\nc中\x07"), "a b\nc□□"; got != want {
		t.Errorf("drawable = %q, want %q", got, want)
	}
}

// TestWritePDFLongExplanation checks that a row taller than a page is split between lines
// rather than cut off: its last words still come out.
func TestWritePDFLongExplanation(t *testing.T) {
	long := strings.Repeat("The provider explains its malware controls at length. ", 180) + "THE-LAST-WORDS"
	r := buildReport(t, "Acme", "", assess.SaaS, []input{
		{question: "abuse_cases", element: "malware", value: `"partial"`, explanation: long},
	})
	text := pdfText(t, r)
	if !strings.Contains(text, "THE-LAST-WORDS") {
		t.Error("PDF text lacks the end of a long explanation")
	}
	// Count a single word: a sentence may straddle a page break, with footer and header
	// text between its halves.
	if got := strings.Count(text, "length."); got != 180 {
		t.Errorf("PDF text has the repeated sentence's last word %d times, want 180", got)
	}
}

// TestWritePDFConcurrently renders the same report from several goroutines, as a server does:
// the embedded fonts are shared, and every copy must come out the same.
func TestWritePDFConcurrently(t *testing.T) {
	r := fullReport(t, "Nordić Cloud Ünited")
	var first bytes.Buffer
	if err := WritePDF(&first, r); err != nil {
		t.Fatal(err)
	}
	out := make([]bytes.Buffer, 4)
	errs := make(chan error, len(out))
	for i := range out {
		go func() { errs <- WritePDF(&out[i], r) }()
	}
	for range out {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := range out {
		if !bytes.Equal(out[i].Bytes(), first.Bytes()) {
			t.Errorf("copy %d differs from the first rendering (%d vs %d bytes)", i, out[i].Len(), first.Len())
		}
	}
}
