package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shareline/internal/report/pdf"
	"shareline/internal/server"
)

// reported is an evaluation with answers in every question, a deviation and a non-ASCII name.
func reported(t *testing.T, a *testApp) (providerOut, evaluationOut) {
	t.Helper()
	p, ev := a.evaluated(t, "Nordić Cloud Ünited "+tag(t), "saas")
	a.workedExample(t, ev.ID)
	a.answer(t, ev.ID, "shared_model.matrix", map[string]any{"value": map[string]string{"application": "customer"}})
	a.answer(t, ev.ID, "monitoring.log_retention_days", map[string]any{"value": 400})
	a.answer(t, ev.ID, "incident_response.ir_plan", map[string]any{
		"value": "yes", "explanation": "=HYPERLINK(\"http://evil.example\")",
		"evidence": []map[string]string{{"url": "https://acme.example/ir", "effective_date": "2026-01-31"}},
	})
	return p, a.evaluation(t, ev.ID)
}

func TestReportFiles(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := reported(t, a)
	for _, prefix := range []string{"/evaluations/", "/api/v1/evaluations/"} {
		for format, contentType := range map[string]string{
			"pdf":  "application/pdf",
			"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			"csv":  "text/csv; charset=utf-8",
			"json": "application/json; charset=utf-8",
		} {
			t.Run(prefix+format, func(t *testing.T) {
				r := a.get(t, prefix+ev.ID+"/report."+format)
				wantStatus(t, r, http.StatusOK)
				if got := r.header.Get("Content-Type"); got != contentType {
					t.Errorf("Content-Type: got %q, want %q", got, contentType)
				}
				disp := r.header.Get("Content-Disposition")
				ascii, star, _ := strings.Cut(disp, "; filename*=UTF-8''")
				if !strings.HasPrefix(ascii, `attachment; filename="shareline-nordic-cloud-united-`) ||
					!strings.HasSuffix(ascii, "-evaluation-"+ev.ID+"-"+today+"."+format+`"`) {
					t.Errorf("Content-Disposition: got %q, want an attachment named shareline-nordic-cloud-united-...-evaluation-%s-%s.%s", disp, ev.ID, today, format)
				}
				if name, err := url.PathUnescape(star); err != nil || !strings.HasPrefix(name, "shareline-Nordić-Cloud-Ünited-") {
					t.Errorf("Content-Disposition filename*: got %q (%v), want the UTF-8 name shareline-Nordić-Cloud-Ünited-...", name, err)
				}
			})
		}
	}

	t.Run("pdf opens in pdftotext", func(t *testing.T) {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Fatal("pdftotext not found: install poppler-utils (apt-get install poppler-utils, as .ci/run does)")
		}
		file := filepath.Join(t.TempDir(), "r.pdf")
		if err := os.WriteFile(file, a.get(t, "/evaluations/"+ev.ID+"/report.pdf").body, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := string(out)
		for _, want := range []string{p.Name, "Shared security model", "Abuse cases", "Periodic security assessments",
			"Monitoring programs", "Incident response and disclosure", "Follow-up questions", "Deviation",
			"Executive summary", "Confidential: contains information disclosed under NDA", "Draft, in progress"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF's text lacks %q", want)
			}
		}
		if score := formatScore(ev.Score.Overall); !strings.Contains(text, score) {
			t.Errorf("the PDF's text lacks the coverage score %s", score)
		}
		info, err := exec.Command("pdfinfo", file).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		for _, want := range []string{"Title:           Security coverage report: " + p.Name, "Tagged:          yes", "Metadata Stream: yes", "Creator:         Shareline"} {
			if !strings.Contains(string(info), want) {
				t.Errorf("pdfinfo lacks %q:\n%s", want, info)
			}
		}
		if m := regexp.MustCompile(`(?m)^Author:\s+(.+)$`).FindSubmatch(info); m == nil || string(m[1]) == "not recorded" {
			t.Errorf("pdfinfo Author %q, want who generated the report", m)
		}
	})

	t.Run("json scores equal the API's", func(t *testing.T) {
		var doc struct {
			Format string   `json:"format"`
			Score  scoreOut `json:"score"`
		}
		if err := json.Unmarshal(a.get(t, "/api/v1/evaluations/"+ev.ID+"/report.json").body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Format != "shareline-report" {
			t.Errorf("format: got %q, want shareline-report", doc.Format)
		}
		if doc.Score.Overall != ev.Score.Overall || doc.Score.Tier != ev.Score.Tier || doc.Score.Progress != ev.Score.Progress {
			t.Errorf("report score %+v differs from the API's %+v", doc.Score, ev.Score)
		}
		for key, q := range ev.Score.Questions {
			if got := doc.Score.Questions[key]; !equalScore(got.Score, q.Score) {
				t.Errorf("question %s: report %v, API %v", key, got.Score, q.Score)
			}
		}
	})

	t.Run("csv neutralises formulas", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(a.get(t, "/evaluations/"+ev.ID+"/report.csv").body)).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v", err)
		}
		if len(rows) != 1+22 {
			t.Errorf("got %d rows, want a header and 22 elements", len(rows))
		}
		if body := string(a.get(t, "/evaluations/"+ev.ID+"/report.csv").body); strings.Contains(body, ",=HYPERLINK") || !strings.Contains(body, "'=HYPERLINK") {
			t.Error("the explanation =HYPERLINK(...) is not neutralised with a leading quote")
		}
	})

	t.Run("xlsx has its sheets", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(a.get(t, "/evaluations/"+ev.ID+"/report.xlsx").body))
		if err != nil {
			t.Fatalf("the XLSX does not open: %v", err)
		}
		defer f.Close()
		for _, sheet := range []string{"Summary", "Answers", "Matrix"} {
			if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
				t.Errorf("sheet %q missing", sheet)
			}
		}
	})

	t.Run("unknown format or evaluation", func(t *testing.T) {
		wantStatus(t, a.get(t, "/evaluations/"+ev.ID+"/report.docx"), http.StatusNotFound)
		wantStatus(t, a.get(t, "/evaluations/"+noSuchID+"/report.pdf"), http.StatusNotFound)
		wantAPIError(t, a.get(t, "/api/v1/evaluations/abc/report.json"), http.StatusNotFound, "not_found", "")
	})
}

func TestReportPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := reported(t, a)
	r := a.get(t, "/evaluations/"+ev.ID+"/report")
	wantStatus(t, r, http.StatusOK)
	body := string(r.body)
	for _, want := range []string{`data-testid="report-provider"`, `data-testid="download-pdf"`, `data-testid="follow-ups"`,
		`data-testid="report-matrix"`, `data-testid="retained-user_permissions"`, "Deviation", "applies to 2026-01-31"} {
		if !strings.Contains(body, want) {
			t.Errorf("the report page lacks %s", want)
		}
	}
	if !strings.Contains(body, p.Name) {
		t.Errorf("the report page lacks the provider's name %q", p.Name)
	}
	if !strings.Contains(body, ">"+formatScore(ev.Score.Overall)+"<") {
		t.Errorf("the report page lacks the coverage score %s", formatScore(ev.Score.Overall))
	}
}

func TestPortfolioExport(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p, ev := reported(t, a)
	complete(t, a, ev.ID) // the portfolio shows completed evaluations' scores
	never := a.createProvider(t, "Never Evaluated "+tag(t), "iaas")

	r := a.get(t, "/api/v1/providers/export.csv")
	wantStatus(t, r, http.StatusOK)
	if disp := r.header.Get("Content-Disposition"); disp != `attachment; filename="shareline-portfolio-`+today+`.csv"; filename*=UTF-8''shareline-portfolio-`+today+`.csv` {
		t.Errorf("Content-Disposition: got %q", disp)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	byName := map[string][]string{}
	for _, row := range rows[1:] {
		byName[row[1]] = row
	}
	if got := byName[p.Name]; len(got) < 6 || got[5] != formatScore(ev.Score.Overall) {
		t.Errorf("row of %s: got %v, want score %s in the sixth column", p.Name, got, formatScore(ev.Score.Overall))
	}
	if got := byName[never.Name]; len(got) < 8 || got[5] != "" || got[6] != "Not assessed" || got[7] != "" {
		t.Errorf("row of a provider never evaluated: got %v, want empty score and progress and the tier Not assessed", got)
	}

	x := a.get(t, "/providers/export.xlsx")
	wantStatus(t, x, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(x.body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	sheetRows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(sheetRows) != len(rows) {
		t.Errorf("XLSX rows: got %d (%v), want %d like the CSV", len(sheetRows), err, len(rows))
	}
	wantStatus(t, a.get(t, "/providers/export.pdf"), http.StatusNotFound)
}

func formatScore(x float64) string {
	b, _ := json.Marshal(x)
	s := string(b)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func equalScore(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// TestReportFileNamesInEveryScript downloads the report of a Cyrillic and a Chinese provider:
// the ASCII name keeps the evaluation id, the UTF-8 name keeps the provider's own name.
func TestReportFileNamesInEveryScript(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, name := range []string{"Облачные Системы", "阿里云计算"} {
		_, ev := a.evaluated(t, name+" "+tag(t), "saas")
		r := a.get(t, "/evaluations/"+ev.ID+"/report.csv")
		wantStatus(t, r, http.StatusOK)
		ascii, star, ok := strings.Cut(r.header.Get("Content-Disposition"), "; filename*=UTF-8''")
		if !ok || !strings.HasSuffix(ascii, "-evaluation-"+ev.ID+"-"+today+`.csv"`) {
			t.Errorf("%s: Content-Disposition %q, want an ASCII name with the evaluation id and a filename*", name, r.header.Get("Content-Disposition"))
		}
		if got, _ := url.PathUnescape(star); !strings.HasPrefix(got, "shareline-"+strings.ReplaceAll(name, " ", "-")) {
			t.Errorf("%s: filename* is %q, want the name in its own script", name, got)
		}
		rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil || len(rows) < 2 || !strings.HasPrefix(rows[1][0], name) || rows[1][2] != ev.ID || rows[1][3] != "In progress" {
			t.Errorf("%s: CSV row 1 = %q (%v), want the provider, evaluation %s and status on it", name, rows[min(1, len(rows)-1)], err, ev.ID)
		}
	}
}

// Without a Chromium the PDF downloads answer 503 saying why, the pages say so where the PDF
// link would be, and every other format still works.
func TestReportsWithoutChromium(t *testing.T) {
	t.Parallel()
	a := newAppWith(t, server.Options{PDF: pdf.NewRenderer(pdf.Options{Chromium: filepath.Join(t.TempDir(), "no-chromium")})})
	p, ev := reported(t, a)
	other := a.createProvider(t, "Second without Chromium "+tag(t), "paas")
	a.answer(t, a.startEvaluation(t, other.ID).ID, "monitoring.log_retention_days", map[string]any{"value": 400})
	compare := "/compare?ids=" + p.ID + "," + other.ID

	for _, page := range []string{"/evaluations/" + ev.ID + "/report", compare} {
		r := a.get(t, page)
		wantStatus(t, r, http.StatusOK)
		body := string(r.body)
		if !strings.Contains(body, "PDF unavailable: this server has no Chromium") {
			t.Errorf("%s does not say that PDFs are unavailable", page)
		}
		if regexp.MustCompile(`\.pdf["?]`).MatchString(body) {
			t.Errorf("%s still links a PDF", page)
		}
	}
	for _, file := range []string{"/evaluations/" + ev.ID + "/report.pdf", "/compare.pdf?ids=" + p.ID + "," + other.ID} {
		r := a.get(t, file)
		wantStatus(t, r, http.StatusServiceUnavailable)
		if body := string(r.body); !strings.Contains(body, "PDFs cannot be made on this server") || !strings.Contains(body, "The CSV, XLSX and JSON downloads work.") {
			t.Errorf("%s: body %q does not say why and what works", file, body)
		}
	}
	wantAPIError(t, a.get(t, "/api/v1/evaluations/"+ev.ID+"/report.pdf"), http.StatusServiceUnavailable, "pdf_unavailable", "")
	for _, file := range []string{"/evaluations/" + ev.ID + "/report.xlsx", "/evaluations/" + ev.ID + "/report.csv", "/api/v1/evaluations/" + ev.ID + "/report.json"} {
		wantStatus(t, a.get(t, file), http.StatusOK)
	}
}
