package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/templates"
)

// compareIDs reads the providers to compare from ?ids=1,2,3 (or ids repeated, as the provider
// list's check boxes send them). Each id is read as a path id is: 216, never 0216, +216 or " 216".
func compareIDs(v url.Values) ([]int64, error) {
	ids, err := providerIDs(v, "ids")
	if err != nil {
		return nil, err
	}
	return ids, assess.CheckCompareIDs(ids)
}

// providerIDs reads the provider ids of parameter name: comma-separated, or repeated.
func providerIDs(v url.Values, name string) ([]int64, error) {
	var ids []int64
	for _, raw := range v[name] {
		if raw == "" {
			continue
		}
		for _, part := range strings.Split(raw, ",") {
			id, ok := parseID(part)
			if !ok {
				return nil, assess.Invalid(name, "%q is not a provider id: want a positive whole number without sign, spaces or leading zeros", clipRunes(part, 40))
			}
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// parseID reads an id as the API writes it and pathID accepts it: a positive decimal number
// without sign, spaces or leading zeros.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, false
	}
	return id, true
}

// compare scores the shortlist in the query against each other.
func (s *Server) compare(r *http.Request) (assess.Comparison, error) {
	ids, err := compareIDs(r.URL.Query())
	if err != nil {
		return assess.Comparison{}, err
	}
	return s.app.Compare(r.Context(), principal(r), ids, r.URL.Query().Get("sort"))
}

func (s *Server) handleComparePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	view := templates.CompareView{IDs: q["ids"], Sort: q.Get("sort"), DiffOnly: q.Get("diff") == "1"}
	c, err := s.compare(r)
	status := http.StatusOK
	if err != nil {
		if st, _ := httpError(err); st != http.StatusUnprocessableEntity {
			s.error(w, r, err)
			return
		}
		status, view.Error = http.StatusUnprocessableEntity, s.publicMessage(r, err, http.StatusUnprocessableEntity)
	} else {
		view.Comparison, view.Rows = c, report.CompareRows(c)
		view.IDs = []string{joinIDs(c)}
	}
	s.render(w, s.withFileStatus(r), status, templates.ComparePage(view))
}

// joinIDs is the ids of a comparison for its URLs, included and excluded alike.
func joinIDs(c assess.Comparison) string {
	var ids []string
	for _, p := range c.Providers {
		ids = append(ids, idString(p.Provider.ID))
	}
	for _, e := range c.Excluded {
		ids = append(ids, idString(e.Provider.ID))
	}
	return strings.Join(ids, ",")
}

type comparedJSON struct {
	ID           string           `json:"id"`
	Name         string           `json:"name"`
	EvaluationID string           `json:"evaluation_id"`
	Score        report.ScoreJSON `json:"score"`
}

type excludedJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

type comparisonJSON struct {
	Questionnaire questionnaireRef `json:"questionnaire"`
	Sort          string           `json:"sort"`
	Providers     []comparedJSON   `json:"providers"`
	Excluded      []excludedJSON   `json:"excluded"`
}

func (s *Server) handleCompareAPI(w http.ResponseWriter, r *http.Request) {
	c, err := s.compare(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := comparisonJSON{
		Questionnaire: questionnaireRef{c.Questionnaire.Key, c.Questionnaire.Version}, Sort: c.Sort,
		Providers: []comparedJSON{}, Excluded: []excludedJSON{},
	}
	for _, p := range c.Providers {
		out.Providers = append(out.Providers, comparedJSON{idString(p.Provider.ID), p.Provider.Name, idString(p.Evaluation.ID), report.NewScoreJSON(p.Summary.Score)})
	}
	for _, e := range c.Excluded {
		out.Excluded = append(out.Excluded, excludedJSON{idString(e.Provider.ID), e.Provider.Name, e.Reason})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleCompareFile(w http.ResponseWriter, r *http.Request) {
	c, err := s.compare(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.sendCompareFile(w, r, chi.URLParam(r, "format"), c) // reports.go
}

// clipRunes shortens what is echoed back of bad input.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
