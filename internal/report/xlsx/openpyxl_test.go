package xlsx

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// openpyxlScript opens a workbook in openpyxl's read-only mode, which trusts each sheet's
// declared dimension, and prints every sheet's declared last row beside the rows it reads.
const openpyxlScript = `
import json, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {}
for ws in wb.worksheets:
    rows = sum(1 for _ in ws.iter_rows(values_only=True))
    out[ws.title] = {"max_row": ws.max_row, "rows": rows}
print(json.dumps(out))
`

// python finds a Python 3 with openpyxl (Debian's python3-openpyxl, as .ci/run installs it).
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import openpyxl").Run() == nil {
			return path
		}
	}
	t.Fatal("no python3 with openpyxl: apt-get install python3-openpyxl")
	return ""
}

func TestWorkbooksOpenInOpenpyxlReadOnly(t *testing.T) {
	py := python(t)
	tmp := t.TempDir()
	script := filepath.Join(tmp, "read.py")
	if err := os.WriteFile(script, []byte(openpyxlScript), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, b := range workbooks(t) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(tmp, name)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(py, script, path).CombinedOutput()
			if err != nil {
				t.Fatalf("openpyxl cannot open %s: %v\n%s", name, err, out)
			}
			var sheets map[string]struct {
				MaxRow *int `json:"max_row"`
				Rows   int  `json:"rows"`
			}
			if err := json.Unmarshal(out, &sheets); err != nil {
				t.Fatalf("openpyxl output %q: %v", out, err)
			}
			for sheet, s := range sheets {
				if s.MaxRow != nil && *s.MaxRow != s.Rows {
					t.Errorf("%s: the sheet declares %d rows, openpyxl reads %d", sheet, *s.MaxRow, s.Rows)
				}
				if s.Rows == 0 {
					t.Errorf("%s: openpyxl reads no rows", sheet)
				}
			}
			if name == "portfolio.xlsx" {
				if got := sheets[SheetPortfolio].Rows; got != 5001 {
					t.Errorf("openpyxl reads %d rows of the portfolio, want 5001 (a header and 5,000 providers)", got)
				}
			}
		})
	}
}
