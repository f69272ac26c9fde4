package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	usecase "shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/filetype/filetypetest"
	"shareline/internal/importer"
)

// Every page, in every state a person meets, at a desk (1366 px) and on a phone (390 px): axe-core
// finds no accessibility violation, the page does not scroll sideways, and the Nu HTML Checker
// finds no error in the HTML the server sent. SHARELINE_SCREENSHOTS=dir keeps a PNG of each.
func TestEveryPageIsAccessibleValidAndFitsAPhone(t *testing.T) {
	axe := axeSource(t)
	a := appServer(t)
	// About 50 page loads, each checked by axe: more than the minute a browser test gets.
	ctx := browserFor(t, 8*time.Minute)
	a.signIn(t, ctx, auth.Admin)
	f := a.portfolio(t)

	admin := a.user(t, string(auth.Admin)+"@example.com")
	var twoStepOn sync.Once
	pages := []struct {
		name string
		path string
		// before, when set, runs before the page is opened (at each width), to make the state.
		before func(t *testing.T)
		// act, when set, runs on the loaded page to reach the state checked (a refused form).
		act []chromedp.Action[chromedp.Void]
	}{
		{name: "home", path: "/"},
		{name: "providers", path: "/providers"},
		{name: "providers-search-empty", path: "/providers?q=nothing-matches-this"},
		{name: "provider-new", path: "/providers/new"},
		{name: "provider-new-refused", path: "/providers/new", act: []chromedp.Action[chromedp.Void]{
			chromedp.Click(chromedp.CSS(`[data-testid=save-provider]`)),
			chromedp.WaitVisible(chromedp.CSS(`.field-error`)),
		}},
		{name: "provider", path: "/providers/" + id(f.provider)},
		{name: "provider-edit", path: "/providers/" + id(f.provider) + "/edit"},
		{name: "provider-archived", path: "/providers/" + id(f.archived) + "?done=archived"},
		{name: "providers-archived", path: "/providers?archived=true"},
		{name: "evaluation-archived", path: "/evaluations/" + id(f.archivedDraft)},
		{name: "evaluation-draft", path: "/evaluations/" + id(f.draft)},
		{name: "attach-file", path: "/evaluations/" + id(f.draft) + "/answers/assessments.penetration_test/attach"},
		{name: "evaluation-refused-save", path: "/evaluations/" + id(f.draft), act: []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.CSS(`[data-testid="element-monitoring.log_retention_days"] input[name=value]`), "-1"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="element-monitoring.log_retention_days"] .field-error`)),
		}},
		{name: "evaluation-request-link", path: "/evaluations/" + id(f.draft), act: []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.CSS(`[data-testid=request-form] input[name=contact_name]`), "Rita Respondent"),
			chromedp.SendKeys(chromedp.CSS(`[data-testid=request-form] input[name=contact_email]`), "rita@provider.example"),
			chromedp.Click(chromedp.CSS(`[data-testid=send-request]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=new-link]`)),
		}},
		{name: "evaluation-request-refused", path: "/evaluations/" + id(f.draft), act: []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.CSS(`[data-testid=request-form] input[name=contact_email]`), "not an address"),
			chromedp.Click(chromedp.CSS(`[data-testid=send-request]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=request-form-errors]`)),
		}},
		{name: "evaluation-completed", path: "/evaluations/" + id(f.completed)},
		{name: "evaluation-summary", path: "/evaluations/" + id(f.draft) + "/summary"},
		{name: "report", path: "/evaluations/" + id(f.completed) + "/report"},
		{name: "report-empty", path: "/evaluations/" + id(f.empty) + "/report"},
		{name: "history", path: "/evaluations/" + id(f.draft) + "/answers/abuse_cases.malware/history"},
		{name: "scoring", path: "/questionnaires/" + assess.DefaultKey + "/1/scoring"},
		{name: "evaluation-imported", path: "/evaluations/" + id(f.imported)},
		{name: "report-imported", path: "/evaluations/" + id(f.imported) + "/report"},
		{name: "scoring-imported", path: "/questionnaires/" + f.importedKey + "/1/scoring"},
		{name: "admin-questionnaires", path: "/admin/questionnaires"},
		{name: "questionnaire-preview", path: "/admin/questionnaires", act: []chromedp.Action[chromedp.Void]{
			chromedp.SetUploadFiles(`[data-testid=upload-form] input[type=file]`, []string{f.importedFile}),
			chromedp.Click(chromedp.CSS(`[data-testid=preview-button]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=preview-counts]`)),
		}},
		{name: "questionnaire-refused", path: "/admin/questionnaires", act: []chromedp.Action[chromedp.Void]{
			chromedp.SetUploadFiles(`[data-testid=upload-form] input[type=file]`, []string{f.refusedFile}),
			chromedp.Click(chromedp.CSS(`[data-testid=preview-button]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=upload-problems]`)),
		}},
		{name: "compare-2", path: "/compare?ids=" + joinIDs(f.compared[:2])},
		{name: "compare-20", path: "/compare?ids=" + joinIDs(f.compared)},
		{name: "compare-too-few", path: "/compare?ids=" + id(f.provider)},
		{name: "tokens", path: "/tokens"},
		{name: "admin-users", path: "/admin/users"},
		{name: "admin-tokens", path: "/admin/tokens"},
		{name: "admin-audit", path: "/admin/audit"},
		{name: "account", path: "/account"},
		// A new password typed and shown: the strength meter and the pressed show/hide button.
		{name: "account-password-rated", path: "/account", act: []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.CSS(`#new_password`), "winter2024!!"),
			chromedp.Click(chromedp.CSS(`#new_password + button.reveal`)),
			chromedp.WaitVisible(chromedp.CSS(`#new_password-strength`)),
		}},
		// A change to the admin's credentials made elsewhere: the next page tells of it once.
		{name: "security-notice", path: "/providers", before: func(t *testing.T) {
			if _, _, err := a.uc.CreateToken(context.Background(), usecase.CommandLine(), admin.ID, "made elsewhere", ""); err != nil {
				t.Fatal(err)
			}
		}, act: []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(`[data-testid=security-notices]`))}},
		{name: "two-step-setup", path: "/account/two-step"},
		{name: "two-step-on", path: "/account/two-step", before: func(t *testing.T) { twoStepOn.Do(func() { a.enableTOTP(t, admin) }) },
			act: []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(`[data-testid=recovery-codes-new]`))}},
		{name: "recovery-codes-refused", path: "/account/two-step", act: []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.CSS(`#recovery-password`), "not my password"),
			chromedp.Click(chromedp.CSS(`[data-testid=recovery-codes-new] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#error-recovery_password`)),
		}},
		{name: "recovery-codes-new", path: "/account/two-step", act: []chromedp.Action[chromedp.Void]{
			chromedp.SendKeys(chromedp.CSS(`#recovery-password`), password),
			chromedp.Click(chromedp.CSS(`[data-testid=recovery-codes-new] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=recovery-codes]`)),
		}},
		{name: "not-found", path: "/providers/987654321"},
		{name: "method-not-allowed", path: "/logout"},
	}
	console := listenForConsoleErrors(t, ctx)
	shots := os.Getenv("SHARELINE_SCREENSHOTS")
	htmlDir := t.TempDir()
	// checkAt checks the page as it stands in a window width px wide: axe finds nothing, it does
	// not scroll sideways, and (with SHARELINE_SCREENSHOTS) a screenshot is kept.
	checkAt := func(t *testing.T, ctx context.Context, name string, width int64) {
		t.Helper()
		for _, v := range axeViolations(t, ctx, axe) {
			t.Errorf("%s/%d: axe: %s", name, width, v)
		}
		if sw := eval[int64](t, ctx, `document.documentElement.scrollWidth`); sw > width {
			t.Errorf("%s: the page is %d px wide in a %d px window: it scrolls sideways; widest: %s", name, sw, width, overflowing(t, ctx, width))
		}
		if shots != "" {
			screenshot(t, ctx, filepath.Join(shots, fmt.Sprintf("%s-%d.png", name, width)))
		}
	}
	for _, p := range pages {
		for _, width := range []int64{1366, 390} {
			t.Run(fmt.Sprintf("%s/%d", p.name, width), func(t *testing.T) {
				if p.before != nil {
					p.before(t)
				}
				run(t, ctx, "open "+p.path,
					chromedp.EmulateViewport(width, 900),
					chromedp.Navigate(a.url+p.path),
					chromedp.WaitReady(chromedp.CSS(`body`)),
				)
				if len(p.act) > 0 {
					run(t, ctx, "act on "+p.path, p.act...)
				}
				if width == 1366 {
					saveHTML(t, ctx, filepath.Join(htmlDir, p.name+".html"), len(p.act) > 0 || p.before != nil)
				}
				checkAt(t, ctx, p.name, width)
				for _, msg := range console() {
					t.Errorf("console: %s", msg)
				}
			})
		}
	}
	t.Run("sizes", func(t *testing.T) {
		var paths []string
		for _, p := range pages {
			if len(p.act) == 0 {
				paths = append(paths, p.path)
			}
		}
		report := pageSizes(t, ctx, a.url, paths)
		t.Log("\n" + report)
		if out := os.Getenv("SHARELINE_PAGE_SIZES"); out != "" {
			if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("signed-out", func(t *testing.T) {
		out := browser(t)
		for _, width := range []int64{1366, 390} {
			run(t, out, "open the sign-in page", chromedp.EmulateViewport(width, 900), chromedp.Navigate(a.url+"/login"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=signin-form]`)))
			for _, state := range []string{"signin", "signin-refused"} {
				if state == "signin-refused" {
					run(t, out, "sign in wrongly",
						chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "nobody@example.com"),
						chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "not the password"),
						chromedp.Click(chromedp.CSS(`[data-testid=signin]`)),
						// The refused page's own message: the form is on the page before the post
						// too, so waiting for it could read the old page as it unloads.
						chromedp.WaitVisible(chromedp.CSS(`[data-testid=signin-error]`)),
					)
				}
				if width == 1366 {
					saveHTML(t, out, filepath.Join(htmlDir, state+".html"), state == "signin-refused")
				}
				checkAt(t, out, state, width)
			}
		}
	})
	// A state reached by actions, out of the signed-in browser.
	type state struct {
		name string
		act  []chromedp.Action[chromedp.Void]
	}
	// checkStates reaches each state once in its own browser, then checks it at both widths
	// (the page reflows); posted names the states whose HTML is the page as it stands after a
	// post, not a reload.
	checkStates := func(t *testing.T, out context.Context, states []state, posted ...string) {
		for _, st := range states {
			run(t, out, st.name, append([]chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(1366, 900)}, st.act...)...)
			saveHTML(t, out, filepath.Join(htmlDir, st.name+".html"), slices.Contains(posted, st.name))
			for _, width := range []int64{1366, 390} {
				run(t, out, "resize", chromedp.EmulateViewport(width, 900))
				checkAt(t, out, st.name, width)
			}
		}
	}
	t.Run("forgotten-password", func(t *testing.T) {
		out := browser(t) // signed out
		// A live reset link for the admin, made as the emailed one is (only its hash is stored).
		token := strings.Repeat("r", 43)
		if _, err := a.pool.Exec(context.Background(),
			`INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '30 minutes')`,
			admin.ID, usecase.SecretHash(token)); err != nil {
			t.Fatal(err)
		}
		states := []state{
			{"forgot", []chromedp.Action[chromedp.Void]{chromedp.Navigate(a.url + "/login/forgot"), chromedp.WaitVisible(chromedp.CSS(`h1`))}},
			{"reset-form", []chromedp.Action[chromedp.Void]{chromedp.Navigate(a.url + "/login/reset?token=" + token), chromedp.WaitVisible(chromedp.CSS(`#reset-password`))}},
			{"reset-rated", []chromedp.Action[chromedp.Void]{
				chromedp.SendKeys(chromedp.CSS(`#reset-password`), "correct horse battery staple"),
				chromedp.WaitVisible(chromedp.CSS(`#reset-password-strength`)),
			}},
			{"reset-link-unknown", []chromedp.Action[chromedp.Void]{chromedp.Navigate(a.url + "/login/reset?token=" + strings.Repeat("x", 43)), chromedp.WaitVisible(chromedp.CSS(`h1`))}},
		}
		checkStates(t, out, states)
	})
	t.Run("respondent", func(t *testing.T) {
		out := browser(t) // no account: the provider's contact
		pdf, fake := filepath.Join(t.TempDir(), "SOC 2 report.pdf"), filepath.Join(t.TempDir(), "report.pdf")
		if err := os.WriteFile(pdf, filetypetest.PDF(), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fake, []byte("<!DOCTYPE html><html><body>Sign in</body></html>"), 0o600); err != nil {
			t.Fatal(err)
		}
		today := time.Now().UTC().Format("2006-01-02")
		states := []state{
			{"respond", []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.link), chromedp.WaitVisible(chromedp.CSS(`[data-testid=respond-title]`))}},
			{"respond-refused-save", []chromedp.Action[chromedp.Void]{
				chromedp.SetValue(chromedp.CSS(`[data-testid="element-monitoring.log_retention_days"] input[name=value]`), "-1"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="element-monitoring.log_retention_days"] .field-error`)),
			}},
			{"respond-attach-page", []chromedp.Action[chromedp.Void]{
				chromedp.Navigate(a.url + "/respond"),
				chromedp.Click(chromedp.CSS(`[data-testid="attach-abuse_cases.malware"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=attach-form]`)),
			}},
			{"respond-attached", []chromedp.Action[chromedp.Void]{
				chromedp.SetValue(chromedp.CSS(`[data-testid=attach-form] input[name=effective_date]`), today),
				chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=file-input]`), []string{pdf}),
				chromedp.Click(chromedp.CSS(`[data-testid=attach-button]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid="files-abuse_cases.malware"]`)),
			}},
			{"respond-upload-refused", []chromedp.Action[chromedp.Void]{
				chromedp.Navigate(a.url + "/respond/answers/abuse_cases.privilege_abuse/attach"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=attach-form]`)),
				chromedp.SetValue(chromedp.CSS(`[data-testid=attach-form] input[name=effective_date]`), today),
				chromedp.SetUploadFiles(chromedp.CSS(`[data-testid=file-input]`), []string{fake}),
				chromedp.Click(chromedp.CSS(`[data-testid=attach-button]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=upload-error-file]`)),
			}},
			{"respond-submitted", []chromedp.Action[chromedp.Void]{
				chromedp.Navigate(a.url + "/respond"),
				chromedp.Click(chromedp.CSS(`[data-testid=confirm-submit]`)),
				chromedp.Click(chromedp.CSS(`[data-testid=submit-answers]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=submitted]`)),
			}},
			{"respond-revoked", []chromedp.Action[chromedp.Void]{chromedp.Navigate(f.revokedLink), chromedp.WaitVisible(chromedp.CSS(`h1`))}},
		}
		checkStates(t, out, states, "respond-refused-save", "respond-upload-refused")
	})
	t.Run("nu-html-checker", func(t *testing.T) {
		for _, msg := range vnuErrors(t, htmlDir) {
			t.Error(msg)
		}
	})
}

// user finds a user by email.
func (a app) user(t *testing.T, email string) auth.User {
	t.Helper()
	u, err := a.uc.UserByEmail(context.Background(), usecase.CommandLine(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// enableTOTP turns two-step sign-in on for u, as its setup page would.
func (a app) enableTOTP(t *testing.T, u auth.User) {
	t.Helper()
	p := usecase.Principal{User: u, Via: "session"}
	key, err := a.uc.NewTOTPKey(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	code, err := auth.TOTPCode(key.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.uc.EnableTOTP(context.Background(), p, key.Secret, code); err != nil {
		t.Fatal(err)
	}
}

// fixture is a small portfolio with every kind of page to show.
type fixture struct {
	provider, draft, completed, empty int64
	compared                          []int64
	archived, archivedDraft           int64 // an archived provider and its draft
	// link is a request link for the draft of another provider, revokedLink one revoked.
	link, revokedLink string
	// imported is a draft on a questionnaire imported from a VSAQ file (importedFile) with
	// sections and conditions, importedKey that questionnaire; refusedFile a file the import
	// refuses.
	imported                  int64
	importedKey               string
	importedFile, refusedFile string
}

func (a app) portfolio(t *testing.T) fixture {
	t.Helper()
	ctx, cli := context.Background(), usecase.CommandLine()
	var f fixture
	models := []string{"saas", "paas", "iaas"}
	for i := range 20 {
		p, err := a.uc.CreateProvider(ctx, cli, assess.ProviderInput{
			Name: fmt.Sprintf("Provider %02d with a long trading name", i+1), Offering: "Managed platform",
			ServiceModel: models[i%3], Website: "https://provider.example"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := a.uc.StartEvaluation(ctx, cli, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string]string{"abuse_cases.malware": `"yes"`, "abuse_cases.app_vulnerabilities": `"partial"`,
			"monitoring.log_retention_days": `365`, "incident_response.ir_plan": `"yes"`, "shared_model.documented": `"no"`}
		if i%4 == 0 {
			answers["shared_model.matrix"] = `{"application":"customer","physical":"provider"}`
		}
		for ref, value := range answers {
			in := assess.AnswerInput{Value: json.RawMessage(value), Explanation: "From the provider's security whitepaper."}
			if ref == "abuse_cases.malware" {
				in.Evidence = []assess.EvidenceInput{{URL: "https://provider.example/whitepaper.pdf", EffectiveDate: "2026-01-15"}}
			}
			if _, _, err := a.uc.SaveAnswer(ctx, cli, ev.ID, ref, in); err != nil {
				t.Fatalf("save %s: %v", ref, err)
			}
		}
		f.compared = append(f.compared, p.ID)
		switch i {
		case 0:
			f.provider, f.draft = p.ID, ev.ID
			// A second save, so that the element has a history to show.
			if _, _, err := a.uc.SaveAnswer(ctx, cli, ev.ID, "abuse_cases.malware", assess.AnswerInput{Value: json.RawMessage(`"partial"`)}); err != nil {
				t.Fatal(err)
			}
		case 1:
			if _, err := a.uc.Complete(ctx, cli, ev.ID, true); err != nil {
				t.Fatal(err)
			}
			f.completed = ev.ID
		}
	}
	p, err := a.uc.CreateProvider(ctx, cli, assess.ProviderInput{Name: "Unassessed Cloud", ServiceModel: "iaas"})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := a.uc.StartEvaluation(ctx, cli, p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	f.empty = ev.ID
	if f.archived, f.archivedDraft, err = a.archivedProvider(t); err != nil {
		t.Fatal(err)
	}
	due := time.Now().UTC().AddDate(0, 0, 14).Format("2006-01-02")
	sent, err := a.uc.CreateRequest(ctx, cli, f.draft, assess.RequestInput{ContactName: "Priya Provider", ContactEmail: "priya@provider.example",
		DueDate: due, Message: "Please answer the questions below by the due date. Ask me if anything is unclear."}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.uc.CreateRequest(ctx, cli, f.draft, assess.RequestInput{ContactName: "Sam Sent", ContactEmail: "sam@provider.example", DueDate: due}, nil); err != nil {
		t.Fatal(err)
	}
	f.link = a.url + "/r/" + sent.Token
	revoked, err := a.uc.CreateRequest(ctx, cli, f.empty, assess.RequestInput{ContactName: "Rex Revoked", ContactEmail: "rex@provider.example", DueDate: due}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.uc.RevokeRequest(ctx, cli, revoked.Request.ID); err != nil {
		t.Fatal(err)
	}
	f.revokedLink = a.url + "/r/" + revoked.Token
	a.importedDraft(t, &f)
	u, err := a.uc.CreateUser(ctx, cli, usecase.UserInput{Email: "viewer@example.com", Name: "Vera Viewer", Role: "viewer", Password: "a viewer's long password"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.uc.CreateToken(ctx, cli, u.ID, "reporting", ""); err != nil {
		t.Fatal(err)
	}
	return f
}

// importedDraft publishes the VSAQ test file and starts an evaluation on it, answered so that
// some of its conditional elements are asked and some are not.
func (a app) importedDraft(t *testing.T, f *fixture) {
	t.Helper()
	ctx, cli := context.Background(), usecase.CommandLine()
	file, err := filepath.Abs("../importer/vsaq/testdata/acme.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Read(filepath.Base(file), data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.uc.ImportQuestionnaire(ctx, cli, res.Questionnaire); err != nil {
		t.Fatal(err)
	}
	p, err := a.uc.CreateProvider(ctx, cli, assess.ProviderInput{Name: "Imported Questionnaire Cloud", ServiceModel: "saas"})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := a.uc.StartEvaluation(ctx, cli, p.ID, res.Questionnaire.Key)
	if err != nil {
		t.Fatal(err)
	}
	q := res.Questionnaire
	answered := 0
	for _, qu := range q.Questions {
		for i := range qu.Elements {
			el := &qu.Elements[i]
			if el.When != nil || answered >= 3 {
				continue
			}
			value, _ := json.Marshal(answerFor(el, answered%2 == 0))
			if _, _, err := a.uc.SaveAnswer(ctx, cli, ev.ID, assess.Ref(qu.Key, el.Key), assess.AnswerInput{Value: value}); err != nil {
				t.Fatal(err)
			}
			answered++
		}
	}
	refused := filepath.Join(t.TempDir(), "refused.json")
	if err := os.WriteFile(refused, []byte(`{"key": "broken", "title": "Broken", "questions": [{"key": "q", "title": "Q",
  "elements": [{"key": "e", "label": "E", "type": "boolean"}]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f.imported, f.importedKey, f.importedFile, f.refusedFile = ev.ID, q.Key, file, refused
}

// archivedProvider is a provider with a draft answered in part, archived.
func (a app) archivedProvider(t *testing.T) (provider, draft int64, err error) {
	t.Helper()
	ctx, cli := context.Background(), usecase.CommandLine()
	p, err := a.uc.CreateProvider(ctx, cli, assess.ProviderInput{Name: "Retired Cloud", Offering: "Legacy hosting", ServiceModel: "paas"})
	if err != nil {
		return 0, 0, err
	}
	ev, err := a.uc.StartEvaluation(ctx, cli, p.ID, "")
	if err != nil {
		return 0, 0, err
	}
	if _, _, err := a.uc.SaveAnswer(ctx, cli, ev.ID, "abuse_cases.malware", assess.AnswerInput{Value: json.RawMessage(`"yes"`)}); err != nil {
		return 0, 0, err
	}
	_, err = a.uc.ArchiveProvider(ctx, cli, p.ID)
	return p.ID, ev.ID, err
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, n := range ids {
		s[i] = id(n)
	}
	return strings.Join(s, ",")
}

// toolPath finds a file installed by `make tools` (tools/npm/node_modules) from the module root.
func toolPath(t *testing.T, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "tools", "npm", "node_modules", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is missing: run `make tools` (npm ci in tools/npm), as `make test` does", p)
	}
	return p
}

func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(toolPath(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeViolations runs axe-core in the page (WCAG 2.0–2.2 A and AA, and axe's best practices) and
// lists each violation with the nodes it names.
func axeViolations(t *testing.T, ctx context.Context, axe string) []string {
	t.Helper()
	if !eval[bool](t, ctx, `typeof axe !== "undefined"`) {
		eval[bool](t, ctx, axe+"\n;true")
	}
	js := `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v =>
		v.id + " (" + v.impact + "): " + v.help + " — " + v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | ") +
		(v.nodes.length > 4 ? " … " + v.nodes.length + " nodes" : ""))))`
	out := eval[string](t, ctx, js, awaitPromise)
	var list []string
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return list
}

// saveHTML keeps the HTML the server sent for the page (fetched again), or, for a page reached by
// a form post, the document as the browser holds it.
func saveHTML(t *testing.T, ctx context.Context, path string, posted bool) {
	t.Helper()
	js := `fetch(location.href, {credentials: "same-origin"}).then(r => r.text())`
	if posted {
		js = `Promise.resolve("<!DOCTYPE html>\n" + document.documentElement.outerHTML)`
	}
	html := eval[string](t, ctx, js, awaitPromise)
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
}

// vnuErrors runs the Nu HTML Checker over every file in dir and lists its errors.
func vnuErrors(t *testing.T, dir string) []string {
	t.Helper()
	jar := toolPath(t, "vnu-jar/build/dist/vnu.jar")
	files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	if len(files) == 0 {
		t.Fatal("no pages were saved for the HTML checker")
	}
	args := append([]string{"-jar", jar, "--format", "json", "--exit-zero-always", "--stdout"}, files...)
	out, err := exec.Command("java", args...).Output()
	if err != nil {
		t.Fatalf("java -jar vnu.jar: %v (is Java installed? .ci/run installs default-jre-headless)", err)
	}
	var res struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, out)
	}
	var errs []string
	for _, m := range res.Messages {
		if m.Type == "error" || m.Type == "non-document-error" {
			errs = append(errs, fmt.Sprintf("vnu: %s line %d: %s (%q)", filepath.Base(m.URL), m.LastLine, m.Message, strings.TrimSpace(m.Extract)))
		}
	}
	return errs
}

func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func awaitPromise(p *runtime.EvaluateParams) { p.AwaitPromise = new(true) }

// overflowing names the innermost elements that reach past the window's right edge.
func overflowing(t *testing.T, ctx context.Context, width int64) string {
	t.Helper()
	return eval[string](t, ctx, `(() => {
		const out = [];
		for (const el of document.querySelectorAll("body *")) {
			const r = el.getBoundingClientRect();
			if (r.right <= `+id(width)+` + 1 || [...el.children].some(c => c.getBoundingClientRect().right > `+id(width)+` + 1)) continue;
			if (el.closest(".table-scroll, .compare-scroll")) continue;
			out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " (" + Math.round(r.right) + " px)");
		}
		return out.slice(0, 6).join(", ");
	})()`)
}

// listenForConsoleErrors collects what the page logs as an error (uncaught exceptions,
// console.error, failed loads); each call of the function it returns hands over and clears them.
func listenForConsoleErrors(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var msgs []string
	add := func(m string) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() }
	listen := func(ev any) {
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			// A page left with a refused form asks first (beforeunload): leave, as the test
			// moves on. The dialog blocks the page, so answer it from another goroutine.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		case *runtime.EventExceptionThrown:
			add("exception: " + e.ExceptionDetails.Text + " " + exceptionDescription(e.ExceptionDetails))
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				add("console.error")
			}
		case *cdplog.EventEntryAdded:
			switch {
			case e.Entry.Level != cdplog.EntryLevelError:
			case e.Entry.Source == cdplog.EntrySourceNetwork && !strings.Contains(e.Entry.URL, "/static/") && !strings.Contains(e.Entry.URL, "favicon"):
				// A page's own status (404, 405, a refused form's 422) is what the test asked
				// for; the statuses are checked elsewhere. A missing stylesheet or script is not.
			case strings.Contains(e.Entry.Text, "beforeunload"):
				// Chrome saying it would have asked before leaving a refused edit: wanted.
			default:
				add(e.Entry.Text + " " + e.Entry.URL)
			}
		}
	}
	if err := chromedp.Listen(ctx, listen); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := msgs
		msgs = nil
		return out
	}
}

func exceptionDescription(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// pageSizes fetches each page as the signed-in browser would (its session cookie), once per
// encoding, and tabulates the bytes sent: uncompressed, gzip and brotli. A page sent compressed
// no smaller than plain fails the test.
func pageSizes(t *testing.T, ctx context.Context, base string, paths []string) string {
	t.Helper()
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	var b strings.Builder
	b.WriteString("| page | HTML | gzip | brotli |\n|---|---:|---:|---:|\n")
	for _, path := range paths {
		sizes := map[string]int{}
		for _, enc := range []string{"identity", "gzip", "br"} {
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
			req.Header.Set("Accept-Encoding", enc)
			for _, c := range cookies.Cookies {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if got := res.Header.Get("Content-Encoding"); enc != "identity" && got != enc {
				t.Errorf("%s with Accept-Encoding %s: got Content-Encoding %q", path, enc, got)
			}
			sizes[enc] = len(body)
		}
		if sizes["gzip"] >= sizes["identity"] || sizes["br"] >= sizes["identity"] {
			t.Errorf("%s: compressed %d (gzip) and %d (brotli) bytes, plain %d", path, sizes["gzip"], sizes["br"], sizes["identity"])
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", path, sizes["identity"], sizes["gzip"], sizes["br"])
	}
	return b.String()
}
