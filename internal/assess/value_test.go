package assess_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/assess"
)

// kinds is a questionnaire with the answer types the built-in one does not use.
const kinds = `{
	"key": "kinds", "version": 1, "title": "Kinds",
	"questions": [{"key": "q", "title": "Q", "elements": [
		{"key": "tier", "label": "Tier", "type": "choice", "options": [
			{"key": "gold", "label": "Gold"},
			{"key": "bronze", "label": "Bronze", "credit": 0.25}
		]},
		{"key": "notes", "label": "Notes", "type": "text"},
		{"key": "count", "label": "Count", "type": "number"}
	]}]
}`

func kindsQuestionnaire(t testing.TB) *assess.Questionnaire {
	t.Helper()
	q, err := assess.ParseQuestionnaire([]byte(kinds))
	if err != nil {
		t.Fatalf("ParseQuestionnaire(kinds): got error %v, want none", err)
	}
	return q
}

func TestParseValueAccepts(t *testing.T) {
	builtinQ, kindsQ := builtin(t), kindsQuestionnaire(t)
	today := day(t, scoringDay)
	tests := []struct {
		name string
		q    *assess.Questionnaire
		ref  string
		raw  string
		want assess.Value
	}{
		{"status yes", builtinQ, "abuse_cases.malware", `"yes"`, status(assess.Yes)},
		{"status partial", builtinQ, "abuse_cases.malware", `"partial"`, status(assess.Partial)},
		{"status no", builtinQ, "abuse_cases.malware", `"no"`, status(assess.No)},
		{"status not_applicable", builtinQ, "abuse_cases.malware", `"not_applicable"`, status(assess.StatusNotApplies)},
		{"status with surrounding spaces", builtinQ, "abuse_cases.malware", " \n\"yes\"\t ", status(assess.Yes)},
		{
			"matrix object with every layer",
			builtinQ, "shared_model.matrix",
			`{"physical":"provider","hypervisor":"provider","network":"shared","os":"customer",
			  "application":"customer","user_activity":"customer","user_permissions":"customer",
			  "privileged_actions":"not_applicable"}`,
			matrixOf(with(referenceMatrix(assess.IaaS), map[assess.Layer]assess.Owner{privilegedActions: assess.NotApplicable})),
		},
		{
			"matrix object with some layers",
			builtinQ, "shared_model.matrix", `{"application":"shared"}`,
			matrixOf(map[assess.Layer]assess.Owner{application: assess.SharedOwns}),
		},
		{"multi list", builtinQ, "assessments.certifications", `["iso27001","other"]`, multiOf("iso27001", "other")},
		{"multi empty list", builtinQ, "assessments.certifications", `[]`, multiOf()},
		{"number 365", builtinQ, "monitoring.log_retention_days", `365`, numberOf(365)},
		{"number 0", builtinQ, "incident_response.notification_hours", `0`, numberOf(0)},
		{"number with fraction and exponent", builtinQ, "incident_response.notification_hours", `1.5e1`, numberOf(15)},
		{"number at the maximum", builtinQ, "monitoring.log_retention_days", `1000000000`, numberOf(assess.MaxNumber)},
		{"date in the past", builtinQ, "assessments.last_independent_audit", `"2026-03-31"`, dateOf(day(t, "2026-03-31"))},
		{"date today", builtinQ, "incident_response.ir_tested", `"` + scoringDay + `"`, dateOf(today)},
		{"leap day", builtinQ, "incident_response.ir_tested", `"2024-02-29"`, dateOf(day(t, "2024-02-29"))},
		{"choice", kindsQ, "q.tier", `"bronze"`, assess.Value{Type: assess.TypeChoice, Choice: "bronze"}},
		{"text", kindsQ, "q.notes", `"line one\nline two"`, assess.Value{Type: assess.TypeText, Text: "line one\nline two"}},
		{"number without bands", kindsQ, "q.count", `7`, numberOf(7)},
		{"null clears a status", builtinQ, "abuse_cases.malware", `null`, assess.Value{}},
		{"null clears a matrix", builtinQ, "shared_model.matrix", ` null `, assess.Value{}},
		{"nothing clears a date", builtinQ, "incident_response.ir_tested", ``, assess.Value{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := assess.ParseValue(element(t, tt.q, tt.ref), json.RawMessage(tt.raw), today)
			if err != nil {
				t.Fatalf("ParseValue(%s, %s): got error %v, want none", tt.ref, tt.raw, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseValue(%s, %s) (-want +got):\n%s", tt.ref, tt.raw, diff)
			}
			if got.IsSet() != tt.want.IsSet() {
				t.Errorf("IsSet: got %v, want %v", got.IsSet(), tt.want.IsSet())
			}
		})
	}
}

func TestParseValueRejects(t *testing.T) {
	builtinQ, kindsQ := builtin(t), kindsQuestionnaire(t)
	today := day(t, scoringDay)
	tests := []struct {
		name       string
		q          *assess.Questionnaire
		ref        string
		raw        string
		wantFields []string
	}{
		{"status given a number", builtinQ, "abuse_cases.malware", `1`, []string{"value"}},
		{"status given true", builtinQ, "abuse_cases.malware", `true`, []string{"value"}},
		{"status given a list", builtinQ, "abuse_cases.malware", `["yes"]`, []string{"value"}},
		{"status not in the list", builtinQ, "abuse_cases.malware", `"maybe"`, []string{"value"}},
		{"status in capitals", builtinQ, "abuse_cases.malware", `"YES"`, []string{"value"}},
		{"matrix given a string", builtinQ, "shared_model.matrix", `"provider"`, []string{"value"}},
		{"matrix given a list", builtinQ, "shared_model.matrix", `["provider"]`, []string{"value"}},
		{"matrix unknown layer", builtinQ, "shared_model.matrix", `{"foo":"provider"}`, []string{"value.foo"}},
		{"matrix unknown owner", builtinQ, "shared_model.matrix", `{"physical":"vendor"}`, []string{"value.physical"}},
		{"matrix owner not a string", builtinQ, "shared_model.matrix", `{"physical":1}`, []string{"value.physical"}},
		{"matrix owner null", builtinQ, "shared_model.matrix", `{"os":null}`, []string{"value.os"}},
		{
			"matrix reports every bad layer",
			builtinQ, "shared_model.matrix", `{"foo":"provider","network":"us","os":"customer"}`,
			[]string{"value.foo", "value.network"},
		},
		{"multi given a string", builtinQ, "assessments.certifications", `"iso27001"`, []string{"value"}},
		{"multi unknown option", builtinQ, "assessments.certifications", `["iso9001"]`, []string{"value"}},
		{"multi option not a string", builtinQ, "assessments.certifications", `[1]`, []string{"value"}},
		{"multi option listed twice", builtinQ, "assessments.certifications", `["iso27001","iso27001"]`, []string{"value"}},
		{"number given a string", builtinQ, "monitoring.log_retention_days", `"365"`, []string{"value"}},
		{"number given true", builtinQ, "monitoring.log_retention_days", `true`, []string{"value"}},
		{"number given an object", builtinQ, "monitoring.log_retention_days", `{"days":365}`, []string{"value"}},
		{"number negative", builtinQ, "monitoring.log_retention_days", `-1`, []string{"value"}},
		{"number 1e400 overflows", builtinQ, "monitoring.log_retention_days", `1e400`, []string{"value"}},
		{"number above the maximum", builtinQ, "incident_response.notification_hours", `1000000001`, []string{"value"}},
		{"number not JSON", builtinQ, "incident_response.notification_hours", `12h`, []string{"value"}},
		{"date given a number", builtinQ, "assessments.last_independent_audit", `20260331`, []string{"value"}},
		{"date in the future", builtinQ, "assessments.last_independent_audit", `"2026-11-30"`, []string{"value"}},
		{"date that does not exist", builtinQ, "assessments.last_independent_audit", `"2026-02-30"`, []string{"value"}},
		{"date 29 February of a common year", builtinQ, "assessments.last_independent_audit", `"2025-02-29"`, []string{"value"}},
		{"date in another format", builtinQ, "assessments.last_independent_audit", `"31/03/2026"`, []string{"value"}},
		{"date with a time", builtinQ, "assessments.last_independent_audit", `"2026-03-31T00:00:00Z"`, []string{"value"}},
		{"date before 1900", builtinQ, "assessments.last_independent_audit", `"1899-12-31"`, []string{"value"}},
		{"choice given a number", kindsQ, "q.tier", `1`, []string{"value"}},
		{"choice unknown option", kindsQ, "q.tier", `"platinum"`, []string{"value"}},
		{"text given a number", kindsQ, "q.notes", `42`, []string{"value"}},
		{"text of 10,001 characters", kindsQ, "q.notes", `"` + strings.Repeat("é", assess.MaxTextLength+1) + `"`, []string{"value"}},
		{"text with a NUL", kindsQ, "q.notes", `"a\u0000b"`, []string{"value"}},
		{"value too large", builtinQ, "shared_model.matrix", `{"physical":"provider"` + strings.Repeat(" ", 70<<10) + `}`, []string{"value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := assess.ParseValue(element(t, tt.q, tt.ref), json.RawMessage(tt.raw), today)
			if err == nil {
				t.Fatalf("ParseValue(%s, %.60s): got %+v and no error, want an error on %v", tt.ref, tt.raw, got, tt.wantFields)
			}
			if diff := cmp.Diff(tt.wantFields, fieldKeys(t, err)); diff != "" {
				t.Errorf("fields in error %q (-want +got):\n%s", err, diff)
			}
			if got.IsSet() {
				t.Errorf("value on error: got %+v, want the unanswered Value", got)
			}
		})
	}
}

func TestParseValueText(t *testing.T) {
	q := kindsQuestionnaire(t)
	long := strings.Repeat("é", assess.MaxTextLength) // 10,000 characters, 20,000 bytes
	v, err := assess.ParseValue(element(t, q, "q.notes"), json.RawMessage(`"`+long+`"`), day(t, scoringDay))
	if err != nil {
		t.Fatalf("text of %d characters: got error %v, want none", assess.MaxTextLength, err)
	}
	if v.Text != long {
		t.Errorf("text: got %d characters, want the %d sent", len([]rune(v.Text)), assess.MaxTextLength)
	}
}

func TestValueMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		v    assess.Value
		want string
	}{
		{"unanswered", assess.Value{}, `null`},
		{"status", status(assess.Partial), `"partial"`},
		{"matrix", matrixOf(map[assess.Layer]assess.Owner{osLayer: assess.CustomerOwns}), `{"os":"customer"}`},
		{"multi", multiOf("iso27001", "other"), `["iso27001","other"]`},
		{"number", numberOf(365), `365`},
		{"date", dateOf(assess.Date{Year: 2026, Month: 3, Day: 31}), `"2026-03-31"`},
		{"choice", assess.Value{Type: assess.TypeChoice, Choice: "gold"}, `"gold"`},
		{"text", assess.Value{Type: assess.TypeText, Text: "hi"}, `"hi"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatalf("json.Marshal: got error %v, want none", err)
			}
			if string(got) != tt.want {
				t.Errorf("json.Marshal: got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    assess.Date
		wantErr bool
	}{
		{in: "2026-03-31", want: assess.Date{Year: 2026, Month: 3, Day: 31}},
		{in: "1900-01-01", want: assess.Date{Year: 1900, Month: 1, Day: 1}},
		{in: "2024-02-29", want: assess.Date{Year: 2024, Month: 2, Day: 29}},
		{in: "2026-02-30", wantErr: true},
		{in: "2026-13-01", wantErr: true},
		{in: "2026-3-31", wantErr: true},
		{in: "1899-12-31", wantErr: true},
		{in: "", wantErr: true},
		{in: " 2026-03-31", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.in, " ", "_")+"_", func(t *testing.T) {
			got, err := assess.ParseDate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseDate(%q): got error %v, want error: %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q): got %v, want %v", tt.in, got, tt.want)
			}
			if !tt.wantErr && got.String() != tt.in {
				t.Errorf("String(): got %q, want %q", got.String(), tt.in)
			}
		})
	}
}
