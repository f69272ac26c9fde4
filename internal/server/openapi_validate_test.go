package server_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/go-chi/chi/v5"

	"shareline/internal/server"
)

// servedOpenAPI is the document as the server serves it, loaded and checked by kin-openapi, with
// a router that finds each request's operation.
var servedOpenAPI = sync.OnceValues(func() (*servedDoc, error) {
	rec := httptest.NewRecorder()
	server.New(server.Options{}).Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/openapi.json: got %d, want 200", rec.Code)
	}
	return loadKinDoc(rec.Body.Bytes())
})

type servedDoc struct {
	doc    *openapi3.T
	router routers.Router
}

func loadKinDoc(b []byte) (*servedDoc, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is not valid: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route the OpenAPI document: %w", err)
	}
	return &servedDoc{doc: doc, router: router}, nil
}

func init() {
	// Downloads are checked as what they are, bytes; their content types are declared.
	for _, ct := range []string{"application/pdf", "text/csv", xlsxContentType} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// declaredHeaders are response headers a client acts on: when the server sends one, the
// document must declare it on that response.
var declaredHeaders = []string{"Location", "Retry-After", "Content-Disposition", "ETag", "Deprecation", "Allow",
	"RateLimit", "RateLimit-Policy", "Idempotent-Replayed"}

// validatedRoutes are the paths whose exchanges the document describes.
func validatedRoute(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz"
}

// validatingHandler passes every request to the real router and checks the exchange against
// the served OpenAPI document with kin-openapi's openapi3filter: a request the document allows
// must not be refused as malformed, a request it forbids must be refused (4xx), and every
// response must be one the operation declares, with its body and headers as declared. It is
// what every handler test's requests go through (newAppAt), so that the document cannot drift
// from the server unnoticed. Routes it does not know must answer 404 or 405 in the error shape.
type validatingHandler struct {
	routes chi.Routes // the router, for the tests that walk it
	t      testing.TB
	next   http.Handler

	mu   sync.Mutex
	seen map[string][]int // operation id -> statuses answered
}

func validateAPI(t testing.TB, h http.Handler) http.Handler {
	routes, _ := h.(chi.Routes)
	return &validatingHandler{routes: routes, t: t, next: h}
}

func (v *validatingHandler) Routes() []chi.Route                     { return v.routes.Routes() }
func (v *validatingHandler) Middlewares() chi.Middlewares            { return v.routes.Middlewares() }
func (v *validatingHandler) Match(c *chi.Context, m, p string) bool  { return v.routes.Match(c, m, p) }
func (v *validatingHandler) Find(c *chi.Context, m, p string) string { return v.routes.Find(c, m, p) }

func (v *validatingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !validatedRoute(r.URL.Path) || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		v.next.ServeHTTP(w, r)
		return
	}
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			v.next.ServeHTTP(w, r) // a client that breaks off mid-body: nothing to compare
			return
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	copied := r.Clone(r.Context())
	copied.Body = io.NopCloser(bytes.NewReader(body))
	tee := &teeWriter{ResponseWriter: w}
	v.next.ServeHTTP(tee, r)
	if tee.status == 0 {
		tee.status = http.StatusOK
	}
	if w.Header().Get("Deprecation") != "" {
		return // an old path kept answering, left out of the document (deprecatedRoutes)
	}
	op, problems := checkExchange(copied, body, tee.status, w.Header(), tee.buf.Bytes())
	if op != "" {
		v.mu.Lock()
		if v.seen == nil {
			v.seen = map[string][]int{}
		}
		v.seen[op] = append(v.seen[op], tee.status)
		v.mu.Unlock()
	}
	for _, problem := range problems {
		v.t.Errorf("OpenAPI document and server disagree on %s %s -> %d: %s", r.Method, r.URL.RequestURI(), tee.status, problem)
	}
}

// checkExchange finds the operation an exchange belongs to and lists how the exchange departs
// from the served document.
func checkExchange(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) (operationID string, problems []string) {
	sd, err := servedOpenAPI()
	if err != nil {
		return "", []string{err.Error()}
	}
	return sd.check(req, reqBody, status, header, body)
}

func (sd *servedDoc) check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) (string, []string) {
	ctx := context.Background()
	if enc := header.Get("Content-Encoding"); enc != "" {
		plain, err := decompress(enc, body)
		if err != nil {
			return "", []string{fmt.Sprintf("Content-Encoding %s: %v", enc, err)}
		}
		body = plain
	}
	// The router matches on the server's address; the document's server is "/".
	req.URL.Scheme, req.URL.Host, req.Host = "", "", ""
	route, params, err := sd.router.FindRoute(req)
	if err != nil {
		want := http.StatusNotFound
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			want = http.StatusMethodNotAllowed
		}
		if status != want && !(want == http.StatusNotFound && status == http.StatusMethodNotAllowed) {
			return "", []string{fmt.Sprintf("the document has no such operation (%v), but the server answered %d, want %d", err, status, want)}
		}
		if err := sd.doc.Components.Schemas["Error"].Value.VisitJSON(decodeAny(body), openapi3.EnableJSONSchema2020()); err != nil {
			return "", []string{fmt.Sprintf("the body is not the Error shape: %v", err)}
		}
		return "", nil
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	if len(reqBody) > 0 && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json") // as the server reads it (ProviderInput)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			// Who may call is the server's business (authz_test.go); the document states the scheme.
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
		},
	}
	var problems []string
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	switch {
	case reqErr != nil && status < 400:
		problems = append(problems, fmt.Sprintf("the document forbids this request (%v) but the server accepted it", oneLine(reqErr)))
	case reqErr == nil && status == http.StatusUnprocessableEntity && !semanticRefusal(body):
		// (A 400 is about JSON itself: duplicate keys, bytes that are not UTF-8, a second
		// document. No schema states those.)
		problems = append(problems, fmt.Sprintf("the document allows this request but the server refused it as malformed: %.300s", body))
	}
	in.Request.Body = io.NopCloser(bytes.NewReader(reqBody))
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		problems = append(problems, "response: "+oneLine(err))
	}
	if res := route.Operation.Responses.Status(status); res != nil && res.Value != nil {
		for _, h := range declaredHeaders {
			if header.Get(h) != "" && res.Value.Headers[h] == nil {
				problems = append(problems, fmt.Sprintf("the server sends %s, which the %d response does not declare", h, status))
			}
		}
	}
	return route.Operation.OperationID, problems
}

// semanticRefusal reports whether a 422 names a rule a schema cannot state: which element a
// reference names, which type its value must have, a date after today, a provider id that
// names none. Such refusals the document describes in words; the rest must be in the schemas.
func semanticRefusal(body []byte) bool {
	var e apiErrorBody
	if err := jsonUnmarshal(body, &e); err != nil || e.Error.Code != "invalid" || len(e.Error.Fields) == 0 {
		return false
	}
	for field, msg := range e.Error.Fields {
		if !semanticField(field, msg) {
			return false
		}
	}
	return true
}

// semanticField reports whether one refused field breaks a rule that depends on stored data
// or on the element answered, rather than on the request alone.
func semanticField(field, msg string) bool {
	switch {
	case field == "value" || strings.HasPrefix(field, "value."):
		// The value's type and options are the element's (the questionnaire's); the bounds
		// and uniqueness every value shares are in AnswerValue.
		return !strings.Contains(msg, "at most") && !strings.Contains(msg, "twice")
	case (field == "after" || field == "before") && (strings.HasPrefix(msg, "not a place in this list") || strings.Contains(msg, "not both")):
		return true // a key is opaque, one the server gave; and a document cannot say "one of two parameters"
	case strings.HasSuffix(msg, "is in the future"):
		return true // today is the server's
	case field == "due_date" && (strings.HasPrefix(msg, "is in the past") || strings.Contains(msg, "days ahead")):
		return true // today is the server's
	case field == "due_date" && strings.Contains(msg, "YYYY-MM-DD"):
		return true // a day that does not exist (2026-02-30) has the Date pattern's shape
	case field == "base_version" && strings.Contains(msg, "If-Match"):
		return true // a header and the body disagree
	case field == "Idempotency-Key" && strings.Contains(msg, "another request"):
		return true // what the key was first sent with is stored
	case field == "comment" && strings.HasPrefix(msg, "is required"):
		return true // needed by the verdict given, and a comment of spaces only is none
	case strings.HasSuffix(field, ".file_id") && strings.HasPrefix(msg, "no file"):
		return true // which files were uploaded to the evaluation
	case field == "file":
		return true // the file's type is decided from its content, its size against the limit
	case strings.HasSuffix(field, "valid_until") && strings.Contains(msg, "before the day"):
		return true // one field against another
	case field == "confirm", field == "sort", field == "questionnaire":
		return true // how many elements are unanswered; which questions exist
	case field == "ids" && (strings.HasPrefix(msg, "no provider has") || strings.Contains(msg, "archived")):
		return true
	case strings.Contains(msg, "not valid UTF-8"):
		return true // a schema sees characters, not bytes
	}
	return false
}

func oneLine(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > 900 {
		s = s[:900] + "..."
	}
	return s
}

// teeWriter passes a response through and keeps a copy of what was written.
type teeWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *teeWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *teeWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *teeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func decodeAny(b []byte) any {
	var v any
	if err := jsonUnmarshal(b, &v); err != nil {
		return string(b)
	}
	return v
}

func jsonUnmarshal(b []byte, dst any) error { return json.Unmarshal(b, dst) }

// decompress undoes a Content-Encoding the server applied.
func decompress(encoding string, b []byte) ([]byte, error) {
	switch encoding {
	case "gzip":
		r, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	case "br":
		return io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	}
	return nil, fmt.Errorf("unknown encoding")
}

// operationsSeen is what the validating handler of a test app has checked: each operation id
// with the statuses it answered.
func (a *testApp) operationsSeen(t *testing.T) map[string][]int {
	t.Helper()
	v, ok := a.h.(*validatingHandler)
	if !ok {
		t.Fatalf("the test app's handler is %T, want the validating handler", a.h)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make(map[string][]int, len(v.seen))
	for k, s := range v.seen {
		out[k] = append([]int(nil), s...)
	}
	return out
}

// documentRefuses validates a request alone against the served document and returns why the
// document refuses it (nil: the document allows it).
func documentRefuses(t *testing.T, method, target, body string) error {
	t.Helper()
	sd, err := servedOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.URL.Scheme, req.URL.Host, req.Host = "", "", ""
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := sd.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: no operation in the document: %v", method, target, err)
	}
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
}
