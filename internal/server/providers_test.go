package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestProviderCreate(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	in := map[string]string{
		"name":          "  Acme Cloud " + word + "  ",
		"offering":      "Object storage",
		"service_model": "saas",
		"website":       "https://acme.example/security",
		"notes":         "Asked for the SOC 2 report.\nSecond line.",
	}
	r := a.sendJSON(t, http.MethodPost, "/api/v1/providers", in)
	var p providerOut
	decodeJSON(t, r, http.StatusCreated, "Provider", &p)
	if !idShape.MatchString(p.ID) {
		t.Errorf("id: got %q, want a decimal string", p.ID)
	}
	if loc := r.header.Get("Location"); loc != "/api/v1/providers/"+p.ID {
		t.Errorf("Location: got %q, want /api/v1/providers/%s", loc, p.ID)
	}
	want := providerOut{
		ID: p.ID, Name: "Acme Cloud " + word, Offering: "Object storage", ServiceModel: "saas",
		Website: "https://acme.example/security", Notes: "Asked for the SOC 2 report.\nSecond line.",
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Tier: "not_assessed",
	}
	if p != want {
		t.Errorf("created provider:\ngot  %+v\nwant %+v (name trimmed, no latest evaluation)", p, want)
	}
	if got := a.provider(t, p.ID); got != p {
		t.Errorf("GET the created provider:\ngot  %+v\nwant %+v", got, p)
	}

	// Limits count characters, not bytes, and the body may omit the media type's parameters or
	// the Content-Type altogether.
	long := strings.Repeat("é", 200-len(word)-1) + " " + word
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/providers", map[string]string{"name": long, "service_model": "iaas", "notes": strings.Repeat("n", 10000)}), http.StatusCreated, "Provider", nil)
	r = a.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"Bare `+word+`","service_model":"paas"}`), nil)
	decodeJSON(t, r, http.StatusCreated, "Provider", nil)
	r = a.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"Charset `+word+`","service_model":"paas"}`),
		http.Header{"Content-Type": {"application/json; charset=utf-8"}})
	decodeJSON(t, r, http.StatusCreated, "Provider", nil)
	if n := a.countProviders(t, word); n != 4 {
		t.Errorf("providers named %s: got %d, want 4", word, n)
	}
}

// Every refused create names its problem and stores nothing.
func TestProviderCreateRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	a.createProvider(t, "Acme Cloud "+word, "saas")
	name := "Name " + word
	valid := func(change func(m map[string]any)) map[string]any {
		m := map[string]any{"name": name, "service_model": "saas"}
		change(m)
		return m
	}
	cases := []struct {
		name        string
		contentType string
		body        any
		status      int
		code, field string
	}{
		{"empty name", "", valid(func(m map[string]any) { m["name"] = "" }), 422, "invalid", "name"},
		{"blank name", "", valid(func(m map[string]any) { m["name"] = "   " }), 422, "invalid", "name"},
		{"name missing", "", map[string]any{"service_model": "saas"}, 422, "invalid", "name"},
		{"name of 201 characters", "", valid(func(m map[string]any) { m["name"] = word + strings.Repeat("x", 201-len(word)) }), 422, "invalid", "name"},
		{"name on two lines", "", valid(func(m map[string]any) { m["name"] = word + "\nsecond" }), 422, "invalid", "name"},
		{"name with a NUL byte", "", valid(func(m map[string]any) { m["name"] = word + "\x00" }), 422, "invalid", "name"},
		{"name with a direction override", "", valid(func(m map[string]any) { m["name"] = word + "\u202e" }), 422, "invalid", "name"},
		{"offering of 201 characters", "", valid(func(m map[string]any) { m["offering"] = strings.Repeat("o", 201) }), 422, "invalid", "offering"},
		{"unknown service model", "", valid(func(m map[string]any) { m["service_model"] = "cloud" }), 422, "invalid", "service_model"},
		{"service model in capitals", "", valid(func(m map[string]any) { m["service_model"] = "SAAS" }), 422, "invalid", "service_model"},
		{"service model missing", "", map[string]any{"name": name}, 422, "invalid", "service_model"},
		{"ftp website", "", valid(func(m map[string]any) { m["website"] = "ftp://x" }), 422, "invalid", "website"},
		{"javascript website", "", valid(func(m map[string]any) { m["website"] = "javascript:alert(1)" }), 422, "invalid", "website"},
		{"website without a host", "", valid(func(m map[string]any) { m["website"] = "https://" }), 422, "invalid", "website"},
		{"notes of 10,001 characters", "", valid(func(m map[string]any) { m["notes"] = strings.Repeat("n", 10001) }), 422, "invalid", "notes"},
		{"unknown field", "", valid(func(m map[string]any) { m["colour"] = "red" }), 422, "invalid", "colour"},
		{"name of the wrong type", "", `{"name":5,"service_model":"saas"}`, 422, "invalid", "name"},
		{"notes of the wrong type", "", `{"name":"` + name + `","service_model":"saas","notes":["a"]}`, 422, "invalid", "notes"},
		{"a list instead of an object", "", `[{"name":"` + name + `","service_model":"saas"}]`, 422, "invalid", ""},
		{"malformed JSON", "", `{"name":"` + name + `",`, 400, "bad_request", ""},
		{"empty body", "", ``, 400, "bad_request", ""},
		{"two documents", "", `{"name":"` + name + `","service_model":"saas"} {"name":"x"}`, 400, "bad_request", ""},
		{"body over 1 MiB", "", `{"name":"` + name + `","service_model":"saas","notes":"` + strings.Repeat("n", 1<<20) + `"}`, 413, "too_large", ""},
		{"text/plain", "text/plain", valid(func(map[string]any) {}), 415, "unsupported_media_type", ""},
		{"form encoded", formType, "name=" + url.QueryEscape(name) + "&service_model=saas", 415, "unsupported_media_type", ""},
		{"duplicate name in another case", "", valid(func(m map[string]any) { m["name"] = strings.ToUpper("Acme Cloud " + word) }), 409, "conflict", ""},
		{"duplicate name with spaces around", "", valid(func(m map[string]any) { m["name"] = "  acme cloud " + word + " " }), 409, "conflict", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := a.countProviders(t, word)
			ct := c.contentType
			if ct == "" {
				ct = "application/json"
			}
			r := a.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(jsonText(t, c.body)), http.Header{"Content-Type": {ct}})
			wantAPIError(t, r, c.status, c.code, c.field)
			if loc := r.header.Get("Location"); loc != "" {
				t.Errorf("Location: got %q on a refusal, want none", loc)
			}
			if after := a.countProviders(t, word); after != before {
				t.Errorf("providers named %s: got %d after the refusal, want %d (nothing stored)", word, after, before)
			}
		})
	}
}

func TestProviderGet(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	p := a.createProvider(t, "Acme "+word, "paas")
	if got := a.provider(t, p.ID); got != p {
		t.Errorf("GET /api/v1/providers/%s:\ngot  %+v\nwant %+v", p.ID, got, p)
	}
	ev := a.startEvaluation(t, p.ID)
	a.workedExample(t, ev.ID)
	complete(t, a, ev.ID)
	got := a.provider(t, p.ID)
	want := headOut{ID: ev.ID, Status: "completed", Score: 16.7, Tier: "poor", Progress: 18.2, AsOf: today}
	if got.LatestEvaluation == nil || *got.LatestEvaluation != want || got.Score == nil || *got.Score != 16.7 {
		t.Errorf("current_evaluation after completing the worked example: got %+v, want %+v", got.LatestEvaluation, want)
	}
	// A newer evaluation is shown beside the completed one, which still speaks for the provider.
	newer := a.startEvaluation(t, p.ID)
	if got := a.provider(t, p.ID); got.LatestEvaluation == nil || got.LatestEvaluation.ID != ev.ID || got.DraftEvaluation == nil || got.DraftEvaluation.ID != newer.ID {
		t.Errorf("after a second evaluation: got current %+v, draft %+v; want %s and %s", got.LatestEvaluation, got.DraftEvaluation, ev.ID, newer.ID)
	}

	t.Run("unknown id", func(t *testing.T) {
		wantAPIError(t, a.get(t, "/api/v1/providers/"+noSuchID), http.StatusNotFound, "not_found", "")
	})
	for _, id := range wrongShapeIDs {
		t.Run("id "+id, func(t *testing.T) {
			wantAPIError(t, a.get(t, "/api/v1/providers/"+url.PathEscape(id)), http.StatusNotFound, "not_found", "")
		})
	}
}

func TestProviderList(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	// Created out of order, in mixed case, so that sorting is visible.
	delta := a.createProvider(t, "delta 100% uptime "+word, "saas")
	bravo := a.createProvider(t, "Bravo Compute "+word, "iaas")
	acme := a.createProvider(t, "Acme Cloud "+word, "saas")
	charlie := a.createProvider(t, "Charlie_Storage "+word, "paas")

	strong := a.startEvaluation(t, bravo.ID)
	for _, ref := range []string{"abuse_cases.app_vulnerabilities", "abuse_cases.malware", "abuse_cases.privilege_abuse", "abuse_cases.abuse_reporting"} {
		a.answer(t, strong.ID, ref, map[string]any{"value": "yes"})
	}
	weak := a.startEvaluation(t, acme.ID)
	a.workedExample(t, weak.ID)
	complete(t, a, strong.ID)
	complete(t, a, weak.ID)

	names := func(l listOut) []string {
		var out []string
		for _, p := range l.Providers {
			out = append(out, p.Name)
		}
		return out
	}
	q := "q=" + word
	cases := []struct {
		name  string
		query string
		want  []string
		total int
	}{
		{"default sort is by name, ignoring case", q, []string{acme.Name, bravo.Name, charlie.Name, delta.Name}, 4},
		{"sort by name", q + "&sort=name", []string{acme.Name, bravo.Name, charlie.Name, delta.Name}, 4},
		{"sort by score, never evaluated last", q + "&sort=score", []string{bravo.Name, acme.Name, charlie.Name, delta.Name}, 4},
		{"search ignores case", "q=ACME+CLOUD+" + word, []string{acme.Name}, 1},
		{"search matches inside the name", "q=compute+" + word, []string{bravo.Name}, 1},
		{"percent is matched literally", "q=" + url.QueryEscape("100% uptime "+word), []string{delta.Name}, 1},
		{"percent is no wildcard", "q=" + url.QueryEscape("Acme%Cloud "+word), nil, 0},
		{"underscore is matched literally", "q=" + url.QueryEscape("Charlie_Storage "+word), []string{charlie.Name}, 1},
		{"underscore is no wildcard", "q=" + url.QueryEscape("Acme_Cloud "+word), nil, 0},
		{"search with no match", "q=no-such-provider-" + word, nil, 0},
		{"first page", q + "&limit=2", []string{acme.Name, bravo.Name}, 4},
		{"second page", q + "&limit=2&offset=2", []string{charlie.Name, delta.Name}, 4},
		{"last partial page", q + "&limit=3&offset=3", []string{delta.Name}, 4},
		{"page past the end keeps the total", q + "&limit=2&offset=10", nil, 4},
		{"largest page", q + "&limit=500", []string{acme.Name, bravo.Name, charlie.Name, delta.Name}, 4},
		{"smallest page, sorted by score", q + "&limit=1&sort=score", []string{bravo.Name}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := a.listProviders(t, c.query)
			if got := names(l); !slices.Equal(got, c.want) {
				t.Errorf("GET /api/v1/providers?%s: got %q, want %q", c.query, got, c.want)
			}
			if l.Total != c.total {
				t.Errorf("GET /api/v1/providers?%s: got total %d, want %d", c.query, l.Total, c.total)
			}
			if l.Providers == nil {
				t.Errorf("providers: got null, want a list (empty when nothing matches)")
			}
		})
	}

	t.Run("pages through next_after and previous_before", func(t *testing.T) {
		for _, sort := range []string{"name", "score"} {
			all := names(a.listProviders(t, q+"&sort="+sort))
			var got []string
			var pages []listOut
			for offset, after := 0, ""; offset < 4; offset++ {
				l := a.listProviders(t, q+"&sort="+sort+"&limit=1&offset="+strconv.Itoa(offset)+"&after="+url.QueryEscape(after))
				if l.Total != 4 || len(l.Providers) != 1 || l.NextAfter == "" || l.PreviousBefore == "" {
					t.Fatalf("sort %s, page %d: got %+v, want one provider of 4 and both keys", sort, offset+1, l)
				}
				got, pages, after = append(got, names(l)...), append(pages, l), l.NextAfter
			}
			if !slices.Equal(got, all) {
				t.Errorf("sort %s: pages of one through next_after: got %q, want %q", sort, got, all)
			}
			last := a.listProviders(t, q+"&sort="+sort+"&limit=1&before="+url.QueryEscape(pages[3].PreviousBefore))
			if want := names(pages[2]); !slices.Equal(names(last), want) {
				t.Errorf("sort %s: before the last page: got %q, want %q", sort, names(last), want)
			}
		}
		if l := a.listProviders(t, "q=no-such-provider-"+word); l.NextAfter != "" || l.PreviousBefore != "" {
			t.Errorf("an empty page: got keys %q and %q, want none", l.NextAfter, l.PreviousBefore)
		}
	})

	t.Run("latest evaluation is null or its head", func(t *testing.T) {
		byName := map[string]providerOut{}
		for _, p := range a.listProviders(t, q).Providers {
			byName[p.Name] = p
		}
		if got := byName[charlie.Name].LatestEvaluation; got != nil {
			t.Errorf("%s latest_evaluation: got %+v, want null (never evaluated)", charlie.Name, got)
		}
		if got, want := byName[acme.Name].LatestEvaluation, (headOut{ID: weak.ID, Status: "completed", Score: 16.7, Tier: "poor", Progress: 18.2, AsOf: today}); got == nil || *got != want {
			t.Errorf("%s latest_evaluation: got %+v, want %+v", acme.Name, got, want)
		}
		if got, want := byName[bravo.Name].LatestEvaluation, (headOut{ID: strong.ID, Status: "completed", Score: 20, Tier: "poor", Progress: 18.2, AsOf: today}); got == nil || *got != want {
			t.Errorf("%s latest_evaluation: got %+v, want %+v", bravo.Name, got, want)
		}
		if got := byName[delta.Name]; got.ID != delta.ID || got.ServiceModel != "saas" {
			t.Errorf("%s: got %+v, want the stored provider", delta.Name, got)
		}
	})
}

func TestProviderListRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cases := []struct{ query, field string }{
		{"limit=501", "limit"},
		{"limit=abc", "limit"},
		{"limit=-1", "limit"},
		{"limit=1.5", "limit"},
		{"offset=-1", "offset"},
		{"offset=abc", "offset"},
		{"sort=x", "sort"},
		{"sort=NAME", "sort"},
		{"q=" + strings.Repeat("q", 201), "q"},
		{"q=%00", "q"},
		{"q=%FF", "q"},
		{"after=x", "after"},
		{"before=MXx4fHk", "before"},
		{"after=MXwyfHg&before=MXwyfHg", "before"},
	}
	for _, c := range cases {
		t.Run(c.query[:min(len(c.query), 20)], func(t *testing.T) {
			wantAPIError(t, a.get(t, "/api/v1/providers?"+c.query), http.StatusUnprocessableEntity, "invalid", c.field)
		})
	}
}
