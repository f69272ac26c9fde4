package sheet_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"shareline/internal/importer/sheet"
)

// rezip is the workbook with its part name replaced by head, size bytes of filler, and tail.
// declared, when not 0, is the unpacked size the archive claims for the part instead of its
// own.
func rezip(t testing.TB, data []byte, name, head string, filler byte, size int, tail string, declared uint64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != name {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	var packed bytes.Buffer
	fw, err := flate.NewWriter(&packed, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	crc := crc32.NewIEEE()
	w := io.MultiWriter(fw, crc)
	_, _ = io.WriteString(w, head)
	chunk := bytes.Repeat([]byte{filler}, 1<<20)
	for left := size; left > 0; left -= len(chunk) {
		_, _ = w.Write(chunk[:min(left, len(chunk))])
	}
	_, _ = io.WriteString(w, tail)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if declared == 0 {
		declared = uint64(len(head) + size + len(tail))
	}
	pw, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = pw.Write(packed.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// cost is how long f takes and how many bytes it allocates.
func cost(f func()) (time.Duration, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	return took, after.TotalAlloc - before.TotalAlloc
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`

// A small workbook that unpacks into a great deal is refused quickly, without unpacking it or
// building what it describes.
func TestZipBombs(t *testing.T) {
	base := book(t, sheetRows{"Elements", withHeadings([][]string{{"Q", "a", "A", "status"}})}, sheetRows{"Other", [][]string{{"x"}}})
	sst := `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	styles := `<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`
	many := rezip(t, base, "xl/worksheets/sheet2.xml", sheetHead, ' ', 15<<20, "</sheetData></worksheet>", 0)
	for i := range 4 {
		many = rezip(t, many, "xl/media/filler"+string(rune('a'+i))+".bin", "", 0, 15<<20, "", 0)
	}
	tests := []struct {
		name string
		data []byte
		want string // in the refusal; "" when the workbook is read
	}{
		{"a worksheet of 100 MiB", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead, ' ', 100<<20, "</sheetData></worksheet>", 0),
			"the workbook's part xl/worksheets/sheet1.xml unpacks to 101 MiB; the limit is 16 MiB"},
		{"a worksheet of 100 MiB that claims 1 KiB", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead, ' ', 100<<20, "</sheetData></worksheet>", 1024),
			"the workbook is damaged: its part xl/worksheets/sheet1.xml cannot be unpacked"},
		{"parts of 75 MiB in all", many, "the workbook unpacks to at least 76 MiB; the limit is 64 MiB"},
		{"a million shared strings", rezip(t, base, "xl/sharedStrings.xml", sst, ' ', 0, strings.Repeat(`<si><t/></si>`, 1<<20)+`</sst>`, 0),
			"the workbook's part xl/sharedStrings.xml holds more than 300000 XML elements"},
		{"two million empty cells", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead, ' ', 0, "<row>"+strings.Repeat(`<c/>`, 2<<20)+"</row></sheetData></worksheet>", 0),
			`the sheet "Elements" holds more than 524288 XML elements (rows and cells, empty ones too)`},
		// Styles are never read, and a sheet that is not read is never unpacked.
		{"a million styles", rezip(t, base, "xl/styles.xml", styles, ' ', 0, strings.Repeat(`<xf/>`, 1<<20)+`</cellXfs></styleSheet>`, 0), ""},
		{"a sheet not read of two million cells", rezip(t, base, "xl/worksheets/sheet2.xml", sheetHead, ' ', 0, "<row>"+strings.Repeat(`<c/>`, 2<<20)+"</row></sheetData></worksheet>", 0), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.data) > 2<<20 {
				t.Fatalf("the bomb is %d bytes, more than an upload may be", len(tt.data))
			}
			var err error
			took, alloc := cost(func() { _, _, err = sheet.Read("bomb.xlsx", tt.data) })
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "":
				if ps := problems(t, err); !strings.Contains(ps[0].Message, tt.want) {
					t.Errorf("%v\nwant: %s", err, tt.want)
				}
			}
			// Memory, not time, is the bound a test can hold on a shared machine; the time is
			// logged for people.
			t.Logf("took %v", took)
			if alloc > 16<<20 {
				t.Errorf("allocated %d MiB; want under 16 MiB", alloc>>20)
			}
		})
	}
}

// Whatever a workbook holds within the limits, reading it stays cheap: the worst cases are a
// worksheet or shared strings just under their limits of XML elements, read as a stream.
func TestWorstWorkbooksWithinTheLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	base := book(t, sheetRows{"Elements", withHeadings([][]string{{"Q", "a", "A", "status"}})})
	empty := "the sheet is empty"
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"500,000 empty rows", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead, ' ', 0, strings.Repeat(`<row/>`, 500_000)+"</sheetData></worksheet>", 0), empty},
		{"500,000 empty cells", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead, ' ', 0, "<row>"+strings.Repeat(`<c/>`, 500_000)+"</row></sheetData></worksheet>", 0), empty},
		{"16 MiB of spaces", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead, ' ', 16<<20-200, "</sheetData></worksheet>", 0), empty},
		{"a cell of 16 MiB", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead+`<row><c t="inlineStr"><is><t>`, 'x', 16<<20-400, "</t></is></c></row></sheetData></worksheet>", 0), "the cell in column A holds 16776816 bytes"},
		{"99,000 shared strings", rezip(t, base, "xl/sharedStrings.xml", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, ' ', 0, strings.Repeat(`<si><t/></si>`, 99_000)+`</sst>`, 0), empty},
		{"data on the last row", rezip(t, base, "xl/worksheets/sheet1.xml", sheetHead, ' ', 0, `<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`, 0), `row 1048576: the sheet "Elements" has more than 2000 rows`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			took, alloc := cost(func() { _, _, err = sheet.Read("worst.xlsx", tt.data) })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%v\nwant: %s", err, tt.want)
			}
			// About half a second on an idle machine (logged, not asserted: time on a shared
			// machine says little); what it allocates is bounded, a few times the part's size.
			t.Logf("took %v, allocated %d MiB", took, alloc>>20)
			if alloc > 256<<20 {
				t.Errorf("allocated %d MiB; want under 256 MiB", alloc>>20)
			}
		})
	}
}
