package sheet_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"testing"

	"shareline/internal/importer/sheet"
	"shareline/internal/questionnairefile"
	"shareline/internal/questionnairefile/questionnairefiletest"
)

// accepts checks what Read makes of data: a refusal naming at least one problem, or a
// questionnaire that writes as a Shareline file reading back the same, twice over.
func accepts(t *testing.T, name string, data []byte) {
	q, _, err := sheet.Read(name, data)
	if err != nil {
		var fe *questionnairefile.Error
		if !errors.As(err, &fe) || len(fe.Problems) == 0 {
			t.Fatalf("a refusal that is not a *questionnairefile.Error with problems: %#v", err)
		}
		return
	}
	questionnairefiletest.RoundTrip(t, q)
}

func FuzzReadCSV(f *testing.F) {
	f.Add(sheet.TemplateCSV())
	f.Add(csvOf(f, ';', withHeadings(full)))
	f.Add([]byte("section,key,text,type,options,when\nQ,a,A,choice,x = X (credit 0.5); y = Y\nQ > S,b,B,status,,not (a = x or a answered)\n"))
	f.Add([]byte("\xEF\xBB\xBFsection;key;text;type;options\nQ;n;N;number;better=lower; full=1; half=2\n\n\"Q\";\"t\";\"multi\nline\";text\n"))
	f.Add([]byte("section,key,text,type\n"))
	f.Add([]byte("section,key,text,type\nQ,\"a,b\n"))
	f.Fuzz(func(t *testing.T, data []byte) { accepts(t, "fuzz.csv", data) })
}

func FuzzReadXLSX(f *testing.F) {
	template, err := sheet.Template()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(template)
	f.Add(book(f, sheetRows{"Elements", withHeadings(full)}, sheetRows{"About", [][]string{{"title", "T"}}}))
	f.Add(book(f, sheetRows{"Elements", [][]string{{"section", "key", "text", "type"}, {"Q", "a", "A", "status"}}}))
	f.Fuzz(func(t *testing.T, data []byte) { accepts(t, "fuzz.xlsx", data) })
}

// FuzzReadWorksheet fuzzes the XML of the template's Elements sheet inside an intact workbook,
// to reach the parsing of cells rather than of the archive.
func FuzzReadWorksheet(f *testing.F) {
	template, err := sheet.Template()
	if err != nil {
		f.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(template), int64(len(template)))
	if err != nil {
		f.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			rc, err := zf.Open()
			if err != nil {
				f.Fatal(err)
			}
			xml, err := io.ReadAll(rc)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(xml)
		}
	}
	f.Add([]byte(sheetHead + `<row r="1"><c r="A1" t="inlineStr"><is><t>section</t></is></c><c r="B1" t="inlineStr"><is><t>key</t></is></c><c r="C1" t="inlineStr"><is><t>text</t></is></c><c r="D1" t="inlineStr"><is><t>type</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Q</t></is></c><c r="B2" t="inlineStr"><is><t>a</t></is></c><c r="C2" t="s"><v>3</v></c><c r="D2" t="inlineStr"><is><t>status</t></is></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, xml []byte) {
		if len(xml) > 1<<20 {
			return
		}
		accepts(t, "fuzz.xlsx", withPart(t, zr, "xl/worksheets/sheet1.xml", xml))
	})
}

// withPart is the workbook with its part name replaced by data, stored without compression.
func withPart(t *testing.T, zr *zip.Reader, name string, data []byte) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		if zf.Name != name {
			if err := zw.Copy(zf); err != nil {
				t.Fatal(err)
			}
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
