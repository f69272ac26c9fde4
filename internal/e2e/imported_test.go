package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	usecase "shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/importer"
	"shareline/internal/importer/sheet"
	"shareline/internal/questionnairefile"
)

// importedFiles are the questionnaire files the end-to-end import test runs: the importers' own
// test files and the spreadsheet template, or, when SHARELINE_PUBLIC_QUESTIONNAIRES names a
// directory, every file in it (the public VSAQ templates and CISO Assistant libraries, which the
// project does not ship; see docs/questionnaire-files.md).
func importedFiles(t *testing.T) []string {
	t.Helper()
	if dir := os.Getenv("SHARELINE_PUBLIC_QUESTIONNAIRES"); dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if !e.IsDir() {
				abs, err := filepath.Abs(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, abs)
			}
		}
		if len(out) == 0 {
			t.Fatalf("no files in %s", dir)
		}
		return out
	}
	tmpl, err := sheet.Template()
	if err != nil {
		t.Fatal(err)
	}
	template := filepath.Join(t.TempDir(), "template.xlsx")
	if err := os.WriteFile(template, tmpl, 0o600); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rel := range []string{"../importer/vsaq/testdata/acme.json", "../importer/cisoassistant/testdata/complete.yaml"} {
		abs, err := filepath.Abs(rel) // the browser takes files by absolute path
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, abs)
	}
	return append(out, template)
}

// Each questionnaire file is uploaded and published on the admin page, evaluated for two
// providers through the API (one given the best answers, one the worst), answered in the
// browser where a condition shows and hides a follow-up, scored, exported as PDF, XLSX and
// JSON, compared, and exported and imported back unchanged.
func TestImportedQuestionnairesRunEndToEnd(t *testing.T) {
	a := appServer(t)
	ctx := browserFor(t, 4*time.Minute)
	a.signIn(t, ctx, auth.Admin)
	admin := a.user(t, string(auth.Admin)+"@example.com")
	token, _, err := a.uc.CreateToken(context.Background(), usecase.CommandLine(), admin.ID, "e2e", "")
	if err != nil {
		t.Fatal(err)
	}
	api := apiClient{t: t, base: a.url, token: token}
	for i, file := range importedFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			api.t = t
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := importer.Read(filepath.Base(file), data)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			q := want.Questionnaire
			run(t, ctx, "upload, preview and publish",
				chromedp.Navigate(a.url+"/admin/questionnaires"),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=upload-form]`)),
				chromedp.SetUploadFiles(`[data-testid=upload-form] input[type=file]`, []string{file}),
				chromedp.Click(chromedp.CSS(`[data-testid=preview-button]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=preview-counts]`)),
			)
			if got := text(t, ctx, `[data-testid=preview-key]`); !strings.Contains(got, q.Key) {
				t.Errorf("the preview names key %q, want %q", got, q.Key)
			}
			run(t, ctx, "publish", chromedp.Click(chromedp.CSS(`[data-testid=publish-form] button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS(`[data-testid=notice]`)))
			stored, err := a.uc.Questionnaire(context.Background(), usecase.CommandLine(), q.Key, 0)
			if err != nil {
				t.Fatalf("the published questionnaire: %v", err)
			}
			if stored.ElementCount() != q.ElementCount() {
				t.Fatalf("stored %d elements, imported %d", stored.ElementCount(), q.ElementCount())
			}
			t.Logf("%s: %s (%s), %d questions, %d elements, %d conditional, %d critical; notes: %d", filepath.Base(file), q.Key, want.Format, len(q.Questions), q.ElementCount(), countElements(q, func(el *assess.Element) bool { return el.When != nil }), countElements(q, func(el *assess.Element) bool { return el.Critical }), len(want.Notes))
			for _, n := range want.Notes {
				t.Logf("  note: %s", n)
			}

			// The export of the stored version (as the admin page's download and the CLI write it)
			// imports back to the same definition.
			export, err := questionnairefile.Write(stored)
			if err != nil {
				t.Fatal(err)
			}
			back, err := importer.Read(q.Key+".json", export)
			if err != nil {
				t.Fatalf("importing the export back: %v", err)
			}
			if back.Questionnaire.Version = stored.Version; !reflect.DeepEqual(back.Questionnaire, stored) {
				t.Errorf("export → import changed the definition")
			}

			ids := map[string]int64{}
			evals := map[string]int64{}
			for _, who := range []string{"best", "worst"} {
				name := fmt.Sprintf("Imported %d %s", i, who)
				var p struct {
					ID string `json:"id"`
				}
				api.do(http.MethodPost, "/api/v1/providers", fmt.Sprintf(`{"name":%q,"service_model":"saas"}`, name), http.StatusCreated, &p)
				ids[who] = parseID(t, p.ID)
				var ev evaluationBody
				api.do(http.MethodPost, "/api/v1/providers/"+p.ID+"/evaluations?questionnaire="+q.Key, "", http.StatusCreated, &ev)
				evals[who] = parseID(t, ev.ID)
				api.answerAll(stored, ev.ID, who == "best")
			}
			best, worst := api.evaluation(evals["best"]), api.evaluation(evals["worst"])
			if best.Score.Overall == nil || worst.Score.Overall == nil || *best.Score.Overall <= *worst.Score.Overall {
				t.Errorf("coverage: best %v, worst %v; want both scored, best above worst", deref(best.Score.Overall), deref(worst.Score.Overall))
			}
			t.Logf("  scores: best %v (%s), worst %v (%s); not asked %d and %d", deref(best.Score.Overall), best.Score.Tier, deref(worst.Score.Overall), worst.Score.Tier, len(best.NotAsked), len(worst.NotAsked))

			a.toggleCondition(t, ctx, stored, evals["best"])

			// Exports of the worst evaluation (which has elements not asked when conditions fail).
			id := strconv.FormatInt(evals["worst"], 10)
			pdf := api.get("/api/v1/evaluations/"+id+"/report.pdf", http.StatusOK)
			if dir := os.Getenv("SHARELINE_SCREENSHOTS"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, q.Key+".pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			pdfText := pdfToText(t, pdf)
			if !strings.Contains(pdfText, fmt.Sprintf("Imported %d worst", i)) {
				t.Errorf("the PDF does not name the provider")
			}
			if len(worst.NotAsked) > 0 && !strings.Contains(pdfText, "not asked") {
				t.Errorf("the PDF does not say which elements were not asked (%d were)", len(worst.NotAsked))
			}
			x, err := excelize.OpenReader(bytes.NewReader(api.get("/api/v1/evaluations/"+id+"/report.xlsx", http.StatusOK)))
			if err != nil {
				t.Fatalf("the XLSX does not open: %v", err)
			}
			if rows := sheetRowsContaining(t, x, stored.Questions[0].Elements[0].Label); rows == 0 {
				t.Errorf("the XLSX lists no row for the first element %q", stored.Questions[0].Elements[0].Label)
			}
			x.Close()
			var report struct {
				Answers []struct {
					Asked bool `json:"asked"`
				} `json:"answers"`
			}
			if err := json.Unmarshal(api.get("/api/v1/evaluations/"+id+"/report.json", http.StatusOK), &report); err != nil {
				t.Fatalf("the JSON report: %v", err)
			}
			notAsked := 0
			for _, an := range report.Answers {
				if !an.Asked {
					notAsked++
				}
			}
			if len(report.Answers) != stored.ElementCount() || notAsked != len(worst.NotAsked) {
				t.Errorf("the JSON report has %d answers (%d not asked), want %d (%d not asked)", len(report.Answers), notAsked, stored.ElementCount(), len(worst.NotAsked))
			}

			// A comparison reads each provider's completed evaluation.
			for _, ev := range evals {
				api.do(http.MethodPost, "/api/v1/evaluations/"+strconv.FormatInt(ev, 10)+"/complete", `{"confirm":true}`, http.StatusOK, nil)
			}
			var cmp struct {
				Questionnaire struct {
					Key string `json:"key"`
				} `json:"questionnaire"`
				Providers []struct {
					Name string `json:"name"`
				} `json:"providers"`
			}
			api.do(http.MethodGet, fmt.Sprintf("/api/v1/compare?ids=%d,%d", ids["best"], ids["worst"]), "", http.StatusOK, &cmp)
			if cmp.Questionnaire.Key != q.Key || len(cmp.Providers) != 2 || !strings.HasSuffix(cmp.Providers[0].Name, "best") {
				t.Errorf("the comparison: %+v, want both providers on %s, best first", cmp, q.Key)
			}
			if pdf := api.get(fmt.Sprintf("/api/v1/compare.pdf?ids=%d,%d", ids["best"], ids["worst"]), http.StatusOK); !bytes.HasPrefix(pdf, []byte("%PDF")) {
				t.Errorf("the comparison PDF is not a PDF")
			}
		})
	}
}

func countElements(q *assess.Questionnaire, f func(*assess.Element) bool) int {
	n := 0
	for _, qu := range q.Questions {
		for i := range qu.Elements {
			if f(&qu.Elements[i]) {
				n++
			}
		}
	}
	return n
}

func deref(p *float64) any {
	if p == nil {
		return "none"
	}
	return *p
}

func parseID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

// toggleCondition finds an element asked only when a choice element has some options, then on
// the best evaluation's page picks another option (the follow-up hides) and an option of the
// condition again (it shows), and checks the page as reloaded from the server agrees.
func (a app) toggleCondition(t *testing.T, ctx context.Context, q *assess.Questionnaire, evaluation int64) {
	t.Helper()
	var follow, control string
	var yes, no string
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			c := el.When
			if c == nil || c.Element == "" || len(c.AnyOf) == 0 || follow != "" {
				continue
			}
			question, key, _ := strings.Cut(c.Element, ".")
			_, ctl, _ := q.Element(question, key)
			if ctl.Type != assess.TypeChoice || ctl.When != nil {
				continue
			}
			for _, o := range ctl.Options {
				if !slices.Contains(c.AnyOf, o.Key) {
					follow, control, yes, no = assess.Ref(qu.Key, el.Key), c.Element, c.AnyOf[0], o.Key
					break
				}
			}
		}
	}
	page := a.url + "/evaluations/" + strconv.FormatInt(evaluation, 10)
	run(t, ctx, "open the evaluation", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)))
	if follow == "" {
		t.Logf("  no follow-up on a choice to toggle in the browser")
		return
	}
	hidden := func() bool {
		return eval[bool](t, ctx, `document.querySelector('[data-testid="asked-`+follow+`"]').hidden`)
	}
	pick := func(option string) {
		eval[bool](t, ctx, `(() => { const s = document.querySelector('[data-testid="element-`+control+`"] select[name=value]');
			s.value = `+jsString(option)+`; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`)
	}
	saved := func() string {
		// Read in one script: htmx replaces the status element when the save answers.
		return eval[string](t, ctx, `document.querySelector('[data-testid="status-`+control+`"]')?.textContent ?? ""`)
	}
	pick(no)
	waitFor(t, follow+" hidden", hidden, func() string { return "shown" })
	waitFor(t, control+" saved", func() bool { return strings.Contains(saved(), "Saved") }, saved)
	run(t, ctx, "reload", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)))
	if !hidden() {
		t.Errorf("after reloading, %s is shown though %s is %q", follow, control, no)
	}
	pick(yes)
	waitFor(t, follow+" shown", func() bool { return !hidden() }, func() string { return "hidden" })
	waitFor(t, control+" saved", func() bool { return strings.Contains(saved(), "Saved") }, saved)
	run(t, ctx, "reload", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`[data-testid=score-panel]`)))
	if hidden() {
		t.Errorf("after reloading, %s is hidden though %s is %q", follow, control, yes)
	}
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) send(method, path, body string) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, out
}

func (c apiClient) do(method, path, body string, want int, into any) {
	c.t.Helper()
	code, out := c.send(method, path, body)
	if code != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, code, out, want)
	}
	if into != nil {
		if err := json.Unmarshal(out, into); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (c apiClient) get(path string, want int) []byte {
	c.t.Helper()
	code, out := c.send(http.MethodGet, path, "")
	if code != want {
		c.t.Fatalf("GET %s: %d %.300s, want %d", path, code, out, want)
	}
	return out
}

type evaluationBody struct {
	ID       string   `json:"id"`
	NotAsked []string `json:"not_asked"`
	Answers  map[string]struct {
		Version int `json:"version"`
	} `json:"answers"`
	Score struct {
		Overall *float64 `json:"overall"`
		Tier    string   `json:"tier"`
	} `json:"score"`
}

func (c apiClient) evaluation(id int64) evaluationBody {
	c.t.Helper()
	var ev evaluationBody
	c.do(http.MethodGet, "/api/v1/evaluations/"+strconv.FormatInt(id, 10), "", http.StatusOK, &ev)
	return ev
}

// answerAll answers every element asked, in passes, until no answer asks a new one: the best
// answer each element takes, or the worst.
func (c apiClient) answerAll(q *assess.Questionnaire, id string, best bool) {
	c.t.Helper()
	done := map[string]bool{}
	for pass := 0; ; pass++ {
		ev := c.evaluation(parseID(c.t, id))
		answered := 0
		for _, qu := range q.Questions {
			for i := range qu.Elements {
				el := &qu.Elements[i]
				ref := assess.Ref(qu.Key, el.Key)
				if done[ref] || slices.Contains(ev.NotAsked, ref) {
					continue
				}
				body, _ := json.Marshal(map[string]any{"value": answerFor(el, best)})
				c.do(http.MethodPut, "/api/v1/evaluations/"+id+"/answers/"+ref, string(body), http.StatusOK, nil)
				done[ref] = true
				answered++
			}
		}
		if answered == 0 || pass > 20 {
			return
		}
	}
}

// answerFor is the answer that earns the most (best) or the least credit for an element.
func answerFor(el *assess.Element, best bool) any {
	switch el.Type {
	case assess.TypeStatus:
		if best {
			return "yes"
		}
		return "no"
	case assess.TypeChoice, assess.TypeMulti:
		pick := el.Options[0]
		for _, o := range el.Options {
			if (best && o.Credit > pick.Credit) || (!best && o.Credit < pick.Credit) {
				pick = o
			}
		}
		if el.Type == assess.TypeMulti {
			return []string{pick.Key}
		}
		return pick.Key
	case assess.TypeNumber:
		if el.Bands == nil {
			return 1
		}
		if best == (el.Bands.Better == "higher") {
			return max(el.Bands.Full, el.Bands.Half) + 1
		}
		return 0
	case assess.TypeDate:
		if best {
			return time.Now().UTC().Format(time.DateOnly)
		}
		return "2015-01-01"
	case assess.TypeMatrix:
		out := map[string]string{}
		for _, l := range el.Split().Keys() {
			out[string(l)] = "shared"
		}
		return out
	}
	return "Documented in the provider's security overview."
}

func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v (install poppler-utils)", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// sheetRowsContaining counts the rows of any sheet with a cell holding s.
func sheetRowsContaining(t *testing.T, f *excelize.File, s string) int {
	t.Helper()
	n := 0
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if slices.ContainsFunc(r, func(c string) bool { return strings.Contains(c, s) }) {
				n++
			}
		}
	}
	return n
}
