package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"

	"shareline/internal/auth"
)

// TestBrowserPasswordFieldsShowAndRateWhatIsTyped: every password field has a button that shows
// and hides what was typed (ASVS 2.1.12), and a field where a new password is chosen rates it as
// it is typed (ASVS 2.1.8); the fields that are not for a new password have no meter.
func TestBrowserPasswordFieldsShowAndRateWhatIsTyped(t *testing.T) {
	a := appServer(t)
	ctx := browser(t)

	run(t, ctx, "open the sign-in page", chromedp.Navigate(a.url+"/login"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=signin-form]`)))
	if !eval[bool](t, ctx, `!!document.querySelector('[data-testid=signin-form] input[name=password] + button.reveal')`) {
		t.Fatal("the sign-in password field has no show/hide button beside it")
	}
	if eval[bool](t, ctx, `!!document.querySelector('[data-testid=signin-form] meter')`) {
		t.Error("the sign-in form rates the password typed; want a meter only where a new password is chosen")
	}

	a.signIn(t, ctx, auth.Evaluator)
	run(t, ctx, "open the account page", chromedp.Navigate(a.url+"/account"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=password-form]`)))

	const field = `#new_password`
	const button = `#new_password + button.reveal`
	const words = `#new_password-strength`
	name := func() string {
		return eval[string](t, ctx, `document.querySelector('`+button+`').textContent`)
	}
	if got := name(); got != "Show password" {
		t.Fatalf("the button's name before a click: got %q, want \"Show password\"", got)
	}
	run(t, ctx, "type a short password", chromedp.SendKeys(chromedp.CSS(field), "abc"))
	waitText(t, ctx, words, "Too short: 3 of at least 12 characters.")
	if got := eval[string](t, ctx, `document.querySelector('#new_password').getAttribute('aria-describedby') || ''`); got != "new_password-strength" {
		t.Errorf("the new password field is described by %q; want the strength words (new_password-strength)", got)
	}

	run(t, ctx, "show it", chromedp.Click(chromedp.CSS(button)))
	if got := eval[string](t, ctx, `document.querySelector('`+field+`').type + ' ' + document.querySelector('`+field+`').value`); got != "text abc" || name() != "Hide password" {
		t.Fatalf("after Show: got type and value %q and button %q, want \"text abc\" and \"Hide password\"", got, name())
	}
	run(t, ctx, "hide it", chromedp.Click(chromedp.CSS(button)))
	if got := eval[string](t, ctx, `document.querySelector('`+field+`').type`); got != "password" || name() != "Show password" {
		t.Fatalf("after Hide: got type %q and button %q, want password and \"Show password\"", got, name())
	}

	retype := func(value string) {
		t.Helper()
		eval[bool](t, ctx, `(function () { var f = document.querySelector('`+field+`'); f.value = `+jsString(value)+`; return f.dispatchEvent(new Event('input', {bubbles: true})); })()`)
	}
	retype("aaaaaaaaaaaaaaaa")
	waitText(t, ctx, words, "Too repetitive: use more different characters.")
	retype("abcdefabcdef")
	waitText(t, ctx, words, "Weak. Longer is better: a passphrase of several words.")
	retype("winter2024!!")
	waitText(t, ctx, words, "Fair. Add length or another word.")
	retype("correct horse battery staple")
	waitText(t, ctx, words, "Strong.")
	if got := eval[float64](t, ctx, `document.querySelector('.password-field + .strength meter').value`); got != 4 {
		t.Errorf("the meter for a four-word passphrase reads %v, want 4 of 4", got)
	}

	for _, other := range []string{"#current_password", "#confirm_password"} {
		if !eval[bool](t, ctx, `!!document.querySelector('`+other+` + button.reveal')`) {
			t.Errorf("%s has no show/hide button", other)
		}
		if eval[bool](t, ctx, `!!document.getElementById('`+other[1:]+`-strength')`) {
			t.Errorf("%s is rated; want a meter on the new password only", other)
		}
	}
}
