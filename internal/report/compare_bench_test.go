package report

import (
	"io"
	"testing"
)

func BenchmarkCompareRows20(b *testing.B) {
	c := manyProviders(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if rows := CompareRows(c); len(rows) == 0 {
			b.Fatal("no rows")
		}
	}
}

func BenchmarkCompareChartSVG20(b *testing.B) {
	c := manyProviders(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if svg := CompareChartSVG(c); svg == "" {
			b.Fatal("no chart")
		}
	}
}

func BenchmarkWriteComparePDF20(b *testing.B) {
	c := manyProviders(b, 20)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteComparePDF(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}
