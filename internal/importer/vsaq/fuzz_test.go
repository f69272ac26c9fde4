package vsaq_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"shareline/internal/importer/vsaq"
	"shareline/internal/questionnairefile"
	"shareline/internal/questionnairefile/questionnairefiletest"
)

// FuzzRead: Read never panics, refuses only with problems that name a line, and whatever it
// accepts passes Shareline's own reading, stably.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json")
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
	for _, s := range []string{
		tmpl(radio("a", "b_yes"), radio("b", "a_no")),
		tmpl(line("a", "^b"), line("b", "^a")),
		tmpl(radio("a", ""), line("b", "(a_yes || a_no")),
		tmpl(radio("a", ""), line("b", "a_yes || a_no && !a_yes")),
		tmpl(line("b", `matches(b/value, "x") || false`)),
		tmpl(`{"type": "tip", "warn": "yes", "severity": "high", "cond": "a_no", "text": "T"}`, radio("a", "")),
		"// c\n{\"questionnaire\": [" + line("a", "") + ", " + block("x", `{"type": "info", "text": "i"}`) + "]}",
		`{"questionnaire": [{"type": "block", "text": "` + "\\ud83d\\ude00 \\u00e9" + `", "items": [{"type": "yesno", "id": "y", "text": "a" + "b"}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vsaq.Looks(data)
		q, notes, err := vsaq.Read(data)
		if err != nil {
			var fe *questionnairefile.Error
			if !errors.As(err, &fe) || len(fe.Problems) == 0 {
				t.Fatalf("refusal %v (%T) is not a *questionnairefile.Error with problems", err, err)
			}
			for _, p := range fe.Problems {
				if p.Line < 1 || p.Message == "" {
					t.Fatalf("a problem without a line or message: %+v", p)
				}
			}
			return
		}
		for _, n := range notes {
			if n == "" {
				t.Fatal("an empty note")
			}
		}
		questionnairefiletest.RoundTrip(t, q)
	})
}
