package server

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/templates"
)

// Errors of the HTTP layer itself; domain errors come from assess.
var (
	errBadJSON      = errors.New("the request body is not valid JSON")
	errBadForm      = errors.New("the form could not be read")
	errTooLarge     = errors.New("the request body is larger than 1 MiB")
	errContentType  = errors.New("send the body as application/json")
	errMethod       = errors.New("method not allowed")
	errRouteMissing = errors.New("no such page")
	errTooManyTries = errors.New("too many failed sign-ins: wait and try again")
	errCrossOrigin  = errors.New("this request came from another site and was refused")
	// errNotAcceptable: the Accept header rules out what the resource is.
	errNotAcceptable = errors.New("the Accept header rules out the only type this resource comes as")
)

// httpError is the one table from errors to statuses and codes.
func httpError(err error) (status int, code string) {
	var ve *assess.ValidationError
	var closed *assess.LinkClosed
	var expired *auth.TokenExpired
	switch {
	case errors.As(err, &expired):
		return http.StatusUnauthorized, "token_expired"
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity, "invalid"
	case errors.As(err, &closed):
		return http.StatusGone, "gone"
	case errors.Is(err, errNoRespondent):
		return http.StatusUnauthorized, "unauthenticated"
	case errors.Is(err, errTooManyLinkTries):
		return http.StatusTooManyRequests, "too_many_requests"
	case errors.Is(err, errPreconditionFailed):
		return http.StatusPreconditionFailed, "precondition_failed"
	case errors.Is(err, assess.ErrNotFound), errors.Is(err, errRouteMissing):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, assess.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, "too_large"
	case errors.Is(err, errBadJSON), errors.Is(err, errBadForm):
		return http.StatusBadRequest, "bad_request"
	case errors.Is(err, errContentType):
		return http.StatusUnsupportedMediaType, "unsupported_media_type"
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed, "method_not_allowed"
	case errors.Is(err, errNotAcceptable):
		return http.StatusNotAcceptable, "not_acceptable"
	case errors.Is(err, auth.ErrUnauthenticated):
		return http.StatusUnauthorized, "unauthenticated"
	case errors.Is(err, auth.ErrForbidden), errors.Is(err, errCrossOrigin):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, errTooManyTries), errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "too_many_requests"
	case errors.Is(err, assess.ErrUnavailable):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

// publicMessage is what a person is told. Internal errors are logged with a reference and only
// the reference is shown: no SQL, no stack, no internals.
func (s *Server) publicMessage(r *http.Request, err error, status int) string {
	var ve *assess.ValidationError
	var expired *auth.TokenExpired
	switch {
	case status == http.StatusInternalServerError:
		ref := reference(r)
		s.log.ErrorContext(r.Context(), "request failed", "ref", ref, "method", r.Method, "path", loggedPath(r.URL.Path), "err", err)
		return "Something went wrong on our side. Reference: " + ref
	case errors.As(err, &ve) && len(ve.Fields) == 1 && !isAPI(r):
		// A page says its one problem as a sentence naming what to change in words:
		// "Providers to compare: choose at least 2 providers to compare."
		for field, msg := range ve.Fields {
			return cmp.Or(queryFieldNames[field], field) + ": " + strings.TrimSuffix(msg, ".") + "."
		}
	case errors.As(err, &ve):
		return "Some fields need attention: " + strings.TrimPrefix(ve.Error(), "invalid input: ")
	case status == http.StatusNotFound:
		return "Not found: the page or record does not exist."
	case status == http.StatusMethodNotAllowed && !isAPI(r):
		return "This page cannot be opened that way: use the links and buttons of the pages."
	case status == http.StatusServiceUnavailable:
		ref := reference(r)
		s.log.WarnContext(r.Context(), "database unavailable", "ref", ref, "method", r.Method, "path", loggedPath(r.URL.Path), "err", err)
		return "The database cannot be reached just now, so nothing was read or changed. Try again in a moment. Reference: " + ref
	case errors.As(err, &expired):
		return capitalize(expired.Error())
	case status == http.StatusUnauthorized && isAPI(r):
		return "Sign-in required: send an API token as Authorization: Bearer <token>."
	case status == http.StatusForbidden && errors.Is(err, auth.ErrForbidden):
		return "Your role does not allow this. Ask an admin if you need it."
	case status == http.StatusPreconditionFailed:
		return capitalize(strings.TrimSuffix(errPreconditionFailed.Error(), "."))
	case status == http.StatusConflict && errors.Is(err, assess.ErrConflict):
		return conflictMessage(err)
	}
	return capitalize(err.Error())
}

// queryFieldNames name the query parameters of the pages for the people who set them.
var queryFieldNames = map[string]string{
	"ids": "Providers to compare", "sel": "Ticked providers", "q": "Search", "sort": "Sort",
	"limit": "Page size (limit)", "offset": "Page start (offset)", "tier": "Tier", "model": "Service model",
	"status": "Status", "questionnaire": "Questionnaire", "archived": "Archived",
}

func conflictMessage(err error) string {
	var vc *assess.VersionConflict
	if errors.As(err, &vc) && vc.Current.Version == 0 {
		return fmt.Sprintf("Not saved: this element has no saved answer yet (version 0), but the change was made from version %d. "+
			"Send base_version 0 to save it as the first answer.", vc.Base)
	}
	if errors.As(err, &vc) {
		return fmt.Sprintf("Not saved: someone saved this answer (now version %d) since you opened version %d. "+
			"Compare with the current answer, then save again to keep yours.", vc.Current.Version, vc.Base)
	}
	var c assess.Conflict
	if errors.As(err, &c) {
		return capitalize(c.Error())
	}
	return "This change conflicts with what is stored."
}

// error answers a failed request: JSON under /api/, an error fragment for htmx, a page otherwise.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	status, code := httpError(err)
	msg := s.publicMessage(r, err, status)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	switch {
	case code == "token_expired":
		w.Header().Set("WWW-Authenticate", `Bearer realm="shareline", error="invalid_token", error_description="the token expired"`)
	case status == http.StatusUnauthorized && isAPI(r):
		w.Header().Set("WWW-Authenticate", `Bearer realm="shareline"`)
	}
	if jsonErrors(r) {
		body := apiError{Code: code, Message: msg}
		var ve *assess.ValidationError
		if errors.As(err, &ve) {
			body.Fields = ve.Fields
		}
		var vc *assess.VersionConflict
		if errors.As(err, &vc) {
			current := newAnswerJSON(vc.Current)
			if principal(r).Grant != nil {
				current = newRespondentAnswerJSON(vc.Current)
			}
			body.Current = &current
		}
		writeJSON(w, status, map[string]apiError{"error": body})
		return
	}
	if isHTMX(r) {
		w.Header().Set("HX-Reswap", "none")
	}
	s.render(w, r, status, templates.ErrorPage(status, statusTitle(status), msg))
}

// statusTitle is an error page's heading: the status's reason phrase as a sentence ("Not
// found", "Too many requests"), as every other heading is written.
func statusTitle(status int) string {
	text := http.StatusText(status)
	if text == "" {
		return "Error"
	}
	return text[:1] + strings.ToLower(text[1:])
}

type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Current *answerJSON       `json:"current,omitempty"` // the stored answer, on a version conflict
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// jsonErrors reports whether a failure is answered in the API's JSON shape: under /api/, and
// a respondent's JSON save (PUT /respond/answers/...).
func jsonErrors(r *http.Request) bool {
	return isAPI(r) || (r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/respond/"))
}
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// reference is what a person quotes to find their failed request in the log: its request id.
func reference(r *http.Request) string {
	if id := requestID(r.Context()); id != "" {
		return id
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
