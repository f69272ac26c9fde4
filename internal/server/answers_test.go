package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// QUESTIONNAIRE.md's worked example, through the API.
func TestAnswerSaveWorkedExample(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	saved := a.workedExample(t, ev.ID)
	if q := saved.Score.Questions["abuse_cases"]; q.Score == nil || *q.Score != 83.3 || q.Progress != 100 {
		t.Errorf("questions.abuse_cases after the worked example: got %+v, want score 83.3 and progress 100", q)
	}
	if saved.Score.Overall != 16.7 || saved.Score.Tier != "poor" || saved.Score.Progress != 18.2 {
		t.Errorf("score after the worked example: got overall %v %s progress %v, want 16.7 poor 18.2",
			saved.Score.Overall, saved.Score.Tier, saved.Score.Progress)
	}
	if string(saved.Value) != `"not_applicable"` {
		t.Errorf("value of the last save: got %s, want \"not_applicable\"", saved.Value)
	}
	if diff := cmp.Diff(saved.Score, a.evaluation(t, ev.ID).Score); diff != "" {
		t.Errorf("GET after the saves disagrees with the last save's score (-save +get):\n%s", diff)
	}

	// Every element of a question not applicable leaves the question out of the mean.
	for _, ref := range []string{"abuse_cases.app_vulnerabilities", "abuse_cases.malware", "abuse_cases.privilege_abuse"} {
		saved = a.answer(t, ev.ID, ref, map[string]any{"value": "not_applicable"})
	}
	if q := saved.Score.Questions["abuse_cases"]; q.Score != nil || q.Progress != 100 {
		t.Errorf("questions.abuse_cases, all not applicable: got score %v progress %v, want null and 100", q.Score, q.Progress)
	}
	if saved.Score.Overall != 0 {
		t.Errorf("overall with the only answered question not applicable: got %v, want 0", saved.Score.Overall)
	}
}

// A value of every type the default questionnaire uses is stored as sent and scored.
func TestAnswerSaveValueTypes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	cases := []struct {
		name      string
		ref       string
		value     string // JSON
		want      string // JSON of the stored value
		question  string
		wantScore float64
	}{
		{"status yes", "shared_model.documented", `"yes"`, `"yes"`, "shared_model", 25},
		{"status partial", "shared_model.documented", `"partial"`, `"partial"`, "shared_model", 12.5},
		{"status no", "shared_model.documented", `"no"`, `"no"`, "shared_model", 0},
		{"full matrix", "shared_model.matrix", jsonOf(t, saasMatrix(nil)), jsonOf(t, saasMatrix(nil)), "shared_model", 50},
		{"half a matrix", "shared_model.matrix", `{"physical":"provider","hypervisor":"provider","network":"shared","os":"not_applicable"}`,
			`{"hypervisor":"provider","network":"shared","os":"not_applicable","physical":"provider"}`, "shared_model", 25},
		{"multi with an independent certification", "assessments.certifications", `["soc2_type2"]`, `["soc2_type2"]`, "assessments", 20},
		{"multi with only other", "assessments.certifications", `["other"]`, `["other"]`, "assessments", 10},
		{"multi with several", "assessments.certifications", `["iso27001","other","fedramp"]`, `["iso27001","other","fedramp"]`, "assessments", 20},
		{"multi with none", "assessments.certifications", `[]`, `[]`, "assessments", 0},
		{"number at the full band", "monitoring.log_retention_days", `365`, `365`, "monitoring", 20},
		{"number at the half band", "monitoring.log_retention_days", `90`, `90`, "monitoring", 10},
		{"number below the bands", "monitoring.log_retention_days", `89.5`, `89.5`, "monitoring", 0},
		{"number zero", "monitoring.log_retention_days", `0`, `0`, "monitoring", 0},
		{"hours, lower is better", "incident_response.notification_hours", `72`, `72`, "incident_response", 20},
		{"hours past the half band", "incident_response.notification_hours", `169`, `169`, "incident_response", 0},
		{"recent date", "assessments.last_independent_audit", `"2026-03-31"`, `"2026-03-31"`, "assessments", 20},
		{"date today", "assessments.last_independent_audit", `"` + today + `"`, `"` + today + `"`, "assessments", 20},
		{"date 366 days old", "assessments.last_independent_audit", `"2025-04-14"`, `"2025-04-14"`, "assessments", 10},
		{"date 731 days old", "assessments.last_independent_audit", `"2024-04-14"`, `"2024-04-14"`, "assessments", 0},
		{"null clears the answer", "shared_model.documented", `null`, `null`, "shared_model", 0},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ev := a.evaluated(t, "Provider "+word+" "+string(rune('a'+i)), "saas")
			saved := a.answer(t, ev.ID, c.ref, json.RawMessage(`{"value":`+c.value+`}`))
			if got := compactJSON(t, saved.Value); got != compactJSON(t, []byte(c.want)) {
				t.Errorf("stored value: got %s, want %s", got, c.want)
			}
			if c.value == `null` {
				// Clearing an element never answered changes nothing: no version, no score.
				if saved.Version != 0 || saved.Score.Tier != "not_assessed" {
					t.Errorf("clearing an unanswered element: got version %d, tier %s; want 0, not_assessed", saved.Version, saved.Score.Tier)
				}
				return
			}
			if saved.Version != 1 || saved.UpdatedAt == "" || saved.Evidence == nil {
				t.Errorf("stored answer: got version %d, updated_at %q, evidence %v, want version 1, a time, []", saved.Version, saved.UpdatedAt, saved.Evidence)
			}
			if q := saved.Score.Questions[c.question]; q.Score == nil || *q.Score != c.wantScore {
				t.Errorf("questions.%s.score: got %v, want %v", c.question, q.Score, c.wantScore)
			}
			got := a.evaluation(t, ev.ID).Answers[c.ref]
			if compactJSON(t, got.Value) != compactJSON(t, []byte(c.want)) {
				t.Errorf("GET evaluation answers[%s].value: got %s, want %s", c.ref, got.Value, c.want)
			}
		})
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// compactJSON puts JSON in one canonical form (object keys sorted) to compare values.
func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return jsonOf(t, v)
}

func TestAnswerSaveVersionsAndEvidence(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	ref := "abuse_cases.malware"
	var updated []string
	for i, v := range []string{"no", "partial", "yes"} {
		saved := a.answer(t, ev.ID, ref, map[string]any{"value": v})
		if saved.Version != i+1 {
			t.Errorf("save %d: got version %d, want %d", i+1, saved.Version, i+1)
		}
		updated = append(updated, saved.UpdatedAt)
	}
	got := a.evaluation(t, ev.ID).Answers[ref]
	if got.Version != 3 || string(got.Value) != `"yes"` || got.UpdatedAt != updated[2] {
		t.Errorf("GET after three saves: got version %d value %s updated %s, want 3, \"yes\", %s", got.Version, got.Value, got.UpdatedAt, updated[2])
	}

	// Explanation and evidence are stored trimmed, up to the limits.
	explanation := strings.Repeat("e", 10000)
	var evidence []map[string]string
	for i := range 20 {
		evidence = append(evidence, map[string]string{"url": " https://acme.example/doc/" + string(rune('a'+i)) + " ", "effective_date": "2026-01-31"})
	}
	saved := a.answer(t, ev.ID, ref, map[string]any{"value": "yes", "explanation": explanation, "evidence": evidence})
	if saved.Version != 4 || saved.Explanation != explanation || len(saved.Evidence) != 20 {
		t.Fatalf("save with evidence: got version %d, %d characters of explanation, %d links, want 4, 10000, 20",
			saved.Version, len(saved.Explanation), len(saved.Evidence))
	}
	if saved.Evidence[0] != (evidenceOut{URL: "https://acme.example/doc/a", EffectiveDate: "2026-01-31"}) {
		t.Errorf("evidence[0]: got %+v, want the link trimmed with its date", saved.Evidence[0])
	}
	if saved.Score.Evidenced != 100 {
		t.Errorf("evidenced: got %v, want 100 (the only credited element has evidence)", saved.Score.Evidenced)
	}
}

// Every refused save names its problem and changes nothing: the answers and the score read
// back exactly as before.
func TestAnswerSaveRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "partial", "explanation": "Only on Linux hosts."})
	a.answer(t, ev.ID, "shared_model.matrix", map[string]any{"value": saasMatrix(nil)})
	a.answer(t, ev.ID, "monitoring.log_retention_days", map[string]any{"value": 365})
	a.answer(t, ev.ID, "assessments.last_independent_audit", map[string]any{"value": "2026-03-31"})
	a.answer(t, ev.ID, "assessments.certifications", map[string]any{"value": []string{"iso27001"}})

	base := "/api/v1/evaluations/" + ev.ID + "/answers/"
	body := func(v string) string { return `{"value":` + v + `}` }
	cases := []struct {
		name        string
		target      string // after base, or a full path
		contentType string
		body        string
		status      int
		code, field string
	}{
		{"unknown evaluation", "/api/v1/evaluations/" + noSuchID + "/answers/abuse_cases.malware", "", body(`"yes"`), 404, "not_found", ""},
		{"evaluation id of the wrong shape", "/api/v1/evaluations/01/answers/abuse_cases.malware", "", body(`"yes"`), 404, "not_found", ""},
		{"unknown element", "abuse_cases.ransomware", "", body(`"yes"`), 404, "not_found", ""},
		{"unknown question", "abuse.malware", "", body(`"yes"`), 404, "not_found", ""},
		{"ref without a dot", "abuse_cases", "", body(`"yes"`), 404, "not_found", ""},
		{"ref with an empty element", "abuse_cases.", "", body(`"yes"`), 404, "not_found", ""},
		{"ref with two dots", "abuse_cases.malware.x", "", body(`"yes"`), 404, "not_found", ""},
		{"status of the wrong type", "abuse_cases.malware", "", body(`5`), 422, "invalid", "value"},
		{"status as a list", "abuse_cases.malware", "", body(`["yes"]`), 422, "invalid", "value"},
		{"unknown status", "abuse_cases.malware", "", body(`"maybe"`), 422, "invalid", "value"},
		{"status in capitals", "abuse_cases.malware", "", body(`"YES"`), 422, "invalid", "value"},
		{"matrix as a string", "shared_model.matrix", "", body(`"provider"`), 422, "invalid", "value"},
		{"matrix as a list", "shared_model.matrix", "", body(`["provider"]`), 422, "invalid", "value"},
		{"unknown layer", "shared_model.matrix", "", body(`{"kernel":"provider"}`), 422, "invalid", "value.kernel"},
		{"unknown owner", "shared_model.matrix", "", body(`{"physical":"nobody"}`), 422, "invalid", "value.physical"},
		{"owner of the wrong type", "shared_model.matrix", "", body(`{"physical":1}`), 422, "invalid", "value.physical"},
		{"multi as a string", "assessments.certifications", "", body(`"soc2_type2"`), 422, "invalid", "value"},
		{"unknown option", "assessments.certifications", "", body(`["soc3"]`), 422, "invalid", "value"},
		{"option twice", "assessments.certifications", "", body(`["soc2_type2","soc2_type2"]`), 422, "invalid", "value"},
		{"number as a string", "monitoring.log_retention_days", "", body(`"365"`), 422, "invalid", "value"},
		{"negative number", "monitoring.log_retention_days", "", body(`-1`), 422, "invalid", "value"},
		{"number too large", "monitoring.log_retention_days", "", body(`1e400`), 422, "invalid", "value"},
		{"date in the future", "assessments.last_independent_audit", "", body(`"` + tomorrow + `"`), 422, "invalid", "value"},
		{"date that does not exist", "assessments.last_independent_audit", "", body(`"2026-02-30"`), 422, "invalid", "value"},
		{"date in another format", "assessments.last_independent_audit", "", body(`"31/03/2026"`), 422, "invalid", "value"},
		{"date as a number", "assessments.last_independent_audit", "", body(`20260331`), 422, "invalid", "value"},
		{"evidence URL javascript:", "abuse_cases.malware", "", `{"value":"yes","evidence":[{"url":"javascript:alert(1)","effective_date":"2026-01-01"}]}`, 422, "invalid", "evidence[0].url"},
		{"evidence URL without a scheme", "abuse_cases.malware", "", `{"value":"yes","evidence":[{"url":"acme.example","effective_date":"2026-01-01"}]}`, 422, "invalid", "evidence[0].url"},
		{"second evidence URL ftp:", "abuse_cases.malware", "", `{"value":"yes","evidence":[{"url":"https://a.example","effective_date":"2026-01-01"},{"url":"ftp://a.example","effective_date":"2026-01-01"}]}`, 422, "invalid", "evidence[1].url"},
		{"evidence date in the future", "abuse_cases.malware", "", `{"value":"yes","evidence":[{"url":"https://a.example","effective_date":"` + tomorrow + `"}]}`, 422, "invalid", "evidence[0].effective_date"},
		{"evidence without a date", "abuse_cases.malware", "", `{"value":"yes","evidence":[{"url":"https://a.example"}]}`, 422, "invalid", "evidence[0].effective_date"},
		{"21 evidence links", "abuse_cases.malware", "", `{"value":"yes","evidence":[` + strings.Repeat(`{"url":"https://a.example","effective_date":"2026-01-01"},`, 20) + `{"url":"https://a.example","effective_date":"2026-01-01"}]}`, 422, "invalid", "evidence"},
		{"explanation of 10,001 characters", "abuse_cases.malware", "", `{"value":"yes","explanation":"` + strings.Repeat("e", 10001) + `"}`, 422, "invalid", "explanation"},
		{"explanation with a NUL byte", "abuse_cases.malware", "", `{"value":"yes","explanation":"a\u0000b"}`, 422, "invalid", "explanation"},
		{"explanation of the wrong type", "abuse_cases.malware", "", `{"value":"yes","explanation":5}`, 422, "invalid", "explanation"},
		{"unknown field", "abuse_cases.malware", "", `{"value":"yes","comment":"x"}`, 422, "invalid", "comment"},
		{"malformed JSON", "abuse_cases.malware", "", `{"value":"yes"`, 400, "bad_request", ""},
		{"empty body", "abuse_cases.malware", "", ``, 400, "bad_request", ""},
		{"body over 1 MiB", "abuse_cases.malware", "", `{"value":"yes","explanation":"` + strings.Repeat("e", 1<<20) + `"}`, 413, "too_large", ""},
		{"text/plain", "abuse_cases.malware", "text/plain", body(`"yes"`), 415, "unsupported_media_type", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := a.evaluation(t, ev.ID)
			target := c.target
			if !strings.HasPrefix(target, "/") {
				target = base + target
			}
			ct := c.contentType
			if ct == "" {
				ct = "application/json"
			}
			r := a.do(t, http.MethodPut, target, strings.NewReader(c.body), http.Header{"Content-Type": {ct}})
			wantAPIError(t, r, c.status, c.code, c.field)
			after := a.evaluation(t, ev.ID)
			if diff := cmp.Diff(before.Answers, after.Answers); diff != "" {
				t.Errorf("answers changed by a refused save (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(before.Score, after.Score); diff != "" {
				t.Errorf("score changed by a refused save (-before +after):\n%s", diff)
			}
		})
	}

	for _, id := range wrongShapeIDs {
		t.Run("evaluation id "+id, func(t *testing.T) {
			r := a.sendJSON(t, http.MethodPut, "/api/v1/evaluations/"+url.PathEscape(id)+"/answers/abuse_cases.malware", body(`"yes"`))
			wantAPIError(t, r, http.StatusNotFound, "not_found", "")
		})
	}
}

// The matrix claim of a SaaS provider handing the application to the customer is a deviation.
func TestAnswerSaveDeviation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	saved := a.answer(t, ev.ID, "shared_model.matrix", map[string]any{"value": map[string]string{"application": "customer"}})
	if q := saved.Score.Questions["shared_model"]; q.Score == nil || *q.Score != 6.3 {
		t.Errorf("questions.shared_model with one layer of eight: got %v, want 6.3 (100 × 2 × 1/8 / 4)", q.Score)
	}
	got := a.evaluation(t, ev.ID)
	want := []deviationOut{{Layer: "application", Claimed: "customer", Reference: "provider"}}
	if diff := cmp.Diff(want, got.Deviations); diff != "" {
		t.Errorf("deviations (-want +got):\n%s", diff)
	}
	// Claiming the reference again removes the deviation.
	a.answer(t, ev.ID, "shared_model.matrix", map[string]any{"value": map[string]string{"application": "provider"}})
	if got := a.evaluation(t, ev.ID).Deviations; len(got) != 0 {
		t.Errorf("deviations after claiming the reference owner: got %v, want none", got)
	}
}
