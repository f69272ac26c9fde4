package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/postgres"
)

// newUnreachableApp is a server whose database does not answer (nothing listens on its port),
// called with an API token: every request that needs the database finds it unreachable.
func newUnreachableApp(t *testing.T) *testApp {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), "postgres://shareline@127.0.0.1:1/shareline?connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	a := newAppAt(t, postgres.New(pool), now, false)
	a.header = http.Header{"Authorization": {"Bearer shl_unreachable"}}
	return a
}

// documentOperations lists every operation of the served document: id, method and path.
func documentOperations(t *testing.T) []docOperation {
	t.Helper()
	sd, err := servedOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var ops []docOperation
	for path, item := range sd.doc.Paths.Map() {
		for method, op := range item.Operations() {
			var formats []string
			for _, p := range op.Parameters {
				if p.Value.Name == "format" && p.Value.Schema != nil {
					for _, e := range p.Value.Schema.Value.Enum {
						formats = append(formats, e.(string))
					}
				}
			}
			ops = append(ops, docOperation{id: op.OperationID, method: method, path: path, formats: formats})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	return ops
}

type docOperation struct {
	id, method, path string
	formats          []string
}

// target fills the operation's path with ids, the first format, and the query it requires.
func (o docOperation) target(ids map[string]string) string {
	p := o.path
	for k, v := range ids {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	if len(o.formats) > 0 {
		p = strings.ReplaceAll(p, "{format}", o.formats[0])
	}
	if strings.HasPrefix(o.path, "/api/v1/compare") {
		p += "?ids=" + ids["id"] + "," + ids["other"]
	}
	return p
}

// TestOpenAPIValidationCoversEveryOperation drives every operation of the document through the
// validating handler, each file format included, and checks that each was validated: a new
// operation must be added here, so that no part of the document goes unchecked.
func TestOpenAPIValidationCoversEveryOperation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	p, ev := a.evaluated(t, "Covered "+word, "saas")
	other := a.createProvider(t, "Other "+word, "iaas")
	a.workedExample(t, ev.ID)
	ids := map[string]string{"id": ev.ID, "other": other.ID, "ref": "abuse_cases.malware", "key": "shared-responsibility"}

	for _, target := range []string{"/healthz", "/readyz", "/api/v1/openapi.json", "/api/v1/questionnaires/shared-responsibility",
		"/api/v1/providers", "/api/v1/providers/" + p.ID, "/api/v1/evaluations/" + ev.ID,
		"/api/v1/evaluations/" + ev.ID + "/answers/abuse_cases.malware/history", "/api/v1/evaluations/" + ev.ID + "/answers/abuse_cases.malware"} {
		wantStatus(t, a.get(t, target), http.StatusOK)
	}
	for _, op := range documentOperations(t) {
		for _, f := range op.formats {
			if op.method != http.MethodGet {
				continue
			}
			target := strings.ReplaceAll(op.target(ids), "."+op.formats[0], "."+f)
			if strings.Contains(op.path, "/evaluations/{id}") {
				target = strings.ReplaceAll(op.path, "{id}", ev.ID)
				target = strings.ReplaceAll(target, "{format}", f)
			} else if strings.HasPrefix(op.path, "/api/v1/compare") {
				target = "/api/v1/compare." + f + "?ids=" + p.ID + "," + other.ID
			}
			wantStatus(t, a.get(t, target), http.StatusOK)
		}
	}
	wantStatus(t, a.get(t, "/api/v1/compare?ids="+p.ID+","+other.ID), http.StatusOK)
	exerciseRequests(t, a, ev.ID)
	var up uploadedOut
	decodeJSON(t, a.upload(t, filesPath(ev.ID, "abuse_cases.malware"), "cover.pdf", pdfBytes, today, "", nil), http.StatusCreated, "FileUploaded", &up)
	wantStatus(t, a.get(t, "/api/v1/files/"+up.File.ID), http.StatusOK)
	wantStatus(t, a.sendJSON(t, http.MethodPut, "/api/v1/evaluations/"+ev.ID+"/answers/abuse_cases.malware/review",
		map[string]string{"verdict": "accepted"}), http.StatusOK)
	wantStatus(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", map[string]bool{"confirm": true}), http.StatusOK)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reopen", nil, nil), http.StatusOK)
	wantStatus(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/complete", map[string]bool{"confirm": true}), http.StatusOK)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+ev.ID+"/reassess", nil, nil), http.StatusCreated)
	exerciseManagement(t, a, p, other)

	seen := a.operationsSeen(t)
	for _, op := range documentOperations(t) {
		if _, ok := seen[op.id]; !ok {
			t.Errorf("operation %s (%s %s) was never validated: add a call to this test", op.id, op.method, op.path)
		}
	}
}

// TestOpenAPIUnavailableOnEveryOperation calls every operation while the database is gone: each
// answers 503 with Retry-After, as the document says (the validating handler checks the shape).
func TestOpenAPIUnavailableOnEveryOperation(t *testing.T) {
	t.Parallel()
	a := newUnreachableApp(t)
	ids := map[string]string{"id": "1", "other": "2", "ref": "abuse_cases.malware", "key": "shared-responsibility"}
	bodies := map[string]string{
		"createProvider": `{"name":"Down","service_model":"saas"}`, "saveAnswer": `{"value":"yes"}`,
		"updateProvider": `{"notes":"x"}`,
		"createRequest":  `{"contact_name":"Ada","contact_email":"ada@acme.example","due_date":"2026-04-30"}`,
	}
	for _, op := range documentOperations(t) {
		switch op.id {
		case "getHealth", "getOpenAPI", "getReadiness":
			continue // these never read the database (readiness says it is down with its own 503)
		}
		t.Run(op.id, func(t *testing.T) {
			var h http.Header
			body := bodies[op.id]
			if body != "" {
				h = http.Header{"Content-Type": {mergePatchIf(op.method)}}
			}
			r := a.do(t, op.method, op.target(ids), strings.NewReader(body), h)
			wantAPIError(t, r, http.StatusServiceUnavailable, "unavailable", "")
			if r.header.Get("Retry-After") == "" {
				t.Errorf("%s %s: no Retry-After", op.method, op.target(ids))
			}
		})
	}
	if seen := a.operationsSeen(t); len(seen) == 0 {
		t.Errorf("no operation was validated")
	}
}

func mergePatchIf(method string) string {
	if method == http.MethodPatch {
		return "application/merge-patch+json"
	}
	return "application/json"
}

// TestOpenAPIValidatorCatchesMismatches feeds the validator exchanges that break the document:
// each must be reported, or the validation of every other test proves nothing.
func TestOpenAPIValidatorCatchesMismatches(t *testing.T) {
	t.Parallel()
	provider := `{"id":"1","name":"A","offering":"","service_model":"saas","website":"","notes":"","created_at":"2026-04-15T12:00:00.000000Z",` +
		`"updated_at":"2026-04-15T12:00:00.000000Z","score":null,"tier":"not_assessed","current_evaluation":null,"draft_evaluation":null,` +
		`"archived_at":null,"archived_by":null}`
	jsonHeader := func(kv ...string) http.Header {
		h := http.Header{"Content-Type": {jsonType}}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	cases := []struct {
		name, method, target, reqBody string
		status                        int
		header                        http.Header
		body                          string
		want                          string // a word of the problem reported
	}{
		{"a well-formed exchange", "GET", "/api/v1/providers/1", "", 200, jsonHeader("ETag", `"p1"`), provider, ""},
		{"a required field missing", "GET", "/api/v1/providers/1", "", 200, jsonHeader("ETag", `"p1"`), `{"id":"1"}`, "doesn't match"},
		{"a required header missing", "GET", "/api/v1/providers/1", "", 200, jsonHeader(), provider, "ETag"},
		{"a status the operation does not declare", "GET", "/api/v1/providers/1", "", 418, jsonHeader(), `{"error":{"code":"internal","message":"x"}}`, "status"},
		{"503 without Retry-After", "GET", "/api/v1/providers/1", "", 503, jsonHeader(), `{"error":{"code":"unavailable","message":"x"}}`, "Retry-After"},
		{"201 without Location", "POST", "/api/v1/providers", `{"name":"A","service_model":"saas"}`, 201, jsonHeader("ETag", `"p1"`), provider, "Location"},
		{"a header the response does not declare", "GET", "/api/v1/providers/1", "", 200, jsonHeader("ETag", `"p1"`, "Deprecation", "@1"), provider, "Deprecation"},
		{"a request the document forbids, accepted", "POST", "/api/v1/providers", `{"name":"A\nB","service_model":"saas"}`, 201,
			jsonHeader("Location", "/api/v1/providers/1", "ETag", `"p1"`), provider, "forbids"},
		{"a request the document allows, refused as malformed", "POST", "/api/v1/providers", `{"name":"A","service_model":"saas"}`, 422,
			jsonHeader(), `{"error":{"code":"invalid","message":"x","fields":{"name":"too long"}}}`, "allows"},
		{"a route the document lacks, answered", "GET", "/api/v1/nothing", "", 200, jsonHeader(), `{}`, "no such operation"},
		{"an error of another shape", "GET", "/api/v1/providers/1", "", 404, jsonHeader(), `{"message":"gone"}`, "doesn't match"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.reqBody))
			if c.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			_, problems := checkExchange(req, []byte(c.reqBody), c.status, c.header, []byte(c.body))
			got := strings.Join(problems, "; ")
			switch {
			case c.want == "" && len(problems) > 0:
				t.Errorf("got problems %q, want none", got)
			case c.want != "" && !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, c.want) }):
				t.Errorf("got problems %q, want one mentioning %q", got, c.want)
			}
		})
	}
}

// exerciseManagement calls the operations that manage providers and list what there is.
func exerciseManagement(t *testing.T, a *testApp, p, other providerOut) {
	t.Helper()
	wantStatus(t, a.get(t, "/api/v1/questionnaires"), http.StatusOK)
	wantStatus(t, a.get(t, "/api/v1/providers/"+p.ID+"/evaluations"), http.StatusOK)
	wantStatus(t, a.do(t, http.MethodPatch, "/api/v1/providers/"+other.ID, strings.NewReader(`{"notes":"Patched."}`),
		http.Header{"Content-Type": {"application/merge-patch+json"}}), http.StatusOK)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/providers/"+other.ID+"/archive", nil, nil), http.StatusOK)
	wantStatus(t, a.get(t, "/api/v1/providers?archived=true"), http.StatusOK)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/providers/"+other.ID+"/archive", nil, nil), http.StatusConflict)
	wantStatus(t, a.get(t, "/api/v1/compare?ids="+p.ID+","+other.ID), http.StatusUnprocessableEntity)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/providers/"+other.ID+"/restore", nil, nil), http.StatusOK)
}

// exerciseRequests calls the operations on requests for a draft evaluation.
func exerciseRequests(t *testing.T, a *testApp, evaluationID string) {
	t.Helper()
	var req requestOut
	decodeJSON(t, a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+evaluationID+"/requests",
		map[string]string{"contact_name": "Ada Contact", "contact_email": "ada@acme.example", "due_date": "2026-04-30"}),
		http.StatusCreated, "Request", &req)
	wantStatus(t, a.get(t, "/api/v1/evaluations/"+evaluationID+"/requests"), http.StatusOK)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/requests/"+req.ID+"/reissue", nil, nil), http.StatusCreated)
	wantStatus(t, a.do(t, http.MethodPost, "/api/v1/requests/"+req.ID+"/revoke", nil, nil), http.StatusOK)
}
