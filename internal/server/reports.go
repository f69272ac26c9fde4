package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"sync"

	"github.com/go-chi/chi/v5"

	"shareline/internal/assess"
	"shareline/internal/report"
	"shareline/internal/report/pdf"
	"shareline/internal/report/xlsx"
	"shareline/templates"
)

// reportFormats are the files a report comes as, other than PDF, with their content types.
var reportFormats = map[string]struct {
	contentType string
	write       func(io.Writer, report.Report) error
}{
	"xlsx": {xlsxType, xlsx.WriteReport},
	"csv":  {"text/csv; charset=utf-8", report.WriteCSV},
	"json": {"application/json; charset=utf-8", report.WriteJSON},
}

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	pdfType  = "application/pdf"
)

// pdfRenderer is the process's one warm Chromium that prints every PDF, started on the first
// PDF asked for. A browser is a resource of the process, as a listener is, so every Server of
// the process shares it (tests make many); without a Chromium, PDFs answer 503 and say why
// while every other format works.
var pdfRenderer = sync.OnceValue(func() *pdf.Renderer { return pdf.NewRenderer(pdf.Options{}) })

// reportMarking is the confidentiality marking of reports and comparisons:
// SHARELINE_REPORT_MARKING, else report.DefaultMarking.
func reportMarking() string { return report.MarkingOr(os.Getenv("SHARELINE_REPORT_MARKING")) }

// withFileStatus tells the pages whether they may offer PDFs.
func (s *Server) withFileStatus(r *http.Request) *http.Request {
	if err := s.pdf.Available(); err != nil {
		return r.WithContext(templates.WithPDFUnavailable(r.Context(), "this server has no Chromium to print PDFs"))
	}
	return r
}

// loadReport builds the report of an evaluation from the same scoring call as every page.
func (s *Server) loadReport(r *http.Request, id int64) (report.Report, error) {
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		return report.Report{}, err
	}
	return report.Report{Questionnaire: v.Questionnaire, Evaluation: v.Evaluation, Summary: v.Summary, GeneratedAt: s.now(),
		GeneratedBy: principal(r).User.Name, Marking: reportMarking()}, nil
}

func reportView(rep report.Report) templates.ReportView {
	return templates.ReportView{Report: rep, Rows: rep.Rows(), Matrix: rep.Matrix(), FollowUps: rep.FollowUps(), RetainedNote: rep.RetainedNote()}
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
	s.render(w, s.withFileStatus(r), http.StatusOK, templates.ReportPage(reportView(rep)))
}

// handleReportFile sends a report as a download. The file is made in full before anything is
// sent, so that a failure is a clean error rather than half a file.
func (s *Server) handleReportFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ext := chi.URLParam(r, "format")
	format, ok := reportFormats[ext]
	if !ok && ext != "pdf" {
		s.error(w, r, errRouteMissing)
		return
	}
	rep, err := s.loadReport(r, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	name := report.FileName(rep, ext)
	s.noteDownload(r, rep.Evaluation.ProviderID, rep.Evaluation.ID, fmt.Sprintf("the %s report of evaluation %d", ext, rep.Evaluation.ID))
	if ext == "pdf" {
		s.sendPDF(w, r, name, templates.ReportDocument(reportView(rep)), pdf.Document{
			Footer: rep.Marking + " · " + rep.Evaluation.ProviderName,
			Meta: pdf.Metadata{Title: rep.Title(), Author: rep.GeneratedByText(), Subject: rep.Subject(),
				Keywords: rep.Keywords(), Language: "en", Created: rep.GeneratedAt},
		})
		return
	}
	var buf bytes.Buffer
	if err := format.write(&buf, rep); err != nil {
		s.error(w, r, fmt.Errorf("render %s report: %w", ext, err))
		return
	}
	attachment(w, format.contentType, name)
	w.Write(buf.Bytes())
}

// sendPDF prints a print layout with the process's Chromium and sends it as name. Without a
// Chromium it answers 503 with the reason, in the API's error shape on the API.
func (s *Server) sendPDF(w http.ResponseWriter, r *http.Request, name report.Name, layout interface {
	Render(context.Context, io.Writer) error
}, doc pdf.Document) {
	renderer := s.pdf
	if err := renderer.Available(); err != nil {
		// Where the server looked is for its administrator, in the log, not for every user.
		s.log.WarnContext(r.Context(), "a PDF was asked for and cannot be made", "err", err)
		msg := "PDFs cannot be made on this server: it has no Chromium to print them, which an administrator has to install. The CSV, XLSX and JSON downloads work."
		w.Header().Set("Retry-After", "3600")
		if isAPI(r) {
			writeJSON(w, http.StatusServiceUnavailable, map[string]apiError{"error": {Code: "pdf_unavailable", Message: msg}})
			return
		}
		http.Error(w, msg, http.StatusServiceUnavailable)
		return
	}
	var html bytes.Buffer
	if err := layout.Render(r.Context(), &html); err != nil {
		s.error(w, r, fmt.Errorf("render the print layout: %w", err))
		return
	}
	doc.HTML = html.String()
	b, err := renderer.Print(r.Context(), doc)
	if err != nil {
		s.error(w, r, fmt.Errorf("print %s: %w", name.ASCII, err))
		return
	}
	attachment(w, pdfType, name)
	w.Write(b)
}

// compareFormats are the files a comparison comes as, other than PDF.
var compareFormats = map[string]struct {
	contentType string
	write       func(io.Writer, report.Comparison) error
}{
	"csv":  {"text/csv; charset=utf-8", report.WriteCompareCSV},
	"xlsx": {xlsxType, xlsx.WriteComparison},
}

// sendCompareFile sends a comparison as a download in format ext: CSV, XLSX or PDF.
func (s *Server) sendCompareFile(w http.ResponseWriter, r *http.Request, ext string, ac assess.Comparison) {
	c := report.Comparison{Comparison: ac, GeneratedAt: s.now(), GeneratedBy: principal(r).User.Name, Marking: reportMarking()}
	name := report.CompareFileName(c, ext)
	if ext == "pdf" {
		s.sendPDF(w, r, name, templates.ComparePrint(templates.ComparePrintView{Comparison: c, Rows: report.CompareRows(ac)}), pdf.Document{
			Landscape: true, Footer: c.Marking,
			Meta: pdf.Metadata{Title: c.Title(), Author: c.GeneratedByText(), Subject: fmt.Sprintf("%d providers compared", len(c.Providers)),
				Keywords: c.Keywords(), Language: "en", Created: c.GeneratedAt},
		})
		return
	}
	format, ok := compareFormats[ext]
	if !ok {
		s.error(w, r, errRouteMissing)
		return
	}
	var buf bytes.Buffer
	if err := format.write(&buf, c); err != nil {
		s.error(w, r, fmt.Errorf("render %s comparison: %w", ext, err))
		return
	}
	attachment(w, format.contentType, name)
	w.Write(buf.Bytes())
}

// handlePortfolioExport streams every provider with its current score. The file can be large,
// so it is written as it is read; drafts' stored scores are refreshed to today first.
func (s *Server) handlePortfolioExport(w http.ResponseWriter, r *http.Request) {
	write := map[string]func(io.Writer, *assess.Questionnaire, iter.Seq2[assess.ProviderListing, error]) error{
		"csv": report.WritePortfolioCSV,
		"xlsx": func(w io.Writer, q *assess.Questionnaire, rows iter.Seq2[assess.ProviderListing, error]) error {
			return xlsx.WritePortfolio(w, q, rows, principal(r).User.Name, s.now())
		},
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

// attachment sets the headers of a download named name: an RFC 6266 Content-Disposition with
// an ASCII filename for old clients and a UTF-8 filename* (RFC 8187) that keeps the names in
// every script.
func attachment(w http.ResponseWriter, contentType string, name report.Name) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", name.Disposition())
	w.Header().Set("Cache-Control", "no-store")
}
