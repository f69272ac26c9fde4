package server

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"net/http"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/pdf"
	"shareline/internal/report/xlsx"
	"shareline/templates"
)

// reportFormats are the files a report comes as, with their content types.
var reportFormats = map[string]struct {
	contentType string
	write       func(io.Writer, report.Report) error
}{
	"pdf":  {"application/pdf", pdf.WriteReport},
	"xlsx": {xlsxType, xlsx.WriteReport},
	"csv":  {"text/csv; charset=utf-8", report.WriteCSV},
	"json": {"application/json; charset=utf-8", report.WriteJSON},
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// loadReport builds the report of an evaluation from the same scoring call as every page.
func (s *Server) loadReport(r *http.Request, id int64) (report.Report, error) {
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		return report.Report{}, err
	}
	return report.Report{Questionnaire: v.Questionnaire, Evaluation: v.Evaluation, Summary: v.Summary, GeneratedAt: s.now()}, nil
}

func (s *Server) handleReportPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	rep, err := s.loadReport(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.ReportPage(templates.ReportView{
		Report: rep, Rows: rep.Rows(), Matrix: rep.Matrix(), FollowUps: rep.FollowUps(), RetainedNote: rep.RetainedNote(),
	}))
}

// handleReportFile sends a report as a download. The file is made in full before anything is
// sent, so that a failure is a clean error rather than half a file.
func (s *Server) handleReportFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	format, ok := reportFormats[chi.URLParam(r, "format")]
	if !ok {
		s.error(w, r, errRouteMissing)
		return
	}
	rep, err := s.loadReport(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.noteDownload(r, rep.Evaluation.ProviderID, rep.Evaluation.ID, fmt.Sprintf("the %s report of evaluation %d", chi.URLParam(r, "format"), rep.Evaluation.ID))
	var buf bytes.Buffer
	if err := format.write(&buf, rep); err != nil {
		s.error(w, r, fmt.Errorf("render %s report: %w", chi.URLParam(r, "format"), err))
		return
	}
	attachment(w, format.contentType, report.FileName(rep, chi.URLParam(r, "format")))
	w.Write(buf.Bytes())
}

// handlePortfolioExport streams every provider with its current score. The file can be large,
// so it is written as it is read; drafts' stored scores are refreshed to today first.
func (s *Server) handlePortfolioExport(w http.ResponseWriter, r *http.Request) {
	write := map[string]func(io.Writer, *assess.Questionnaire, iter.Seq2[assess.ProviderListing, error]) error{
		"csv":  report.WritePortfolioCSV,
		"xlsx": xlsx.WritePortfolio,
	}
	ext := chi.URLParam(r, "format")
	f, ok := write[ext]
	if !ok {
		s.error(w, r, errRouteMissing)
		return
	}
	// The portfolio's per-question columns are those of the default questionnaire.
	q, err := s.app.Questionnaire(r.Context(), principal(r), assess.DefaultKey, 0)
	if err != nil {
		s.error(w, r, err)
		return
	}
	contentType := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": xlsxType}[ext]
	started := false
	err = s.app.Portfolio(r.Context(), principal(r), func(rows iter.Seq2[assess.ProviderListing, error]) error {
		s.noteDownload(r, 0, 0, "the portfolio export ("+ext+")")
		attachment(w, contentType, report.PortfolioFileName(s.now(), ext))
		started = true
		return f(w, q, rows)
	})
	switch {
	case err != nil && !started:
		s.error(w, r, err)
	case err != nil:
		// The header is gone: log, and cut the connection so that the client sees a broken
		// download rather than a file that looks whole.
		s.log.ErrorContext(r.Context(), "portfolio export failed", "format", ext, "err", err)
		panic(http.ErrAbortHandler)
	}
}

func attachment(w http.ResponseWriter, contentType, filename string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	w.Header().Set("Cache-Control", "no-store")
}
