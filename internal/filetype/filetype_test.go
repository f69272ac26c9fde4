package filetype

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shareline/internal/filetype/filetypetest"
)

func sampleImage(t *testing.T, encode func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func samplePNG(t *testing.T) []byte {
	return sampleImage(t, func(b *bytes.Buffer, img image.Image) error { return png.Encode(b, img) })
}

func sampleJPEG(t *testing.T) []byte {
	return sampleImage(t, func(b *bytes.Buffer, img image.Image) error { return jpeg.Encode(b, img, nil) })
}

// sampleZIP makes an archive of the given parts, in order.
func sampleZIP(t *testing.T, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for i := 0; i < len(parts); i += 2 {
		f, err := w.Create(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(parts[i+1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	relsPart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	documentPart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>SOC 2 bridge letter</w:t></w:r></w:p></w:body></w:document>`
)

func contentTypes(main string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="` + main + `"/></Types>`
}

// sampleDOCX is a minimal Word document: the parts Word needs to open it.
func sampleDOCX(t *testing.T) []byte {
	return sampleZIP(t,
		"[Content_Types].xml", contentTypes("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		"_rels/.rels", relsPart,
		"word/document.xml", documentPart)
}

// sampleXLSX is a workbook as excelize (what Shareline's own XLSX export uses) writes it.
func sampleXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "control")
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckAccepts(t *testing.T) {
	cut := append(bytes.Repeat([]byte("a"), HeadSize-1), "é and more text after the head"...)
	tests := []struct {
		name string
		data []byte
		want Type
	}{
		{"report.pdf", filetypetest.PDF(), PDF},
		{"REPORT.PDF", filetypetest.PDF(), PDF},
		{`C:\Users\ana\SOC2 report.pdf`, filetypetest.PDF(), PDF},
		{"diagram.png", samplePNG(t), PNG},
		{"photo.jpg", sampleJPEG(t), JPEG},
		{"photo.jpeg", sampleJPEG(t), JPEG},
		{"letter.docx", sampleDOCX(t), DOCX},
		{"controls.xlsx", sampleXLSX(t), XLSX},
		{"controls.csv", []byte("control,status\nMFA,enabled\n"), CSV},
		{"controls.csv", []byte("\xef\xbb\xbfcontrôle;état\r\nMFA;activé\r\n"), CSV},
		{"notes.txt", []byte("Pen test scope: production, 2026.\n"), Text},
		{"notes.txt", []byte("a < b, and <bogus> is not a tag\n"), Text},
		{"long.txt", cut, Text}, // the head ends inside "é"
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+string(tt.want), func(t *testing.T) {
			got, err := Check(bytes.NewReader(tt.data), int64(len(tt.data)), tt.name)
			if err != nil || got != tt.want {
				t.Fatalf("Check(%q) = %q, %v; want %q, nil", tt.name, got, err, tt.want)
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 64)...)
	macro := sampleZIP(t,
		"[Content_Types].xml", contentTypes("application/vnd.ms-word.document.macroEnabled.main+xml"),
		"word/document.xml", documentPart, "word/vbaProject.bin", "\x00\x01")
	tests := []struct {
		name   string
		data   []byte
		reason string // a part of the message the uploader sees
	}{
		{"report.pdf", pe, "Windows program"},
		{"report.exe", pe, "Windows program"},
		{"report.pdf", []byte("\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00", 56)), "Linux program"},
		{"report.pdf", []byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"), "macOS program"},
		{"notes.txt", []byte("#!/bin/sh\nrm -rf /\n"), "script"},
		{"report.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "HTML page"},
		{"report.pdf", []byte("\n  <html><body>Sign in</body></html>"), "HTML page"},
		{"notes.txt", []byte("\xef\xbb\xbf<script>alert(1)</script>"), "HTML page"},
		{"diagram.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "SVG"},
		{"data.csv", []byte(`<?xml version="1.0"?><a/>`), "XML"},
		{"evidence.zip", sampleZIP(t, "a.txt", "hello"), "ZIP archive"},
		{"letter.docx", sampleZIP(t, "a.txt", "hello"), "not a Word or Excel document"},
		{"letter.docx", sampleZIP(t, "[Content_Types].xml", contentTypes("application/xml"), "word/document.xml", documentPart), "not a Word or Excel document"},
		{"letter.docx", macro, "macros"},
		{"letter.docx", manyParts(t, maxEntries+1), "too many parts"},
		{"letter.docx", []byte("PK\x03\x04 this is no archive at all"), "damaged"},
		{"letter.docx", sampleXLSX(t), "named as a Word document (DOCX) but its content is an Excel workbook"},
		{"controls.xlsx", sampleDOCX(t), "named as an Excel workbook (XLSX) but its content is a Word document"},
		{"report.pdf", samplePNG(t), "named as a PDF document but its content is a PNG image"},
		{"report.pdf", []byte("just some text\n"), "named as a PDF document but its content is a plain text file"},
		{"diagram.png", filetypetest.PDF(), "named as a PNG image but its content is a PDF"},
		{"report", filetypetest.PDF(), "no extension"},
		{"report.html", filetypetest.PDF(), "extension .html is not accepted"},
		{"legacy.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + strings.Repeat("\x00", 100)), "old-format Office"},
		{"notes.txt", []byte("caf\xe9 au lait\n"), "not UTF-8"},
		{"notes.txt", []byte("a\x00b\x00c\x00"), "NUL"},
		{"empty.txt", nil, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.reason, func(t *testing.T) {
			got, err := Check(bytes.NewReader(tt.data), int64(len(tt.data)), tt.name)
			var refused *Refused
			if !errors.As(err, &refused) {
				t.Fatalf("Check(%q) = %q, %v; want a refusal saying %q", tt.name, got, err, tt.reason)
			}
			if !strings.Contains(refused.Reason, tt.reason) {
				t.Errorf("Check(%q) refused with %q; want it to say %q", tt.name, refused.Reason, tt.reason)
			}
		})
	}
}

// manyParts is a DOCX with n extra empty parts.
func manyParts(t *testing.T, n int) []byte {
	t.Helper()
	parts := []string{
		"[Content_Types].xml", contentTypes("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		"word/document.xml", documentPart,
	}
	for i := range n {
		parts = append(parts, fmt.Sprintf("p%d", i), "")
	}
	return sampleZIP(t, parts...)
}

// TestSniffNeedsArchive: from its start alone, an Office document is only a ZIP.
func TestSniffNeedsArchive(t *testing.T) {
	docx := sampleDOCX(t)
	if _, err := Sniff("letter.docx", docx[:min(len(docx), HeadSize)]); !errors.Is(err, ErrNeedArchive) {
		t.Errorf("Sniff of a DOCX's head: error %v, want ErrNeedArchive", err)
	}
	var refused *Refused
	if _, err := Sniff("backup.zip", docx); !errors.As(err, &refused) {
		t.Errorf("Sniff of a ZIP named .zip: error %v, want a refusal", err)
	}
	if got, err := Sniff("report.pdf", filetypetest.PDF()[:20]); err != nil || got != PDF {
		t.Errorf("Sniff of a PDF's first 20 bytes = %q, %v; want pdf", got, err)
	}
}

func FuzzCheck(f *testing.F) {
	t := &testing.T{}
	for _, seed := range []struct {
		name string
		data []byte
	}{
		{"report.pdf", filetypetest.PDF()}, {"a.png", samplePNG(t)}, {"a.jpg", sampleJPEG(t)},
		{"a.docx", sampleDOCX(t)}, {"a.xlsx", sampleXLSX(t)}, {"a.csv", []byte("a,b\n1,2\n")},
		{"a.txt", []byte("hello\n")}, {"a.pdf", []byte("<html>")}, {"a.zip", sampleZIP(t, "x", "y")},
	} {
		f.Add(seed.name, seed.data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		got, err := Check(bytes.NewReader(data), int64(len(data)), name)
		if err != nil {
			var refused *Refused
			if !errors.As(err, &refused) {
				t.Fatalf("Check(%q) failed with %v, not a refusal", name, err)
			}
			if refused.Reason == "" {
				t.Fatalf("Check(%q) refused with no reason", name)
			}
			return
		}
		if _, ok := types[got]; !ok {
			t.Fatalf("Check(%q) accepted an unknown type %q", name, got)
		}
		if !slices.Contains(got.Extensions(), extension(name)) {
			t.Fatalf("Check(%q) accepted %s whose extensions are %v", name, got, got.Extensions())
		}
		if what, ok := executable(data); ok {
			t.Fatalf("Check(%q) accepted %s as %s", name, what, got)
		}
		if what, ok := markupStart(data); ok {
			t.Fatalf("Check(%q) accepted %s as %s", name, what, got)
		}
	})
}
