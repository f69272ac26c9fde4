package server_test

import (
	"bytes"
	"context"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/questionnairefile"
)

// smallQuestionnaire is a Shareline JSON file with one question of two elements, the second
// asked only when the first is answered Yes. The unknown type is on line 14.
const smallQuestionnaire = `{
  "key": "vendor-basics",
  "title": "Vendor basics",
  "questions": [
    {
      "key": "data",
      "title": "Data",
      "elements": [
        {"key": "region", "label": "Where is data stored", "type": "choice", "critical": true,
         "options": [{"key": "eu", "label": "In the EU"}, {"key": "elsewhere", "label": "Elsewhere", "credit": 0.25}]},
        {"key": "staff", "label": "Security staff", "type": "number", "unit": "people",
         "evidence": true, "section": "People",
         "when": {"element": "data.region", "any_of": ["eu"]}},
        {"key": "notes", "label": "Anything else", "type": "text", "section": "People"}
      ]
    }
  ]
}
`

// vsaqQuestionnaire is a Google VSAQ template of one radio group.
const vsaqQuestionnaire = `{"questionnaire":[{"type":"block","text":"T","items":[{"type":"block","text":"Q","id":"q1","items":[{"type":"radiogroup","id":"r","text":"R?","choices":[{"r_yes":"Yes"},{"r_no":"No"}]}]}]}]}`

// csvQuestionnaire is a spreadsheet of one text element, as CSV.
const csvQuestionnaire = "section,key,text,type\nData,region,Where is data stored,text\n"

// questionnaireUpload sends a file to the preview as the page's form does.
func (a *testApp) questionnaireUpload(t *testing.T, name string, content []byte) response {
	t.Helper()
	body, ct := multipartBody(t, nil, name, content)
	return a.do(t, http.MethodPost, "/admin/questionnaires/preview", body, http.Header{"Content-Type": {ct}})
}

// publishDefinition sends the preview's publish form with its definition field.
func (a *testApp) publishDefinition(t *testing.T, definition string) response {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("definition", definition); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return a.do(t, http.MethodPost, "/admin/questionnaires/publish", &b, http.Header{"Content-Type": {w.FormDataContentType()}})
}

// previewOf uploads a file and returns its preview page, which must be 200.
func (a *testApp) previewOf(t *testing.T, name, content string) *page {
	t.Helper()
	return parsePage(t, a.questionnaireUpload(t, name, []byte(content)), http.StatusOK)
}

// definitionOf is the definition a preview's publish form sends.
func definitionOf(t *testing.T, p *page) string {
	t.Helper()
	form := p.one(t, "publish-form")
	if got := attr(form, "enctype"); got != "multipart/form-data" {
		t.Errorf("publish form enctype: got %q, want multipart/form-data", got)
	}
	if got := attr(form, "action"); got != "/admin/questionnaires/publish" {
		t.Errorf("publish form action: got %q, want /admin/questionnaires/publish", got)
	}
	return attr(p.field(t, "definition"), "value")
}

// versionsOf lists the stored versions of a questionnaire key.
func versionsOf(t *testing.T, a *testApp, key string) []int {
	t.Helper()
	infos, err := a.uc.Questionnaires(context.Background(), app.CommandLine())
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, info := range infos {
		if info.Key == key {
			out = append(out, info.Version)
		}
	}
	return out
}

// wantPublishedNotice follows a publish's redirect to the list and checks its notice.
func wantPublishedNotice(t *testing.T, a *testApp, r response, want string) *page {
	t.Helper()
	wantStatus(t, r, http.StatusSeeOther)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/admin/questionnaires?") {
		t.Fatalf("publish redirect: got Location %q, want /admin/questionnaires?...", loc)
	}
	list := parsePage(t, a.get(t, loc), http.StatusOK)
	if got := list.textOf(t, "notice"); !strings.Contains(got, want) {
		t.Errorf("notice after publishing: got %q, want it to say %q", got, want)
	}
	return list
}

func TestQuestionnairesPageListsAndDownloads(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	stored, err := a.uc.Questionnaire(context.Background(), app.CommandLine(), assess.DefaultKey, 1)
	if err != nil {
		t.Fatal(err)
	}
	list := parsePage(t, a.get(t, "/admin/questionnaires"), http.StatusOK)
	row := text(list.one(t, "version-"+assess.DefaultKey+"-1"))
	if !strings.Contains(row, stored.Title) {
		t.Errorf("built-in version row: got %q, want its title %q", row, stored.Title)
	}
	if got, want := list.textOf(t, "elements-"+assess.DefaultKey+"-1"), strconv.Itoa(stored.ElementCount()); got != want {
		t.Errorf("built-in element count: got %q, want %q", got, want)
	}
	if got, want := attr(list.one(t, "scoring-"+assess.DefaultKey+"-1"), "href"), "/questionnaires/"+assess.DefaultKey+"/1/scoring"; got != want {
		t.Errorf("scoring link: got %q, want %q", got, want)
	}
	form := list.one(t, "upload-form")
	if attr(form, "enctype") != "multipart/form-data" || attr(form, "action") != "/admin/questionnaires/preview" || attr(form, "method") != "post" {
		t.Errorf("upload form: got method %q action %q enctype %q, want a multipart post to the preview", attr(form, "method"), attr(form, "action"), attr(form, "enctype"))
	}
	if got := attr(list.field(t, "file"), "accept"); got != ".json,.yaml,.yml,.xlsx,.csv" {
		t.Errorf("file input accept: got %q", got)
	}
	nav := parsePage(t, a.get(t, "/providers"), http.StatusOK)
	if len(nav.all(func(n *htmlNode) bool { return n.Data == "a" && attr(n, "href") == "/admin/questionnaires" })) != 1 {
		t.Error("an admin's navigation: no link to /admin/questionnaires, want one")
	}

	t.Run("download is the stored definition", func(t *testing.T) {
		href := attr(list.one(t, "download-"+assess.DefaultKey+"-1"), "href")
		r := a.get(t, href)
		wantStatus(t, r, http.StatusOK)
		if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
			t.Errorf("Content-Type: got %q, want application/json", got)
		}
		disp, params, err := mime.ParseMediaType(r.header.Get("Content-Disposition"))
		if err != nil || disp != "attachment" || params["filename"] != assess.DefaultKey+"-v1.json" {
			t.Errorf("Content-Disposition: got %q, want attachment; filename=%s-v1.json", r.header.Get("Content-Disposition"), assess.DefaultKey)
		}
		got, err := questionnairefile.Read(r.body)
		if err != nil {
			t.Fatalf("the download does not read back: %v", err)
		}
		if got.Version != stored.Version || !assess.SameDefinition(got, stored) {
			t.Errorf("the download is not the stored version %d", stored.Version)
		}
		want, _ := questionnairefile.Write(stored)
		if !bytes.Equal(r.body, want) {
			t.Error("the download differs from questionnairefile.Write of the stored version (what the CLI exports)")
		}
	})
	t.Run("a download uploaded again changes nothing", func(t *testing.T) {
		file := a.get(t, attr(list.one(t, "download-"+assess.DefaultKey+"-1"), "href")).body
		p := a.previewOf(t, assess.DefaultKey+"-v1.json", string(file))
		if got := p.textOf(t, "preview-plan"); !strings.Contains(got, "identical to version 1") {
			t.Errorf("preview of the downloaded file: got %q, want identical to version 1", got)
		}
		if got, want := len(p.all(func(n *htmlNode) bool { return strings.HasPrefix(attr(n, "data-testid"), "element-") })), stored.ElementCount(); got != want {
			t.Errorf("preview of the downloaded file: got %d elements, want %d", got, want)
		}
	})
	t.Run("unknown versions are not found", func(t *testing.T) {
		for _, bad := range []string{"/admin/questionnaires/" + assess.DefaultKey + "/2.json", "/admin/questionnaires/" + assess.DefaultKey + "/01.json",
			"/admin/questionnaires/" + assess.DefaultKey + "/0.json", "/admin/questionnaires/no-such/1.json"} {
			r := a.get(t, bad)
			parsePage(t, r, http.StatusNotFound)
			wantInternalsHidden(t, r)
		}
	})
	t.Run("spreadsheet templates", func(t *testing.T) {
		xlsx := a.get(t, "/admin/questionnaires/template.xlsx")
		wantStatus(t, xlsx, http.StatusOK)
		if !bytes.HasPrefix(xlsx.body, []byte("PK")) {
			t.Errorf("template.xlsx: starts %q, want a zip (PK)", xlsx.body[:min(4, len(xlsx.body))])
		}
		if d := xlsx.header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment") || !strings.Contains(d, ".xlsx") {
			t.Errorf("template.xlsx Content-Disposition: got %q, want an .xlsx attachment", d)
		}
		csv := a.get(t, "/admin/questionnaires/template.csv")
		wantStatus(t, csv, http.StatusOK)
		header := strings.ToLower(strings.SplitN(strings.TrimPrefix(string(csv.body), "\ufeff"), "\n", 2)[0])
		for _, col := range []string{"section", "key", "text", "type"} {
			if !strings.Contains(header, col) {
				t.Errorf("template.csv header %q: want the column %q", header, col)
			}
		}
		if got := csv.header.Get("Content-Type"); !strings.HasPrefix(got, "text/csv") {
			t.Errorf("template.csv Content-Type: got %q, want text/csv", got)
		}
	})
}

func TestQuestionnaireImportSharelineJSON(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	preview := a.previewOf(t, "vendor.json", smallQuestionnaire)
	for id, want := range map[string]string{
		"preview-format": "Shareline JSON",
		"preview-title":  "Vendor basics",
		"preview-key":    "vendor-basics",
		"preview-plan":   "new questionnaire",
		"preview-counts": "1 question, 3 elements",
	} {
		if got := preview.textOf(t, id); !strings.Contains(got, want) {
			t.Errorf("preview %s: got %q, want it to say %q", id, got, want)
		}
	}
	region := text(preview.one(t, "element-data.region"))
	for _, want := range []string{"Where is data stored", "choice", "In the EU (eu) earns 1", "Elsewhere (elsewhere) earns 0.25", "always asked"} {
		if !strings.Contains(region, want) {
			t.Errorf("preview of data.region: got %q, want it to say %q", region, want)
		}
	}
	for ref, want := range map[string]string{"data.region": "yes", "data.staff": "no"} {
		if got := preview.textOf(t, "critical-"+ref); got != want {
			t.Errorf("preview of %s: critical %q, want %q", ref, got, want)
		}
	}
	staff := text(preview.one(t, "element-data.staff"))
	for _, want := range []string{"Security staff", "number", "people", "expected", "asked when “Where is data stored” is “In the EU”"} {
		if !strings.Contains(staff, want) {
			t.Errorf("preview of data.staff: got %q, want it to say %q", staff, want)
		}
	}
	if !strings.Contains(text(preview.one(t, "preview-question-data")), "People") {
		t.Error("preview of question data: the section People is not shown")
	}
	if preview.has("preview-notes") {
		t.Error("a Shareline file lost nothing, but the preview lists notes")
	}
	if got := versionsOf(t, a, "vendor-basics"); len(got) != 0 {
		t.Fatalf("after the preview: stored versions %v, want none (a preview stores nothing)", got)
	}

	definition := definitionOf(t, preview)
	list := wantPublishedNotice(t, a, a.publishDefinition(t, definition), "Published vendor-basics version 1")
	if got := list.textOf(t, "elements-vendor-basics-1"); got != "3" {
		t.Errorf("list after publishing: element count %q, want 3", got)
	}

	t.Run("publishing again makes no second version", func(t *testing.T) {
		list := wantPublishedNotice(t, a, a.publishDefinition(t, definition), "Unchanged")
		if list.has("version-vendor-basics-2") {
			t.Error("the list shows a version 2 after publishing the same file twice")
		}
		if got := versionsOf(t, a, "vendor-basics"); len(got) != 1 {
			t.Errorf("stored versions after publishing twice: got %v, want [1]", got)
		}
		again := a.previewOf(t, "vendor.json", smallQuestionnaire)
		if got := again.textOf(t, "preview-plan"); !strings.Contains(got, "identical to version 1") {
			t.Errorf("preview of the published file: got %q, want identical to version 1", got)
		}
		if again.has("publish-form") {
			t.Error("preview of an unchanged file offers to publish it")
		}
	})
	t.Run("a changed file is the next version", func(t *testing.T) {
		changed := strings.Replace(smallQuestionnaire, `"Anything else"`, `"Anything else to add"`, 1)
		p := a.previewOf(t, "vendor.json", changed)
		if got := p.textOf(t, "preview-plan"); !strings.Contains(got, "version 2, replacing version 1") {
			t.Errorf("preview of a changed file: got %q, want version 2, replacing version 1", got)
		}
		wantPublishedNotice(t, a, a.publishDefinition(t, definitionOf(t, p)), "Published vendor-basics version 2")
	})
	t.Run("a tampered definition is checked again", func(t *testing.T) {
		r := a.publishDefinition(t, strings.Replace(definition, `"type":"text"`, `"type":"essay"`, 1))
		p := parsePage(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(p.textOf(t, "upload-problems"), "type") {
			t.Errorf("refused publish: got %q, want the bad type named", p.textOf(t, "upload-problems"))
		}
		if got := versionsOf(t, a, "vendor-basics"); len(got) != 2 {
			t.Errorf("stored versions after a refused publish: got %v, want [1 2]", got)
		}
	})
}

func TestQuestionnaireImportOtherFormats(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, c := range []struct {
		name, file, content, format, label string
	}{
		{"VSAQ", "vsaq.json", vsaqQuestionnaire, "VSAQ", "R?"},
		{"CSV", "cloud-basics.csv", csvQuestionnaire, "Spreadsheet", "Where is data stored"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := a.previewOf(t, c.file, c.content)
			if got := p.textOf(t, "preview-format"); !strings.Contains(got, c.format) {
				t.Errorf("format: got %q, want %q", got, c.format)
			}
			if got := p.textOf(t, "preview-plan"); !strings.Contains(got, "new questionnaire") {
				t.Errorf("plan: got %q, want new questionnaire", got)
			}
			rows := p.all(func(n *htmlNode) bool { return strings.HasPrefix(attr(n, "data-testid"), "element-") })
			if len(rows) != 1 || !strings.Contains(text(rows[0]), c.label) {
				t.Errorf("elements: got %q, want one saying %q", texts(rows), c.label)
			}
			if _, err := questionnairefile.Read([]byte(definitionOf(t, p))); err != nil {
				t.Errorf("the publish form's definition does not read as a Shareline file: %v", err)
			}
		})
	}
}

// What an import could not carry over is listed on the preview, before anything is published.
func TestQuestionnairePreviewShowsImportNotes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	long := strings.Repeat("Where exactly is the data stored ", 10) // over the 300 characters of a label
	p := a.previewOf(t, "cloud-basics.csv", "section,key,text,type\nData,region,"+long+",text\n")
	notes := p.byTestID("note")
	if len(notes) == 0 {
		t.Fatalf("preview of a file whose text was cut short: no notes, want what was changed listed")
	}
	if attr(p.one(t, "preview-notes"), "aria-labelledby") == "" {
		t.Error("the notes section has no heading naming it")
	}
}

func TestQuestionnaireImportRefusesAndStoresNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	before, err := a.uc.Questionnaires(context.Background(), app.CommandLine())
	if err != nil {
		t.Fatal(err)
	}
	wantNothingStored := func(t *testing.T) {
		t.Helper()
		after, err := a.uc.Questionnaires(context.Background(), app.CommandLine())
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Errorf("stored versions: got %d, want %d (unchanged)", len(after), len(before))
		}
		if parsePage(t, a.get(t, "/admin/questionnaires"), http.StatusOK).has("questionnaire-vendor-basics") {
			t.Error("the list shows the refused questionnaire")
		}
	}
	wantSummary := func(t *testing.T, p *page, wants ...string) {
		t.Helper()
		summary := p.one(t, "upload-problems")
		if attr(summary, "role") != "alert" || attr(summary, "tabindex") != "-1" {
			t.Errorf("problem summary: got role %q tabindex %q, want alert and -1 (focusable)", attr(summary, "role"), attr(summary, "tabindex"))
		}
		got := text(summary)
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("problem summary: got %q, want it to say %q", got, w)
			}
		}
		if !p.has("upload-form") {
			t.Error("a refused upload: the page has no upload form to try again")
		}
		wantInternalsHidden(t, p.res)
	}

	t.Run("unknown element type", func(t *testing.T) {
		bad := strings.Replace(smallQuestionnaire, `"type": "text"`, `"type": "essay"`, 1)
		p := parsePage(t, a.questionnaireUpload(t, "vendor.json", []byte(bad)), http.StatusUnprocessableEntity)
		wantSummary(t, p, "vendor.json", "line 14", "/questions/0/elements/2/type")
		if n := len(p.byTestID("problem")); n < 1 {
			t.Errorf("problems listed: got %d, want at least 1", n)
		}
		wantNothingStored(t)
	})
	t.Run("not a questionnaire format", func(t *testing.T) {
		p := parsePage(t, a.questionnaireUpload(t, "notes.txt", []byte("hello")), http.StatusUnprocessableEntity)
		wantSummary(t, p, "notes.txt")
		wantNothingStored(t)
	})
	t.Run("no file", func(t *testing.T) {
		body, ct := multipartBody(t, [][2]string{{"other", "x"}}, "", nil)
		p := parsePage(t, a.do(t, http.MethodPost, "/admin/questionnaires/preview", body, http.Header{"Content-Type": {ct}}), http.StatusUnprocessableEntity)
		wantSummary(t, p, "Choose a questionnaire file")
	})
	t.Run("too large", func(t *testing.T) {
		big := `{"key":"vendor-basics","title":"` + strings.Repeat("x", questionnairefile.MaxBytes) + `"}`
		p := parsePage(t, a.questionnaireUpload(t, "big.json", []byte(big)), http.StatusRequestEntityTooLarge)
		wantSummary(t, p, "larger than 2 MiB", "Nothing was read or stored")
		wantNothingStored(t)
	})
	t.Run("far too large", func(t *testing.T) {
		p := parsePage(t, a.questionnaireUpload(t, "huge.json", bytes.Repeat([]byte(" "), 3*questionnairefile.MaxBytes)), http.StatusRequestEntityTooLarge)
		wantSummary(t, p, "larger than 2 MiB")
		wantNothingStored(t)
	})
	t.Run("publish without a definition", func(t *testing.T) {
		p := parsePage(t, a.publishDefinition(t, ""), http.StatusUnprocessableEntity)
		wantSummary(t, p, "upload the file again")
		wantNothingStored(t)
	})
	t.Run("from another site", func(t *testing.T) {
		body, ct := multipartBody(t, nil, "vendor.json", []byte(smallQuestionnaire))
		r := a.do(t, http.MethodPost, "/admin/questionnaires/preview", body, http.Header{"Content-Type": {ct}, "Sec-Fetch-Site": {"cross-site"}})
		wantStatus(t, r, http.StatusForbidden)
	})
}

func TestQuestionnaireRoutesNeedAnAdmin(t *testing.T) {
	t.Parallel()
	admin := newApp(t)
	definition := definitionOf(t, admin.previewOf(t, "vendor.json", smallQuestionnaire))
	for _, role := range []auth.Role{auth.Viewer, auth.Evaluator} {
		a := admin.as(t, role)
		for _, target := range []string{"/admin/questionnaires", "/admin/questionnaires/template.xlsx", "/admin/questionnaires/template.csv",
			"/admin/questionnaires/" + assess.DefaultKey + "/1.json"} {
			parsePage(t, a.get(t, target), http.StatusForbidden)
		}
		parsePage(t, a.questionnaireUpload(t, "vendor.json", []byte(smallQuestionnaire)), http.StatusForbidden)
		parsePage(t, a.publishDefinition(t, definition), http.StatusForbidden)
		nav := parsePage(t, a.get(t, "/providers"), http.StatusOK)
		if len(nav.all(func(n *htmlNode) bool { return n.Data == "a" && attr(n, "href") == "/admin/questionnaires" })) != 0 {
			t.Errorf("%s's navigation links to /admin/questionnaires, want no link", role)
		}
	}
	if got := versionsOf(t, admin, "vendor-basics"); len(got) != 0 {
		t.Errorf("after refused publishes: stored versions %v, want none", got)
	}
	r := admin.anonymous().get(t, "/admin/questionnaires")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("anonymous: got %d to %q, want 303 to /login", r.status, r.header.Get("Location"))
	}
}
