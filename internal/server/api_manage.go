package server

import (
	"encoding/json"
	"mime"
	"net/http"

	"shareline/internal/assess"
)

// handleProviderEvaluations lists every evaluation of a provider, newest first, as heads.
func (s *Server) handleProviderEvaluations(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.app.Provider(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]*evaluationHead, 0, len(v.Evaluations))
	for i := range v.Evaluations {
		out = append(out, newEvaluationHead(&v.Evaluations[i]))
	}
	writeTagged(w, r, http.StatusOK, map[string][]*evaluationHead{"evaluations": out})
}

type questionnaireInfoJSON struct {
	Key         string  `json:"key"`
	Version     int     `json:"version"`
	Title       string  `json:"title"`
	Evaluations int     `json:"evaluations"`
	CreatedAt   apiTime `json:"created_at"`
}

// handleQuestionnaireList lists every stored questionnaire version.
func (s *Server) handleQuestionnaireList(w http.ResponseWriter, r *http.Request) {
	list, err := s.app.Questionnaires(r.Context(), principal(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]questionnaireInfoJSON, 0, len(list))
	for _, q := range list {
		out = append(out, questionnaireInfoJSON{q.Key, q.Version, q.Title, q.Evaluations, apiTime(q.CreatedAt)})
	}
	writeTagged(w, r, http.StatusOK, map[string][]questionnaireInfoJSON{"questionnaires": out})
}

// providerPatch is a JSON merge patch (RFC 7396) of a provider: a field left out keeps its
// value, null clears it (where it may be empty), anything else replaces it.
type providerPatch struct {
	Name         json.RawMessage `json:"name"`
	Offering     json.RawMessage `json:"offering"`
	ServiceModel json.RawMessage `json:"service_model"`
	Website      json.RawMessage `json:"website"`
	Notes        json.RawMessage `json:"notes"`
}

// apply merges the patch into a provider's input; fields that cannot be empty refuse null.
func (p providerPatch) apply(in *assess.ProviderInput) error {
	for _, f := range []struct {
		name      string
		raw       json.RawMessage
		dst       *string
		clearable bool
	}{
		{"name", p.Name, &in.Name, false}, {"offering", p.Offering, &in.Offering, true},
		{"service_model", p.ServiceModel, &in.ServiceModel, false}, {"website", p.Website, &in.Website, true},
		{"notes", p.Notes, &in.Notes, true},
	} {
		switch {
		case len(f.raw) == 0:
		case string(f.raw) == "null" && f.clearable:
			*f.dst = ""
		case string(f.raw) == "null":
			return assess.Invalid(f.name, "cannot be cleared: leave it out to keep it")
		default:
			if err := json.Unmarshal(f.raw, f.dst); err != nil {
				return assess.Invalid(f.name, "want a string")
			}
		}
	}
	return nil
}

// handleProviderPatch updates a provider with a JSON merge patch, under If-Match when sent.
func (s *Server) handleProviderPatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = ifMatch(r, func() (string, error) { return s.providerTag(r, id) })
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	// application/merge-patch+json is the patch's own type; plain JSON is read the same way.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "application/merge-patch+json" {
		r.Header.Set("Content-Type", "application/json")
	}
	patch, err := decodeObject[providerPatch](w, r, `{"notes": "..."}`)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.app.Provider(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p := v.Provider
	in := assess.ProviderInput{Name: p.Name, Offering: p.Offering, ServiceModel: string(p.ServiceModel), Website: p.Website, Notes: p.Notes}
	if err := patch.apply(&in); err != nil {
		s.error(w, r, err)
		return
	}
	if _, err := s.app.UpdateProvider(r.Context(), principal(r), id, in); err != nil {
		s.error(w, r, err)
		return
	}
	after, err := s.app.Provider(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeTagged(w, r, http.StatusOK, newProviderJSON(after.Provider, after.Current, after.Draft))
}

// handleProviderArchive archives a provider: the API answers with it, a form goes back to its
// page with a notice. The API honours If-Match against the provider's ETag.
func (s *Server) handleProviderArchive(w http.ResponseWriter, r *http.Request) {
	s.archiving(w, r, "archived", func(id int64) (assess.Provider, error) {
		return s.app.ArchiveProvider(r.Context(), principal(r), id)
	})
}

// handleProviderRestore takes a provider out of the archive, answering as handleProviderArchive.
func (s *Server) handleProviderRestore(w http.ResponseWriter, r *http.Request) {
	s.archiving(w, r, "restored", func(id int64) (assess.Provider, error) {
		return s.app.RestoreProvider(r.Context(), principal(r), id)
	})
}

func (s *Server) archiving(w http.ResponseWriter, r *http.Request, notice string, change func(id int64) (assess.Provider, error)) {
	id, err := pathID(r)
	if err == nil && isAPI(r) {
		err = ifMatch(r, func() (string, error) { return s.providerTag(r, id) })
	}
	if err == nil && !isAPI(r) {
		err = parseForm(w, r)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	if _, err := change(id); err != nil {
		s.error(w, r, err)
		return
	}
	if !isAPI(r) {
		http.Redirect(w, r, "/providers/"+idString(id)+"?done="+notice, http.StatusSeeOther)
		return
	}
	after, err := s.app.Provider(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeTagged(w, r, http.StatusOK, newProviderJSON(after.Provider, after.Current, after.Draft))
}
