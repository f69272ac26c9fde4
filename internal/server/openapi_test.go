package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"
)

// openAPIDoc is openapi.json, read once, decoded with numbers kept exact.
var openAPIDoc = sync.OnceValues(func() (map[string]any, error) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	return doc, nil
})

func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	doc, err := openAPIDoc()
	if err != nil {
		t.Fatalf("read the OpenAPI document: %v", err)
	}
	return doc
}

// deprecatedRoutes still answer, with a Deprecation header, and are left out of the document so
// that a strict router can tell every documented path apart.
var deprecatedRoutes = map[string]string{
	"GET /api/v1/providers/export.{format}": "/api/v1/exports/portfolio.{format}",
}

// documented reports whether a route is one the OpenAPI document must describe.
func documented(route string) bool {
	if _, ok := deprecatedRoutes[route]; ok {
		return false
	}
	pattern := strings.SplitN(route, " ", 2)[1]
	return strings.HasPrefix(pattern, "/api/v1/") || pattern == "/healthz" || pattern == "/readyz"
}

// routerRoutes walks the real router: "METHOD pattern" for every route.
func routerRoutes(t *testing.T) []string {
	t.Helper()
	h := newAppOn(t, nil).h
	routes, ok := h.(chi.Routes)
	if !ok {
		t.Fatalf("Handler(): got %T, want a chi.Routes to walk", h)
	}
	var out []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatalf("chi.Walk: %v", err)
	}
	sort.Strings(out)
	return out
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// docOperations lists "METHOD path" for every operation in the document.
func docOperations(t *testing.T, doc map[string]any) []string {
	t.Helper()
	var out []string
	for path, item := range object(t, doc, "paths") {
		for _, m := range httpMethods {
			if _, ok := item.(map[string]any)[m]; ok {
				out = append(out, strings.ToUpper(m)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

func object(t *testing.T, v map[string]any, key string) map[string]any {
	t.Helper()
	o, ok := v[key].(map[string]any)
	if !ok {
		t.Fatalf("OpenAPI document: %q is %T, want an object", key, v[key])
	}
	return o
}

func TestOpenAPIDescribesEveryAPIRoute(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	if got := doc["openapi"]; got != "3.1.0" {
		t.Errorf("openapi: got %v, want 3.1.0", got)
	}
	var routes []string
	for _, r := range routerRoutes(t) {
		if documented(r) {
			routes = append(routes, r)
		}
	}
	if len(routes) < 10 {
		t.Fatalf("router walk found only %d API routes (%v): want every /api/v1 route plus /healthz and /readyz", len(routes), routes)
	}
	ops := docOperations(t, doc)
	for _, r := range routes {
		if !slices.Contains(ops, r) {
			t.Errorf("route %s is registered in the router but missing from openapi.json", r)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.json describes %s, which the router does not serve", op)
		}
	}
}

// TestOpenAPIIsWellFormed checks what a client generator relies on: unique operation ids, path
// parameters declared for every template variable, responses with content, and no dangling $ref.
func TestOpenAPIIsWellFormed(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	seenIDs := map[string]string{}
	template := regexp.MustCompile(`\{([^}]+)\}`)
	for path, rawItem := range object(t, doc, "paths") {
		item := rawItem.(map[string]any)
		for _, m := range httpMethods {
			rawOp, ok := item[m]
			if !ok {
				continue
			}
			op := rawOp.(map[string]any)
			where := strings.ToUpper(m) + " " + path
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := seenIDs[id]; dup {
				t.Errorf("%s: operationId %q is also used by %s", where, id, other)
			}
			seenIDs[id] = where
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm := resolve(t, doc, p).(map[string]any)
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
					if pm["required"] != true {
						t.Errorf("%s: path parameter %v is not required", where, pm["name"])
					}
				}
			}
			for _, v := range template.FindAllStringSubmatch(path, -1) {
				if !declared[v[1]] {
					t.Errorf("%s: path variable {%s} has no parameter", where, v[1])
				}
			}
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				t.Errorf("%s: no responses", where)
			}
			for code, rawRes := range responses {
				res := resolve(t, doc, rawRes).(map[string]any)
				content, _ := res["content"].(map[string]any)
				if len(content) == 0 && code != "304" {
					t.Errorf("%s: response %s has no content", where, code)
				}
				// Files come as what they are; every error comes as the JSON error shape.
				if _, ok := content["application/json"]; !ok && code[0] != '2' && code != "304" {
					t.Errorf("%s: response %s has no application/json content", where, code)
				}
			}
		}
	}
	// Every $ref anywhere must point at something.
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["$ref"]; ok {
				resolve(t, doc, v)
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	for _, name := range []string{"Provider", "ProviderInput", "ProviderList", "Evaluation", "EvaluationHead", "Answer",
		"AnswerInput", "AnswerSaved", "Score", "QuestionScore", "Evidence", "EvidenceInput", "Deviation", "Questionnaire",
		"Question", "Element", "Option", "Error", "Health"} {
		if _, ok := object(t, object(t, doc, "components"), "schemas")[name]; !ok {
			t.Errorf("components.schemas: no %s schema", name)
		}
	}
}

// operation finds one operation of the document, or fails.
func operation(t *testing.T, doc map[string]any, method, path string) map[string]any {
	t.Helper()
	item, ok := object(t, doc, "paths")[path].(map[string]any)
	if !ok {
		t.Fatalf("paths: no %s", path)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		t.Fatalf("paths[%s]: no %s", path, method)
	}
	return op
}

// The document states every status a route answers with; check those the tests exercise.
func TestOpenAPIListsErrorResponses(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	for _, c := range []struct {
		method, path string
		statuses     []string
	}{
		{"GET", "/healthz", []string{"200"}},
		{"GET", "/readyz", []string{"200", "503"}},
		{"GET", "/api/v1/openapi.json", []string{"200"}},
		{"GET", "/api/v1/questionnaires/{key}", []string{"200", "404", "422"}},
		{"GET", "/api/v1/providers", []string{"200", "422", "500"}},
		{"POST", "/api/v1/providers", []string{"201", "400", "409", "413", "415", "422", "500"}},
		{"GET", "/api/v1/providers/{id}", []string{"200", "404", "500"}},
		{"POST", "/api/v1/providers/{id}/evaluations", []string{"201", "404", "500"}},
		{"GET", "/api/v1/evaluations/{id}", []string{"200", "404", "500"}},
		{"PUT", "/api/v1/evaluations/{id}/answers/{ref}", []string{"200", "400", "404", "413", "415", "422", "500"}},
	} {
		responses, _ := operation(t, doc, c.method, c.path)["responses"].(map[string]any)
		for _, status := range c.statuses {
			if _, ok := responses[status]; !ok {
				t.Errorf("%s %s: no %s response", c.method, c.path, status)
			}
		}
	}
	for _, c := range []struct {
		method, path string
		params       []string
	}{
		{"GET", "/api/v1/questionnaires/{key}", []string{"key", "version"}},
		{"GET", "/api/v1/providers", []string{"q", "sort", "limit", "offset"}},
	} {
		var names []string
		params, _ := operation(t, doc, c.method, c.path)["parameters"].([]any)
		for _, p := range params {
			names = append(names, resolve(t, doc, p).(map[string]any)["name"].(string))
		}
		for _, want := range c.params {
			if !slices.Contains(names, want) {
				t.Errorf("%s %s: parameters %v, want %s among them", c.method, c.path, names, want)
			}
		}
	}
	for _, c := range []struct{ method, path, schema string }{
		{"POST", "/api/v1/providers", "ProviderInput"},
		{"PUT", "/api/v1/evaluations/{id}/answers/{ref}", "AnswerInput"},
	} {
		body, _ := operation(t, doc, c.method, c.path)["requestBody"].(map[string]any)
		media, _ := body["content"].(map[string]any)["application/json"].(map[string]any)
		schema, _ := media["schema"].(map[string]any)
		if got := schema["$ref"]; got != "#/components/schemas/"+c.schema {
			t.Errorf("%s %s: request body schema %v, want %s", c.method, c.path, got, c.schema)
		}
	}
	// The paging parameters bound pages as the handlers do.
	params := object(t, object(t, doc, "components"), "parameters")
	limit := object(t, params, "Limit")["schema"].(map[string]any)
	if fmt.Sprint(limit["minimum"]) != "1" || fmt.Sprint(limit["maximum"]) != "500" {
		t.Errorf("Limit parameter: got minimum %v maximum %v, want 1 and 500", limit["minimum"], limit["maximum"])
	}
	sortEnum := object(t, params, "Sort")["schema"].(map[string]any)["enum"]
	if fmt.Sprint(sortEnum) != "[name score]" {
		t.Errorf("Sort parameter: got enum %v, want [name score]", sortEnum)
	}
}

func TestOpenAPIIsServed(t *testing.T) {
	t.Parallel()
	a := newAppOn(t, nil)
	r := a.get(t, "/api/v1/openapi.json")
	wantStatus(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != jsonType {
		t.Errorf("Content-Type: got %q, want %q", ct, jsonType)
	}
	file, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.body, file) {
		t.Errorf("GET /api/v1/openapi.json: got %d bytes that differ from openapi.json (%d bytes), want the file as it is", len(r.body), len(file))
	}
}

// resolve follows a local $ref ("#/components/...") to what it names.
func resolve(t *testing.T, doc map[string]any, v any) any {
	t.Helper()
	for i := 0; i < 10; i++ {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		if !strings.HasPrefix(ref, "#/") {
			t.Fatalf("$ref %q: want a local reference", ref)
		}
		var cur any = doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			next, ok := cur.(map[string]any)[part]
			if !ok {
				t.Fatalf("$ref %q: nothing at %q", ref, part)
			}
			cur = next
		}
		v = cur
	}
	t.Fatalf("$ref chain too long")
	return nil
}
