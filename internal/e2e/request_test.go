package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	usecase "shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/filetype/filetypetest"
	"shareline/templates"
)

// The team sends a request from the evaluation page and copies the link; a browser without an
// account opens it, answers two elements (one refused, then fixed), uploads a PDF and submits;
// the team sees the answers, the file and the request submitted, accepts one answer and asks
// about another; the contact replies through the same link; the report shows coverage,
// evidenced and verified.
func TestBrowserProviderAnswersThroughARequestLink(t *testing.T) {
	a := appServer(t)
	team := browser(t)
	a.signIn(t, team, auth.Evaluator)
	id := a.draft(t, team, "Requested Cloud")
	due := time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02")

	run(t, team, "send a request",
		chromedp.SendKeys(chromedp.CSS(`[data-testid=request-form] input[name=contact_name]`), "Ada Contact"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=request-form] input[name=contact_email]`), "ada@acme.example"),
		chromedp.SetValue(chromedp.CSS(`[data-testid=request-form] input[name=due_date]`), due),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=request-form] textarea[name=message]`), "Please answer what you can."),
		chromedp.Click(chromedp.CSS(`[data-testid=send-request]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=new-link]`)),
	)
	link := eval[string](t, team, `document.querySelector('[data-testid=request-link]').value`)
	if !strings.HasPrefix(link, a.url+"/r/") {
		t.Fatalf("the link shown: got %q, want %s/r/<token>", link, a.url)
	}

	provider := browser(t) // another browser, with no account and no cookie of the team's
	run(t, provider, "open the link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=respond-title]`)),
	)
	if path := eval[string](t, provider, `location.pathname + location.search`); path != "/respond" {
		t.Errorf("after opening the link: at %q, want /respond (the token in no later address)", path)
	}
	if got := text(t, provider, `[data-testid=request-message]`); got != "Please answer what you can." {
		t.Errorf("message: got %q, want the team's", got)
	}
	if got := text(t, provider, `[data-testid=request-due]`); got != due {
		t.Errorf("due date: got %q, want %s", got, due)
	}
	if eval[bool](t, provider, `!!document.querySelector('[data-testid=score-panel], [data-testid^=credit-]')`) {
		t.Error("the respondent's page shows the score panel or credits")
	}

	run(t, provider, "answer an element",
		chromedp.Click(chromedp.CSS(`[data-testid="element-abuse_cases.malware"] input[name=value][value=yes]`)),
	)
	waitText(t, provider, `[data-testid="status-abuse_cases.malware"]`, "Saved")
	const retention = `[data-testid="element-monitoring.log_retention_days"] input[name=value]`
	setField(t, provider, retention, "-5")
	waitText(t, provider, `[data-testid="element-monitoring.log_retention_days"] [data-testid="error-value"]`, "Want a number of 0 or more")
	if got := a.stored(t, id, "monitoring.log_retention_days"); got.Answered() {
		t.Errorf("a refused answer was stored: %v", got.Value)
	}
	setField(t, provider, retention, "400")
	waitText(t, provider, `[data-testid="status-monitoring.log_retention_days"]`, "Saved")

	pdf := filepath.Join(t.TempDir(), "SOC 2 Type II.pdf")
	if err := os.WriteFile(pdf, filetypetest.PDF(), 0o600); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Format("2006-01-02")
	attach := func(step string) {
		t.Helper()
		run(t, provider, step,
			chromedp.Click(chromedp.CSS(`[data-testid="attach-abuse_cases.malware"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=attach-form]`)),
			chromedp.SetValue(chromedp.CSS(`[data-testid=attach-form] input[name=effective_date]`), today),
			chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=file-input]`), []string{pdf}),
			chromedp.Click(chromedp.CSS(`[data-testid=attach-button]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="files-abuse_cases.malware"]`)),
		)
	}
	attach("upload a PDF")
	if got := text(t, provider, `[data-testid="files-abuse_cases.malware"] [data-testid=file-link]`); got != "SOC 2 Type II.pdf" {
		t.Errorf("the respondent's page lists %q, want the uploaded PDF", got)
	}
	// A second file, chosen by mistake, is removed again.
	attach("upload another file")
	run(t, provider, "see both", chromedp.WaitVisible(chromedp.CSS(`[data-testid="files-abuse_cases.malware"] li:nth-child(2)`)))
	run(t, provider, "remove it",
		chromedp.Click(chromedp.CSS(`[data-testid="files-abuse_cases.malware"] li:nth-child(2) [data-testid=file-detach]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="files-abuse_cases.malware"] li:nth-child(2)`)),
	)
	if got := a.stored(t, id, "abuse_cases.malware"); len(got.Evidence) != 1 || !got.Evidence[0].IsFile() || got.Value.Status != assess.Yes {
		t.Fatalf("stored after the upload: %+v, want the yes with the one file", got)
	}

	run(t, provider, "submit",
		chromedp.Click(chromedp.CSS(`[data-testid=confirm-submit]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=submit-answers]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=submitted]`)),
	)
	if eval[bool](t, provider, `!!document.querySelector('[data-testid="element-abuse_cases.malware"] input[name=value]:not([disabled])')`) {
		t.Error("after submitting, the respondent's fields are still enabled")
	}

	run(t, team, "reload the evaluation", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)))
	if !eval[bool](t, team, `document.querySelector('[data-testid="element-abuse_cases.malware"] input[name=value][value=yes]').checked`) {
		t.Error("the team's page: the contact's yes is not checked")
	}
	if got := eval[string](t, team, `document.querySelector(`+jsString(retention)+`).value`); got != "400" {
		t.Errorf("the team's page: retention %q, want 400", got)
	}
	if got := text(t, team, `[data-testid=request-list] .request-status`); got != "Submitted" {
		t.Errorf("the team's page: the request is %q, want Submitted", got)
	}
	if got := a.stored(t, id, "abuse_cases.malware"); got.Value.Status != assess.Yes {
		t.Errorf("stored: got %v, want yes", got.Value)
	}
	href := eval[string](t, team, `document.querySelector('[data-testid="files-abuse_cases.malware"] [data-testid=file-link]').getAttribute('href')`)
	size := eval[float64](t, team, `fetch(`+jsString(href)+`).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)).then(b => b.byteLength)`, chromedp.EvalAwaitPromise)
	if int(size) != len(filetypetest.PDF()) {
		t.Errorf("the team downloads %v bytes from %s, want the %d uploaded", size, href, len(filetypetest.PDF()))
	}

	run(t, team, "accept one answer",
		chromedp.Click(chromedp.CSS(`[data-testid="verdict-accepted-abuse_cases.malware"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="review-save-abuse_cases.malware"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="review-state-abuse_cases.malware"]`)),
	)
	waitText(t, team, `[data-testid="review-state-abuse_cases.malware"]`, "Accepted")
	const log = "monitoring.log_retention_days"
	run(t, team, "ask about another",
		chromedp.Click(chromedp.CSS(`[data-testid="verdict-clarify-`+log+`"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="review-comment-input-`+log+`"]`), "Is the 400 days for every log source?"),
		chromedp.Click(chromedp.CSS(`[data-testid="review-save-`+log+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="review-state-`+log+`"]`)),
	)
	waitText(t, team, `[data-testid="review-state-`+log+`"]`, "Clarification requested")

	run(t, provider, "see the question", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="clarification-`+log+`"]`)))
	if !strings.Contains(text(t, provider, `[data-testid="clarification-`+log+`"]`), "Is the 400 days for every log source?") {
		t.Error("the respondent's page does not show the team's question")
	}
	run(t, provider, "reply",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="reply-body-`+log+`"]`), "Yes: application, audit and network logs."),
		chromedp.Click(chromedp.CSS(`[data-testid="reply-send-`+log+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="thread-`+log+`"]`)),
	)

	run(t, team, "open the report",
		chromedp.Navigate(a.url+"/evaluations/"+strconv.FormatInt(id, 10)+"/report"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=report]`)),
	)
	v, err := a.uc.Evaluation(context.Background(), usecase.CommandLine(), id)
	if err != nil {
		t.Fatal(err)
	}
	s := v.Summary.Score
	if s.Evidenced <= 0 || s.Verified <= 0 || s.Overall <= 0 {
		t.Fatalf("score %+v: want coverage, evidenced and verified above 0", s)
	}
	for sel, want := range map[string]string{
		`[data-testid=overall-score]`:    templates.Pct(s.Overall),
		`[data-testid=report-evidenced]`: templates.Pct(s.Evidenced) + "%",
		`[data-testid=report-verified]`:  templates.Pct(s.Verified) + "%",
	} {
		if got := text(t, team, sel); got != want {
			t.Errorf("report %s: got %q, want %q", sel, got, want)
		}
	}
	row := text(t, team, `[data-testid="report-row-abuse_cases.malware"]`)
	file := a.stored(t, id, "abuse_cases.malware").Evidence[0]
	if !strings.Contains(row, "SOC 2 Type II.pdf") || !strings.Contains(row, file.SHA256) || !strings.Contains(row, "Accepted") {
		t.Errorf("report row: %q; want the file with its SHA-256, and the verdict", row)
	}
	run(t, team, "back to the evaluation",
		chromedp.Navigate(a.url+"/evaluations/"+strconv.FormatInt(id, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="thread-`+log+`"]`)),
	)
	if !strings.Contains(text(t, team, `[data-testid="thread-`+log+`"]`), "application, audit and network logs") {
		t.Error("the team's page does not show the contact's reply")
	}
}
