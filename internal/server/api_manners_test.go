package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestOpenAPIServedWithABadToken(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, h := range []string{"Bearer shl_not-a-token", "Basic Zm9vOmJhcg==", "Bearer"} {
		r := a.do(t, http.MethodGet, "/api/v1/openapi.json", nil, http.Header{"Authorization": {h}})
		wantStatus(t, r, http.StatusOK)
		if !json.Valid(r.body) {
			t.Errorf("Authorization %q: body is not the JSON document", h)
		}
	}
}

// TestOpenAPIStatesTheEnforcedLimits sends inputs the server refuses for what they are, not for
// what is stored: the document must refuse each too, so that a client validating against it
// learns of the limit before sending.
func TestOpenAPIStatesTheEnforcedLimits(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	p, ev := a.evaluated(t, "Limits "+word, "saas")
	other := a.createProvider(t, "Other "+word, "paas")
	answer := "/api/v1/evaluations/" + ev.ID + "/answers/"
	long := strings.Repeat("x", 201)
	cases := []struct {
		name, method, target, body, field string
	}{
		{"a name on two lines", "POST", "/api/v1/providers", `{"name":"A\nB","service_model":"saas"}`, "name"},
		{"a blank name", "POST", "/api/v1/providers", `{"name":"   ","service_model":"saas"}`, "name"},
		{"a name too long", "POST", "/api/v1/providers", `{"name":"` + long + `","service_model":"saas"}`, "name"},
		{"a name reversing text", "POST", "/api/v1/providers", `{"name":"A\u202eB","service_model":"saas"}`, "name"},
		{"an offering with a tab", "POST", "/api/v1/providers", `{"name":"Tab ` + word + `","offering":"a\tb","service_model":"saas"}`, "offering"},
		{"a website that is not a link", "POST", "/api/v1/providers", `{"name":"Site ` + word + `","website":"acme.example","service_model":"saas"}`, "website"},
		{"a website on ftp", "POST", "/api/v1/providers", `{"name":"Ftp ` + word + `","website":"ftp://acme.example","service_model":"saas"}`, "website"},
		{"notes with a control character", "POST", "/api/v1/providers", `{"name":"Nul ` + word + `","notes":"a\u0007b","service_model":"saas"}`, "notes"},
		{"a number above the bound", "PUT", answer + "monitoring.log_retention_days", `{"value":1000000001}`, "value"},
		{"a negative number", "PUT", answer + "monitoring.log_retention_days", `{"value":-1}`, "value"},
		{"an option chosen twice", "PUT", answer + "assessments.certifications", `{"value":["soc2_type2","soc2_type2"]}`, "value"},
		{"a negative base_version", "PUT", answer + "abuse_cases.malware", `{"value":"yes","base_version":-1}`, "base_version"},
		{"a base_version past int32", "PUT", answer + "abuse_cases.malware", `{"value":"yes","base_version":2147483648}`, "base_version"},
		{"an evidence link that is not one", "PUT", answer + "abuse_cases.malware", `{"value":"yes","evidence":[{"url":"javascript:alert(1)","effective_date":"2026-01-01"}]}`, "evidence[0].url"},
		{"an evidence day of another shape", "PUT", answer + "abuse_cases.malware", `{"value":"yes","evidence":[{"url":"https://a.example","effective_date":"1 May 2026"}]}`, "evidence[0].effective_date"},
		{"one provider to compare", "GET", "/api/v1/compare?ids=" + p.ID, "", "ids"},
		{"51 providers to compare", "GET", "/api/v1/compare?ids=" + strings.Repeat(p.ID+",", 50) + other.ID, "", "ids"},
		{"a provider compared twice", "GET", "/api/v1/compare?ids=" + p.ID + "," + p.ID, "", "ids"},
		{"a compare id with a leading zero", "GET", "/api/v1/compare?ids=0" + p.ID + "," + other.ID, "", "ids"},
		{"a compare id with a sign", "GET", "/api/v1/compare?ids=%2B" + p.ID + "," + other.ID, "", "ids"},
		{"a compare id with a space", "GET", "/api/v1/compare?ids=%20" + p.ID + "," + other.ID, "", "ids"},
		{"an empty compare id", "GET", "/api/v1/compare?ids=" + p.ID + ",," + other.ID, "", "ids"},
		{"a search on two lines", "GET", "/api/v1/providers?q=a%0Ab", "", "q"},
		{"a page too large", "GET", "/api/v1/providers?limit=501", "", "limit"},
		{"an unknown tier", "GET", "/api/v1/providers?tier=excellent", "", "tier"},
		{"an unknown service model", "GET", "/api/v1/providers?model=faas", "", "model"},
		{"an unknown status", "GET", "/api/v1/providers?status=maybe", "", "status"},
		{"an archived flag that is not true or false", "GET", "/api/v1/providers?archived=yes", "", "archived"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r response
			if c.body != "" {
				r = a.sendJSON(t, c.method, c.target, c.body)
			} else {
				r = a.do(t, c.method, c.target, nil, nil)
			}
			wantAPIError(t, r, http.StatusUnprocessableEntity, "invalid", c.field)
			if err := documentRefuses(t, c.method, c.target, c.body); err == nil {
				t.Errorf("%s %s %s: the server refuses it (422) but the document allows it", c.method, c.target, c.body)
			}
		})
	}
	if got := a.countProviders(t, word); got != 2 {
		t.Errorf("providers named %s: got %d, want the 2 made before the refusals (a refusal changes nothing)", word, got)
	}
}

// A 409 on an element never answered carries it as version 0, and does not claim anyone saved it.
func TestAPIConflictOnANeverAnsweredElement(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Unanswered "+tag(t), "saas")
	r := a.putAnswer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes", "base_version": 3})
	wantAPIError(t, r, http.StatusConflict, "conflict", "")
	var e struct {
		Error struct {
			Message string    `json:"message"`
			Current answerOut `json:"current"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatal(err)
	}
	if e.Error.Current.Version != 0 || e.Error.Current.UpdatedAt != "" || string(e.Error.Current.Value) != "null" {
		t.Errorf("current: got %+v, want version 0, no updated_at and a null value", e.Error.Current)
	}
	if strings.Contains(e.Error.Message, "someone saved") || !strings.Contains(e.Error.Message, "no saved answer") {
		t.Errorf("message: got %q, want it to say the element has no saved answer yet", e.Error.Message)
	}
	if got := a.evaluation(t, ev.ID).Answers["abuse_cases.malware"].Version; got != 0 {
		t.Errorf("after the refusal: version %d, want 0 (nothing saved)", got)
	}
}

func TestAPIAcceptIsHonoured(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Accept "+tag(t), "saas")
	for _, c := range []struct {
		target, accept string
		status         int
	}{
		{"/api/v1/providers", "application/json", 200},
		{"/api/v1/providers", "*/*", 200},
		{"/api/v1/providers", "text/html, application/*;q=0.5", 200},
		{"/api/v1/providers", "text/html", 406},
		{"/api/v1/providers", "application/json;q=0", 406},
		{"/api/v1/evaluations/" + ev.ID + "/report.pdf", "application/pdf", 200},
		{"/api/v1/evaluations/" + ev.ID + "/report.pdf", "application/json", 406},
		{"/api/v1/evaluations/" + ev.ID + "/report.csv", "text/*", 200},
		{"/healthz", "text/plain", 406},
	} {
		r := a.do(t, http.MethodGet, c.target, nil, http.Header{"Accept": {c.accept}})
		if c.status == 406 {
			wantAPIError(t, r, http.StatusNotAcceptable, "not_acceptable", "")
			continue
		}
		wantStatus(t, r, c.status)
	}
}

func TestAPIMethodNotAllowedSaysAllow(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, c := range []struct{ method, target, allow string }{
		{http.MethodDelete, "/api/v1/providers", "GET, HEAD, POST"},
		{http.MethodPost, "/api/v1/openapi.json", "GET, HEAD"},
		{http.MethodGet, "/api/v1/evaluations/1/complete", "POST"},
	} {
		r := a.do(t, c.method, c.target, nil, nil)
		wantAPIError(t, r, http.StatusMethodNotAllowed, "method_not_allowed", "")
		if got := r.header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.target, got, c.allow)
		}
	}
}

// The portfolio export moved to its own path; the old one answers the same, marked deprecated.
func TestAPIPortfolioExportPathAndItsDeprecatedAlias(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.createProvider(t, "Exported "+tag(t), "saas")
	for _, f := range []string{"csv", "xlsx"} {
		now := a.get(t, "/api/v1/exports/portfolio."+f)
		wantStatus(t, now, http.StatusOK)
		if now.header.Get("Deprecation") != "" {
			t.Errorf("new path .%s: Deprecation %q, want none", f, now.header.Get("Deprecation"))
		}
		old := a.get(t, "/api/v1/providers/export."+f)
		wantStatus(t, old, http.StatusOK)
		if got := old.header.Get("Deprecation"); !strings.HasPrefix(got, "@") {
			t.Errorf("old path .%s: Deprecation %q, want an RFC 9745 date (@seconds)", f, got)
		}
		if got, want := old.header.Get("Link"), `</api/v1/exports/portfolio.`+f+`>; rel="successor-version"`; got != want {
			t.Errorf("old path .%s: Link %q, want %q", f, got, want)
		}
		if f == "csv" && string(old.body) != string(now.body) {
			t.Errorf("old path .csv: body differs from the new path's")
		}
	}
}
