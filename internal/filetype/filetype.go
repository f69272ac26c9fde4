// Package filetype decides what an uploaded evidence file is from its content, not its name,
// and refuses anything Shareline does not accept: executables, HTML, SVG or XML, archives, and
// a name whose extension says something other than the content.
//
// Sniff needs only the first HeadSize bytes. For a ZIP (DOCX and XLSX are ZIP archives) the
// start of the file cannot tell a Word document from any other archive: Sniff then returns
// ErrNeedArchive, and the caller, once it has the whole file (stored, say), calls Check, which
// also reads the archive's central directory and its [Content_Types].xml part.
package filetype

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// HeadSize is how much of the start of a file Sniff looks at.
const HeadSize = 8 << 10

// Type is an accepted kind of file.
type Type string

// The accepted types.
const (
	PDF  Type = "pdf"
	PNG  Type = "png"
	JPEG Type = "jpeg"
	DOCX Type = "docx"
	XLSX Type = "xlsx"
	CSV  Type = "csv"
	Text Type = "txt"
)

var types = map[Type]struct {
	label, mime string
	exts        []string
}{
	PDF:  {"a PDF document", "application/pdf", []string{".pdf"}},
	PNG:  {"a PNG image", "image/png", []string{".png"}},
	JPEG: {"a JPEG image", "image/jpeg", []string{".jpg", ".jpeg"}},
	DOCX: {"a Word document (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}},
	XLSX: {"an Excel workbook (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}},
	CSV:  {"a CSV file", "text/csv; charset=utf-8", []string{".csv"}},
	Text: {"a plain text file", "text/plain; charset=utf-8", []string{".txt"}},
}

// MIME is the media type to send the file with.
func (t Type) MIME() string { return types[t].mime }

// String names the type for people: "a PDF document". string(t), "pdf", is the stable code to
// store.
func (t Type) String() string { return types[t].label }

// Extensions are the file name extensions that may carry the type, lower case with the dot.
func (t Type) Extensions() []string { return types[t].exts }

// Accepted lists what is accepted, for messages and forms: "PDF, PNG, JPEG, DOCX, XLSX, CSV, TXT".
const Accepted = "PDF, PNG, JPEG, DOCX, XLSX, CSV, TXT"

// AcceptAttribute is the accepted types for an HTML file input's accept attribute, by their
// extensions (".pdf,.png,..."), so that a browser's file chooser offers what is accepted.
func AcceptAttribute() string {
	var parts []string
	for _, t := range []Type{PDF, PNG, JPEG, DOCX, XLSX, CSV, Text} {
		parts = append(parts, t.Extensions()...)
	}
	return strings.Join(parts, ",")
}

// ErrNeedArchive: the file is a ZIP archive named as a DOCX or XLSX; only Check, with the whole
// file, can tell.
var ErrNeedArchive = errors.New("filetype: a ZIP archive: the whole file is needed to check it")

// Refused is why a file is not accepted, in words fit to show the person who uploaded it.
type Refused struct {
	Reason string
}

func (e *Refused) Error() string { return e.Reason }

func refuse(format string, args ...any) error {
	return &Refused{Reason: fmt.Sprintf(format, args...)}
}

// Sniff decides the type of a file called name whose content starts with head (its first
// HeadSize bytes, or all of it if shorter). It returns a *Refused error for a file that is not
// accepted, and ErrNeedArchive for a ZIP named as a DOCX or XLSX (call Check).
func Sniff(name string, head []byte) (Type, error) {
	t, err := sniffContent(head)
	if err != nil {
		return "", err
	}
	if t == zipArchive {
		ext := extension(name)
		if ext != ".docx" && ext != ".xlsx" {
			return "", refuse("%s is a ZIP archive; archives are not accepted (accepted: %s)", quote(name), Accepted)
		}
		return "", ErrNeedArchive
	}
	if t == Text && extension(name) == ".csv" {
		t = CSV
	}
	return t, matchName(name, t)
}

// zipArchive is what sniffContent calls a ZIP, before Check looks inside.
const zipArchive Type = "zip"

// sniffContent names the type head shows, or refuses it.
func sniffContent(head []byte) (Type, error) {
	if len(head) == 0 {
		return "", refuse("the file is empty")
	}
	if what, ok := executable(head); ok {
		return "", refuse("the file is %s; programs and scripts are not accepted", what)
	}
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return zipArchive, nil
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return "", refuse("the file is an old-format Office document (.doc, .xls) or a password-protected one; save it as DOCX, XLSX or PDF")
	}
	if markup, ok := markupStart(head); ok {
		return "", refuse("the file is %s; web pages, SVG and XML are not accepted", markup)
	}
	if reason := notText(head); reason != "" {
		return "", refuse("the file is not of an accepted type (%s): %s", Accepted, reason)
	}
	return Text, nil // CSV or text: the name decides which
}

// executable recognises programs by their first bytes.
func executable(head []byte) (string, bool) {
	magics := []struct{ prefix, what string }{
		{"\x7fELF", "a Linux program (ELF)"},
		{"MZ", "a Windows program (EXE or DLL)"},
		{"\xfe\xed\xfa\xce", "a macOS program (Mach-O)"},
		{"\xfe\xed\xfa\xcf", "a macOS program (Mach-O)"},
		{"\xce\xfa\xed\xfe", "a macOS program (Mach-O)"},
		{"\xcf\xfa\xed\xfe", "a macOS program (Mach-O)"},
		{"\xca\xfe\xba\xbe", "a macOS universal program or Java class"},
		{"\x00asm", "a WebAssembly module"},
		{"#!", "a script"},
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return m.what, true
		}
	}
	return "", false
}

// markupTags are the starts by which browsers (WHATWG MIME sniffing) take content for HTML or
// XML, after leading white space; an SVG is XML or starts <svg.
var markupTags = []string{
	"<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font", "<table",
	"<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--", "<?xml", "<svg", "<xsl",
}

// markupStart reports whether head starts, after a byte order mark and white space, like HTML,
// SVG or XML.
func markupStart(head []byte) (string, bool) {
	s := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	s = bytes.TrimLeft(s, " \t\n\r\f")
	if len(s) == 0 || s[0] != '<' {
		return "", false
	}
	lower := strings.ToLower(string(s[:min(len(s), 16)]))
	for _, tag := range markupTags {
		if !strings.HasPrefix(lower, tag) {
			continue
		}
		// A tag name ends there ("<b" is not "<bogus"); a comment or declaration needs no end.
		if rest := lower[len(tag):]; tag[1] == '!' || tag[1] == '?' || rest == "" || rest[0] == ' ' || rest[0] == '>' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '/' {
			switch {
			case tag == "<svg":
				return "an SVG image", true
			case tag == "<?xml" || tag == "<xsl":
				return "an XML document", true
			}
			return "an HTML page", true
		}
	}
	return "", false
}

// notText says why head is not UTF-8 text, or "" if it is. A head of HeadSize bytes may end
// inside a character: that is not held against it.
func notText(head []byte) string {
	if bytes.IndexByte(head, 0) >= 0 {
		return "it is binary (it has NUL bytes); text must be UTF-8"
	}
	s := head
	if len(s) >= HeadSize {
		// Drop a last character cut off by the end of the head.
		for i := 1; i <= utf8.UTFMax && i <= len(s); i++ {
			if utf8.RuneStart(s[len(s)-i]) {
				if !utf8.FullRune(s[len(s)-i:]) {
					s = s[:len(s)-i]
				}
				break
			}
		}
	}
	if !utf8.Valid(s) {
		return "it is not UTF-8 text"
	}
	return ""
}

// matchName checks that name's extension is one the content's type may carry.
func matchName(name string, t Type) error {
	ext := extension(name)
	for _, e := range t.Extensions() {
		if ext == e {
			return nil
		}
	}
	if ext == "" {
		return refuse("%s has no extension; the content is %s, so name it %s", quote(name), t, "something"+t.Extensions()[0])
	}
	if named, ok := byExtension(ext); ok {
		return refuse("%s is named as %s but its content is %s", quote(name), named, t)
	}
	return refuse("%s: the extension %s is not accepted (accepted: %s)", quote(name), ext, Accepted)
}

// byExtension is the type ext names, if any.
func byExtension(ext string) (Type, bool) {
	for t, info := range types {
		for _, e := range info.exts {
			if e == ext {
				return t, true
			}
		}
	}
	return "", false
}

// extension is name's extension, lower case with the dot; a Windows path's folders are dropped.
func extension(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	return strings.ToLower(path.Ext(name))
}

// quote shows a file name in a message, bounded and with no control characters.
func quote(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:77]) + "..."
	}
	return fmt.Sprintf("%q", name)
}
