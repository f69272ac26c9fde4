package report

import (
	"io"
	"testing"
)

func BenchmarkWritePDF(b *testing.B) {
	r := fullReport(b, "Nordić Cloud Ünited")
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePDF(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWritePortfolioCSV10k(b *testing.B) {
	q := defaultQuestionnaire(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePortfolioCSV(io.Discard, q, portfolio(q, 10000, 0)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWritePortfolioXLSX10k(b *testing.B) {
	q := defaultQuestionnaire(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePortfolioXLSX(io.Discard, q, portfolio(q, 10000, 0)); err != nil {
			b.Fatal(err)
		}
	}
}
