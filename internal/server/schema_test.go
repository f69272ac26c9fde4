package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// checkSchema validates a JSON body against a component schema of openapi.json, so that every
// response the tests see keeps the document honest. It knows the JSON Schema keywords the
// document uses: type, properties, required, additionalProperties, propertyNames, items, enum,
// oneOf, allOf, minimum, maximum, exclusiveMinimum, pattern, minLength, maxLength, minItems,
// maxItems.
func checkSchema(t *testing.T, name string, body []byte) {
	t.Helper()
	doc := loadOpenAPI(t)
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("schema %s: body is not JSON: %v", name, err)
	}
	schema := map[string]any{"$ref": "#/components/schemas/" + name}
	for _, problem := range validate(t, doc, schema, v, "$") {
		t.Errorf("body does not match schema %s: %s; body: %.600s", name, problem, body)
	}
}

func validate(t *testing.T, doc map[string]any, rawSchema, v any, at string) []string {
	t.Helper()
	s, ok := resolve(t, doc, rawSchema).(map[string]any)
	if !ok {
		return nil
	}
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, at+": "+fmt.Sprintf(format, args...)) }

	if types := schemaTypes(s["type"]); len(types) > 0 && !slices.Contains(types, jsonTypeOf(v)) &&
		!(slices.Contains(types, "number") && jsonTypeOf(v) == "integer") {
		fail("got %s, want %v", jsonTypeOf(v), types)
		return problems
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		fail("got %v, want one of %v", v, enum)
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			problems = append(problems, validate(t, doc, sub, v, at)...)
		}
	}
	if one, ok := s["oneOf"].([]any); ok {
		matched := 0
		for _, sub := range one {
			if len(validate(t, doc, sub, v, at)) == 0 {
				matched++
			}
		}
		if matched != 1 {
			fail("%v matches %d of the oneOf schemas, want exactly 1", v, matched)
		}
	}
	switch v := v.(type) {
	case json.Number:
		f, _ := v.Float64()
		if m, ok := number(s["minimum"]); ok && f < m {
			fail("got %v, want at least %v", f, m)
		}
		if m, ok := number(s["exclusiveMinimum"]); ok && f <= m {
			fail("got %v, want more than %v", f, m)
		}
		if m, ok := number(s["maximum"]); ok && f > m {
			fail("got %v, want at most %v", f, m)
		}
	case string:
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			fail("got %q, want it to match %s", v, p)
		}
		if m, ok := number(s["maxLength"]); ok && float64(len([]rune(v))) > m {
			fail("got %d characters, want at most %v", len([]rune(v)), m)
		}
		if m, ok := number(s["minLength"]); ok && float64(len([]rune(v))) < m {
			fail("got %d characters, want at least %v", len([]rune(v)), m)
		}
	case []any:
		if m, ok := number(s["maxItems"]); ok && float64(len(v)) > m {
			fail("got %d items, want at most %v", len(v), m)
		}
		if m, ok := number(s["minItems"]); ok && float64(len(v)) < m {
			fail("got %d items, want at least %v", len(v), m)
		}
		if items, ok := s["items"]; ok {
			for i, item := range v {
				problems = append(problems, validate(t, doc, items, item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := v[r.(string)]; !ok {
					fail("no %q, which is required", r)
				}
			}
		}
		for k, val := range v {
			if names, ok := s["propertyNames"]; ok {
				problems = append(problems, validate(t, doc, names, k, at+" key "+k)...)
			}
			if ps, ok := props[k]; ok {
				problems = append(problems, validate(t, doc, ps, val, at+"."+k)...)
				continue
			}
			switch extra := s["additionalProperties"].(type) {
			case bool:
				if !extra {
					fail("%q is not in the schema (additionalProperties is false)", k)
				}
			case map[string]any:
				problems = append(problems, validate(t, doc, extra, val, at+"."+k)...)
			}
		}
	}
	return problems
}

func schemaTypes(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, s := range v {
			out = append(out, s.(string))
		}
		return out
	}
	return nil
}

func jsonTypeOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if f, err := v.Float64(); err == nil && f == math.Trunc(f) && !strings.ContainsAny(v.String(), ".eE") {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// The validator must be able to fail, or the checks that use it prove nothing.
func TestCheckSchemaRefusesWhatTheDocumentForbids(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	cases := []struct {
		name, schema, body string
	}{
		{"missing required field", "Provider", `{"id":"1"}`},
		{"undocumented field", "Health", `{"status":"ok","extra":1}`},
		{"wrong type", "ProviderList", `{"providers":[],"total":"3"}`},
		{"enum", "Deviation", `{"layer":"physical","claimed":"landlord","reference":"customer"}`},
		{"id shape", "EvaluationHead", `{"id":"01","score":1,"tier":"poor","progress":0,"as_of":"2026-01-01"}`},
		{"percent above 100", "QuestionScore", `{"score":100.1,"progress":0}`},
		{"null where not allowed", "Score", `{"overall":1,"tier":null,"progress":0,"evidenced":0,"as_of":"2026-01-01","scoring_version":1,"questions":{}}`},
		{"answers key without a dot", "Evaluation", `{"id":"1","provider_id":"1","questionnaire":{"key":"k","version":1},"created_at":"","updated_at":"","answers":{"nodot":{"value":null,"explanation":"","evidence":[],"version":1,"updated_at":""}},"score":{"overall":0,"tier":"poor","progress":0,"evidenced":0,"as_of":"2026-01-01","scoring_version":1,"questions":{}},"deviations":[],"retained":[],"retained_from":"reference"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v any
			dec := json.NewDecoder(strings.NewReader(c.body))
			dec.UseNumber()
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if problems := validate(t, doc, map[string]any{"$ref": "#/components/schemas/" + c.schema}, v, "$"); len(problems) == 0 {
				t.Errorf("validate(%s, %s): got no problems, want the body refused", c.schema, c.body)
			}
		})
	}
}
