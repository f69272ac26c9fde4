package questionnairefile_test

import (
	"testing"

	"shareline/internal/questionnairefile"
	"shareline/internal/questionnairefile/questionnairefiletest"
	"shareline/internal/questionnaires"
)

// FuzzRead: whatever the bytes, Read returns a questionnaire or a refusal, never panics, and
// what it accepts writes back to a file that reads as the same questionnaire.
func FuzzRead(f *testing.F) {
	all, err := questionnaires.Builtin()
	if err != nil {
		f.Fatal(err)
	}
	for _, q := range all {
		file, err := questionnairefile.Write(q)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file)
	}
	f.Add([]byte(small))
	f.Add([]byte(`{"key":"k","title":"T","questions":[{"key":"q","title":"Q","elements":[{"key":"n","label":"N","type":"number","bands":{"better":"lower","full":1,"half":2}}]}]}`))
	f.Add([]byte(`{"key":"k","key":"k"}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := questionnairefile.Read(data)
		if err != nil {
			return
		}
		questionnairefiletest.RoundTrip(t, q)
	})
}
