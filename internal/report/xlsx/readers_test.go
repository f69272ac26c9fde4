package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"shareline/internal/report"
	"shareline/internal/report/reporttest"
)

// The workbooks every test here opens in the readers users have.
func workbooks(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	r := reporttest.Full(t, "Облачные Системы")
	r.GeneratedBy = "Eve Example"
	var b bytes.Buffer
	if err := WriteReport(&b, r); err != nil {
		t.Fatal(err)
	}
	out["report.xlsx"] = bytes.Clone(b.Bytes())
	b.Reset()
	empty := reporttest.Empty(t)
	if err := WriteReport(&b, empty); err != nil {
		t.Fatal(err)
	}
	out["empty.xlsx"] = bytes.Clone(b.Bytes())
	b.Reset()
	c := report.Comparison{Comparison: reporttest.Three(t), GeneratedBy: "Eve Example", GeneratedAt: reporttest.Generated}
	if err := WriteComparison(&b, c); err != nil {
		t.Fatal(err)
	}
	out["compare.xlsx"] = bytes.Clone(b.Bytes())
	b.Reset()
	q := reporttest.Questionnaire(t)
	if err := WritePortfolio(&b, q, reporttest.Portfolio(q, 5000, 0), "Eve Example", reporttest.Generated); err != nil {
		t.Fatal(err)
	}
	out["portfolio.xlsx"] = bytes.Clone(b.Bytes())
	for name, x := range out {
		reporttest.KeepArtifact(t, name, x)
	}
	return out
}

// exceljsDir is where ExcelJS is installed for these tests: $SHARELINE_EXCELJS_DIR, else the
// user's cache directory (.ci/run installs it there first), installed with npm when missing.
var exceljsDir = sync.OnceValues(func() (string, error) {
	dir := os.Getenv("SHARELINE_EXCELJS_DIR")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(cache, "shareline", "exceljs")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "exceljs", "package.json")); err == nil {
		return dir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("npm is missing (apt-get install npm): %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	out, err := exec.Command(npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--silent", "exceljs@4").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("npm install exceljs: %v\n%s", err, out)
	}
	return dir, nil
})

// exceljsScript opens a workbook with ExcelJS and prints what it read, as JSON.
const exceljsScript = `
const ExcelJS = require('exceljs');
(async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(process.argv[2]);
  const out = {creator: wb.creator, lastModifiedBy: wb.lastModifiedBy, created: wb.created, modified: wb.modified,
    title: wb.title, sheets: {}};
  wb.eachSheet(ws => {
    const rows = [];
    ws.eachRow({includeEmpty: false}, (row, n) => { if (n <= 4) rows.push(row.values.slice(1).map(v => v === null || v === undefined ? '' : String(v))); });
    out.sheets[ws.name] = {rows: ws.actualRowCount, first: rows};
  });
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e && e.stack || e); process.exit(1); });
`

type exceljsWorkbook struct {
	Creator, LastModifiedBy, Created, Modified, Title string
	Sheets                                            map[string]struct {
		Rows  int
		First [][]string
	}
}

// TestWorkbooksOpenInExcelJS opens every workbook with ExcelJS, as a Node script of a user
// would: it must load, with the creator and dates that were set and every row.
func TestWorkbooksOpenInExcelJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is missing (apt-get install nodejs npm): %v", err)
	}
	dir, err := exceljsDir()
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "read.js")
	if err := os.WriteFile(script, []byte(exceljsScript), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for name, b := range workbooks(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(tmp, name)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(node, script, path)
			cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("ExcelJS cannot open %s: %v\n%s", name, err, out)
			}
			var wb exceljsWorkbook
			if err := json.Unmarshal(out, &wb); err != nil {
				t.Fatalf("ExcelJS output %q: %v", out, err)
			}
			wantBy := "Eve Example"
			if name == "empty.xlsx" {
				wantBy = "Shareline" // nobody is named as its generator
			}
			if wb.Creator != wantBy || wb.LastModifiedBy != wantBy {
				t.Errorf("creator %q, last modified by %q, want %q for both", wb.Creator, wb.LastModifiedBy, wantBy)
			}
			if !strings.HasPrefix(wb.Created, "20") || strings.HasPrefix(wb.Created, "2006") {
				t.Errorf("created %q, want the day the file was made", wb.Created)
			}
			if (name == "report.xlsx" || name == "portfolio.xlsx") && !strings.HasPrefix(wb.Created, "2026-11-29T14:05") {
				t.Errorf("created %q, want 2026-11-29T14:05 (the report's generation time)", wb.Created)
			}
			if name == "portfolio.xlsx" {
				if got := wb.Sheets[SheetPortfolio].Rows; got != 5001 {
					t.Errorf("ExcelJS reads %d rows of the portfolio, want 5001", got)
				}
			}
		})
	}
}

var dimensionRe = regexp.MustCompile(`<dimension ref="([^"]+)"`)

// TestWorkbookDimensions checks the used range each sheet declares, which openpyxl's
// read-only mode trusts to know how many rows to read (openpyxl itself cannot be installed
// here: PyPI is out of reach). A streamed sheet, whose rows are not counted first, declares
// none, and readers count its rows.
func TestWorkbookDimensions(t *testing.T) {
	for name, b := range workbooks(t) {
		f := openXLSX(t, b)
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		for i, sheet := range f.GetSheetList() {
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			cols := 0
			for _, r := range rows {
				cols = max(cols, len(r))
			}
			xml := readZip(t, zr, fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1))
			m := dimensionRe.FindStringSubmatch(xml)
			if name == "portfolio.xlsx" {
				if m != nil {
					t.Errorf("%s %s declares dimension %s, want none (it is streamed)", name, sheet, m[1])
				}
				continue
			}
			last := fmt.Sprintf("%s%d", columnName(cols), len(rows))
			if m == nil || m[1] != "A1:"+last {
				t.Errorf("%s %s: dimension %v, want A1:%s (%d rows, %d columns)", name, sheet, m, last, len(rows), cols)
			}
			if !strings.Contains(xml, `<pageSetup`) || !strings.Contains(xml, `fitToWidth="1"`) {
				t.Errorf("%s %s has no page setup fitted to one page wide", name, sheet)
			}
		}
		wb := readZip(t, zr, "xl/workbook.xml")
		if strings.Count(wb, `name="_xlnm.Print_Titles"`) != len(f.GetSheetList()) {
			t.Errorf("%s: %d print titles, want one per sheet (%d)", name, strings.Count(wb, `name="_xlnm.Print_Titles"`), len(f.GetSheetList()))
		}
	}
}

func columnName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

func readZip(t *testing.T, zr *zip.Reader, name string) string {
	t.Helper()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWorkbooksPrintInLibreOffice converts the report workbook to PDF with LibreOffice, as a
// user printing it would, and reads the PDF back: the coverage score is on the same line as
// its label, and wrapped text does not run into the next row.
func TestWorkbooksPrintInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatalf("soffice is missing (apt-get install libreoffice-calc-nogui; .ci/run does): %v", err)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatalf("pdftotext is missing (apt-get install poppler-utils): %v", err)
	}
	tmp := t.TempDir()
	r := reporttest.Full(t, "Nordić Cloud Ünited")
	var b bytes.Buffer
	if err := WriteReport(&b, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(tmp, "report.xlsx")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(tmp, "profile"), "--headless",
		"--convert-to", "pdf", "--outdir", tmp, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to pdf: %v\n%s", err, out)
	}
	pdf := filepath.Join(tmp, "report.pdf")
	if b, err := os.ReadFile(pdf); err == nil {
		reporttest.KeepArtifact(t, "report-xlsx-libreoffice.pdf", b)
	}
	out, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	score := r.Summary.Score.Text()
	found := false
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "Coverage score") {
			found = true
			after := strings.SplitN(line, "Coverage score", 2)[1]
			gap := len(after) - len(strings.TrimLeft(after, " "))
			if fields := strings.Fields(after); len(fields) == 0 || fields[0] != score || gap > 40 {
				t.Errorf("the printed Summary's line %q does not show the score %s beside its label", strings.TrimSpace(line), score)
			}
		}
	}
	if !found {
		t.Errorf("the printed Summary has no Coverage score line:\n%s", out)
	}
	if !strings.Contains(string(out), "Security coverage") && !strings.Contains(string(out), "Provider") {
		t.Errorf("the printed workbook lacks the Summary:\n%s", out)
	}
}
