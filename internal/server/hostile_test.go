package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// hostileCase is one hostile request that the server must refuse with a clear 4xx, storing
// nothing. In target and body, WORD is replaced by a tag word unique to the case (every provider
// name a case sends carries it, so that anything stored is found by counting), {P} by the
// fixture provider's id and {E} by the fixture evaluation's id.
type hostileCase struct {
	name        string
	method      string
	target      string
	body        string
	contentType string // "" sends no Content-Type header
	status      int
	code        string // the API error code; only for /api/ targets
	field       string // the field the API error must name, if any
	bug         string // set when the server mishandles the input: the subtest is skipped
}

const (
	hostileJSON = "application/json"
	hostileForm = formType
	hostileText = "text/plain; charset=utf-8"

	// hostileRef is the element every answer case aims at; the fixture answers it first, so
	// that a refused save that changed it anyway shows in its version.
	hostileRef = "abuse_cases.malware"
	// hostileNumberRef is a number element the fixture leaves unanswered.
	hostileNumberRef = "monitoring.log_retention_days"
	// hostileDateRef is a date element the fixture leaves unanswered.
	hostileDateRef = "assessments.last_independent_audit"
)

// hostileForm encodes form fields as a browser would.
func hostileFormBody(fields map[string]string) string {
	v := url.Values{}
	for k, s := range fields {
		v.Set(k, s)
	}
	return v.Encode()
}

// hostileProviderForm is a valid provider form with some fields replaced.
func hostileProviderForm(replace map[string]string) string {
	f := map[string]string{"name": "Acme WORD", "offering": "Object storage", "service_model": "saas", "website": "https://acme.example", "notes": "Shortlisted."}
	for k, v := range replace {
		f[k] = v
	}
	return hostileFormBody(f)
}

// hostileAnswerForm is a form save of hostileRef with some fields replaced. A refused evidence
// row does not hold back the rest of a form save, so the evidence cases keep the baseline's
// value and explanation: all that may change is the refused row, which must not.
func hostileAnswerForm(replace map[string]string) string {
	f := map[string]string{"type": "status", "value": "yes", "explanation": "Checked.", "evidence_url": "https://acme.example/report", "evidence_date": today}
	for k, v := range replace {
		f[k] = v
	}
	return hostileFormBody(f)
}

func hostileCases() []hostileCase {
	post, put, get := http.MethodPost, http.MethodPut, http.MethodGet
	const providers = "/api/v1/providers"
	const answer = "/api/v1/evaluations/{E}/answers/" + hostileRef
	const numberAnswer = "/api/v1/evaluations/{E}/answers/" + hostileNumberRef
	const formAnswer = "/evaluations/{E}/answers/" + hostileRef

	over := strings.Repeat("a", 1<<20)
	evidence21 := make([]string, 21)
	for i := range evidence21 {
		evidence21[i] = `{"url":"https://acme.example/` + strings.Repeat("x", i+1) + `","effective_date":"2026-01-01"}`
	}
	validProvider := `{"name":"Acme WORD","service_model":"saas"}`

	return []hostileCase{
		// Provider fields through the API.
		{name: "api provider name of 201 characters is refused", method: post, target: providers,
			body: `{"name":"WORD` + strings.Repeat("n", 201) + `","service_model":"saas"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "name"},
		{name: "api provider name with a right-to-left override U+202E is refused", method: post, target: providers,
			body: `{"name":"Acme \u202Egnp.exe WORD","service_model":"saas"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "name"},
		{name: "api provider name with a line separator U+2028 is refused", method: post, target: providers,
			body: `{"name":"Acme\u2028WORD","service_model":"saas"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "name"},
		{name: "api provider name with a NUL byte is refused", method: post, target: providers,
			body: `{"name":"Acme\u0000WORD","service_model":"saas"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "name"},
		{name: "api provider name with invalid UTF-8 bytes is refused", method: post, target: providers,
			body: "{\"name\":\"Acme \xff\xfe WORD\",\"service_model\":\"saas\"}", contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider name with a lone surrogate escape is refused", method: post, target: providers,
			body: `{"name":"Acme \ud800 WORD","service_model":"saas"}`, contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider name as a number is refused", method: post, target: providers,
			body: `{"name":5,"offering":"WORD","service_model":"saas"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "name"},
		{name: "api provider offering of 201 characters is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","offering":"` + strings.Repeat("o", 201) + `","service_model":"saas"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "offering"},
		{name: "api provider offering with a NUL byte is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","offering":"Object\u0000storage","service_model":"saas"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "offering"},
		{name: "api provider website that is a script tag is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","website":"<script>alert(1)</script>"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "website"},
		{name: "api provider website with a javascript: scheme is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","website":"javascript:alert(document.cookie)"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "website"},
		{name: "api provider website with a data: scheme is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","website":"data:text/html,<script>alert(1)</script>"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "website"},
		{name: "api provider notes of 10,001 characters are refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","notes":"` + strings.Repeat("n", 10001) + `"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "notes"},
		{name: "api provider notes with a NUL byte are refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","notes":"a\u0000b"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "notes"},
		{name: "api provider service model that is a script tag is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"<script>alert(1)</script>"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "service_model"},

		// JSON documents that are not what the API takes.
		{name: "api provider body over 1 MiB is refused with 413", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","notes":"` + over + `"}`, contentType: hostileJSON, status: 413, code: "too_large"},
		{name: "api provider body of 10,000 unclosed brackets is refused", method: post, target: providers,
			body: strings.Repeat("[", 10000), contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider body nested 10,001 deep is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","notes":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`, contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider body with a duplicated name key is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","name":"Other WORD","service_model":"saas"}`, contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider body with an unknown field is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":"saas","is_admin":true}`, contentType: hostileJSON, status: 422, code: "invalid", field: "is_admin"},
		{name: "api provider body sent as text/plain is refused with 415", method: post, target: providers,
			body: validProvider, contentType: hostileText, status: 415, code: "unsupported_media_type"},
		{name: "api provider empty body is refused", method: post, target: providers,
			body: "", contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider null body is refused", method: post, target: providers,
			body: "null", contentType: hostileJSON, status: 422, code: "invalid", field: "name"},
		{name: "api provider JSON array body is refused", method: post, target: providers,
			body: `[` + validProvider + `]`, contentType: hostileJSON, status: 422, code: "invalid", field: "body"},
		{name: "api provider body with trailing garbage is refused", method: post, target: providers,
			body: validProvider + ` garbage`, contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider body of two JSON documents is refused", method: post, target: providers,
			body: validProvider + validProvider, contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api provider truncated JSON is refused", method: post, target: providers,
			body: `{"name":"Acme WORD","service_model":`, contentType: hostileJSON, status: 400, code: "bad_request"},

		// Ids that name nothing.
		{name: "api provider id that is negative is not found", method: get, target: providers + "/-1", status: 404, code: "not_found"},
		{name: "api provider id beyond int64 is not found", method: get, target: providers + "/99999999999999999999999", status: 404, code: "not_found"},
		{name: "api provider id that is zero-padded is not found", method: get, target: providers + "/0{P}", status: 404, code: "not_found"},
		{name: "api provider id shaped like an escaped path is not found", method: get, target: providers + "/..%2F..%2Fetc%2Fpasswd", status: 404, code: "not_found"},
		{name: "api provider id with a semicolon is not found", method: get, target: providers + "/{P};2", status: 404, code: "not_found"},
		{name: "api provider id that is an escaped NUL is not found", method: get, target: providers + "/%00", status: 404, code: "not_found"},
		{name: "api provider id with SQL in it is not found", method: get, target: providers + "/1%27%3B%20DROP%20TABLE%20providers%3B%20--", status: 404, code: "not_found"},
		{name: "api evaluation start on provider id zero is not found", method: post, target: providers + "/0/evaluations", status: 404, code: "not_found"},
		{name: "api evaluation id in exponent form is not found", method: get, target: "/api/v1/evaluations/1e3", status: 404, code: "not_found"},
		{name: "api answer save on a negative evaluation id is not found", method: put, target: "/api/v1/evaluations/-{E}/answers/" + hostileRef,
			body: `{"value":"yes"}`, contentType: hostileJSON, status: 404, code: "not_found"},
		{name: "api answer save on an element ref shaped like a path is not found", method: put, target: "/api/v1/evaluations/{E}/answers/..%2F..%2Fetc",
			body: `{"value":"yes"}`, contentType: hostileJSON, status: 404, code: "not_found"},
		{name: "api answer save on an unknown element is not found", method: put, target: "/api/v1/evaluations/{E}/answers/abuse_cases.nonesuch",
			body: `{"value":"yes"}`, contentType: hostileJSON, status: 404, code: "not_found"},

		// Answers through the API.
		{name: "api answer explanation of 10,001 characters is refused", method: put, target: answer,
			body: `{"value":"yes","explanation":"` + strings.Repeat("e", 10001) + `"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "explanation"},
		{name: "api answer explanation with a NUL byte is refused", method: put, target: answer,
			body: `{"value":"yes","explanation":"a\u0000b"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "explanation"},
		{name: "api answer explanation with invalid UTF-8 bytes is refused", method: put, target: answer,
			body: "{\"value\":\"yes\",\"explanation\":\"bad \xc3\x28 bytes\"}", contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api answer explanation as a number is refused", method: put, target: answer,
			body: `{"value":"yes","explanation":42}`, contentType: hostileJSON, status: 422, code: "invalid", field: "explanation"},
		{name: "api answer evidence URL that is a script tag is refused", method: put, target: answer,
			body: `{"value":"yes","evidence":[{"url":"<script>alert(1)</script>","effective_date":"2026-01-01"}]}`, contentType: hostileJSON, status: 422, code: "invalid", field: "evidence[0].url"},
		{name: "api answer evidence URL with a javascript: scheme is refused", method: put, target: answer,
			body: `{"value":"yes","evidence":[{"url":"javascript:alert(1)","effective_date":"2026-01-01"}]}`, contentType: hostileJSON, status: 422, code: "invalid", field: "evidence[0].url"},
		{name: "api answer evidence URL with a data: scheme is refused", method: put, target: answer,
			body: `{"value":"yes","evidence":[{"url":"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==","effective_date":"2026-01-01"}]}`, contentType: hostileJSON, status: 422, code: "invalid", field: "evidence[0].url"},
		{name: "api answer with 21 evidence links is refused", method: put, target: answer,
			body: `{"value":"yes","evidence":[` + strings.Join(evidence21, ",") + `]}`, contentType: hostileJSON, status: 422, code: "invalid", field: "evidence"},
		{name: "api answer evidence effective date in the future is refused", method: put, target: answer,
			body: `{"value":"yes","evidence":[{"url":"https://acme.example/r","effective_date":"` + tomorrow + `"}]}`, contentType: hostileJSON, status: 422, code: "invalid", field: "evidence[0].effective_date"},
		{name: "api answer date value in the future is refused", method: put, target: "/api/v1/evaluations/{E}/answers/" + hostileDateRef,
			body: `{"value":"2999-01-01"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer status value that is an object is refused", method: put, target: answer,
			body: `{"value":{}}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer status value that is a script tag is refused", method: put, target: answer,
			body: `{"value":"<script>alert(1)</script>"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer number value true is refused", method: put, target: numberAnswer,
			body: `{"value":true}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer number value 1e400 beyond float range is refused", method: put, target: numberAnswer,
			body: `{"value":1e400}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer number value beyond int64 is refused", method: put, target: numberAnswer,
			body: `{"value":99999999999999999999999}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer number value \"NaN\" is refused", method: put, target: numberAnswer,
			body: `{"value":"NaN"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer number value \"Infinity\" is refused", method: put, target: numberAnswer,
			body: `{"value":"Infinity"}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer number value that is negative is refused", method: put, target: numberAnswer,
			body: `{"value":-1}`, contentType: hostileJSON, status: 422, code: "invalid", field: "value"},
		{name: "api answer body with an unknown field is refused", method: put, target: answer,
			body: `{"value":"yes","version":99}`, contentType: hostileJSON, status: 422, code: "invalid", field: "version"},
		{name: "api answer body with a duplicated value key is refused", method: put, target: answer,
			body: `{"value":"no","value":"yes"}`, contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api answer body sent as text/plain is refused with 415", method: put, target: answer,
			body: `{"value":"yes"}`, contentType: hostileText, status: 415, code: "unsupported_media_type"},
		{name: "api answer body over 1 MiB is refused with 413", method: put, target: answer,
			body: `{"value":"yes","explanation":"` + over + `"}`, contentType: hostileJSON, status: 413, code: "too_large"},
		{name: "api answer body of 10,000 unclosed brackets is refused", method: put, target: answer,
			body: strings.Repeat("[", 10000), contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api answer empty body is refused", method: put, target: answer,
			body: "", contentType: hostileJSON, status: 400, code: "bad_request"},
		{name: "api answer null body is refused", method: put, target: answer,
			body: "null", contentType: hostileJSON, status: 422, code: "invalid", field: "body"},
		{name: "api answer JSON array body is refused", method: put, target: answer,
			body: `[{"value":"yes"}]`, contentType: hostileJSON, status: 422, code: "invalid", field: "body"},
		{name: "api answer body with trailing garbage is refused", method: put, target: answer,
			body: `{"value":"yes"}]`, contentType: hostileJSON, status: 400, code: "bad_request"},

		// Provider forms.
		{name: "form provider name with a right-to-left override U+202E is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"name": "Acme \u202Egnp.exe WORD"}), contentType: hostileForm, status: 422},
		{name: "form provider name with a line separator U+2028 is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"name": "Acme\u2028WORD"}), contentType: hostileForm, status: 422},
		{name: "form provider name with invalid UTF-8 bytes is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"name": "Acme \xff WORD"}), contentType: hostileForm, status: 422},
		{name: "form provider name with a NUL byte is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"name": "Acme\x00WORD"}), contentType: hostileForm, status: 422},
		{name: "form provider name of 201 characters is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"name": "WORD" + strings.Repeat("n", 201)}), contentType: hostileForm, status: 422},
		{name: "form provider offering with invalid UTF-8 bytes is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"offering": "Object \xc3\x28 storage"}), contentType: hostileForm, status: 422},
		{name: "form provider website with a javascript: scheme is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"website": "javascript:alert(1)"}), contentType: hostileForm, status: 422},
		{name: "form provider website with a data: scheme is refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"website": "data:text/html,<script>alert(1)</script>"}), contentType: hostileForm, status: 422},
		{name: "form provider notes with a NUL byte are refused", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"notes": "a\x00b"}), contentType: hostileForm, status: 422},
		{name: "form provider body over 1 MiB is refused with 413", method: post, target: "/providers",
			body: hostileProviderForm(map[string]string{"notes": over}), contentType: hostileForm, status: 413},
		{name: "form provider body with broken percent-encoding is refused", method: post, target: "/providers",
			body: "name=Acme%zzWORD&service_model=saas", contentType: hostileForm, status: 400},
		{name: "form provider update of a negative id is not found", method: post, target: "/providers/-1",
			body: hostileProviderForm(nil), contentType: hostileForm, status: 404},
		{name: "form provider update of a zero-padded id is not found", method: post, target: "/providers/0{P}",
			body: hostileProviderForm(nil), contentType: hostileForm, status: 404},

		// Answer forms.
		{name: "form answer explanation with a NUL byte is refused", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"explanation": "a\x00b"}), contentType: hostileForm, status: 422},
		{name: "form answer explanation with invalid UTF-8 bytes is refused", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"explanation": "bad \xc3\x28 bytes"}), contentType: hostileForm, status: 422},
		{name: "form answer explanation of 10,001 characters is refused", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"explanation": strings.Repeat("e", 10001)}), contentType: hostileForm, status: 422},
		{name: "form answer evidence URL with a javascript: scheme is refused", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"evidence_url": "javascript:alert(1)", "value": "partial", "explanation": "Baseline."}), contentType: hostileForm, status: 422},
		{name: "form answer evidence URL with a data: scheme is refused", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"evidence_url": "data:text/html,<script>alert(1)</script>", "value": "partial", "explanation": "Baseline."}), contentType: hostileForm, status: 422},
		{name: "form answer evidence URL that is a script tag is refused", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"evidence_url": "<script>alert(1)</script>", "value": "partial", "explanation": "Baseline."}), contentType: hostileForm, status: 422},
		{name: "form answer evidence date in the future is refused", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"evidence_date": tomorrow, "value": "partial", "explanation": "Baseline."}), contentType: hostileForm, status: 422},
		{name: "form answer number value NaN is refused", method: post, target: "/evaluations/{E}/answers/" + hostileNumberRef,
			body: hostileAnswerForm(map[string]string{"type": "number", "value": "NaN"}), contentType: hostileForm, status: 422},
		{name: "form answer number value 1e400 is refused", method: post, target: "/evaluations/{E}/answers/" + hostileNumberRef,
			body: hostileAnswerForm(map[string]string{"type": "number", "value": "1e400"}), contentType: hostileForm, status: 422},
		{name: "form answer number value that is negative is refused", method: post, target: "/evaluations/{E}/answers/" + hostileNumberRef,
			body: hostileAnswerForm(map[string]string{"type": "number", "value": "-5"}), contentType: hostileForm, status: 422},
		{name: "form answer body over 1 MiB is refused with 413", method: post, target: formAnswer,
			body: hostileAnswerForm(map[string]string{"explanation": over}), contentType: hostileForm, status: 413},
		{name: "form answer save on a negative evaluation id is not found", method: post, target: "/evaluations/-1/answers/" + hostileRef,
			body: hostileAnswerForm(nil), contentType: hostileForm, status: 404},
		{name: "form answer save on an evaluation id beyond int64 is not found", method: post, target: "/evaluations/99999999999999999999999/answers/" + hostileRef,
			body: hostileAnswerForm(nil), contentType: hostileForm, status: 404},
	}
}

// hostileSnapshot is what a refused request must leave as it was: every answer of the fixture
// evaluation, with its version.
func hostileSnapshot(t *testing.T, a *testApp, evaluationID string) string {
	t.Helper()
	b, err := json.Marshal(a.evaluation(t, evaluationID).Answers)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHostileInputs(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Fixture "+tag(t), "saas")
	saved := a.answer(t, ev.ID, hostileRef, map[string]any{
		"value": "partial", "explanation": "Baseline.",
		"evidence": []map[string]string{{"url": "https://acme.example/baseline", "effective_date": "2026-01-01"}},
	})
	if saved.Version != 1 {
		t.Fatalf("fixture answer: got version %d, want 1", saved.Version)
	}
	cases := hostileCases()
	if len(cases) < 40 {
		t.Fatalf("got %d hostile cases, want at least 40", len(cases))
	}
	t.Run("refused", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.bug != "" {
					t.Skip("bug: " + c.bug)
				}
				before := hostileSnapshot(t, a, ev.ID)
				word := tag(t)
				fill := strings.NewReplacer("WORD", word, "{P}", p.ID, "{E}", ev.ID)
				var header http.Header
				if c.contentType != "" {
					header = http.Header{"Content-Type": {c.contentType}}
				}
				var body *strings.Reader
				if c.body != "" || c.method != http.MethodGet {
					body = strings.NewReader(fill.Replace(c.body))
				}
				var r response
				if body == nil {
					r = a.do(t, c.method, fill.Replace(c.target), nil, header)
				} else {
					r = a.do(t, c.method, fill.Replace(c.target), body, header)
				}
				if strings.HasPrefix(c.target, "/api/") {
					wantAPIError(t, r, c.status, c.code, c.field)
				} else {
					wantStatus(t, r, c.status)
					if ct := r.header.Get("Content-Type"); ct != htmlType {
						t.Errorf("%s %s: got Content-Type %q, want %q", r.method, r.target, ct, htmlType)
					}
				}
				wantInternalsHidden(t, r)
				if n := a.countProviders(t, word); n != 0 {
					t.Errorf("got %d providers named with %q after a refused request, want 0", n, word)
				}
				if after := hostileSnapshot(t, a, ev.ID); after != before {
					t.Errorf("answers changed by a refused request:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	})

	t.Run("treated literally", func(t *testing.T) { hostileLiteralSearch(t, a) })
	t.Run("stored and escaped", func(t *testing.T) { hostileStoredAndEscaped(t, a) })
}

// hostileLiteralSearch stores names full of SQL metacharacters (they are valid names) and checks
// that searching for them finds exactly the names that contain them as text.
func hostileLiteralSearch(t *testing.T, a *testApp) {
	word := tag(t)
	names := []string{
		"x'; DROP TABLE providers; -- " + word,
		"Robert'); DELETE FROM providers WHERE ('1'='1 " + word,
		"100% " + word,
		"100x " + word,
		"a_c " + word,
		"abc " + word,
		`back\slash ` + word,
		"backxslash " + word,
	}
	for _, n := range names {
		if got := a.createProvider(t, n, "saas"); got.Name != n {
			t.Fatalf("create %q: got name %q back, want it unchanged", n, got.Name)
		}
	}
	for _, c := range []struct {
		name, q string
		want    int
	}{
		{"quote, semicolon and comment find only the name holding them", "'; DROP TABLE providers; --", 1},
		{"a single quote finds both names holding one", "'", 2},
		{"percent is not a wildcard", "100%", 1},
		{"percent alone finds only the name holding one", "%", 1},
		{"underscore is not a one-character wildcard", "a_c", 1},
		{"underscore alone finds only the name holding one", "_", 1},
		{"backslash is not an escape character", `k\s`, 1},
		{"backslash alone finds only the name holding one", `\`, 1},
		{"a trailing backslash does not break the pattern", `back\`, 1},
	} {
		t.Run("api search "+c.name, func(t *testing.T) {
			l := a.listProviders(t, "q="+url.QueryEscape(c.q))
			if l.Total != c.want || len(l.Providers) != c.want {
				var got []string
				for _, p := range l.Providers {
					got = append(got, p.Name)
				}
				t.Errorf("q=%q: got %d (%q), want %d", c.q, l.Total, got, c.want)
			}
		})
		t.Run("page search "+c.name, func(t *testing.T) {
			r := a.get(t, "/providers?q="+url.QueryEscape(c.q))
			wantStatus(t, r, http.StatusOK)
			wantInternalsHidden(t, r)
		})
	}
	t.Run("the providers table survives", func(t *testing.T) {
		if n := a.countProviders(t, word); n != len(names) {
			t.Errorf("got %d providers named with %q, want %d", n, word, len(names))
		}
	})
}

// hostileStoredAndEscaped stores markup in every field where it is valid text, and checks that
// each page and export shows it as text, never as markup.
func hostileStoredAndEscaped(t *testing.T, a *testApp) {
	word := tag(t)
	in := map[string]string{
		"name":          `<script>alert("name")</script><img src=x onerror=alert(1)> ` + word,
		"offering":      `"><svg onload=alert(2)>`,
		"service_model": "saas",
		"website":       `https://acme.example/?q="><script>alert(3)</script>`,
		"notes":         `</p><script>alert('notes')</script><iframe src="https://evil.example"></iframe>`,
	}
	var p providerOut
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/providers", in), http.StatusCreated, "Provider", &p)
	if p.Name != in["name"] || p.Notes != in["notes"] || p.Offering != in["offering"] || p.Website != in["website"] {
		t.Fatalf("stored provider: got %+v, want the fields exactly as sent", p)
	}
	ev := a.startEvaluation(t, p.ID)
	explanation := `</textarea><script>alert("explanation")</script><b onmouseover=alert(5)>bold</b>`
	a.answer(t, ev.ID, hostileRef, map[string]any{"value": "yes", "explanation": explanation})
	formula := `=HYPERLINK("https://evil.example","click") ` + word
	a.createProvider(t, formula, "saas")

	// Through the form too: the same escaping must hold for what a browser sent.
	formName := `<b>form</b><script>alert("form")</script> ` + word
	r := a.postForm(t, "/providers", url.Values{"name": {formName}, "service_model": {"iaas"}, "notes": {"<i>n</i>"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	formID := strings.TrimPrefix(r.header.Get("Location"), "/providers/")

	for _, c := range []struct {
		target string
		texts  []string
	}{
		{"/providers/" + p.ID, []string{in["name"], in["offering"], in["notes"]}},
		{"/providers/" + p.ID + "/edit", []string{in["name"], in["offering"], in["notes"]}},
		{"/providers/" + formID, []string{formName, "<i>n</i>"}},
		{"/providers?q=" + url.QueryEscape(word), []string{in["name"], formName}},
		{"/evaluations/" + ev.ID, []string{in["name"], explanation}},
		{"/evaluations/" + ev.ID + "/summary", []string{in["name"]}},
		{"/evaluations/" + ev.ID + "/report", []string{in["name"], explanation}},
	} {
		t.Run("page "+c.target, func(t *testing.T) {
			r := a.get(t, c.target)
			wantStatus(t, r, http.StatusOK)
			for _, raw := range []string{`<script>alert(`, `<img src=x`, `<svg onload`, `<iframe src=`, `<b onmouseover`, `<b>form</b>`, `<i>n</i>`} {
				if bytes.Contains(r.body, []byte(raw)) {
					t.Errorf("%s: body contains %q unescaped", c.target, raw)
				}
			}
			root, err := html.Parse(bytes.NewReader(r.body))
			if err != nil {
				t.Fatalf("%s: HTML does not parse: %v", c.target, err)
			}
			var bad []string
			var visible strings.Builder
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					switch n.Data {
					case "script":
						if src := hostileAttr(n, "src"); !strings.HasPrefix(src, "/static/") {
							bad = append(bad, "<script src="+src+">")
						}
					case "img", "iframe", "b", "i":
						bad = append(bad, "<"+n.Data+">")
					}
					for _, at := range n.Attr {
						if strings.HasPrefix(at.Key, "on") {
							bad = append(bad, n.Data+" "+at.Key)
						}
					}
				}
				if n.Type == html.TextNode {
					visible.WriteString(n.Data)
				}
				for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
					walk(ch)
				}
			}
			walk(root)
			if bad != nil {
				t.Errorf("%s: got elements %q from typed text, want none", c.target, bad)
			}
			for _, want := range c.texts {
				if !strings.Contains(visible.String(), want) && !bytes.Contains(r.body, []byte(html.EscapeString(want))) {
					t.Errorf("%s: text %q not shown as text", c.target, want)
				}
			}
		})
	}

	for _, target := range []string{"/evaluations/" + ev.ID + "/report.json", "/api/v1/evaluations/" + ev.ID + "/report.json"} {
		t.Run("export "+target, func(t *testing.T) {
			r := a.get(t, target)
			wantStatus(t, r, http.StatusOK)
			if !json.Valid(r.body) {
				t.Fatalf("%s: got invalid JSON", target)
			}
			var doc any
			if err := json.Unmarshal(r.body, &doc); err != nil {
				t.Fatal(err)
			}
			strs := hostileStrings(doc)
			for _, want := range []string{in["name"], explanation} {
				if !strs[want] {
					t.Errorf("%s: no string equal to %q, want it round-tripped exactly", target, want)
				}
			}
		})
	}
	for _, c := range []struct {
		target string
		want   []string
	}{
		{"/evaluations/" + ev.ID + "/report.csv", []string{explanation}},
		{"/api/v1/evaluations/" + ev.ID + "/report.csv", []string{explanation}},
		{"/providers/export.csv", []string{in["name"], in["offering"], formName, "'" + formula}},
		{"/api/v1/providers/export.csv", []string{in["name"], "'" + formula}},
	} {
		t.Run("export "+c.target, func(t *testing.T) {
			r := a.get(t, c.target)
			wantStatus(t, r, http.StatusOK)
			records, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: CSV does not parse: %v", c.target, err)
			}
			cells := map[string]bool{}
			for _, rec := range records {
				for _, cell := range rec {
					cells[cell] = true
				}
			}
			for _, want := range c.want {
				if !cells[want] {
					t.Errorf("%s: no cell equal to %q, want the text as one cell (formulas prefixed with ')", c.target, want)
				}
			}
			if cells[formula] {
				t.Errorf("%s: cell %q is a live formula, want it prefixed with '", c.target, formula)
			}
		})
	}
}

func hostileAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hostileStrings collects every string in a decoded JSON document.
func hostileStrings(v any) map[string]bool {
	out := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out[x] = true
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
