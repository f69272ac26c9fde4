package filestore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shareline/internal/filestore"
	"shareline/internal/filestore/storetest"
	"shareline/internal/filetype"
	"shareline/internal/postgres/postgrestest"
)

func TestMain(m *testing.M) { postgrestest.Main(m) }

func TestPostgres(t *testing.T) {
	storetest.Run(t, func(t *testing.T) filestore.Store {
		return filestore.NewPostgres(postgrestest.Pool(t))
	})
}

// TestPostgresCheckStoredWorkbook: a stored upload is checked where it is kept, reading only
// the start and the archive's directory (the way an XLSX or DOCX upload is checked).
func TestPostgresCheckStoredWorkbook(t *testing.T) {
	wb := excelize.NewFile()
	wb.SetCellValue("Sheet1", "A1", "control")
	buf, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	store := filestore.NewPostgres(postgrestest.Pool(t))
	ctx := context.Background()
	b, err := store.Put(ctx, buf, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	f, err := store.OpenAt(ctx, b.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, want := range map[string]string{"controls.xlsx": "", "controls.docx": "named as a Word document"} {
		got, err := filetype.Check(f, f.Size(), name)
		var refused *filetype.Refused
		switch {
		case want == "" && (err != nil || got != filetype.XLSX):
			t.Errorf("Check(%q) of the stored workbook = %v, %v; want xlsx", name, got, err)
		case want != "" && (!errors.As(err, &refused) || !strings.Contains(refused.Reason, want)):
			t.Errorf("Check(%q) of the stored workbook: error %v; want a refusal saying %q", name, err, want)
		}
	}
}
