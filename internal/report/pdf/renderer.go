package pdf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Renderer prints Documents with one warm headless Chromium, started on the first Print and
// started again if it dies. It is safe for concurrent use; at most Options.Concurrency pages
// print at once and the others wait (within their timeout).
type Renderer struct {
	opts    Options
	findErr error
	slots   chan struct{}

	mu      sync.Mutex
	browser *browser // nil until the first Print, or after the browser failed
	// tabs are open pages of the browser waiting for the next print, so that a print does not
	// pay for opening and closing a tab.
	tabs chan *tab
}

// tab is an open page of a browser, and how to close it.
type tab struct {
	ctx   context.Context
	close func()
	of    *browser
}

// browser is one running Chromium: its context (cancelling it stops the process) and the
// directory that holds its profile and font configuration.
type browser struct {
	ctx    context.Context
	cancel func()
	dir    string
}

// NewRenderer returns a Renderer. It starts nothing: when no Chromium is found, Available and
// every Print return the reason, so that the other formats go on working without one.
func NewRenderer(opts Options) *Renderer {
	opts, err := opts.withDefaults()
	n := max(opts.Concurrency, 1)
	return &Renderer{opts: opts, findErr: err, slots: make(chan struct{}, n), tabs: make(chan *tab, n)}
}

// Available is nil when the Renderer has a Chromium to print with, else why not.
func (r *Renderer) Available() error { return r.findErr }

// Close stops the browser, if it runs.
func (r *Renderer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopLocked()
	return nil
}

func (r *Renderer) stopLocked() {
	for {
		select {
		case t := <-r.tabs:
			t.close()
			continue
		default:
		}
		break
	}
	if r.browser != nil {
		r.browser.cancel()
		os.RemoveAll(r.browser.dir)
		r.browser = nil
	}
}

// fontConfig leaves out colour bitmap emoji fonts, which Chromium's PDF backend can only embed
// as unnamed Type 3 fonts, so that emoji print as monochrome outline glyphs (Symbola) in a
// subset-tagged TrueType font that text extraction reads like any other.
const fontConfig = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>*/NotoColorEmoji*</glob><glob>*/*ColorEmoji*</glob></rejectfont></selectfont>
</fontconfig>
`

// start launches Chromium and waits for it to answer.
func (r *Renderer) start() (*browser, error) {
	dir, err := os.MkdirTemp("", "shareline-chromium-")
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	fonts := filepath.Join(dir, "fonts.conf")
	if err := os.WriteFile(fonts, []byte(fontConfig), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pdf: %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(r.opts.Chromium),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Env("FONTCONFIG_FILE="+fonts),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &browser{ctx: ctx, dir: dir, cancel: func() { cancelCtx(); cancelAlloc() }}
	startCtx, cancelStart := context.WithTimeout(context.Background(), r.opts.Timeout)
	defer cancelStart()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx, chromedp.Navigate("about:blank")) }()
	select {
	case err = <-done:
	case <-startCtx.Done():
		err = startCtx.Err()
	}
	if err != nil {
		b.cancel()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pdf: start %s: %w", r.opts.Chromium, err)
	}
	return b, nil
}

// warm returns the running browser, starting one when there is none.
func (r *Renderer) warm() (*browser, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.browser != nil && r.browser.ctx.Err() == nil {
		return r.browser, nil
	}
	r.stopLocked()
	b, err := r.start()
	if err != nil {
		return nil, err
	}
	r.browser = b
	return b, nil
}

// forget drops b after a failure that may be the browser's, so that the next Print starts a
// fresh one.
func (r *Renderer) forget(b *browser) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.browser == b {
		r.stopLocked()
	}
}

// Print prints doc to a PDF on A4 paper, tagged, with an outline of its headings and the
// document information of doc.Meta.
func (r *Renderer) Print(ctx context.Context, doc Document) ([]byte, error) {
	if r.findErr != nil {
		return nil, r.findErr
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("pdf: waiting for a free page: %w", ctx.Err())
	}
	b, err := r.warm()
	if err != nil {
		return nil, err
	}
	t, err := r.tab(ctx, b)
	if err != nil {
		r.forget(b)
		return nil, fmt.Errorf("pdf: open a page: %w", err)
	}
	raw, err := printIn(ctx, t, doc)
	if err != nil {
		t.close()
		if ctx.Err() == nil {
			r.forget(b) // the browser may be at fault: start a fresh one next time
		}
		return nil, fmt.Errorf("pdf: print: %w", err)
	}
	select {
	case r.tabs <- t:
	default:
		t.close()
	}
	return stampMetadata(raw, doc.Meta)
}

// tab takes an open page of b from the pool, or opens one.
func (r *Renderer) tab(ctx context.Context, b *browser) (*tab, error) {
	for {
		select {
		case t := <-r.tabs:
			if t.of == b && t.ctx.Err() == nil {
				return t, nil
			}
			t.close()
			continue
		default:
		}
		break
	}
	tctx, closeTab := chromedp.NewContext(b.ctx)
	t := &tab{ctx: tctx, close: closeTab, of: b}
	// The first action on a tab opens it; it runs on the tab's own context (a deadline there
	// would close the tab), and stops waiting when ctx ends.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(tctx, chromedp.Navigate("about:blank")) }()
	select {
	case err := <-done:
		if err != nil {
			closeTab()
			return nil, err
		}
		return t, nil
	case <-ctx.Done():
		closeTab()
		return nil, ctx.Err()
	}
}

// printIn prints doc in the open page t: it replaces the page's document with doc, waits for
// its fonts, and prints. The actions run within ctx's deadline.
func printIn(ctx context.Context, t *tab, doc Document) ([]byte, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Minute)
	}
	actx, cancel := context.WithDeadline(t.ctx, deadline)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	load := func(ctx context.Context, tg *chromedp.Target) error {
		tree, err := cdp.Call(ctx, tg, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		_, err = cdp.Call(ctx, tg, page.SetDocumentContent, page.SetDocumentContentParams{
			FrameID: tree.FrameTree.Frame.ID, HTML: doc.HTML,
		})
		return err
	}
	if err := chromedp.Do(actx, chromedp.Func(load)); err != nil {
		return nil, err
	}
	if _, err := chromedp.Run(actx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, err
	}
	opts := []chromedp.PDFOption{
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargins(0.55, 0.5, 0.6, 0.5),
		chromedp.PDFPrintBackground(),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(footerTemplate(doc.Footer)),
		chromedp.PDFStream(),
	}
	if doc.Landscape {
		opts = append(opts, chromedp.PDFLandscape())
	}
	return chromedp.Run(actx, chromedp.PrintToPDF(opts...))
}

// footerTemplate is Chromium's footer: the footer text on the left, "Page N of M" on the
// right. Chromium fills the spans of class pageNumber and totalPages.
func footerTemplate(text string) string {
	return `<div style="font-family:'Noto Sans','DejaVu Sans',sans-serif;font-size:7pt;color:#4b5563;width:100%;` +
		`margin:0 0.5in;display:flex;justify-content:space-between;gap:12px">` +
		`<span>` + htmlEscape(text) + `</span>` +
		`<span style="white-space:nowrap">Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }
