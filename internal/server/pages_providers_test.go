package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestProvidersPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)

	p := parsePage(t, a.get(t, "/providers?q="+word), http.StatusOK)
	if !p.has("no-providers") || p.has("provider-row") {
		t.Errorf("no provider matches yet: want the no-providers notice and no rows")
	}

	bravo := a.createProvider(t, "Bravo Compute "+word, "iaas")
	acme := a.createProvider(t, "acme Cloud "+word, "saas")
	charlie := a.createProvider(t, "Charlie Storage "+word, "paas")
	ev := a.startEvaluation(t, bravo.ID)
	a.workedExample(t, ev.ID)
	complete(t, a, ev.ID)

	rowNames := func(p *page) []string {
		var out []string
		for _, row := range p.byTestID("provider-row") {
			out = append(out, text(oneIn(t, p.res, row, "provider-name")))
		}
		return out
	}
	cases := []struct {
		name     string
		query    string
		want     []string
		wantSort string
		pageInfo string
	}{
		{"by name", "q=" + word, []string{acme.Name, bravo.Name, charlie.Name}, "name", "1–3 of 3"},
		{"by score", "q=" + word + "&sort=score", []string{bravo.Name, acme.Name, charlie.Name}, "score", "1–3 of 3"},
		{"search", "q=" + url.QueryEscape("STORAGE "+word), []string{charlie.Name}, "name", "1–1 of 1"},
		{"page of two", "q=" + word + "&limit=2", []string{acme.Name, bravo.Name}, "name", "1–2 of 3"},
		{"second page", "q=" + word + "&limit=2&offset=2", []string{charlie.Name}, "name", "3–3 of 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := parsePage(t, a.get(t, "/providers?"+c.query), http.StatusOK)
			if got := rowNames(p); !slices.Equal(got, c.want) {
				t.Errorf("rows: got %q, want %q", got, c.want)
			}
			if got := selected(p.one(t, "sort")); got != c.wantSort {
				t.Errorf("sort select: got %q selected, want %q", got, c.wantSort)
			}
			if got, want := attr(p.one(t, "search"), "value"), mustQuery(t, c.query).Get("q"); got != want {
				t.Errorf("search box: got %q, want the search kept, %q", got, want)
			}
			if got := p.textOf(t, "page-info"); got != c.pageInfo {
				t.Errorf("page-info: got %q, want %q", got, c.pageInfo)
			}
		})
	}

	t.Run("rows link to providers and show scores", func(t *testing.T) {
		p := parsePage(t, a.get(t, "/providers?q="+word), http.StatusOK)
		rows := p.byTestID("provider-row")
		if len(rows) != 3 {
			t.Fatalf("rows: got %d, want 3", len(rows))
		}
		if got := attr(oneIn(t, p.res, rows[0], "provider-name"), "href"); got != "/providers/"+acme.ID {
			t.Errorf("first row link: got %q, want /providers/%s", got, acme.ID)
		}
		scores := texts(p.byTestID("provider-score"))
		if want := []string{"–", "16.7", "–"}; !slices.Equal(scores, want) {
			t.Errorf("scores: got %q, want %q", scores, want)
		}
		if got := text(oneIn(t, p.res, rows[1], "tier")); got != "Poor" {
			t.Errorf("tier of the evaluated provider: got %q, want Poor", got)
		}
	})

	t.Run("Next and Previous links page by key, and number the rows", func(t *testing.T) {
		for _, sort := range []string{"", "&sort=score"} {
			link := func(p *page, rel string) string {
				t.Helper()
				links := p.all(func(n *htmlNode) bool { return n.Data == "a" && attr(n, "rel") == rel })
				if len(links) != 1 {
					t.Fatalf("%s links: got %d, want 1", rel, len(links))
				}
				return attr(links[0], "href")
			}
			first := parsePage(t, a.get(t, "/providers?q="+word+"&limit=1"+sort), http.StatusOK)
			next := link(first, "next")
			if !strings.Contains(next, "after=") || !strings.Contains(next, "offset=1") {
				t.Errorf("Next: got %q, want a key (after=) and offset 1", next)
			}
			second := parsePage(t, a.get(t, next), http.StatusOK)
			third := parsePage(t, a.get(t, link(second, "next")), http.StatusOK)
			var got []string
			for _, p := range []*page{first, second, third} {
				got = append(got, rowNames(p)...)
			}
			want := []string{acme.Name, bravo.Name, charlie.Name}
			if sort != "" {
				want = []string{bravo.Name, acme.Name, charlie.Name}
			}
			if !slices.Equal(got, want) {
				t.Errorf("sort %q: three pages of one through Next: got %q, want %q", sort, got, want)
			}
			if got := third.textOf(t, "page-info"); got != "3–3 of 3" {
				t.Errorf("page-info of the third page: got %q, want 3–3 of 3", got)
			}
			if third.all(func(n *htmlNode) bool { return attr(n, "rel") == "next" }) != nil {
				t.Error("the last page has a Next link")
			}
			prev := link(third, "prev")
			if !strings.Contains(prev, "before=") {
				t.Errorf("Previous from the third page: got %q, want a key (before=)", prev)
			}
			if got := rowNames(parsePage(t, a.get(t, prev), http.StatusOK)); !slices.Equal(got, want[1:2]) {
				t.Errorf("Previous from the third page: got %q, want %q", got, want[1:2])
			}
			if prev := link(second, "prev"); strings.Contains(prev, "before=") || strings.Contains(prev, "offset=") {
				t.Errorf("Previous from the second page: got %q, want the first page, without a key", prev)
			}
		}
	})

	t.Run("a query that cannot be served shows the first page and says why", func(t *testing.T) {
		p := parsePage(t, a.get(t, "/providers?limit=abc"), http.StatusUnprocessableEntity)
		alerts := p.all(func(n *htmlNode) bool { return attr(n, "role") == "alert" })
		if len(alerts) == 0 || !strings.Contains(text(alerts[0]), "limit") {
			t.Errorf("alert: got %q, want the limit named", texts(alerts))
		}
	})
}

func mustQuery(t *testing.T, q string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var providerPath = regexp.MustCompile(`^/providers/([1-9][0-9]*)$`)

// providerForm is a valid add-provider form.
func providerForm(name string) url.Values {
	return url.Values{
		"name": {name}, "offering": {"Object storage"}, "service_model": {"saas"},
		"website": {"https://acme.example"}, "notes": {"Shortlisted."},
	}
}

func TestProviderCreateForm(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)

	p := parsePage(t, a.get(t, "/providers/new"), http.StatusOK)
	if got := attr(p.one(t, "provider-form"), "action"); got != "/providers" {
		t.Errorf("form action: got %q, want /providers", got)
	}

	r := a.postForm(t, "/providers", providerForm("Acme "+word), false)
	wantStatus(t, r, http.StatusSeeOther)
	m := providerPath.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("Location: got %q, want /providers/{id}", r.header.Get("Location"))
	}
	got := a.provider(t, m[1])
	if got.Name != "Acme "+word || got.Offering != "Object storage" || got.ServiceModel != "saas" || got.Website != "https://acme.example" || got.Notes != "Shortlisted." {
		t.Errorf("stored provider: got %+v, want the form's fields", got)
	}

	page := parsePage(t, a.get(t, r.header.Get("Location")), http.StatusOK)
	if got := page.textOf(t, "provider-title"); got != "Acme "+word {
		t.Errorf("provider-title: got %q, want %q", got, "Acme "+word)
	}
}

// A refused form comes back with the person's input and the field's error, and stores nothing.
func TestProviderCreateFormRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	a.createProvider(t, "Acme "+word, "saas")
	form := func(change func(url.Values)) url.Values {
		f := providerForm("Bravo " + word)
		change(f)
		return f
	}
	cases := []struct {
		name   string
		form   url.Values
		status int
		field  string
	}{
		{"empty name", form(func(f url.Values) { f.Set("name", "") }), 422, "name"},
		{"name of 201 characters", form(func(f url.Values) { f.Set("name", word+strings.Repeat("x", 201-len(word))) }), 422, "name"},
		{"no service model", form(func(f url.Values) { f.Del("service_model") }), 422, "service_model"},
		{"unknown service model", form(func(f url.Values) { f.Set("service_model", "cloud") }), 422, "service_model"},
		{"ftp website", form(func(f url.Values) { f.Set("website", "ftp://x") }), 422, "website"},
		{"notes of 10,001 characters", form(func(f url.Values) { f.Set("notes", strings.Repeat("n", 10001)) }), 422, "notes"},
		{"name that is not UTF-8", form(func(f url.Values) { f.Set("name", word+"\xff") }), 422, "name"},
		{"duplicate name in another case", form(func(f url.Values) { f.Set("name", "ACME "+strings.ToUpper(word)) }), 409, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := a.countProviders(t, word)
			r := a.postForm(t, "/providers", c.form, false)
			p := parsePage(t, r, c.status)
			if !p.has("error-" + c.field) {
				t.Errorf("want data-testid=error-%s beside the field", c.field)
			}
			if !p.has("form-errors") {
				t.Errorf("want the form-errors notice")
			}
			for _, name := range []string{"name", "offering", "website"} {
				if got, want := attr(p.field(t, name), "value"), c.form.Get(name); got != strings.ToValidUTF8(want, "\uFFFD") && got != want {
					t.Errorf("field %s: got %q, want the input kept, %q", name, got, want)
				}
			}
			if got, want := text(p.field(t, "notes")), strings.Join(strings.Fields(c.form.Get("notes")), " "); got != want {
				t.Errorf("notes: got %d characters, want the input kept (%d)", len(got), len(want))
			}
			if got := p.checked("service_model"); c.form.Get("service_model") == "saas" && !slices.Equal(got, []string{"saas"}) {
				t.Errorf("service model: got %v checked, want saas kept", got)
			}
			if after := a.countProviders(t, word); after != before {
				t.Errorf("providers named %s: got %d after the refusal, want %d (nothing stored)", word, after, before)
			}
		})
	}
}

func TestProviderEditForm(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	other := a.createProvider(t, "Other "+word, "iaas")
	r := a.postForm(t, "/providers", providerForm("Acme "+word), false)
	wantStatus(t, r, http.StatusSeeOther)
	id := providerPath.FindStringSubmatch(r.header.Get("Location"))[1]

	p := parsePage(t, a.get(t, "/providers/"+id+"/edit"), http.StatusOK)
	if got := attr(p.one(t, "provider-form"), "action"); got != "/providers/"+id {
		t.Errorf("edit form action: got %q, want /providers/%s", got, id)
	}
	if got := attr(p.field(t, "name"), "value"); got != "Acme "+word {
		t.Errorf("name field: got %q, want the stored name", got)
	}
	if got := p.checked("service_model"); !slices.Equal(got, []string{"saas"}) {
		t.Errorf("service model: got %v checked, want [saas]", got)
	}
	if got := text(p.field(t, "notes")); got != "Shortlisted." {
		t.Errorf("notes: got %q, want the stored notes", got)
	}

	changed := providerForm("Acme Two " + word)
	changed.Set("service_model", "paas")
	r = a.postForm(t, "/providers/"+id, changed, false)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/providers/"+id {
		t.Errorf("Location: got %q, want /providers/%s", loc, id)
	}
	if got := a.provider(t, id); got.Name != "Acme Two "+word || got.ServiceModel != "paas" {
		t.Errorf("updated provider: got %+v, want the new name and paas", got)
	}

	// Renaming to its own name in another case is not a conflict with itself.
	same := providerForm(strings.ToUpper("Acme Two " + word))
	same.Set("service_model", "paas")
	wantStatus(t, a.postForm(t, "/providers/"+id, same, false), http.StatusSeeOther)

	t.Run("invalid update keeps the stored provider", func(t *testing.T) {
		before := a.provider(t, id)
		bad := providerForm("")
		p := parsePage(t, a.postForm(t, "/providers/"+id, bad, false), http.StatusUnprocessableEntity)
		if !p.has("error-name") {
			t.Errorf("want data-testid=error-name")
		}
		if got := attr(p.one(t, "provider-form"), "action"); got != "/providers/"+id {
			t.Errorf("form action: got %q, want the edit form again", got)
		}
		if after := a.provider(t, id); after != before {
			t.Errorf("provider after a refused update: got %+v, want %+v", after, before)
		}
	})
	t.Run("renaming to another provider's name is a conflict", func(t *testing.T) {
		before := a.provider(t, id)
		p := parsePage(t, a.postForm(t, "/providers/"+id, providerForm(strings.ToLower(other.Name)), false), http.StatusConflict)
		if !p.has("error-name") {
			t.Errorf("want data-testid=error-name")
		}
		if after := a.provider(t, id); after != before {
			t.Errorf("provider after a refused update: got %+v, want %+v", after, before)
		}
	})
	t.Run("updating an unknown provider", func(t *testing.T) {
		p := parsePage(t, a.postForm(t, "/providers/"+noSuchID, providerForm("Ghost "+word), false), http.StatusNotFound)
		p.one(t, "error")
		if n := a.countProviders(t, "Ghost "+word); n != 0 {
			t.Errorf("providers named Ghost: got %d, want 0", n)
		}
	})
}

func TestProviderPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.createProvider(t, "Acme "+tag(t), "saas")
	page := parsePage(t, a.get(t, "/providers/"+p.ID), http.StatusOK)
	if got := page.textOf(t, "provider-title"); got != p.Name {
		t.Errorf("provider-title: got %q, want %q", got, p.Name)
	}
	if page.has("evaluations") {
		t.Errorf("evaluations table shown for a provider never evaluated")
	}

	r := a.do(t, http.MethodPost, "/providers/"+p.ID+"/evaluations", nil, nil)
	wantStatus(t, r, http.StatusSeeOther)
	m := regexp.MustCompile(`^/evaluations/([1-9][0-9]*)$`).FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("Location: got %q, want /evaluations/{id}", r.header.Get("Location"))
	}
	if got := a.provider(t, p.ID).DraftEvaluation; got == nil || got.ID != m[1] {
		t.Errorf("draft_evaluation: got %+v, want evaluation %s", got, m[1])
	}
	page = parsePage(t, a.get(t, "/providers/"+p.ID), http.StatusOK)
	links := page.all(func(n *htmlNode) bool { return attr(n, "href") == "/evaluations/"+m[1] })
	if !page.has("evaluations") || len(links) == 0 {
		t.Errorf("provider page: want the evaluations table linking to /evaluations/%s", m[1])
	}
}

// Every page that takes an id answers 404, as an HTML page without internals, for unknown ids
// and ids of the wrong shape.
func TestPagesUnknownIDs(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, id := range append([]string{noSuchID}, wrongShapeIDs...) {
		id := url.PathEscape(id)
		for _, c := range []struct{ method, target string }{
			{http.MethodGet, "/providers/" + id},
			{http.MethodGet, "/providers/" + id + "/edit"},
			{http.MethodPost, "/providers/" + id + "/evaluations"},
			{http.MethodGet, "/evaluations/" + id},
			{http.MethodGet, "/evaluations/" + id + "/summary"},
		} {
			t.Run(c.method+" "+c.target, func(t *testing.T) {
				r := a.do(t, c.method, c.target, nil, nil)
				p := parsePage(t, r, http.StatusNotFound)
				p.one(t, "error")
				wantInternalsHidden(t, r)
			})
		}
	}
	t.Run("no such page", func(t *testing.T) {
		p := parsePage(t, a.get(t, "/no-such-page"), http.StatusNotFound)
		p.one(t, "error")
	})
}

// Text people typed is shown as text on every page: markup in it never becomes markup (an
// injected script or handler would also fail the policy check parsePage runs).
func TestPagesEscapeWhatPeopleTyped(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	name := `<script>alert(1)</script><img src=x onerror=alert(1)> ` + word
	in := map[string]string{
		"name":          name,
		"offering":      `"><svg onload=alert(2)>`,
		"service_model": "saas",
		"website":       `https://acme.example/?q="><script>alert(3)</script>`,
		"notes":         "</p><script>alert(4)</script>",
	}
	var p providerOut
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/providers", in), http.StatusCreated, "Provider", &p)
	ev := a.startEvaluation(t, p.ID)
	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{
		"value": "yes", "explanation": "</textarea><script>alert(5)</script>",
		"evidence": []map[string]string{{"url": `https://acme.example/"><script>alert(6)</script>`, "effective_date": "2026-01-01"}},
	})
	for _, target := range []string{
		"/providers?q=" + url.QueryEscape(word),
		"/providers?q=" + url.QueryEscape(`<script>alert(7)</script>`),
		"/providers/" + p.ID,
		"/providers/" + p.ID + "/edit",
		"/evaluations/" + ev.ID,
		"/evaluations/" + ev.ID + "/summary",
	} {
		t.Run(target, func(t *testing.T) {
			page := parsePage(t, a.get(t, target), http.StatusOK)
			scripts := page.all(func(n *htmlNode) bool { return n.Type == html.ElementNode && n.Data == "script" })
			for _, s := range scripts {
				if !strings.HasPrefix(attr(s, "src"), "/static/") {
					t.Errorf("script %q: want only the app's own scripts", attr(s, "src"))
				}
			}
			if page.all(func(n *htmlNode) bool {
				return n.Type == html.ElementNode && (n.Data == "img" || n.Data == "svg" && hasAttr(n, "onload"))
			}) != nil {
				t.Errorf("an element typed into a field was rendered as markup")
			}
		})
	}
	page := parsePage(t, a.get(t, "/providers/"+p.ID), http.StatusOK)
	if got := page.textOf(t, "provider-title"); got != name {
		t.Errorf("provider-title: got %q, want the name as text, %q", got, name)
	}
	edit := parsePage(t, a.get(t, "/evaluations/"+ev.ID), http.StatusOK)
	form := oneIn(t, edit.res, edit.root, "element-abuse_cases.malware")
	areas := findAll(form, func(n *htmlNode) bool { return n.Data == "textarea" && attr(n, "name") == "explanation" })
	if len(areas) != 1 || text(areas[0]) != "</textarea><script>alert(5)</script>" {
		t.Errorf("explanation textarea: got %q, want the explanation as text", texts(areas))
	}
}
