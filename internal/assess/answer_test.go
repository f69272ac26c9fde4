package assess_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
)

func link(url, effective string) assess.EvidenceInput {
	return assess.EvidenceInput{URL: url, EffectiveDate: effective}
}

func links(n int) []assess.EvidenceInput {
	out := make([]assess.EvidenceInput, n)
	for i := range out {
		out[i] = link(fmt.Sprintf("https://example.com/evidence/%d", i), "2026-01-01")
	}
	return out
}

func TestNewAnswerAccepts(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	long := strings.Repeat("ü", assess.MaxTextLength) // 10,000 characters, 20,000 bytes
	tests := []struct {
		name     string
		question string
		element  string
		in       assess.AnswerInput
		want     assess.Answer
	}{
		{
			name:     "status with explanation and evidence, trimmed",
			question: "shared_model", element: "documented",
			in: assess.AnswerInput{
				Value:       json.RawMessage(`"yes"`),
				Explanation: "  Published on the trust centre.\n",
				Evidence:    []assess.EvidenceInput{link(" https://example.com/trust ", " 2026-03-31 ")},
			},
			want: assess.Answer{
				Question: "shared_model", Element: "documented", Value: status(assess.Yes),
				Explanation: "Published on the trust centre.",
				Evidence:    []assess.Evidence{{URL: "https://example.com/trust", EffectiveDate: day(t, "2026-03-31")}},
			},
		},
		{
			name:     "matrix without explanation",
			question: "shared_model", element: "matrix",
			in: assess.AnswerInput{Value: json.RawMessage(`{"physical":"provider"}`)},
			want: assess.Answer{
				Question: "shared_model", Element: "matrix",
				Value:    matrixOf(map[assess.Layer]assess.Owner{physical: assess.ProviderOwns}),
				Evidence: []assess.Evidence{},
			},
		},
		{
			name:     "null value clears the answer but keeps the explanation",
			question: "monitoring", element: "log_retention_days",
			in: assess.AnswerInput{Value: json.RawMessage(`null`), Explanation: "waiting for the provider"},
			want: assess.Answer{
				Question: "monitoring", Element: "log_retention_days",
				Explanation: "waiting for the provider", Evidence: []assess.Evidence{},
			},
		},
		{
			name:     "explanation of exactly 10,000 multi-byte characters",
			question: "abuse_cases", element: "malware",
			in: assess.AnswerInput{Value: json.RawMessage(`"no"`), Explanation: long},
			want: assess.Answer{
				Question: "abuse_cases", Element: "malware", Value: status(assess.No),
				Explanation: long, Evidence: []assess.Evidence{},
			},
		},
		{
			name:     "evidence effective today, http link",
			question: "incident_response", element: "ir_plan",
			in: assess.AnswerInput{
				Value:    json.RawMessage(`"partial"`),
				Evidence: []assess.EvidenceInput{link("http://example.com/ir", scoringDay)},
			},
			want: assess.Answer{
				Question: "incident_response", Element: "ir_plan", Value: status(assess.Partial),
				Evidence: []assess.Evidence{{URL: "http://example.com/ir", EffectiveDate: today}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := q.NewAnswer(tt.question, tt.element, tt.in, today)
			if err != nil {
				t.Fatalf("NewAnswer: got error %v, want none", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NewAnswer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewAnswerAcceptsTwentyLinks(t *testing.T) {
	q := builtin(t)
	got, err := q.NewAnswer("assessments", "penetration_test",
		assess.AnswerInput{Value: json.RawMessage(`"yes"`), Evidence: links(assess.MaxEvidence)}, day(t, scoringDay))
	if err != nil {
		t.Fatalf("NewAnswer with %d links: got error %v, want none", assess.MaxEvidence, err)
	}
	if len(got.Evidence) != assess.MaxEvidence {
		t.Errorf("evidence: got %d links, want %d", len(got.Evidence), assess.MaxEvidence)
	}
}

func TestNewAnswerRejects(t *testing.T) {
	q := builtin(t)
	today := day(t, scoringDay)
	yes := json.RawMessage(`"yes"`)
	tests := []struct {
		name       string
		ref        string
		in         assess.AnswerInput
		wantFields []string
	}{
		{"wrong type for a status", "abuse_cases.malware", assess.AnswerInput{Value: json.RawMessage(`3`)}, []string{"value"}},
		{"wrong type for a matrix", "shared_model.matrix", assess.AnswerInput{Value: json.RawMessage(`"provider"`)}, []string{"value"}},
		{"wrong type for a multi", "assessments.certifications", assess.AnswerInput{Value: json.RawMessage(`{"iso27001":true}`)}, []string{"value"}},
		{"wrong type for a number", "monitoring.log_retention_days", assess.AnswerInput{Value: json.RawMessage(`"a year"`)}, []string{"value"}},
		{"wrong type for a date", "incident_response.ir_tested", assess.AnswerInput{Value: json.RawMessage(`true`)}, []string{"value"}},
		{"unknown option", "assessments.certifications", assess.AnswerInput{Value: json.RawMessage(`["soc1"]`)}, []string{"value"}},
		{"unknown layer", "shared_model.matrix", assess.AnswerInput{Value: json.RawMessage(`{"foo":"shared"}`)}, []string{"value.foo"}},
		{"unknown owner", "shared_model.matrix", assess.AnswerInput{Value: json.RawMessage(`{"physical":"nobody"}`)}, []string{"value.physical"}},
		{"date in the future", "assessments.last_penetration_test", assess.AnswerInput{Value: json.RawMessage(`"2027-01-01"`)}, []string{"value"}},
		{"date that does not exist", "assessments.last_penetration_test", assess.AnswerInput{Value: json.RawMessage(`"2026-02-30"`)}, []string{"value"}},
		{"negative number", "incident_response.notification_hours", assess.AnswerInput{Value: json.RawMessage(`-24`)}, []string{"value"}},
		{"number 1e400", "incident_response.notification_hours", assess.AnswerInput{Value: json.RawMessage(`1e400`)}, []string{"value"}},
		{"string for a number", "incident_response.notification_hours", assess.AnswerInput{Value: json.RawMessage(`"72"`)}, []string{"value"}},
		{
			"evidence link that is not http(s)", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("ftp://example.com/model.pdf", "2026-01-01")}},
			[]string{"evidence[0].url"},
		},
		{
			"javascript: link", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("javascript:alert(1)", "2026-01-01")}},
			[]string{"evidence[0].url"},
		},
		{
			"relative link", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("/security", "2026-01-01")}},
			[]string{"evidence[0].url"},
		},
		{
			"link without a host", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("https://", "2026-01-01")}},
			[]string{"evidence[0].url"},
		},
		{
			"link with a space", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("https://example.com/a b", "2026-01-01")}},
			[]string{"evidence[0].url"},
		},
		{
			"empty link", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("", "2026-01-01")}},
			[]string{"evidence[0].url"},
		},
		{
			"link longer than 2048 characters", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("https://example.com/"+strings.Repeat("a", 2029), "2026-01-01")}},
			[]string{"evidence[0].url"},
		},
		{
			"bad second link names its index", "shared_model.documented",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("https://example.com", "2026-01-01"), link("mailto:sec@example.com", "2026-01-01")}},
			[]string{"evidence[1].url"},
		},
		{
			"missing effective date", "shared_model.contractual",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("https://example.com/terms", "")}},
			[]string{"evidence[0].effective_date"},
		},
		{
			"future effective date", "shared_model.contractual",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("https://example.com/terms", "2026-11-30")}},
			[]string{"evidence[0].effective_date"},
		},
		{
			"effective date in another format", "shared_model.contractual",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("https://example.com/terms", "March 2026")}},
			[]string{"evidence[0].effective_date"},
		},
		{
			"bad link and bad date in one evidence", "shared_model.contractual",
			assess.AnswerInput{Value: yes, Evidence: []assess.EvidenceInput{link("example.com", "2026-02-30")}},
			[]string{"evidence[0].effective_date", "evidence[0].url"},
		},
		{
			"more than 20 evidence links", "shared_model.contractual",
			assess.AnswerInput{Value: yes, Evidence: links(assess.MaxEvidence + 1)},
			[]string{"evidence"},
		},
		{
			"explanation of 10,001 multi-byte characters", "abuse_cases.malware",
			assess.AnswerInput{Value: yes, Explanation: strings.Repeat("ü", assess.MaxTextLength+1)},
			[]string{"explanation"},
		},
		{
			"NUL byte in explanation", "abuse_cases.malware",
			assess.AnswerInput{Value: yes, Explanation: "fine\x00then not"},
			[]string{"explanation"},
		},
		{
			"control character in explanation", "abuse_cases.malware",
			assess.AnswerInput{Value: yes, Explanation: "bell\a"},
			[]string{"explanation"},
		},
		{
			"invalid UTF-8 in explanation", "abuse_cases.malware",
			assess.AnswerInput{Value: yes, Explanation: "caf\xe9"},
			[]string{"explanation"},
		},
		{
			"every problem reported at once", "shared_model.matrix",
			assess.AnswerInput{
				Value:       json.RawMessage(`{"foo":"provider","os":"me"}`),
				Explanation: "\x00",
				Evidence:    []assess.EvidenceInput{link("javascript:void(0)", "2099-01-01")},
			},
			[]string{"evidence[0].effective_date", "evidence[0].url", "explanation", "value.foo", "value.os"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			question, el, _ := strings.Cut(tt.ref, ".")
			got, err := q.NewAnswer(question, el, tt.in, today)
			if err == nil {
				t.Fatalf("NewAnswer(%s): got %+v and no error, want an error on %v", tt.ref, got, tt.wantFields)
			}
			if diff := cmp.Diff(tt.wantFields, fieldKeys(t, err)); diff != "" {
				t.Errorf("fields in error %q (-want +got):\n%s", err, diff)
			}
			if errors.Is(err, assess.ErrNotFound) {
				t.Errorf("error %v: got errors.Is(err, ErrNotFound) true, want false for invalid input", err)
			}
		})
	}
}

func TestNewAnswerUnknownElement(t *testing.T) {
	q := builtin(t)
	tests := []struct{ question, element string }{
		{"abuse_cases", "phishing"},
		{"nope", "malware"},
		{"", ""},
		{"monitoring", "malware"}, // an element of another question
	}
	for _, tt := range tests {
		t.Run(assess.Ref(tt.question, tt.element), func(t *testing.T) {
			_, err := q.NewAnswer(tt.question, tt.element, assess.AnswerInput{Value: json.RawMessage(`"yes"`)}, day(t, scoringDay))
			if !errors.Is(err, assess.ErrNotFound) {
				t.Errorf("NewAnswer(%q, %q): got error %v, want one matching ErrNotFound", tt.question, tt.element, err)
			}
			var ve *assess.ValidationError
			if errors.As(err, &ve) {
				t.Errorf("NewAnswer(%q, %q): got a ValidationError %v, want not found", tt.question, tt.element, ve)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url    string
		wantOK bool
	}{
		{"https://example.com/security", true},
		{"http://example.com", true},
		{"HTTPS://EXAMPLE.COM/Security", true},
		{"https://example.com/" + strings.Repeat("a", 2048-len("https://example.com/")), true},
		{"https://example.com/" + strings.Repeat("a", 2049-len("https://example.com/")), false},
		{"", false},
		{"example.com", false},
		{"https:example.com", false},
		{"//example.com/x", false},
		{"javascript:alert(1)", false},
		{"data:text/html,hi", false},
		{"file:///etc/passwd", false},
		{"https://example.com/\nx", false},
		{"https://exa mple.com", false},
	}
	for _, tt := range tests {
		name := tt.url
		if len(name) > 40 {
			name = fmt.Sprintf("%.30s... (%d bytes)", name, len(name))
		}
		t.Run(name, func(t *testing.T) {
			err := assess.CheckURL(tt.url)
			if (err == nil) != tt.wantOK {
				t.Errorf("CheckURL(%q): got error %v, want accepted: %v", name, err, tt.wantOK)
			}
		})
	}
}

func TestRefusedEvidence(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		wantRows []int
		wantOnly bool
	}{
		{"no error", nil, nil, false},
		{"links only", &assess.ValidationError{Fields: map[string]string{"evidence[2].url": "x", "evidence[0].effective_date": "y", "evidence[0].url": "z"}}, []int{0, 2}, true},
		{"a link and the value", &assess.ValidationError{Fields: map[string]string{"evidence[0].url": "x", "value": "y"}}, nil, false},
		{"too many links", assess.Invalid("evidence", "at most 20 links"), nil, false},
		{"not a validation error", assess.ErrNotFound, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, only := assess.RefusedEvidence(c.err)
			if only != c.wantOnly || !slices.Equal(rows, c.wantRows) {
				t.Errorf("got %v %v, want %v %v", rows, only, c.wantRows, c.wantOnly)
			}
		})
	}
	if row, part, ok := assess.ParseEvidenceField(assess.EvidenceField(3, "effective_date")); !ok || row != 3 || part != "effective_date" {
		t.Errorf("round trip: got %d %q %v", row, part, ok)
	}
	for _, bad := range []string{"evidence[x].url", "evidence[-1].url", "evidence[01].url", "evidence[1]", "value"} {
		if _, _, ok := assess.ParseEvidenceField(bad); ok {
			t.Errorf("assess.ParseEvidenceField(%q) accepted a name EvidenceField never makes", bad)
		}
	}
}
