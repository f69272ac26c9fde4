package e2e

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	browsercdp "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	usecase "shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/questionnaires"
	"shareline/internal/server"
)

// chromium finds the browser: $SHARELINE_CHROMIUM, else Debian's chromium on PATH. Without one the
// test fails with the way out rather than skipping, so that CI cannot pass without running it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SHARELINE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium package (apt-get install chromium, as .ci/run does) or set SHARELINE_CHROMIUM to a Chrome binary")
	return ""
}

// browser starts a headless Chromium with a fresh profile and no background traffic, for a
// test that ends within a minute.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, time.Minute)
}

// browserFor is browser for a test that needs up to limit.
func browserFor(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// app is the real server over a real database on a free port, with sessions in PostgreSQL.
type app struct {
	url  string
	uc   *usecase.App
	pool *pgxpool.Pool
}

func appServer(t *testing.T) app {
	t.Helper()
	return appServerWith(t, func(h http.Handler) http.Handler { return h })
}

// appServerWith serves the app through wrap, for tests that make the network misbehave.
func appServerWith(t *testing.T, wrap func(http.Handler) http.Handler) app {
	t.Helper()
	pool := postgrestest.Pool(t)
	builtin, err := questionnaires.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	uc := usecase.New(postgres.New(pool), nil)
	if err := uc.SeedQuestionnaires(context.Background(), builtin); err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Options{App: uc, Sessions: pgxstore.NewWithCleanupInterval(pool, 0), Log: slog.New(slog.DiscardHandler)})
	ts := httptest.NewServer(wrap(srv.Handler()))
	t.Cleanup(ts.Close)
	return app{ts.URL, uc, pool}
}

const password = "browser test password"

// signIn adds a user with role and signs in through the sign-in page, as a person would.
func (a app) signIn(t *testing.T, ctx context.Context, role auth.Role) {
	t.Helper()
	email := string(role) + "@example.com"
	in := usecase.UserInput{Email: email, Name: "Browser " + string(role), Role: string(role), Password: password}
	if _, err := a.uc.CreateUser(context.Background(), usecase.CommandLine(), in); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "sign in as "+string(role),
		chromedp.Navigate(a.url+"/providers"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=signin-form]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`[data-testid=signin]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=whoami]`)),
	)
}

func TestBrowserEvaluation(t *testing.T) {
	a := appServer(t)
	base := a.url
	ctx := browser(t)
	a.signIn(t, ctx, auth.Evaluator)

	run(t, ctx, "add a provider",
		chromedp.Navigate(base+"/providers/new"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		// SendKeys types key by key and has no key for ć: set the value as a paste would.
		chromedp.SetValue(chromedp.CSS(`input[name=name]`), "Nordić Cloud Ünited"),
		chromedp.SendKeys(chromedp.CSS(`input[name=offering]`), "Object storage"),
		chromedp.Click(chromedp.CSS(`input[name=service_model][value=saas]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=save-provider]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=provider-title]`)),
	)
	title := text(t, ctx, `[data-testid=provider-title]`)
	if title != "Nordić Cloud Ünited" {
		t.Fatalf("provider page title: got %q, want %q", title, "Nordić Cloud Ünited")
	}

	run(t, ctx, "start an evaluation",
		chromedp.Click(chromedp.CSS(`[data-testid=start-evaluation]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)),
	)
	if got := text(t, ctx, `[data-testid=overall-score]`); got != "Not assessed" {
		t.Fatalf("score of a new evaluation: got %q, want Not assessed (nothing is answered)", got)
	}

	// A marker on window survives only as long as the page is not reloaded.
	eval[bool](t, ctx, `window.notReloaded = true`)
	const element = `[data-testid="element-abuse_cases.app_vulnerabilities"]`
	run(t, ctx, "answer an element",
		chromedp.Click(chromedp.CSS(element+` input[name=value][value=yes]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="status-abuse_cases.app_vulnerabilities"] .saved`)),
	)
	// abuse_cases: one yes of four elements is 25; the mean over five questions is 5.
	waitText(t, ctx, `[data-testid=overall-score]`, "5.0")
	waitText(t, ctx, `[data-testid=question-score-abuse_cases]`, "25.0")
	if !eval[bool](t, ctx, `window.notReloaded === true`) {
		t.Fatal("the page reloaded to show the new score; want an in-place update")
	}
	// A second change of the same element saves on top of the first (the form learns the new
	// version from each save), rather than being refused as a conflict.
	run(t, ctx, "change the same element again",
		chromedp.Click(chromedp.CSS(element+` input[name=value][value=partial]`)),
	)
	waitText(t, ctx, `[data-testid=question-score-abuse_cases]`, "12.5")
	waitText(t, ctx, `[data-testid=overall-score]`, "2.5")

	run(t, ctx, "claim a layer against the reference",
		chromedp.SetValue(chromedp.CSS(`[data-testid=matrix-application]`), "customer"),
	)
	eval[bool](t, ctx, `document.querySelector('[data-testid=matrix-application]').dispatchEvent(new Event('change', {bubbles: true}))`)
	waitText(t, ctx, `[data-testid=deviation-application]`, "Deviation: Customer instead of Provider")
	waitText(t, ctx, `[data-testid=deviation-count]`, "1")

	// A save still in flight would make the page ask before it reloads (and the reload wait
	// for an answer): reload once nothing is left unsaved, as a person would see "Saved".
	waitFor(t, "every edit saved before the reload", func() bool { return !eval[bool](t, ctx, leaving) }, func() string { return "an edit still unsaved" })
	run(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)))
	if !eval[bool](t, ctx, `document.querySelector('`+element+` input[name=value][value=partial]').checked`) {
		t.Error("after a reload the answer 'partial' is not checked; want it kept")
	}
	if got := text(t, ctx, `[data-testid=matrix-application]`); !strings.Contains(got, "Customer") {
		t.Errorf("after a reload the matrix select reads %q; want Customer among its options", got)
	}
	if claimed := eval[string](t, ctx, `document.querySelector('[data-testid=matrix-application]').value`); claimed != "customer" {
		t.Errorf("after a reload the application layer claim is %q, want customer", claimed)
	}
	// shared_model now scores 100 × (2 × 1/8) / 4 = 6.25, so coverage is (12.5 + 6.25) / 5 = 3.75,
	// shown 3.8.
	if got := text(t, ctx, `[data-testid=overall-score]`); got != "3.8" {
		t.Errorf("score after a reload: got %q, want 3.8", got)
	}
}

func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v\npage:\n%s", step, err, pageText(ctx))
	}
}

// pageText is what the page shows, for failure messages.
func pageText(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return s
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func eval[T any](t *testing.T, ctx context.Context, js string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitText polls until the element reads want, failing with what it read last.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var got string
	var err error
	for time.Now().Before(deadline) {
		// htmx may swap the node out between finding it and reading it: read again.
		got, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err == nil && strings.TrimSpace(got) == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: got %q (last error: %v), want %q", sel, strings.TrimSpace(got), err, want)
}

func TestBrowserDownloadsTheReport(t *testing.T) {
	a := appServer(t)
	base := a.url
	ctx := browser(t)
	a.signIn(t, ctx, auth.Evaluator)
	run(t, ctx, "add a provider and start an evaluation",
		chromedp.Navigate(base+"/providers/new"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SetValue(chromedp.CSS(`input[name=name]`), "Облачные Системы"),
		chromedp.Click(chromedp.CSS(`input[name=service_model][value=iaas]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=save-provider]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=start-evaluation]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=start-evaluation]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=report-link]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=report-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=download-pdf]`)),
	)
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browsercdp.SetDownloadBehavior, browsercdp.SetDownloadBehaviorParams{
		Behavior: browsercdp.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	run(t, ctx, "download the PDF", chromedp.Click(chromedp.CSS(`[data-testid=download-pdf]`)))

	file := waitForDownload(t, dir, ".pdf", "%PDF")
	if !strings.HasPrefix(filepath.Base(file), "shareline-Облачные-Системы-evaluation-") {
		t.Errorf("downloaded file %q: want the name shareline-Облачные-Системы-evaluation-... (the browser reads the UTF-8 filename*)", filepath.Base(file))
	}
	out, err := exec.Command("pdftotext", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext on the download: %v (install poppler-utils)", err)
	}
	if !strings.Contains(string(out), "Облачные Системы") {
		t.Errorf("the downloaded PDF does not show the provider's name; its text begins %q", firstLine(string(out)))
	}
}

// waitForDownload waits for a finished file with the extension in dir, starting with magic.
func waitForDownload(t *testing.T, dir, ext, magic string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		matches, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		partial, _ := filepath.Glob(filepath.Join(dir, "*.crdownload"))
		if len(matches) == 1 && len(partial) == 0 {
			if b, err := os.ReadFile(matches[0]); err == nil && strings.HasPrefix(string(b), magic) {
				return matches[0]
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	t.Fatalf("no finished %s download in %s after 15 s; found %v", ext, dir, entries)
	return ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// A viewer reads but sees no control that changes anything, and a change posted anyway (as a
// hand-made request from the page would be) is refused with 403.
func TestBrowserViewerCannotChange(t *testing.T) {
	a := appServer(t)
	cli := usecase.CommandLine()
	p, err := a.uc.CreateProvider(context.Background(), cli, assess.ProviderInput{Name: "Read Only Cloud", ServiceModel: "paas"})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := a.uc.StartEvaluation(context.Background(), cli, p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser(t)
	a.signIn(t, ctx, auth.Viewer)

	run(t, ctx, "open the provider", chromedp.Navigate(a.url+"/providers/"+strconv.FormatInt(p.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=provider-title]`)))
	for _, sel := range []string{"[data-testid=start-evaluation]", "[data-testid=edit-provider]", "[data-testid=add-provider]", "a[href='/providers/new']"} {
		if n := eval[int](t, ctx, `document.querySelectorAll("`+sel+`").length`); n != 0 {
			t.Errorf("a viewer sees %d of %s, want none", n, sel)
		}
	}
	run(t, ctx, "open the evaluation", chromedp.Navigate(a.url+"/evaluations/"+strconv.FormatInt(ev.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=read-only]`)))
	if n := eval[int](t, ctx, `document.querySelectorAll("form.element, [hx-post]").length`); n != 0 {
		t.Errorf("a viewer's evaluation page has %d saving forms, want none", n)
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll("main input, main select, main textarea")].filter(e => !e.matches(":disabled") && e.type !== "hidden").length`); n != 0 {
		t.Errorf("a viewer's evaluation page has %d enabled inputs, want none (fieldset disabled)", n)
	}
	status := eval[int](t, ctx, `(async () => (await fetch("/evaluations/`+strconv.FormatInt(ev.ID, 10)+`/answers/abuse_cases.malware", {
		method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "type=status&value=yes"})).status)()`, chromedp.EvalAwaitPromise)
	if status != 403 {
		t.Errorf("a viewer posting an answer from the page: got %d, want 403", status)
	}
}

func TestBrowserComparesProviders(t *testing.T) {
	a := appServer(t)
	ctx := browser(t)
	by := usecase.CommandLine()
	// Alpha leads on coverage; Bravo leads on abuse cases only.
	answers := map[string][]string{
		"Alpha": {"shared_model.documented", "shared_model.contractual", "monitoring.continuous_monitoring", "monitoring.privileged_monitoring", "incident_response.ir_plan", "abuse_cases.malware"},
		"Bravo": {"abuse_cases.app_vulnerabilities", "abuse_cases.malware", "abuse_cases.privilege_abuse", "abuse_cases.abuse_reporting"},
		"Delta": {"monitoring.assurance_reports"},
	}
	for _, name := range []string{"Alpha", "Bravo", "Delta"} {
		p, err := a.uc.CreateProvider(context.Background(), by, assess.ProviderInput{Name: name + " Cloud", ServiceModel: "saas"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := a.uc.StartEvaluation(context.Background(), by, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range answers[name] {
			if _, _, err := a.uc.SaveAnswer(context.Background(), by, ev.ID, ref, assess.AnswerInput{Value: []byte(`"yes"`)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.uc.Complete(context.Background(), by, ev.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	a.signIn(t, ctx, auth.Viewer)
	run(t, ctx, "tick three providers and compare",
		chromedp.Navigate(a.url+"/providers"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=compare-pick]`)),
		chromedp.Click(chromedp.CSS(`input[aria-label="Compare Alpha Cloud"]`)),
		chromedp.Click(chromedp.CSS(`input[aria-label="Compare Bravo Cloud"]`)),
		chromedp.Click(chromedp.CSS(`input[aria-label="Compare Delta Cloud"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=compare-selected]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=compare-table]`)),
	)
	order := func() string {
		return eval[string](t, ctx, `[...document.querySelectorAll("[data-testid=compare-table] thead [data-testid=compare-provider] a")].map(a => a.textContent.trim()).join(", ")`)
	}
	if got := order(); got != "Alpha Cloud, Bravo Cloud, Delta Cloud" {
		t.Errorf("columns by coverage: got %q, want Alpha, Bravo, Delta", got)
	}
	run(t, ctx, "sort by abuse cases",
		chromedp.Click(chromedp.CSS(`[data-testid="sort-abuse_cases"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=compare-table]`)),
	)
	waitFor(t, "columns sorted by abuse cases", func() bool { return order() == "Bravo Cloud, Alpha Cloud, Delta Cloud" }, order)

	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browsercdp.SetDownloadBehavior, browsercdp.SetDownloadBehaviorParams{
		Behavior: browsercdp.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	run(t, ctx, "download the XLSX", chromedp.Click(chromedp.CSS(`[data-testid=compare-xlsx]`)))
	file := waitForDownload(t, dir, ".xlsx", "PK")
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatalf("the downloaded XLSX does not open: %v", err)
	}
	defer f.Close()
	header, err := f.GetRows("Scores")
	if err != nil || len(header) == 0 || !strings.Contains(strings.Join(header[0], ","), "Bravo Cloud") {
		t.Errorf("the Scores sheet's header: got %v (%v), want the providers", header, err)
	}
}

func waitFor(t *testing.T, what string, ok func() bool, got func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %q after 10 s", what, got())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A save that fails because the server is unavailable is shown as "not saved, retrying" and
// retried until it succeeds, without the person doing anything.
func TestBrowserRetriesFailedSaves(t *testing.T) {
	var failures atomic.Int32
	failures.Store(2)
	a := appServerWith(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/answers/") && failures.Add(-1) >= 0 {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	ctx := browser(t)
	a.signIn(t, ctx, auth.Evaluator)
	run(t, ctx, "add a provider and start an evaluation",
		chromedp.Navigate(a.url+"/providers/new"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)),
		chromedp.SetValue(chromedp.CSS(`input[name=name]`), "Flaky Network Cloud"),
		chromedp.Click(chromedp.CSS(`input[name=service_model][value=paas]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=save-provider]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=start-evaluation]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=start-evaluation]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)),
	)
	const element = `[data-testid="element-abuse_cases.malware"]`
	run(t, ctx, "answer while the server fails", chromedp.Click(chromedp.CSS(element+` input[name=value][value=yes]`)))
	waitFor(t, "the element says it is retrying", func() bool {
		return strings.Contains(text(t, ctx, `[data-testid="status-abuse_cases.malware"]`), "retrying")
	}, func() string { return text(t, ctx, `[data-testid="status-abuse_cases.malware"]`) })
	// Leaving now would lose the answer: the page asks first.
	const leave = `(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`
	if !eval[bool](t, ctx, leave) {
		t.Error("with a save waiting to be retried, leaving the page is not questioned")
	}
	deadline := time.Now().Add(15 * time.Second)
	for text(t, ctx, `[data-testid="status-abuse_cases.malware"]`) != "Saved" {
		if time.Now().After(deadline) {
			t.Fatalf("no successful retry in 15 s; the element says %q", text(t, ctx, `[data-testid="status-abuse_cases.malware"]`))
		}
		time.Sleep(200 * time.Millisecond)
	}
	waitText(t, ctx, `[data-testid=question-score-abuse_cases]`, "25.0")
	if eval[bool](t, ctx, leave) {
		t.Error("with every save done, leaving the page is still questioned")
	}
}
