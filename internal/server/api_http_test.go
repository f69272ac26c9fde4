package server_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

// newAppWith is newApp with the API's options set.
// newAppWith is newApp with opt's API and PDF settings; its App, clock and log are the test's.
func newAppWith(t *testing.T, opt server.Options) *testApp {
	t.Helper()
	store := postgrestest.Store(t)
	uc := app.New(store, func() time.Time { return now })
	opt.App, opt.Now, opt.Log = uc, func() time.Time { return now }, slog.New(slog.DiscardHandler)
	srv := server.New(opt)
	a := &testApp{h: validateAPI(t, srv.Handler()), logs: &syncBuffer{}, uc: uc}
	a.header = a.signIn(t, a.addUser(t, auth.Admin))
	return a
}

func TestAPIBearerSchemeInAnyCase(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	token := strings.TrimPrefix(a.bearer(t, auth.Viewer).Get("Authorization"), "Bearer ")
	b := a.anonymous()
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
		wantStatus(t, b.do(t, http.MethodGet, "/api/v1/providers", nil, http.Header{"Authorization": {scheme + " " + token}}), http.StatusOK)
	}
	for _, h := range []string{"Basic " + token, "Bearer", "Bearer ", token} {
		wantAPIError(t, b.do(t, http.MethodGet, "/api/v1/providers", nil, http.Header{"Authorization": {h}}), http.StatusUnauthorized, "unauthenticated", "")
	}
}

func TestAPIResponsesAreCompressed(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	p, ev := a.evaluated(t, "Squeezed "+word, "saas")
	for i := range 20 {
		a.createProvider(t, fmt.Sprintf("Squeezed %s %02d with a long enough name", word, i), "paas")
	}
	list := "/api/v1/providers?q=" + word
	plain := a.get(t, list)
	wantStatus(t, plain, http.StatusOK)
	if plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("without Accept-Encoding: Content-Encoding %q, want none", plain.header.Get("Content-Encoding"))
	}
	for _, enc := range []string{"br", "gzip"} {
		r := a.do(t, http.MethodGet, list, nil, http.Header{"Accept-Encoding": {enc}})
		wantStatus(t, r, http.StatusOK)
		if got := r.header.Get("Content-Encoding"); got != enc {
			t.Fatalf("Accept-Encoding %s: Content-Encoding %q, want %s", enc, got, enc)
		}
		body, err := decompress(enc, r.body)
		if err != nil || !bytes.Equal(body, plain.body) {
			t.Errorf("Accept-Encoding %s: the decompressed body differs from the plain one (%v)", enc, err)
		}
		if len(r.body) >= len(plain.body) {
			t.Errorf("Accept-Encoding %s: %d bytes, want fewer than the plain %d", enc, len(r.body), len(plain.body))
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %s: Vary %q, want Accept-Encoding named", enc, r.header.Get("Vary"))
		}
	}
	// A compressed representation's tag names its encoding; sent back, it still matches.
	a.workedExample(t, ev.ID) // an evaluation of more than 1 KiB
	one := a.do(t, http.MethodGet, "/api/v1/evaluations/"+ev.ID, nil, http.Header{"Accept-Encoding": {"br"}})
	tagBr := one.header.Get("ETag")
	if !strings.HasSuffix(tagBr, `-br"`) {
		t.Fatalf("compressed evaluation: ETag %q, want a -br suffix", tagBr)
	}
	wantStatus(t, a.do(t, http.MethodGet, "/api/v1/evaluations/"+ev.ID, nil, http.Header{"If-None-Match": {tagBr}}), http.StatusNotModified)
	// Pages, styles and scripts too; PDFs are left as they are.
	for _, target := range []string{"/providers/" + p.ID, "/static/app.css"} {
		r := a.do(t, http.MethodGet, target, nil, http.Header{"Accept-Encoding": {"gzip, br"}})
		wantStatus(t, r, http.StatusOK)
		if r.header.Get("Content-Encoding") == "" {
			t.Errorf("GET %s (%s, %d bytes): not compressed, want br or gzip", target, r.header.Get("Content-Type"), len(r.body))
		}
	}
	pdf := a.do(t, http.MethodGet, "/api/v1/evaluations/"+ev.ID+"/report.pdf", nil, http.Header{"Accept-Encoding": {"br"}})
	wantStatus(t, pdf, http.StatusOK)
	if got := pdf.header.Get("Content-Encoding"); got != "" {
		t.Errorf("PDF report: Content-Encoding %q, want none (PDFs are compressed already)", got)
	}
}

func TestAPIRateLimitPerToken(t *testing.T) {
	t.Parallel()
	a := newAppWith(t, server.Options{API: server.APIOptions{RateLimit: 3}})
	one, other := a.bearer(t, auth.Viewer), a.bearer(t, auth.Viewer)
	b := a.anonymous()
	for i := range 3 {
		r := b.do(t, http.MethodGet, "/api/v1/providers", nil, one)
		wantStatus(t, r, http.StatusOK)
		if got, want := r.header.Get("RateLimit"), fmt.Sprintf(`"token";r=%d;t=`, 2-i); !strings.HasPrefix(got, want) {
			t.Errorf("request %d: RateLimit %q, want it to start %q", i+1, got, want)
		}
		if got := r.header.Get("RateLimit-Policy"); got != `"token";q=3;w=60` {
			t.Errorf("request %d: RateLimit-Policy %q, want \"token\";q=3;w=60", i+1, got)
		}
	}
	refused := b.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"Limited","service_model":"saas"}`),
		http.Header{"Authorization": one["Authorization"], "Content-Type": {"application/json"}})
	wantAPIError(t, refused, http.StatusTooManyRequests, "too_many_requests", "")
	if refused.header.Get("Retry-After") == "" {
		t.Errorf("429: no Retry-After")
	}
	wantStatus(t, b.do(t, http.MethodGet, "/api/v1/providers", nil, other), http.StatusOK)
	// Browser sessions are not counted against any token.
	for range 5 {
		wantStatus(t, a.get(t, "/api/v1/providers"), http.StatusOK)
	}
	if got := a.countProviders(t, "Limited"); got != 0 {
		t.Errorf("providers named Limited: %d, want 0 (a refused request changes nothing)", got)
	}
}

func TestAPICORSForConfiguredOrigins(t *testing.T) {
	t.Parallel()
	const allowed, other = "https://app.example", "https://evil.example"
	a := newAppWith(t, server.Options{API: server.APIOptions{CORSOrigins: []string{allowed + "/"}}})
	token := a.bearer(t, auth.Evaluator)
	b := a.anonymous()
	pre := b.do(t, http.MethodOptions, "/api/v1/providers", nil, http.Header{"Origin": {allowed},
		"Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"authorization, content-type"}})
	wantStatus(t, pre, http.StatusNoContent)
	if pre.header.Get("Access-Control-Allow-Origin") != allowed || !strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: Allow-Origin %q, Allow-Headers %q; want the origin and Authorization", pre.header.Get("Access-Control-Allow-Origin"), pre.header.Get("Access-Control-Allow-Headers"))
	}
	if pre.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("preflight: Allow-Credentials %q, want none (never cookies across origins)", pre.header.Get("Access-Control-Allow-Credentials"))
	}
	create := func(origin, name string) response {
		return b.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"`+name+`","service_model":"saas"}`), http.Header{
			"Authorization": token["Authorization"], "Content-Type": {"application/json"}, "Origin": {origin}, "Sec-Fetch-Site": {"cross-site"}})
	}
	word := tag(t)
	ok := create(allowed, "Cors "+word)
	wantStatus(t, ok, http.StatusCreated)
	if ok.header.Get("Access-Control-Allow-Origin") != allowed || !strings.Contains(ok.header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("cross-origin create: Allow-Origin %q, Expose-Headers %q", ok.header.Get("Access-Control-Allow-Origin"), ok.header.Get("Access-Control-Expose-Headers"))
	}
	wantAPIError(t, create(other, "Evil "+word), http.StatusForbidden, "forbidden", "")
	wantStatus(t, b.do(t, http.MethodOptions, "/api/v1/providers", nil, http.Header{"Origin": {other}, "Access-Control-Request-Method": {"POST"}}), http.StatusMethodNotAllowed)
	// A cookie from a page on the allowed origin is still refused: only tokens cross origins.
	r := a.do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"Cookie `+word+`","service_model":"saas"}`),
		http.Header{"Content-Type": {"application/json"}, "Origin": {allowed}, "Sec-Fetch-Site": {"cross-site"}})
	wantAPIError(t, r, http.StatusForbidden, "forbidden", "")
	if got := a.countProviders(t, word); got != 1 {
		t.Errorf("providers made: %d, want 1 (the refused ones change nothing)", got)
	}
	// Without configured origins, nothing changes: a page elsewhere is refused.
	c := newApp(t)
	wantAPIError(t, c.anonymous().do(t, http.MethodPost, "/api/v1/providers", strings.NewReader(`{"name":"X","service_model":"saas"}`), http.Header{
		"Authorization": c.bearer(t, auth.Evaluator)["Authorization"], "Content-Type": {"application/json"}, "Origin": {allowed}, "Sec-Fetch-Site": {"cross-site"}}),
		http.StatusForbidden, "forbidden", "")
}

var microTimestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$`)

func TestAPITimestampsHaveOnePrecision(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := a.evaluated(t, "Clock "+tag(t), "saas")
	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	bodies := []string{}
	for _, target := range []string{"/api/v1/providers/" + p.ID, "/api/v1/evaluations/" + ev.ID,
		"/api/v1/evaluations/" + ev.ID + "/answers/abuse_cases.malware", "/api/v1/evaluations/" + ev.ID + "/answers/abuse_cases.malware/history"} {
		r := a.get(t, target)
		wantStatus(t, r, http.StatusOK)
		bodies = append(bodies, string(r.body))
	}
	stamp := regexp.MustCompile(`"(created_at|updated_at|completed_at|at)":"([^"]*)"`)
	n := 0
	for _, b := range bodies {
		for _, m := range stamp.FindAllStringSubmatch(b, -1) {
			n++
			if !microTimestamp.MatchString(m[2]) {
				t.Errorf("%s: %q, want UTC with microseconds (2026-04-15T12:00:00.000000Z)", m[1], m[2])
			}
		}
	}
	if n < 6 {
		t.Errorf("found %d timestamps, want at least 6 to check", n)
	}
}
