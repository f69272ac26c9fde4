package questionnairefile_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"shareline/internal/questionnairefile"
	"shareline/internal/questionnaires"
)

const small = `{
  "key": "vendor-basics",
  "title": "Vendor basics",
  "questions": [
    {
      "key": "data",
      "title": "Data handling",
      "elements": [
        {"key": "region", "label": "Where data is stored", "type": "choice",
         "options": [{"key": "eu", "label": "EU"}, {"key": "any", "label": "Anywhere", "credit": 0}]},
        {"key": "staff", "label": "Security staff", "type": "number", "unit": "people"}
      ]
    }
  ]
}`

func TestEveryBuiltinQuestionnaireRoundTrips(t *testing.T) {
	all, err := questionnaires.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range all {
		t.Run(q.Key, func(t *testing.T) {
			file, err := questionnairefile.Write(q)
			if err != nil {
				t.Fatal(err)
			}
			back, err := questionnairefile.Read(file)
			if err != nil {
				t.Fatalf("reading the export back: %v", err)
			}
			if !reflect.DeepEqual(back, q) {
				t.Errorf("the definition changed on the way back")
			}
			again, _ := questionnairefile.Write(back)
			if !bytes.Equal(again, file) {
				t.Errorf("a second export differs from the first")
			}
		})
	}
}

func TestReadFillsDefaultsAndVersion(t *testing.T) {
	q, err := questionnairefile.Read([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	el := q.Questions[0].Elements[0]
	if q.Version != 1 || q.Questions[0].Weight != 1 || el.Weight != 1 || el.Options[0].Credit != 1 || el.Options[1].Credit != 0 {
		t.Errorf("got version %d, weights %v/%v, credits %v/%v; want 1, 1/1, 1/0", q.Version, q.Questions[0].Weight, el.Weight, el.Options[0].Credit, el.Options[1].Credit)
	}
}

func TestReadRefusesAndSaysWhere(t *testing.T) {
	deep := strings.Repeat("[", 40) + strings.Repeat("]", 40)
	var many strings.Builder
	many.WriteString(`{"key":"k","title":"T","questions":[`)
	for i := range 5 {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `{"key":"q%d","title":"Q","elements":[`, i)
		for j := range 250 {
			if j > 0 {
				many.WriteString(",")
			}
			fmt.Fprintf(&many, `{"key":"e%d","label":"E","type":"text"}`, j)
		}
		many.WriteString("]}")
	}
	many.WriteString("]}")
	tests := []struct {
		name string
		file string
		want []string // each must appear in the message
	}{
		{"an unknown field, at its line", strings.Replace(small, `"unit": "people"`, `"unit": "people", "colour": "red"`, 1), []string{"line 11", "/questions/0/elements/1", "colour"}},
		{"an unknown type", strings.Replace(small, `"type": "number"`, `"type": "integer"`, 1), []string{"line 11", "/questions/0/elements/1/type"}},
		{"a bad key", strings.Replace(small, `"key": "data"`, `"key": "Data"`, 1), []string{"line 6", "/questions/0/key"}},
		{"a credit above 1", strings.Replace(small, `"credit": 0`, `"credit": 2`, 1), []string{"/questions/0/elements/0/options/1/credit", "maximum"}},
		{"options on a number", strings.Replace(small, `"unit": "people"`, `"unit": "people", "options": [{"key":"a","label":"A"}]`, 1), []string{"/questions/0/elements/1"}},
		{"a missing title", strings.Replace(small, `"title": "Vendor basics",`, ``, 1), []string{"title"}},
		{"a string too long", strings.Replace(small, `"Security staff"`, `"`+strings.Repeat("x", 301)+`"`, 1), []string{"/questions/0/elements/1/label", "300"}},
		{"a duplicate element key", strings.Replace(small, `"key": "staff"`, `"key": "region"`, 1), []string{`element "region" appears twice`}},
		{"a name twice in one object", strings.Replace(small, `"title": "Vendor basics",`, `"title": "Vendor basics", "title": "Other",`, 1), []string{"line 3", `"title" appears twice`}},
		{"broken JSON", strings.Replace(small, `"unit": "people"}`, `"unit": "people"`, 1), []string{"line 12", "not valid JSON"}},
		{"data after the document", small + "\n{}", []string{"line 16", "after the end"}},
		{"nesting too deep", deep, []string{"levels deep"}},
		{"an empty file", "  \n", []string{"empty"}},
		{"too large", `{"key":"k","title":"` + strings.Repeat("x", questionnairefile.MaxBytes) + `"}`, []string{"limit", "2 MiB"}},
		{"too many elements", many.String(), []string{"1250 elements", "limit is 1000"}},
		{"not an object", `[1, 2]`, []string{"/", "object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := questionnairefile.Read([]byte(tt.file))
			if err == nil {
				t.Fatalf("got questionnaire %q accepted, want a refusal", q.Key)
			}
			var fe *questionnairefile.Error
			if !errors.As(err, &fe) || len(fe.Problems) == 0 {
				t.Fatalf("got %T %v, want a *questionnairefile.Error with problems", err, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to contain %q", err.Error(), w)
				}
			}
		})
	}
}

// TestCriticalRoundTrips: an element marked critical is read as critical and written back so.
func TestCriticalRoundTrips(t *testing.T) {
	in := strings.Replace(small, `"unit": "people"}`, `"unit": "people", "critical": true}`, 1)
	q, err := questionnairefile.Read([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	el := q.Questions[0].Elements[len(q.Questions[0].Elements)-1]
	if !el.Critical || q.Questions[0].Elements[0].Critical {
		t.Fatalf("critical: got %v on %s and %v on the first element; want only %s", el.Critical, el.Key, q.Questions[0].Elements[0].Critical, el.Key)
	}
	file, err := questionnairefile.Write(q)
	if err != nil {
		t.Fatal(err)
	}
	back, err := questionnairefile.Read(file)
	if err != nil || !reflect.DeepEqual(back, q) {
		t.Errorf("the definition changed on the way back (%v)", err)
	}
	if _, err := questionnairefile.Read([]byte(strings.Replace(in, `"critical": true`, `"critical": "yes"`, 1))); err == nil {
		t.Error(`"critical": "yes" was read; want a refusal (a boolean)`)
	}
}
