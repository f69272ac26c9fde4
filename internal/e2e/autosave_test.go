package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	usecase "shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

// leaving asks the page whether it would question a person leaving it now.
const leaving = `(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`

// draft adds a provider with a draft evaluation and opens the evaluation page.
func (a app) draft(t *testing.T, ctx context.Context, name string) int64 {
	t.Helper()
	bg, cli := context.Background(), usecase.CommandLine()
	prov, err := a.uc.CreateProvider(bg, cli, assess.ProviderInput{Name: name, ServiceModel: "saas"})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := a.uc.StartEvaluation(bg, cli, prov.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "open the evaluation",
		chromedp.Navigate(a.url+"/evaluations/"+strconv.FormatInt(ev.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)),
	)
	return ev.ID
}

// stored is the answer the database holds for one element.
func (a app) stored(t *testing.T, id int64, ref string) assess.Answer {
	t.Helper()
	v, err := a.uc.Evaluation(context.Background(), usecase.CommandLine(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Evaluation.Answers[ref]
}

// setField types a value into a field as a paste would; chromedp's SetValue sends the input and
// change events a person's typing would.
func setField(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	run(t, ctx, "set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// peek reads an element's text, or "" while htmx swaps it.
func peek(ctx context.Context, sel string) string {
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// An edit the browser would call invalid still reaches the server, which refuses it on the field
// in its own words; the refusal stays until fixed, and leaving the page meanwhile is questioned.
func TestBrowserAutosaveNeverDropsAnEdit(t *testing.T) {
	a := appServer(t)
	ctx := browser(t)
	a.signIn(t, ctx, auth.Evaluator)
	id := a.draft(t, ctx, "Invalid Input Cloud")

	cases := []struct {
		name, ref, field, sel, value, want string
	}{
		{"a future date", "assessments.last_independent_audit", "value",
			`[data-testid="element-assessments.last_independent_audit"] input[name=value]`, "2030-01-01", "2030-01-01 is in the future"},
		{"a negative number", "monitoring.log_retention_days", "value",
			`[data-testid="element-monitoring.log_retention_days"] input[name=value]`, "-5", "Want a number of 0 or more"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			el := `[data-testid="element-` + c.ref + `"]`
			setField(t, ctx, c.sel, c.value)
			slot := el + ` [data-testid="error-` + c.field + `"]`
			waitText(t, ctx, slot, c.want)
			if got := text(t, ctx, `[data-testid="status-`+c.ref+`"]`); !strings.Contains(strings.ToLower(got), strings.ToLower(c.want)) {
				t.Errorf("status: got %q, want the server's message %q", got, c.want)
			}
			if got := eval[string](t, ctx, `document.querySelector(`+jsString(c.sel)+`).getAttribute("aria-invalid")`); got != "true" {
				t.Errorf("aria-invalid on the field: got %q, want true", got)
			}
			if !eval[bool](t, ctx, leaving) {
				t.Error("with a refused edit on the page, leaving is not questioned")
			}
			if got := a.stored(t, id, c.ref); got.Answered() {
				t.Errorf("stored answer: got %v, want none (the edit was refused)", got.Value)
			}
		})
	}

	// Fixing the fields saves them and the page lets the person go.
	setField(t, ctx, cases[0].sel, "2024-05-01")
	waitText(t, ctx, `[data-testid="status-assessments.last_independent_audit"]`, "Saved")
	setField(t, ctx, cases[1].sel, "30")
	waitText(t, ctx, `[data-testid="status-monitoring.log_retention_days"]`, "Saved")
	if got := eval[string](t, ctx, `document.querySelector(`+jsString(cases[0].sel)+`).getAttribute("aria-invalid") || ""`); got != "" {
		t.Errorf("aria-invalid after the fix: got %q, want none", got)
	}
	if eval[bool](t, ctx, leaving) {
		t.Error("with every edit saved, leaving is still questioned")
	}
	if got := a.stored(t, id, "monitoring.log_retention_days"); got.Value.Number != 30 {
		t.Errorf("stored retention: got %v, want 30", got.Value)
	}

	t.Run("a malformed evidence link does not hold back the answer", func(t *testing.T) {
		const ref = "abuse_cases.malware"
		el := `[data-testid="element-` + ref + `"]`
		run(t, ctx, "open the evidence", chromedp.Click(chromedp.CSS(el+` details.more summary`)))
		run(t, ctx, "type a bad link", chromedp.SetValue(chromedp.CSS(el+` input[name=evidence_url]`), "example.com/security"))
		run(t, ctx, "answer", chromedp.Click(chromedp.CSS(el+` input[name=value][value=yes]`)))
		status := `[data-testid="status-` + ref + `"]`
		waitFor(t, "the status says the answer is saved except the link", func() bool {
			return strings.HasPrefix(peek(ctx, status), "Saved, except Evidence link 1")
		}, func() string { return peek(ctx, status) })
		waitText(t, ctx, el+` [data-testid="error-evidence[0].url"]`, "Want an http or https link, such as https://example.com/security")
		got := a.stored(t, id, ref)
		if got.Value.Status != assess.Yes || len(got.Evidence) != 0 {
			t.Errorf("stored: got %v with %d links, want yes with none", got.Value, len(got.Evidence))
		}
		if !eval[bool](t, ctx, leaving) {
			t.Error("with a refused link on the page, leaving is not questioned")
		}
		run(t, ctx, "give the link's date", chromedp.SetValue(chromedp.CSS(el+` input[name=evidence_date]`), "2024-01-15"))
		setField(t, ctx, el+` input[name=evidence_url]`, "https://example.com/malware-policy")
		waitText(t, ctx, `[data-testid="status-`+ref+`"]`, "Saved")
		if got := a.stored(t, id, ref); len(got.Evidence) != 1 {
			t.Errorf("stored links after the fix: got %d, want 1", len(got.Evidence))
		}
	})

	t.Run("an unfinished date is not sent as a cleared answer", func(t *testing.T) {
		const ref = "assessments.last_independent_audit"
		el := `[data-testid="element-` + ref + `"]`
		// Half a date: the browser holds it but would send the field empty, clearing the answer.
		run(t, ctx, "clear the date", chromedp.Focus(chromedp.CSS(el+` input[name=value]`)))
		eval[bool](t, ctx, `(() => { const i = document.querySelector(`+jsString(el+` input[name=value]`)+`); i.value = ""; return true; })()`)
		run(t, ctx, "type part of a date", chromedp.SendKeys(chromedp.CSS(el+` input[name=value]`), "05"))
		if !eval[bool](t, ctx, `document.querySelector(`+jsString(el+` input[name=value]`)+`).validity.badInput`) {
			t.Skip("this Chromium does not report a half-typed date as bad input")
		}
		run(t, ctx, "save the element", chromedp.Click(chromedp.CSS(el+` button[type=submit]`)))
		waitText(t, ctx, el+` [data-testid="error-value"]`, "This date is not complete: finish it, or clear it to remove it.")
		if got := a.stored(t, id, ref); got.Value.Date.String() != "2024-05-01" {
			t.Errorf("stored date: got %v, want 2024-05-01 kept", got.Value)
		}
		if !eval[bool](t, ctx, leaving) {
			t.Error("with an unfinished date, leaving is not questioned")
		}
	})

	t.Run("one live region speaks for every save", func(t *testing.T) {
		if n := eval[int](t, ctx, `document.querySelectorAll("[aria-live]").length`); n != 1 {
			t.Errorf("live regions: got %d, want 1", n)
		}
		if got := text(t, ctx, `#save-announcer`); got == "" {
			t.Error("the live region is empty after saves; want it to say what happened")
		}
	})
}

// The provider form, a plain form: a bad link is refused on its field in the server's words,
// what was typed is kept, and leaving before saving is questioned.
func TestBrowserProviderFormRefusalIsKept(t *testing.T) {
	a := appServer(t)
	ctx := browser(t)
	a.signIn(t, ctx, auth.Evaluator)
	run(t, ctx, "open the form", chromedp.Navigate(a.url+"/providers/new"), chromedp.WaitVisible(chromedp.CSS(`input[name=name]`)))
	if eval[bool](t, ctx, leaving) {
		t.Error("an untouched form questions leaving")
	}
	run(t, ctx, "fill it with a bad link",
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "Typo Cloud"),
		chromedp.Click(chromedp.CSS(`input[name=service_model][value=saas]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=website]`), "typo.example"),
	)
	if !eval[bool](t, ctx, leaving) {
		t.Error("an edited form does not question leaving")
	}
	run(t, ctx, "save", chromedp.Click(chromedp.CSS(`[data-testid=save-provider]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=error-website]`)))
	if got := text(t, ctx, `[data-testid=error-website]`); !strings.Contains(got, "https://") {
		t.Errorf("website error: got %q, want the server's message naming the form of a link", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("input[name=website]").value`); got != "typo.example" {
		t.Errorf("website field after the refusal: got %q, want what was typed", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("input[name=website]").getAttribute("aria-invalid")`); got != "true" {
		t.Errorf("website aria-invalid: got %q, want true", got)
	}
	if !eval[bool](t, ctx, leaving) {
		t.Error("a refused form does not question leaving")
	}
}
