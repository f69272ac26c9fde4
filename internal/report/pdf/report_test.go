package pdf

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

// readBack writes a PDF to a file named name and reads it back with pdftotext, as a user's PDF
// reader would, with runs of white space folded to one space so that wrapped lines read as
// one; it also returns the page count. layout keeps the page's layout (pdftotext -layout).
func readBack(t *testing.T, pdf []byte, name string, layout bool) (string, int) {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is missing (install poppler-utils; .ci/run does): %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("wrote %q..., want a PDF", pdf[:min(20, len(pdf))])
	}
	reporttest.KeepArtifact(t, name, pdf)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-enc", "UTF-8", path, "-"}
	if layout {
		args = append([]string{"-layout"}, args...)
	}
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " "), strings.Count(string(out), "\f")
}

// reportText renders a report and reads it back.
func reportText(t *testing.T, r report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteReport(&buf, r); err != nil {
		t.Fatalf("WriteReport: %v", err)
	}
	text, _ := readBack(t, buf.Bytes(), report.FileName(r, "pdf"), false)
	return text
}

func wantAll(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

func wantNone(t *testing.T, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("PDF text has %q", w)
		}
	}
}

func TestWriteReportShowsTheReport(t *testing.T) {
	for _, name := range []string{"Nordić Cloud Ünited", "Облачные Системы"} {
		t.Run(name, func(t *testing.T) {
			r := reporttest.Full(t, name)
			text := reportText(t, r)
			abuse, _ := r.Summary.Score.Question("abuse_cases")
			want := []string{
				name, "Object storage", r.Summary.Score.Text(), "Abuse cases",
				"83.3", // the worked example of QUESTIONNAIRE.md
				report.OneDecimal(abuse.Score), r.Summary.Score.Tier.Label(),
				"Ana Müller", "Completed by Jean Dupont", "Status Completed",
				"Follow-up questions for the provider", "What stays with you", "Responsibility matrix",
				"Operating system", "Deviation", "https://docs.example.com/security (effective 2026-05-01)", "Page 1 of ",
			}
			for _, q := range r.Questionnaire.Questions {
				want = append(want, q.Title)
			}
			fus := r.FollowUps()
			if len(fus) == 0 {
				t.Fatal("FollowUps is empty; the test report should have some")
			}
			wantAll(t, text, append(want, fus[0].Text, fus[len(fus)-1].Text)...)
		})
	}
}

func TestWriteReportReplacesCharactersTheFontLacks(t *testing.T) {
	text := reportText(t, reporttest.Full(t, "Nordić Cloud Ünited"))
	wantNone(t, text, "中", "😀")
	if want := "A national scheme □ □ only."; !strings.Contains(text, want) {
		t.Errorf("PDF text lacks %q: a missing glyph must come out as a visible □", want)
	}
}

// TestWriteReportNotAssessed renders an evaluation with nothing answered: no score and no
// tier, but "Not assessed".
func TestWriteReportNotAssessed(t *testing.T) {
	r := reporttest.Empty(t)
	r.Evaluation.CreatedBy = ""
	text := reportText(t, r)
	wantAll(t, text, "Acme", "Not assessed", "Nothing is answered yet.", "not recorded", "Not answered",
		"reference split for IaaS", "Status In progress")
	wantNone(t, text, "0.0 / 100", "Poor", "Completed by", "Score 0.0")
}

// TestWriteReportWithoutSplit renders a report on a questionnaire without a responsibility
// split: no matrix, and nothing about what stays with the customer.
func TestWriteReportWithoutSplit(t *testing.T) {
	r := reporttest.Build(t, reporttest.NoSplit(t), "Acme", "Email", "saas", reporttest.NoSplitInputs())
	text := reportText(t, r)
	wantAll(t, text, "Acme", "Vendor basics", "Information security policy", "Frameworks followed",
		"Follow-up questions for the provider", "Answers in detail", r.Summary.Score.Text())
	wantNone(t, text, "Responsibility matrix", "What stays with you", "reference split", "Deviation")
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

// TestWriteReportLongExplanation checks that a row taller than a page is split between lines
// rather than cut off: its last words still come out.
func TestWriteReportLongExplanation(t *testing.T) {
	long := strings.Repeat("The provider explains its malware controls at length. ", 180) + "THE-LAST-WORDS"
	r := reporttest.Build(t, reporttest.Questionnaire(t), "Acme", "", "saas", []reporttest.Input{
		{Question: "abuse_cases", Element: "malware", Value: `"partial"`, Explanation: long},
	})
	text := reportText(t, r)
	wantAll(t, text, "THE-LAST-WORDS")
	// Count a single word: a sentence may straddle a page break, with footer and header
	// text between its halves.
	if got := strings.Count(text, "length."); got != 180 {
		t.Errorf("PDF text has the repeated sentence's last word %d times, want 180", got)
	}
}

// TestWriteReportConcurrently renders the same report from several goroutines, as a server
// does: the embedded fonts are shared, and every copy must come out the same.
func TestWriteReportConcurrently(t *testing.T) {
	r := reporttest.Full(t, "Nordić Cloud Ünited")
	var first bytes.Buffer
	if err := WriteReport(&first, r); err != nil {
		t.Fatal(err)
	}
	out := make([]bytes.Buffer, 4)
	errs := make(chan error, len(out))
	for i := range out {
		go func() { errs <- WriteReport(&out[i], r) }()
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

func BenchmarkWriteReport(b *testing.B) {
	r := reporttest.Full(b, "Nordić Cloud Ünited")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteReport(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
