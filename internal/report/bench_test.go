package report_test

import (
	"io"
	"testing"

	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

func BenchmarkWritePortfolioCSV10k(b *testing.B) {
	q := reporttest.Questionnaire(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := report.WritePortfolioCSV(io.Discard, q, reporttest.Portfolio(q, 10000, 0)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompareRows20(b *testing.B) {
	c := reporttest.Many(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if rows := report.CompareRows(c); len(rows) == 0 {
			b.Fatal("no rows")
		}
	}
}
