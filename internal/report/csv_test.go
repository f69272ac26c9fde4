package report_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !utf8.Valid(b) {
		t.Fatal("CSV is not valid UTF-8")
	}
	records, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	return records
}

// reportCSV writes a report as CSV and reads it back, indexed by "question.element".
func reportCSV(t *testing.T, r report.Report) (header []string, byElement map[string][]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, r); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Error("CSV lines do not end in CRLF")
	}
	records := readCSV(t, buf.Bytes())
	if got, want := len(records), r.Questionnaire.ElementCount()+1; got != want {
		t.Fatalf("CSV has %d records, want %d (a header and one row per element)", got, want)
	}
	byElement = map[string][]string{}
	for _, rec := range records[1:] {
		byElement[rec[6]+"."+rec[8]] = rec
	}
	return records[0], byElement
}

func TestWriteCSV(t *testing.T) {
	r := reporttest.Full(t, "Nordić Cloud Ünited")
	header, byElement := reportCSV(t, r)
	want := []string{"provider", "offering", "evaluation_id", "status", "coverage_score", "as_of", "question", "question_title", "element", "element_label", "answer", "explanation", "credit", "weight", "evidence", "review", "answered_by", "evidenced", "verified"}
	if !slices.Equal(header, want) {
		t.Errorf("header = %v, want %v", header, want)
	}
	col := func(name string) int { return slices.Index(header, name) }
	for ref, rec := range byElement {
		if credit := rec[col("credit")]; credit != "" {
			if c, err := strconv.ParseFloat(credit, 64); err != nil || c < 0 || c > 1 {
				t.Errorf("credit %q of %s is not a plain number from 0 to 1", credit, ref)
			}
		}
	}
	checks := []struct{ ref, column, want string }{
		{"shared_model.documented", "explanation", `'=HYPERLINK("http://evil")`},
		{"shared_model.contractual", "explanation", "'+1 only in the enterprise plan"},
		{"abuse_cases.app_vulnerabilities", "explanation", "'-2 days patch window"},
		{"abuse_cases.malware", "explanation", "'@SUM(A1)"},
		{"shared_model.documented", "answer", "Yes"},
		{"shared_model.documented", "evidence", "https://docs.example.com/security (effective 2026-05-01)"},
		{"shared_model.documented", "credit", "1"},
		{"incident_response.ir_plan", "evidence", "https://example.com/ir (effective 2026-03-01); IR plan v4.pdf (file, 1.5 KiB; SHA-256 " +
			reporttest.PlanFileSHA256 + "; effective 2026-03-01; valid until 2027-03-01)"},
		{"shared_model.contractual", "credit", "0.5"},
		{"shared_model.matrix", "credit", "0.875"},
		{"shared_model.matrix", "weight", "2"},
		{"abuse_cases.abuse_reporting", "answer", "Not applicable"},
		{"abuse_cases.abuse_reporting", "credit", ""},
		{"assessments.last_penetration_test", "answer", "Not answered"},
		{"assessments.last_penetration_test", "credit", "0"},
		{"assessments.certifications", "answer", "Other"},
		{"monitoring.log_retention_days", "answer", "180 days"},
		{"assessments.last_independent_audit", "answer", "2025-03-31"},
		{"monitoring.customer_log_access", "explanation", "Line one\nline two of the explanation."},
	}
	for _, c := range checks {
		rec, ok := byElement[c.ref]
		if !ok {
			t.Errorf("no row for %s", c.ref)
			continue
		}
		if got := rec[col(c.column)]; got != c.want {
			t.Errorf("%s %s = %q, want %q", c.ref, c.column, got, c.want)
		}
	}
	// Every row says which provider, evaluation, status, score and day it belongs to.
	ident := []string{"Nordić Cloud Ünited", "Object storage", "142", "Completed", r.Summary.Score.Text(), "2026-11-29"}
	for ref, rec := range byElement {
		if !slices.Equal(rec[:6], ident) {
			t.Errorf("row %s starts %q, want %q", ref, rec[:6], ident)
		}
	}
	matrix := byElement["shared_model.matrix"][col("answer")]
	if !strings.Contains(matrix, "Application: Customer") || !strings.Contains(matrix, "User activity: not assigned") {
		t.Errorf("matrix answer = %q, want each layer with its owner", matrix)
	}
}

func TestWritePortfolioCSV(t *testing.T) {
	q := reporttest.Questionnaire(t)
	var buf bytes.Buffer
	if err := report.WritePortfolioCSV(&buf, q, reporttest.Portfolio(q, 10000, 0)); err != nil {
		t.Fatalf("WritePortfolioCSV: %v", err)
	}
	records := readCSV(t, buf.Bytes())
	if got, want := len(records), 10001; got != want {
		t.Fatalf("portfolio CSV has %d records, want %d", got, want)
	}
	header := records[0]
	wantHeader := []string{"provider_id", "provider", "offering", "service_model", "evaluation_id", "score", "tier", "progress"}
	for _, qu := range q.Questions {
		wantHeader = append(wantHeader, qu.Key)
	}
	wantHeader = append(wantHeader, "as_of", "updated_at")
	if !slices.Equal(header, wantHeader) {
		t.Errorf("header = %q\n    want %q", header, wantHeader)
	}
	assessed, notAssessed := records[1], records[3] // every third provider is not assessed
	want := []string{"1", "Provider 00001", "Compute", "IaaS", "1001", "72.3", "Adequate", "90.0",
		"0.3", "", "20.3", "30.3", "40.3", "2026-11-29", "2026-11-28T17:00:00Z"}
	if !slices.Equal(assessed, want) {
		t.Errorf("assessed row = %q\n           want %q", assessed, want)
	}
	want = []string{"3", "Provider 00003", "Compute", "IaaS", "", "", "Not assessed", "", "", "", "", "", "", "", ""}
	if !slices.Equal(notAssessed, want) {
		t.Errorf("row not assessed = %q\n              want %q", notAssessed, want)
	}
}

func TestWritePortfolioCSVStopsOnError(t *testing.T) {
	q := reporttest.Questionnaire(t)
	err := report.WritePortfolioCSV(&bytes.Buffer{}, q, reporttest.Portfolio(q, 100, 50))
	if err == nil || !strings.Contains(err.Error(), "row 50") {
		t.Errorf("WritePortfolioCSV error = %v, want the iterator's error", err)
	}
}
