package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The provider list filters by tier, service model, status and questionnaire, with the total
// counted for the filter; a selection for comparison (?sel=) survives paging and filtering.
func TestProvidersPageFiltersAndSelection(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	never := a.createProvider(t, "Never Cloud", "iaas")
	_, draft := a.evaluated(t, "Drafting Cloud", "saas")
	a.answer(t, draft.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	done, ev := a.evaluated(t, "Completed Cloud", "paas")
	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "partial"})
	complete(t, a, ev.ID)

	names := func(p *page) []string {
		var out []string
		for _, n := range p.byTestID("provider-name") {
			out = append(out, text(n))
		}
		return out
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"model=iaas", []string{"Never Cloud"}},
		{"status=never", []string{"Never Cloud"}},
		{"status=drafting", []string{"Drafting Cloud"}},
		{"status=completed", []string{"Completed Cloud"}},
		{"tier=poor", []string{"Completed Cloud"}},
		{"tier=not_assessed", []string{"Drafting Cloud", "Never Cloud"}},
		{"tier=strong", nil},
		{"questionnaire=shared-responsibility", []string{"Completed Cloud", "Drafting Cloud"}},
		{"questionnaire=shared-responsibility&model=saas", []string{"Drafting Cloud"}},
		{"q=cloud&status=completed", []string{"Completed Cloud"}},
	} {
		t.Run(c.query, func(t *testing.T) {
			p := parsePage(t, a.get(t, "/providers?"+c.query), http.StatusOK)
			if got := names(p); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			var list struct {
				Total int `json:"total"`
			}
			decodeJSON(t, a.get(t, "/api/v1/providers?"+c.query), http.StatusOK, "ProviderList", &list)
			if list.Total != len(c.want) {
				t.Errorf("API total: got %d, want %d", list.Total, len(c.want))
			}
		})
	}
	for _, bad := range []string{"tier=excellent", "model=onprem", "status=lost"} {
		p := parsePage(t, a.get(t, "/providers?"+bad), http.StatusUnprocessableEntity)
		if msg := text(p.one(t, "list-error")); !strings.Contains(msg, ": choose ") {
			t.Errorf("%s: got %q, want it to say what to choose", bad, msg)
		}
	}

	// Two providers ticked, one of them on another page: both stay ticked and go to the comparison.
	sel := never.ID + "," + done.ID
	p := parsePage(t, a.get(t, "/providers?limit=1&sel="+url.QueryEscape(sel)), http.StatusOK)
	if got := names(p); !slices.Equal(got, []string{"Completed Cloud"}) {
		t.Fatalf("first page of one: got %v", got)
	}
	if box := p.one(t, "compare-pick"); !hasAttr(box, "checked") {
		t.Error("a provider in ?sel= is not ticked")
	}
	var elsewhere []string
	for _, n := range p.byTestID("selected-elsewhere") {
		elsewhere = append(elsewhere, attr(n, "value"))
	}
	if !slices.Equal(elsewhere, []string{never.ID}) {
		t.Errorf("selected on other pages: got %v, want [%s]", elsewhere, never.ID)
	}
	if got := p.textOf(t, "compare-count"); got != "2 providers ticked." {
		t.Errorf("compare count: got %q", got)
	}
	next := p.all(func(n *htmlNode) bool { return attr(n, "rel") == "next" })
	if len(next) != 1 || !strings.Contains(attr(next[0], "href"), "sel="+url.QueryEscape(sel)) {
		t.Errorf("the next page's link does not keep the selection")
	}
}

// A refused provider form ties each problem to its field: the control is marked invalid and
// described by the message, and a bad link is echoed into a text field (valid HTML), not a url one.
func TestProviderFormErrorsTiedToFields(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.postForm(t, "/providers", url.Values{"name": {""}, "service_model": {"saas"}, "website": {"not a link"}}, false)
	p := parsePage(t, r, http.StatusUnprocessableEntity)
	for _, field := range []string{"name", "website"} {
		controls := p.all(func(n *htmlNode) bool { return attr(n, "name") == field })
		if len(controls) != 1 {
			t.Fatalf("%s: got %d controls", field, len(controls))
		}
		c := controls[0]
		if attr(c, "aria-invalid") != "true" || attr(c, "aria-describedby") != "err-"+field {
			t.Errorf("%s: got aria-invalid=%q aria-describedby=%q, want true and err-%s", field, attr(c, "aria-invalid"), attr(c, "aria-describedby"), field)
		}
		if msg := p.all(func(n *htmlNode) bool { return attr(n, "id") == "err-"+field }); len(msg) != 1 || text(msg[0]) == "" {
			t.Errorf("%s: no message with id err-%s", field, field)
		}
	}
	website := p.all(func(n *htmlNode) bool { return attr(n, "name") == "website" })[0]
	if attr(website, "type") != "text" || attr(website, "value") != "not a link" {
		t.Errorf("website: got type %q value %q, want the text typed kept in a text field", attr(website, "type"), attr(website, "value"))
	}
}
