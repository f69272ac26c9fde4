package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"os"
	"strings"
	"testing"
	"time"

	"shareline/internal/report/pdf"
	"shareline/internal/report/reporttest"
)

// scriptsDoc is a small document naming a provider in every script, each in its own paragraph.
func scriptsDoc() pdf.Document {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Every script</title>` +
		`<style>body{font-family:"Noto Sans","Noto Sans Arabic","Noto Sans Hebrew","WenQuanYi Zen Hei",Symbola,sans-serif;font-variant-emoji:text}</style>` +
		`</head><body><h1>Providers</h1>`)
	for _, n := range reporttest.ScriptNames {
		b.WriteString(`<h2>` + n.Script + `</h2><p>` + html.EscapeString(n.Name) + `</p>`)
	}
	b.WriteString(`</body></html>`)
	return pdf.Document{HTML: b.String(), Footer: "Confidential", Meta: pdf.Metadata{
		Title: "Security coverage report: 阿里云计算 Rocket Cloud ☁️🚀 Ltd", Author: "Ana Müller",
		Subject: "Every script", Keywords: []string{"security", "Облачные"},
		Created: time.Date(2026, 11, 29, 15, 5, 0, 0, time.FixedZone("CET", 3600)),
	}}
}

func TestPrintReadsBackInEveryScript(t *testing.T) {
	doc := scriptsDoc()
	path := saved(t, printDoc(t, doc), "scripts.pdf")
	text := pdfText(t, path)
	for _, n := range reporttest.ScriptNames {
		if !n.Found(text) {
			t.Errorf("%s: pdftotext lacks %q in logical order; got %q", n.Script, n.Want, text)
		}
	}
	if strings.Contains(text, "□") {
		t.Errorf("pdftotext gives □, a glyph that no font drew: %q", text)
	}
	checkFonts(t, path)
	checkQPDF(t, path)
	info := pdfInfo(t, path)
	for k, want := range map[string]string{
		"Title": doc.Meta.Title, "Author": "Ana Müller", "Subject": "Every script", "Keywords": "security, Облачные",
		"Creator": "Shareline", "Producer": pdf.Producer, "Tagged": "yes", "Metadata Stream": "yes",
		"CreationDate": "2026-11-29T15:05:00+01", "Page size": "595.92 x 841.92 pts (A4)",
	} {
		if got := info[k]; !strings.HasPrefix(got, want) {
			t.Errorf("pdfinfo %s: got %q, want %q", k, got, want)
		}
	}
	meta := run(t, tool(t, "pdfinfo", "poppler-utils"), "-meta", path)
	for _, want := range []string{"<dc:creator><rdf:Seq><rdf:li>Ana Müller</rdf:li>", "<xmp:CreateDate>2026-11-29T15:05:00+01:00</xmp:CreateDate>",
		"<dc:language><rdf:Bag><rdf:li>en</rdf:li>"} {
		if !strings.Contains(meta, want) {
			t.Errorf("XMP metadata lacks %q:\n%s", want, meta)
		}
	}
	if raw, _ := os.ReadFile(path); !bytes.Contains(raw, []byte("/Lang (en)")) {
		t.Error("the catalog has no document language /Lang (en)")
	}
	got := outline(t, path)
	if len(got) < 1+len(reporttest.ScriptNames) || got[0] != "Providers" {
		t.Errorf("outline: got %q, want Providers and a bookmark per script", got)
	}
}

func TestPrintLandscape(t *testing.T) {
	doc := scriptsDoc()
	doc.Landscape = true
	info := pdfInfo(t, saved(t, printDoc(t, doc), "landscape.pdf"))
	if got, want := info["Page size"], "841.92 x 595.92 pts (A4)"; !strings.HasPrefix(got, want) {
		t.Errorf("Page size: got %q, want %q", got, want)
	}
}

func TestPrintWithoutChromium(t *testing.T) {
	r := pdf.NewRenderer(pdf.Options{Chromium: ""})
	if r.Available() != nil {
		t.Skip("this test needs a Chromium to be found by default; it checks a missing one below")
	}
	t.Setenv("SHARELINE_CHROMIUM", "/nonexistent/chromium")
	r = pdf.NewRenderer(pdf.Options{})
	err := r.Available()
	if err == nil || !strings.Contains(err.Error(), "SHARELINE_CHROMIUM=/nonexistent/chromium") {
		t.Fatalf("Available: got %v, want an error naming SHARELINE_CHROMIUM", err)
	}
	if _, perr := r.Print(context.Background(), scriptsDoc()); perr == nil || perr.Error() != err.Error() {
		t.Errorf("Print: got %v, want %v", perr, err)
	}
	if _, ferr := pdf.FindChromium(func(string) string { return "" }); ferr != nil && !errors.Is(ferr, pdf.ErrNoChromium) {
		t.Errorf("FindChromium without the variable: got %v, want a Chromium or ErrNoChromium", ferr)
	}
}

func TestPrintTimesOut(t *testing.T) {
	r := pdf.NewRenderer(pdf.Options{Timeout: time.Millisecond})
	if r.Available() != nil {
		t.Fatal(r.Available())
	}
	defer r.Close()
	if _, err := r.Print(context.Background(), scriptsDoc()); err == nil {
		t.Fatal("Print with a 1 ms timeout: got a PDF, want a timeout")
	}
}

func TestPrintConcurrently(t *testing.T) {
	doc := scriptsDoc()
	errs := make(chan error, 6)
	for range 6 {
		go func() {
			b, err := renderer().Print(context.Background(), doc)
			if err == nil && !strings.HasPrefix(string(b[:5]), "%PDF-") {
				err = errors.New("not a PDF")
			}
			errs <- err
		}()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestPrintStartsTheBrowserAgain closes the browser between two prints, as when it dies: the
// second print starts a new one.
func TestPrintStartsTheBrowserAgain(t *testing.T) {
	r := pdf.NewRenderer(pdf.Options{})
	if err := r.Available(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range 2 {
		if _, err := r.Print(context.Background(), scriptsDoc()); err != nil {
			t.Fatalf("print %d: %v", i+1, err)
		}
		r.Close()
	}
}
