package report_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

func TestWriteCompareCSV(t *testing.T) {
	c := reporttest.Three(t)
	c.Providers[1].Evaluation.Offering = "+7 495 Moscow" // reads as a formula unless neutralised
	var buf bytes.Buffer
	if err := report.WriteCompareCSV(&buf, report.Comparison{Comparison: c}); err != nil {
		t.Fatalf("WriteCompareCSV: %v", err)
	}
	reporttest.KeepArtifact(t, "compare3.csv", buf.Bytes())
	if strings.Contains(buf.String(), "\r\n\r\n") || strings.Contains(buf.String(), "\n,") {
		t.Error("CSV has a blank line")
	}
	records := readCSV(t, buf.Bytes()) // also checks every line has as many fields as the header
	if want := []string{"group", "key", "row", nordic, russian, script}; !slices.Equal(records[0], want) {
		t.Fatalf("header = %q, want %q", records[0], want)
	}
	rows := report.CompareRows(c)
	if got, want := len(records), 1+2+len(rows)+1; got != want {
		t.Fatalf("CSV has %d records, want %d (header, offering, service model, %d rows, 1 excluded)", got, want, len(rows))
	}
	byKey := map[string][]string{}
	for _, rec := range records[1:] {
		byKey[rec[1]] = rec
	}
	checks := map[string][]string{
		"offering":                   {"provider", "offering", "Offering", "Offering 1", "'+7 495 Moscow", "Offering 3"},
		"service_model":              {"provider", "service_model", "Service model", "SaaS", "IaaS", "PaaS"},
		"coverage":                   {"summary", "coverage", "Coverage score", c.Providers[0].Summary.Score.Text(), "42.5", "26.3"},
		"q.abuse_cases":              {"questions", "q.abuse_cases", "Abuse cases", "83.3", "12.5", "not applicable"},
		"e.abuse_cases.malware":      {"elements", "e.abuse_cases.malware", "Malware", "Partial · credit 50%", "No · credit 0%", "Not applicable"},
		"layer.application":          {"responsibility", "layer.application", "Application", "Customer (reference: Provider)", "Customer", "Shared"},
		"retained":                   {"responsibility", "retained", "Layers you keep", "4", "5", "4"},
		"provider.4":                 {"excluded", "provider.4", `'=HYPERLINK("http://evil") Ltd`, "not assessed yet", "", ""},
		"e.shared_model.contractual": {"elements", "e.shared_model.contractual", "Customer duties are in the contract", "Partial · credit 50%", "Yes · credit 100%", "No · credit 0%"},
	}
	for key, want := range checks {
		if got := byKey[key]; !slices.Equal(got, want) {
			t.Errorf("line %s = %q, want %q", key, got, want)
		}
	}
}

func TestWriteCompareCSVNobodyCompared(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteCompareCSV(&buf, report.Comparison{Comparison: reporttest.NobodyCompared(t)}); err != nil {
		t.Fatalf("WriteCompareCSV: %v", err)
	}
	records := readCSV(t, buf.Bytes())
	if got := records[len(records)-1]; !slices.Equal(got, []string{"excluded", "provider.2", "Beta", "not assessed yet"}) {
		t.Errorf("last line = %q, want Beta listed apart", got)
	}
}
