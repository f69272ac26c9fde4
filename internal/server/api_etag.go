package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
)

// Entity tags. A provider or an evaluation is tagged with a digest of its JSON representation,
// so that the tag changes whenever anything a client reads changes (a score recomputed on a
// later day included). An answer is tagged with its version, "v3", which is what base_version
// names: If-Match on an answer is base_version in HTTP terms, checked in the same transaction
// as the save.

// errPreconditionFailed: the If-Match header names another state than the stored one.
var errPreconditionFailed = errors.New("not changed: the resource changed since you read it (If-Match names another version); read it again")

// digestTag is the strong entity tag of a representation.
func digestTag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// answerTag is the entity tag of an answer at a version.
func answerTag(version int) string { return `"v` + strconv.Itoa(version) + `"` }

// writeTagged writes a readable resource with its entity tag, or 304 when the request's
// If-None-Match already names it.
func writeTagged(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeJSON(w, status, v)
		return
	}
	writeTaggedAs(w, r, status, append(b, '\n'), digestTag(b))
}

func writeTaggedAs(w http.ResponseWriter, r *http.Request, status int, body []byte, tag string) {
	w.Header().Set("ETag", tag)
	if status == http.StatusOK && (r.Method == http.MethodGet || r.Method == http.MethodHead) && noneMatch(r, tag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// tagList splits an If-Match or If-None-Match header into its entity tags; "*" stands alone.
func tagList(r *http.Request, header string) []string {
	var tags []string
	for _, v := range r.Header.Values(header) {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, withoutEncoding(t))
			}
		}
	}
	return tags
}

// noneMatch reports whether If-None-Match names tag (weak comparison, as RFC 9110 says for it).
func noneMatch(r *http.Request, tag string) bool {
	for _, t := range tagList(r, "If-None-Match") {
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

// ifMatch checks If-Match against the resource's current tag (strong comparison): nil when
// absent, "*" or matching, errPreconditionFailed otherwise.
func ifMatch(r *http.Request, current func() (string, error)) error {
	tags := tagList(r, "If-Match")
	if len(tags) == 0 {
		return nil
	}
	tag, err := current()
	if err != nil {
		return err
	}
	for _, t := range tags {
		if t == "*" || t == tag {
			return nil
		}
	}
	return errPreconditionFailed
}

// ifMatchVersion reads If-Match on an answer as the version it names: nil when absent or "*";
// a tag that is not an answer's names no version the answer can have, so the save fails.
func ifMatchVersion(r *http.Request) (*int, error) {
	tags := tagList(r, "If-Match")
	if len(tags) == 0 || (len(tags) == 1 && tags[0] == "*") {
		return nil, nil
	}
	if len(tags) == 1 {
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(tags[0], `"v`), `"`)); err == nil && n >= 0 && answerTag(n) == tags[0] {
			return &n, nil
		}
	}
	return nil, errPreconditionFailed
}

// providerTag is the entity tag of a provider as GET /api/v1/providers/{id} shows it now.
func (s *Server) providerTag(r *http.Request, id int64) (string, error) {
	v, err := s.app.Provider(r.Context(), principal(r), id)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(newProviderJSON(v.Provider, v.Current, v.Draft))
	if err != nil {
		return "", fmt.Errorf("encode provider: %w", err)
	}
	return digestTag(b), nil
}

// evaluationTag is the entity tag of an evaluation as GET /api/v1/evaluations/{id} shows it now.
func (s *Server) evaluationTag(r *http.Request, id int64) (string, error) {
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(newEvaluationJSON(v.Evaluation, v.Summary))
	if err != nil {
		return "", fmt.Errorf("encode evaluation: %w", err)
	}
	return digestTag(b), nil
}

// handleAnswerGet answers with one element's current answer (version 0 when never saved).
func (s *Server) handleAnswerGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.app.History(r.Context(), principal(r), id, chi.URLParam(r, "ref"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	b, err := json.Marshal(newAnswerJSON(v.Current))
	if err != nil {
		s.error(w, r, fmt.Errorf("encode answer: %w", err))
		return
	}
	writeTaggedAs(w, r, http.StatusOK, append(b, '\n'), answerTag(v.Current.Version))
}

// preconditionFailed tells whether a save refused as stale was judged by If-Match.
type preconditionFailed struct{ *assess.VersionConflict }

func (e preconditionFailed) Error() string { return errPreconditionFailed.Error() }
func (e preconditionFailed) Unwrap() []error {
	return []error{errPreconditionFailed, e.VersionConflict}
}
