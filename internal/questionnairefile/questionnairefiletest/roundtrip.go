// Package questionnairefiletest holds the check every importer's tests make of what they
// convert: that it is a Shareline file that reads back as itself.
package questionnairefiletest

import (
	"bytes"
	"reflect"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/questionnairefile"
)

// RoundTrip writes q as a Shareline file and reads it back, as the importer does: the file must
// be accepted, read back as q, and write again to the same bytes. It returns the definition read.
func RoundTrip(t testing.TB, q *assess.Questionnaire) *assess.Questionnaire {
	t.Helper()
	file, err := questionnairefile.Write(q)
	if err != nil {
		t.Fatalf("writing the questionnaire: %v", err)
	}
	back, err := questionnairefile.Read(file)
	if err != nil {
		t.Fatalf("the questionnaire does not read back: %v\n%s", err, file)
	}
	if !reflect.DeepEqual(back, q) {
		t.Fatalf("the questionnaire changed on the way back:\n%s", file)
	}
	again, err := questionnairefile.Write(back)
	if err != nil || !bytes.Equal(again, file) {
		t.Fatalf("a second write differs from the first (%v):\n%s", err, again)
	}
	return back
}
