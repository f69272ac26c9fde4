package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// htmlNode is a node of a parsed page.
type htmlNode = html.Node

// page is a parsed HTML answer, read by data-testid attributes.
type page struct {
	res  response
	root *html.Node
}

// parsePage checks that r is HTML with the given status and parses it.
func parsePage(t *testing.T, r response, status int) *page {
	t.Helper()
	wantStatus(t, r, status)
	if ct := r.header.Get("Content-Type"); ct != htmlType {
		t.Fatalf("%s %s: got Content-Type %q, want %q", r.method, r.target, ct, htmlType)
	}
	root, err := html.Parse(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s %s: HTML does not parse: %v", r.method, r.target, err)
	}
	p := &page{res: r, root: root}
	p.checkRunsUnderCSP(t)
	return p
}

// checkSecurityHeaders asserts what every HTML answer must carry: a Content-Security-Policy that
// allows no inline code and no eval, and nosniff.
func checkSecurityHeaders(t *testing.T, r response) {
	t.Helper()
	csp := r.header.Get("Content-Security-Policy")
	if csp == "" {
		t.Errorf("%s %s: no Content-Security-Policy header, want one", r.method, r.target)
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s %s: Content-Security-Policy %q contains %s, want it without", r.method, r.target, csp, bad)
		}
	}
	if !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("%s %s: Content-Security-Policy %q, want default-src 'self'", r.method, r.target, csp)
	}
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s %s: X-Content-Type-Options %q, want nosniff", r.method, r.target, got)
	}
}

// checkRunsUnderCSP fails on markup that the policy would block or that smuggles code in.
func (p *page) checkRunsUnderCSP(t *testing.T) {
	t.Helper()
	for _, problem := range cspProblems(p.root) {
		t.Errorf("%s %s: %s", p.res.method, p.res.target, problem)
	}
}

// cspProblems lists inline scripts, style elements and attributes, event handler attributes and
// javascript: links: what a page running under a policy without 'unsafe-inline' cannot use.
func cspProblems(root *html.Node) []string {
	var out []string
	for _, n := range findAll(root, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		switch {
		case n.Data == "script" && attr(n, "src") == "":
			out = append(out, "inline <script>, which the Content-Security-Policy blocks")
		case n.Data == "style":
			out = append(out, "<style> element, which the Content-Security-Policy blocks")
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			if key == "style" || strings.HasPrefix(key, "on") {
				out = append(out, fmt.Sprintf("<%s %s=%q>, which the Content-Security-Policy blocks", n.Data, a.Key, a.Val))
			}
			if (key == "href" || key == "action" || key == "src" || key == "formaction") &&
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
			}
		}
	}
	return out
}

// The markup check must be able to fail, or the pages that pass it prove nothing.
func TestCSPProblemsFindsInlineCode(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"inline script":      `<p>x</p><script>alert(1)</script>`,
		"style element":      `<style>p{}</style>`,
		"style attribute":    `<p style="color:red">x</p>`,
		"handler attribute":  `<img src="/a.png" onerror="alert(1)">`,
		"javascript: link":   `<a href=" JavaScript:alert(1)">x</a>`,
		"javascript: action": `<form action="javascript:alert(1)"></form>`,
	}
	for name, markup := range cases {
		root, err := html.Parse(strings.NewReader(markup))
		if err != nil {
			t.Fatal(err)
		}
		if len(cspProblems(root)) == 0 {
			t.Errorf("%s: cspProblems(%q) found nothing, want the problem reported", name, markup)
		}
	}
	root, _ := html.Parse(strings.NewReader(`<script src="/static/app.js" defer></script><svg class="bar"><rect width="5"></rect></svg>`))
	if got := cspProblems(root); len(got) != 0 {
		t.Errorf("cspProblems(clean markup): got %v, want none", got)
	}
}

// all lists, in document order, the nodes under the page (or under from) that match.
func (p *page) all(match func(*html.Node) bool) []*html.Node {
	return findAll(p.root, match)
}

func findAll(from *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(from)
	return out
}

func hasTestID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "data-testid") == id }
}

// byTestID lists the elements with a data-testid.
func (p *page) byTestID(id string) []*html.Node { return p.all(hasTestID(id)) }

// one returns the single element with a data-testid.
func (p *page) one(t *testing.T, id string) *html.Node {
	t.Helper()
	return oneIn(t, p.res, p.root, id)
}

func oneIn(t *testing.T, r response, from *html.Node, id string) *html.Node {
	t.Helper()
	found := findAll(from, hasTestID(id))
	if len(found) != 1 {
		t.Fatalf("%s %s: got %d elements with data-testid=%q, want 1; body: %s", r.method, r.target, len(found), id, r)
	}
	return found[0]
}

// has reports whether some element carries the data-testid.
func (p *page) has(id string) bool { return len(p.byTestID(id)) > 0 }

// textOf is one testid's text with runs of spaces collapsed.
func (p *page) textOf(t *testing.T, id string) string {
	t.Helper()
	return text(p.one(t, id))
}

// field finds the form control with a name (the first, for radios: see checked).
func (p *page) field(t *testing.T, name string) *html.Node {
	t.Helper()
	found := findAll(p.root, func(n *html.Node) bool {
		return n.Type == html.ElementNode && (n.Data == "input" || n.Data == "textarea" || n.Data == "select") && attr(n, "name") == name
	})
	if len(found) == 0 {
		t.Fatalf("%s %s: no form field named %q", p.res.method, p.res.target, name)
	}
	return found[0]
}

// checked is the value of the checked radio or checkbox of a name, or "".
func (p *page) checked(name string) []string {
	var out []string
	for _, n := range p.all(func(n *html.Node) bool {
		return n.Type == html.ElementNode && n.Data == "input" && attr(n, "name") == name && hasAttr(n, "checked")
	}) {
		out = append(out, attr(n, "value"))
	}
	return out
}

// selected is the value of a select's selected option.
func selected(sel *html.Node) string {
	for _, o := range findAll(sel, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "option" }) {
		if hasAttr(o, "selected") {
			return attr(o, "value")
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// text is the text under a node, with whitespace collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	for _, t := range findAll(n, func(n *html.Node) bool { return n.Type == html.TextNode }) {
		b.WriteString(t.Data)
		b.WriteByte(' ')
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// texts is the text of each node.
func texts(nodes []*html.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, text(n))
	}
	return out
}

// Every HTML answer, pages, fragments and errors alike, carries the security headers.
func TestSecurityHeadersOnEveryHTMLResponse(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	prov, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	requests := []struct {
		name   string
		method string
		target string
		form   url.Values
		htmx   bool
		status int
	}{
		{"provider list", http.MethodGet, "/providers", nil, false, 200},
		{"new provider form", http.MethodGet, "/providers/new", nil, false, 200},
		{"provider page", http.MethodGet, "/providers/" + prov.ID, nil, false, 200},
		{"edit provider form", http.MethodGet, "/providers/" + prov.ID + "/edit", nil, false, 200},
		{"evaluation page", http.MethodGet, "/evaluations/" + ev.ID, nil, false, 200},
		{"summary page", http.MethodGet, "/evaluations/" + ev.ID + "/summary", nil, false, 200},
		{"refused provider form", http.MethodPost, "/providers", url.Values{"name": {""}}, false, 422},
		{"htmx save fragment", http.MethodPost, answerPath(ev.ID, "abuse_cases.malware"), elementForm("status", url.Values{"value": {"yes"}}), true, 200},
		{"htmx refusal fragment", http.MethodPost, answerPath(ev.ID, "abuse_cases.malware"), elementForm("status", url.Values{"value": {"x"}}), true, 422},
		{"refused plain save", http.MethodPost, answerPath(ev.ID, "abuse_cases.malware"), elementForm("status", url.Values{"value": {"x"}}), false, 422},
		{"not found page", http.MethodGet, "/evaluations/" + noSuchID, nil, false, 404},
		{"no such route", http.MethodGet, "/nowhere", nil, false, 404},
		{"method not allowed", http.MethodDelete, "/providers", nil, false, 405},
	}
	for _, c := range requests {
		t.Run(c.name, func(t *testing.T) {
			var r response
			if c.form != nil {
				r = a.postForm(t, c.target, c.form, c.htmx)
			} else {
				r = a.do(t, c.method, c.target, nil, nil)
			}
			parsePage(t, r, c.status) // checks the Content-Type and the markup against the policy
			checkSecurityHeaders(t, r)
		})
	}
	t.Run("redirects and JSON carry nosniff too", func(t *testing.T) {
		for _, r := range []response{a.get(t, "/"), a.get(t, "/api/v1/providers"), a.get(t, "/healthz")} {
			if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s %s: X-Content-Type-Options %q, want nosniff", r.method, r.target, got)
			}
		}
	})
}
