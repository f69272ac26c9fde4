package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
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
// list's check boxes send them).
func compareIDs(v url.Values) ([]int64, error) {
	var ids []int64
	for _, raw := range v["ids"] {
		for _, part := range strings.Split(raw, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			id, err := strconv.ParseInt(part, 10, 64)
			if err != nil || id <= 0 {
				return nil, assess.Invalid("ids", "%q is not a provider id", clipRunes(part, 40))
			}
			ids = append(ids, id)
		}
	}
	return ids, assess.CheckCompareIDs(ids)
}

// compare loads the providers asked for and scores them against each other as of today.
func (s *Server) compare(ctx context.Context, v url.Values) (assess.Comparison, error) {
	ids, err := compareIDs(v)
	if err != nil {
		return assess.Comparison{}, err
	}
	in, err := s.store.LatestEvaluations(ctx, ids)
	if err != nil {
		return assess.Comparison{}, err
	}
	if len(in) != len(ids) {
		return assess.Comparison{}, assess.Invalid("ids", "%s", missingIDs(ids, in))
	}
	// Keep the order the ids were given in for equal scores.
	order := map[int64]int{}
	for i, id := range ids {
		order[id] = i
	}
	sorted := make([]assess.CompareInput, len(in))
	for _, item := range in {
		sorted[order[item.Provider.ID]] = item
	}
	return assess.Compare(s.questionnaires, sorted, v.Get("sort"), s.today())
}

func missingIDs(ids []int64, found []assess.CompareInput) string {
	have := map[int64]bool{}
	for _, f := range found {
		have[f.Provider.ID] = true
	}
	var missing []string
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, strconv.FormatInt(id, 10))
		}
	}
	return "no provider has the id " + strings.Join(missing, ", ")
}

func (s *Server) handleComparePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	view := templates.CompareView{IDs: q["ids"], Sort: q.Get("sort"), DiffOnly: q.Get("diff") == "1"}
	c, err := s.compare(r.Context(), q)
	status := http.StatusOK
	if err != nil {
		if st, _ := httpError(err); st != http.StatusUnprocessableEntity {
			s.error(w, r, err)
			return
		}
		status, view.Error = http.StatusUnprocessableEntity, s.publicMessage(r, err, http.StatusUnprocessableEntity)
	} else {
		view.Comparison, view.Rows, view.Chart = c, report.CompareRows(c), report.CompareChartSVG(c)
		view.IDs = []string{joinIDs(c)}
	}
	s.render(w, r, status, templates.ComparePage(view))
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
	c, err := s.compare(r.Context(), r.URL.Query())
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

var compareFormats = map[string]struct {
	contentType string
	write       func(io.Writer, assess.Comparison) error
}{
	"csv":  {"text/csv; charset=utf-8", report.WriteCompareCSV},
	"xlsx": {xlsxType, report.WriteCompareXLSX},
	"pdf":  {"application/pdf", report.WriteComparePDF},
}

func (s *Server) handleCompareFile(w http.ResponseWriter, r *http.Request) {
	ext := chi.URLParam(r, "format")
	format, ok := compareFormats[ext]
	if !ok {
		s.error(w, r, errRouteMissing)
		return
	}
	c, err := s.compare(r.Context(), r.URL.Query())
	if err != nil {
		s.error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := format.write(&buf, c); err != nil {
		s.error(w, r, fmt.Errorf("render %s comparison: %w", ext, err))
		return
	}
	attachment(w, format.contentType, report.CompareFileName(c, s.now(), ext))
	w.Write(buf.Bytes())
}

// clipRunes shortens what is echoed back of bad input.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
