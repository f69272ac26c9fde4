package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// The team sends a request from the evaluation page and copies the link; a browser without an
// account opens it, answers two elements (one refused, then fixed) and submits; the team sees
// the answers and the request submitted.
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
}
