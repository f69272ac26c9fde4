package cisoassistant_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"shareline/internal/importer/cisoassistant"
	"shareline/internal/questionnairefile"
	"shareline/internal/questionnairefile/questionnairefiletest"
)

// FuzzRead: no input makes Read panic, a refusal is always a *questionnairefile.Error, and
// whatever Read accepts is a valid Shareline file.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(small))
	f.Add([]byte(laughs(3)))
	f.Add([]byte("a: &x 1\nb: *x\n"))
	f.Add([]byte("urn: a\n---\nurn: b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, _, err := cisoassistant.Read(data)
		if err != nil {
			var fe *questionnairefile.Error
			if !errors.As(err, &fe) || len(fe.Problems) == 0 {
				t.Fatalf("a refusal that is not a *questionnairefile.Error with problems: %v", err)
			}
			return
		}
		questionnairefiletest.RoundTrip(t, q)
	})
}
