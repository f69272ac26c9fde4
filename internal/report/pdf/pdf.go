// Package pdf prints Shareline's reports to PDF with headless Chromium: the caller renders the
// report's HTML print layout (package templates) and a Renderer prints it, so that a PDF is the
// same document as the report page, with the browser's text shaping, bidirectional text and font
// fallback for every script. One warm browser serves every request, a bounded number of pages
// at a time, each with a timeout. Chromium does not write every field of the document
// information, so the Renderer adds the author, subject, keywords, creator and an XMP metadata
// stream in an incremental update (metadata.go).
package pdf

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// ErrNoChromium is returned by FindChromium, and by Print, when no Chromium can be found.
var ErrNoChromium = errors.New("no Chromium found: install Debian's chromium package (apt-get install chromium) or set SHARELINE_CHROMIUM to a Chrome or Chromium binary")

// chromiumNames are the usual names and places of a Chromium or Chrome binary, tried in order
// after SHARELINE_CHROMIUM.
var chromiumNames = []string{
	"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless-shell",
	"/usr/bin/chromium", "/usr/lib/chromium/chromium", "/snap/bin/chromium",
	"/opt/google/chrome/chrome", "/headless-shell/headless-shell",
}

// FindChromium finds the browser the way Shareline finds PostgreSQL: SHARELINE_CHROMIUM (read
// through getenv) when set, which must then name a program that exists; else the usual names
// on PATH and the usual install paths.
func FindChromium(getenv func(string) string) (string, error) {
	if p := getenv("SHARELINE_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("SHARELINE_CHROMIUM=%s: %w", p, err)
		}
		return path, nil
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", ErrNoChromium
}

// Options configure a Renderer.
type Options struct {
	// Chromium is the browser binary; empty finds one with FindChromium(os.Getenv).
	Chromium string
	// Concurrency is how many pages print at once (default 2): each page costs the browser
	// memory and CPU, so more requests wait rather than overload a small machine.
	Concurrency int
	// Timeout bounds one print, waiting for a free page included (default 30 s).
	Timeout time.Duration
}

func (o Options) withDefaults() (Options, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Chromium == "" {
		path, err := FindChromium(os.Getenv)
		if err != nil {
			return o, err
		}
		o.Chromium = path
	} else if _, err := exec.LookPath(o.Chromium); err != nil {
		return o, fmt.Errorf("no Chromium at %s: %w", o.Chromium, err)
	}
	return o, nil
}

// Document is an HTML document to print and the metadata its PDF carries.
type Document struct {
	// HTML is a whole, self-contained document (styles inline, images as data: URLs): the
	// page is printed without network access.
	HTML string
	// Landscape prints A4 landscape; else A4 portrait.
	Landscape bool
	// Footer is the text of every page's footer, left of "Page N of M" (the confidentiality
	// marking, say); empty leaves only the page numbers.
	Footer string
	Meta   Metadata
}

// Metadata is the document information of a PDF.
type Metadata struct {
	Title    string
	Author   string // who generated the document
	Subject  string
	Keywords []string
	Language string // BCP 47, "en" when empty
	Created  time.Time
}
