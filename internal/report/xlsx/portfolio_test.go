package xlsx

import (
	"bytes"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"

	"shareline/internal/report/reporttest"
)

func TestWritePortfolio(t *testing.T) {
	q := reporttest.Questionnaire(t)
	var buf bytes.Buffer
	if err := WritePortfolio(&buf, q, reporttest.Portfolio(q, 10000, 0), "Eve Example", reporttest.Generated); err != nil {
		t.Fatalf("WritePortfolio: %v", err)
	}
	f := openXLSX(t, buf.Bytes())
	// Raw values: formatting 10,000 rows of dates takes excelize seconds.
	rows, err := f.GetRows(SheetPortfolio, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), 10001; got != want {
		t.Fatalf("Providers has %d rows, want %d", got, want)
	}
	wantFrozenHeader(t, f, SheetPortfolio)
	if got, want := len(rows[0]), 10+len(q.Questions); got != want {
		t.Errorf("header has %d columns, want %d: %v", got, want, rows[0])
	}
	wantText(t, f, SheetPortfolio, "B1", "Provider")
	wantText(t, f, SheetPortfolio, "I1", q.Questions[0].Title)
	wantNumber(t, f, SheetPortfolio, "A2", 1)
	wantNumber(t, f, SheetPortfolio, "E2", 1001)
	wantNumber(t, f, SheetPortfolio, "F2", 72.3)
	wantNumber(t, f, SheetPortfolio, "K2", 20.3)
	wantText(t, f, SheetPortfolio, "J2", "") // a question that does not apply
	wantText(t, f, SheetPortfolio, "N2", "2026-11-29")
	wantText(t, f, SheetPortfolio, "G4", "Not assessed")
	for _, cell := range []string{"E4", "F4", "H4", "I4", "N4", "O4"} {
		wantText(t, f, SheetPortfolio, cell, "") // not assessed: no score
	}
}

func TestWritePortfolioStopsOnError(t *testing.T) {
	q := reporttest.Questionnaire(t)
	var buf bytes.Buffer
	if err := WritePortfolio(&buf, q, reporttest.Portfolio(q, 100, 7), "Eve Example", reporttest.Generated); err == nil {
		t.Error("WritePortfolio succeeded, want the iterator's error")
	}
	if buf.Len() != 0 {
		t.Errorf("WritePortfolio wrote %d bytes after an error, want none", buf.Len())
	}
}

func BenchmarkWritePortfolio10k(b *testing.B) {
	q := reporttest.Questionnaire(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePortfolio(io.Discard, q, reporttest.Portfolio(q, 10000, 0), "Eve Example", reporttest.Generated); err != nil {
			b.Fatal(err)
		}
	}
}
