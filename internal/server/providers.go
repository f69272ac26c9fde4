package server

import (
	"net/http"
	"net/url"
	"strconv"

	"shareline/internal/assess"
)

// providerQuery reads a provider list query from URL parameters; numbers that do not parse are
// reported by field like any other invalid input.
func providerQuery(v url.Values) (assess.ProviderQuery, error) {
	q := assess.ProviderQuery{Search: v.Get("q"), Sort: assess.ProviderSort(v.Get("sort")),
		Tier: assess.Tier(v.Get("tier")), Model: assess.ServiceModel(v.Get("model")),
		Status: assess.ProviderStatus(v.Get("status")), Questionnaire: v.Get("questionnaire")}
	switch v.Get("archived") {
	case "", "false":
	case "true":
		q.Archived = true
	default:
		return q, assess.Invalid("archived", "want true (only the archived providers) or false")
	}
	for _, f := range []struct {
		name string
		dst  **assess.ListKey
	}{{"after", &q.After}, {"before", &q.Before}} {
		if raw := v.Get(f.name); raw != "" {
			k, err := assess.ParseListKey(raw)
			if err != nil {
				return q, assess.Invalid(f.name, "%s", err.Error())
			}
			*f.dst = &k
		}
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"limit", &q.Limit}, {"offset", &q.Offset}} {
		raw := v.Get(f.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			return q, assess.Invalid(f.name, "want a whole number")
		}
		if f.name == "limit" && n < 1 {
			return q, assess.Invalid("limit", "want 1 to %d", assess.MaxPageSize)
		}
		*f.dst = n
	}
	return q, q.Check()
}

type providerList struct {
	Providers      []providerJSON `json:"providers"`
	Total          int            `json:"total"`
	NextAfter      string         `json:"next_after,omitempty"`
	PreviousBefore string         `json:"previous_before,omitempty"`
}

func (s *Server) handleProviderList(w http.ResponseWriter, r *http.Request) {
	q, err := providerQuery(r.URL.Query())
	if err != nil {
		s.error(w, r, err)
		return
	}
	page, err := s.app.Providers(r.Context(), principal(r), q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := providerList{Providers: make([]providerJSON, 0, len(page.Providers)), Total: page.Total}
	for _, p := range page.Providers {
		out.Providers = append(out.Providers, newProviderJSON(p.Provider, p.Current, p.Draft))
	}
	if len(page.Providers) > 0 {
		out.NextAfter, out.PreviousBefore = page.Last.String(), page.First.String()
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleProviderCreate(w http.ResponseWriter, r *http.Request) {
	var in assess.ProviderInput
	if err := decodeJSON(w, r, &in); err != nil {
		s.error(w, r, err)
		return
	}
	p, err := s.app.CreateProvider(r.Context(), principal(r), in)
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/providers/"+idString(p.ID))
	writeTagged(w, r, http.StatusCreated, newProviderJSON(p, nil, nil))
}

func (s *Server) handleProviderGet(w http.ResponseWriter, r *http.Request) {
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
	writeTagged(w, r, http.StatusOK, newProviderJSON(v.Provider, v.Current, v.Draft))
}
