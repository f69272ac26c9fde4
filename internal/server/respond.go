package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
)

// maxBody bounds every request body.
const maxBody = 1 << 20

// writeJSON writes v with status. Encoding happens before the header is sent, so that a failure
// cannot leave half a response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"response could not be encoded"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// render writes a templ component as an HTML page or fragment. A whole page for a signed-in
// user also tells them, once, of changes to their credentials not shown yet (withNotices).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := c.Render(s.withNotices(r), buf); err != nil {
		s.log.ErrorContext(r.Context(), "render failed", "path", loggedPath(r.URL.Path), "err", err)
		http.Error(w, "Something went wrong while rendering this page.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderBuffers keep the buffers pages are rendered into, so that a page does not grow a new
// one from nothing (a 16-client profile of the evaluation page had 4 % of the server's CPU in
// growing them).
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putRenderBuffer returns buf to the pool unless it grew past 1 MiB, which a rare page may.
func putRenderBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	renderBuffers.Put(buf)
}

// decodeJSON reads a JSON body into dst strictly: at most 1 MiB, one document, no unknown fields.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return errContentType
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return fmt.Errorf("%w: %v", errBadJSON, err)
	}
	// encoding/json would quietly turn bad bytes and lone surrogates into U+FFFD and keep the
	// last of two equal keys: refuse both instead.
	if !utf8.Valid(body) || loneSurrogate(body) {
		return fmt.Errorf("%w: the text is not valid UTF-8", errBadJSON)
	}
	if err := checkDuplicateKeys(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonDecodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: something follows the JSON document", errBadJSON)
	}
	return nil
}

// decodeObject reads a body that must be one JSON object into a T (decodeJSON's rules); a body
// of null is refused with what is wanted, such as `{"verdict": "accepted"}`.
func decodeObject[T any](w http.ResponseWriter, r *http.Request, want string) (T, error) {
	var in *T
	var zero T
	if err := decodeJSON(w, r, &in); err != nil {
		return zero, err
	}
	if in == nil {
		return zero, assess.Invalid("body", "want an object such as %s", want)
	}
	return *in, nil
}

// jsonDecodeError names the field of a type mismatch or an unknown field as a validation error;
// broken syntax is a bad request.
func jsonDecodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return assess.Invalid(field, "want %s", jsonKind(typeErr.Type))
	}
	const unknown = "json: unknown field "
	if msg := err.Error(); len(msg) > len(unknown) && msg[:len(unknown)] == unknown {
		field, _ := strconv.Unquote(msg[len(unknown):])
		return assess.Invalid(field, "is not a known field")
	}
	return fmt.Errorf("%w: %v", errBadJSON, err)
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return "another type"
}

// pathID reads a positive decimal id from the URL; anything else names nothing, so it is 404.
func pathID(r *http.Request) (int64, error) {
	s := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, fmt.Errorf("id %q: %w", s, assess.ErrNotFound)
	}
	return id, nil
}

// surrogatePair matches a \u escape of a surrogate pair (one character), and surrogate any
// surrogate escape: once the pairs are taken out, any surrogate left is not a character.
var (
	surrogatePair = regexp.MustCompile(`(?i)\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}`)
	surrogate     = regexp.MustCompile(`(?i)\\ud[89a-f][0-9a-f]{2}`)
)

// loneSurrogate reports whether body escapes half of a surrogate pair on its own.
func loneSurrogate(body []byte) bool {
	return bytes.Contains(body, []byte(`\u`)) && surrogate.Match(surrogatePair.ReplaceAll(body, nil))
}

// checkDuplicateKeys refuses a JSON document in which an object names one key twice.
func checkDuplicateKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		keys     map[string]bool
		object   bool
		expected bool // the next string token is a key
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // syntax errors are reported by the real decode
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, frame{keys: map[string]bool{}, object: true, expected: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:top]
			}
			if len(stack) > 0 && d != '{' && d != '[' && stack[len(stack)-1].object {
				stack[len(stack)-1].expected = true
			}
			continue
		}
		if top >= 0 && stack[top].object {
			if stack[top].expected {
				key := tok.(string)
				if stack[top].keys[key] {
					return fmt.Errorf("%w: the key %q appears twice in one object", errBadJSON, key)
				}
				stack[top].keys[key] = true
			}
			stack[top].expected = !stack[top].expected
		}
	}
}
