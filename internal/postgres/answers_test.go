package postgres_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"shareline/internal/assess"
)

// answerIn finds the stored answer to ref in an evaluation.
func answerIn(t *testing.T, ev assess.Evaluation, ref string) assess.Answer {
	t.Helper()
	a, ok := ev.Answers[ref]
	if !ok {
		t.Fatalf("evaluation %d: no answer to %s, want one (answers: %d)", ev.ID, ref, len(ev.Answers))
	}
	return a
}

func TestSaveAnswerStoresAndVersions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p.ID)
	const ref = "shared_model.documented"

	in := f.answer(t, ref, `"yes"`, "Published in the trust centre.",
		assess.EvidenceInput{URL: "https://acme.example/shared-model", EffectiveDate: "2025-03-01"},
		assess.EvidenceInput{URL: "https://acme.example/terms#security", EffectiveDate: "2024-11-30"})
	first, _ := f.save(t, ev.ID, in)

	t.Run("first save stores value, explanation and dated evidence as version 1", func(t *testing.T) {
		if diff := cmp.Diff(in, first, sameContent); diff != "" {
			t.Errorf("saved answer (-want +got):\n%s", diff)
		}
		if first.Version != 1 {
			t.Errorf("Version: got %d, want 1", first.Version)
		}
		if first.CreatedAt.IsZero() || !first.UpdatedAt.Equal(first.CreatedAt) {
			t.Errorf("timestamps: got created %v, updated %v; want both set and equal", first.CreatedAt, first.UpdatedAt)
		}
		got := answerIn(t, f.findEvaluation(t, ev.ID), ref)
		if diff := cmp.Diff(first, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("FindEvaluation's answer (-want SaveAnswer's +got):\n%s", diff)
		}
		wantDates := []assess.Date{{Year: 2025, Month: time.March, Day: 1}, {Year: 2024, Month: time.November, Day: 30}}
		for i, e := range got.Evidence {
			if i < len(wantDates) && e.EffectiveDate != wantDates[i] {
				t.Errorf("evidence[%d] effective date: got %v, want %v", i, e.EffectiveDate, wantDates[i])
			}
		}
	})

	time.Sleep(2 * time.Millisecond)
	again := f.answer(t, ref, `"partial"`, "Only the summary is published.")
	second, _ := f.save(t, ev.ID, again)

	t.Run("second save is version 2, keeps created_at, replaces the rest", func(t *testing.T) {
		if second.Version != 2 {
			t.Errorf("Version: got %d, want 2", second.Version)
		}
		if !second.CreatedAt.Equal(first.CreatedAt) {
			t.Errorf("CreatedAt: got %v, want the first save's %v", second.CreatedAt, first.CreatedAt)
		}
		if !second.UpdatedAt.After(first.UpdatedAt) {
			t.Errorf("UpdatedAt: got %v, want later than the first save's %v", second.UpdatedAt, first.UpdatedAt)
		}
		if diff := cmp.Diff(again, second, sameContent); diff != "" {
			t.Errorf("saved answer (-want +got):\n%s", diff)
		}
		found := f.findEvaluation(t, ev.ID)
		if diff := cmp.Diff(second, answerIn(t, found, ref), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("FindEvaluation's answer (-want SaveAnswer's +got):\n%s", diff)
		}
		if n := f.count(t, `SELECT count(*) FROM answers WHERE evaluation_id = $1`, ev.ID); n != 1 {
			t.Errorf("answer rows: got %d, want 1", n)
		}
	})

	t.Run("a third save is version 3", func(t *testing.T) {
		third, _ := f.save(t, ev.ID, f.answer(t, ref, `"no"`, ""))
		if third.Version != 3 {
			t.Errorf("Version: got %d, want 3", third.Version)
		}
	})
}

func TestSaveAnswerScores(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p.ID)
	evidence := assess.EvidenceInput{URL: "https://acme.example/evidence", EffectiveDate: "2025-05-01"}

	steps := []assess.Answer{
		f.answer(t, "shared_model.matrix", `{"physical":"provider","hypervisor":"provider","network":"provider","os":"provider",
			"application":"customer","user_activity":"shared","user_permissions":"customer","privileged_actions":"customer"}`, ""),
		f.answer(t, "shared_model.documented", `"yes"`, "", evidence),
		f.answer(t, "abuse_cases.malware", `"partial"`, ""),
		f.answer(t, "abuse_cases.abuse_reporting", `"not_applicable"`, "No public channel applies."),
		f.answer(t, "assessments.certifications", `["iso27001","other"]`, "", evidence),
		f.answer(t, "assessments.last_independent_audit", `"2024-01-10"`, ""), // 522 days old: 0.5
		f.answer(t, "monitoring.log_retention_days", `120`, ""),
		f.answer(t, "incident_response.notification_hours", `48`, ""),
		f.answer(t, "incident_response.ir_tested", `"2025-06-15"`, ""),
		f.answer(t, "abuse_cases.malware", `"yes"`, "Upgraded.", evidence), // a second version
	}
	entered := map[string]assess.Answer{}
	var last assess.Score
	for i, a := range steps {
		_, score := f.save(t, ev.ID, a)
		entered[a.Ref()] = a
		want := assess.ScoreEvaluation(f.q, entered, today)
		if diff := cmp.Diff(want, score); diff != "" {
			t.Errorf("step %d (%s): returned score differs from ScoreEvaluation on the same answers (-want +got):\n%s", i, a.Ref(), diff)
		}
		last = score
	}
	found := f.findEvaluation(t, ev.ID)

	t.Run("the last save's score is not trivial", func(t *testing.T) {
		if last.Overall <= 0 || last.Evidenced <= 0 || last.Progress <= 0 {
			t.Errorf("score: got overall %v, evidenced %v, progress %v; want all above 0", last.Overall, last.Evidenced, last.Progress)
		}
		if want := 100 * 9.0 / float64(f.q.ElementCount()); last.Progress != want {
			t.Errorf("progress: got %v, want %v (9 elements answered)", last.Progress, want)
		}
	})

	t.Run("FindEvaluation returns every answer entered", func(t *testing.T) {
		if len(found.Answers) != len(entered) {
			t.Errorf("answers: got %d, want %d", len(found.Answers), len(entered))
		}
		for ref, want := range entered {
			if diff := cmp.Diff(want, answerIn(t, found, ref), sameContent); diff != "" {
				t.Errorf("answer to %s (-want +got):\n%s", ref, diff)
			}
		}
		if got := answerIn(t, found, "abuse_cases.malware").Version; got != 2 {
			t.Errorf("abuse_cases.malware version: got %d, want 2", got)
		}
	})

	t.Run("FindEvaluation returns the score SaveAnswer returned", func(t *testing.T) {
		if diff := cmp.Diff(last, found.Score, storedScore); diff != "" {
			t.Errorf("stored score (-want SaveAnswer's +got):\n%s", diff)
		}
		if found.Score.AsOf != today {
			t.Errorf("AsOf: got %v, want %v", found.Score.AsOf, today)
		}
		if len(found.Score.Questions) != len(f.q.Questions) {
			t.Errorf("question scores: got %d, want %d", len(found.Score.Questions), len(f.q.Questions))
		}
	})

	t.Run("the stored score is ScoreEvaluation over the stored answers", func(t *testing.T) {
		want := assess.ScoreEvaluation(f.q, found.Answers, found.Score.AsOf)
		if diff := cmp.Diff(want, found.Score, storedScore); diff != "" {
			t.Errorf("stored score (-want +got):\n%s", diff)
		}
	})

	t.Run("a save on a later day rescores as of that day", func(t *testing.T) {
		later := assess.Date{Year: 2026, Month: time.March, Day: 1}
		_, score, err := f.store.SaveAnswer(t.Context(), ev.ID, f.answer(t, "monitoring.continuous_monitoring", `"yes"`, ""), later, tester)
		if err != nil {
			t.Fatalf("SaveAnswer on %v: got error %v, want none", later, err)
		}
		stored := f.findEvaluation(t, ev.ID).Score
		if stored.AsOf != later || score.AsOf != later {
			t.Errorf("AsOf: got returned %v, stored %v; want %v", score.AsOf, stored.AsOf, later)
		}
		// ir_tested (2025-06-15) is 259 days old on that day and the audit 781: credits change.
		want := assess.ScoreEvaluation(f.q, f.findEvaluation(t, ev.ID).Answers, later)
		if diff := cmp.Diff(want, stored, storedScore); diff != "" {
			t.Errorf("stored score (-want +got):\n%s", diff)
		}
	})
}

func TestSaveAnswerRoundTripsEveryType(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.IaaS)

	for _, tc := range []struct {
		name, ref, value string
	}{
		{"status yes", "abuse_cases.malware", `"yes"`},
		{"status not_applicable", "abuse_cases.abuse_reporting", `"not_applicable"`},
		{"matrix with every layer", "shared_model.matrix", `{"physical":"provider","hypervisor":"provider","network":"shared",
			"os":"customer","application":"customer","user_activity":"customer","user_permissions":"customer",
			"privileged_actions":"not_applicable"}`},
		{"matrix with some layers", "shared_model.matrix", `{"network":"shared","os":"customer"}`},
		{"multi with several options", "assessments.certifications", `["soc2_type2","iso27017","other"]`},
		{"multi with none", "assessments.certifications", `[]`},
		{"number with a fraction", "monitoring.log_retention_days", `400.25`},
		{"number zero", "incident_response.notification_hours", `0`},
		{"date", "assessments.last_independent_audit", `"2025-01-31"`},
		{"date on a leap day", "assessments.last_penetration_test", `"2024-02-29"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := f.createEvaluation(t, p.ID)
			in := f.answer(t, tc.ref, tc.value, "Why: "+tc.name+" — ünïcode ✓")
			saved, _ := f.save(t, ev.ID, in)
			if diff := cmp.Diff(in.Value, saved.Value); diff != "" {
				t.Errorf("SaveAnswer's value (-want +got):\n%s", diff)
			}
			got := answerIn(t, f.findEvaluation(t, ev.ID), tc.ref)
			if diff := cmp.Diff(in, got, sameContent); diff != "" {
				t.Errorf("FindEvaluation's answer (-want +got):\n%s", diff)
			}
			if !got.Answered() {
				t.Errorf("Answered: got false, want true for %s", tc.value)
			}
		})
	}

	for _, typ := range []string{"choice", "text"} {
		t.Run(typ+" (needs a questionnaire with one)", func(t *testing.T) {
			t.Skip("the Store only reads questionnaires from the *assess.Builtin given to postgres.New, " +
				"which has no exported constructor other than assess.Questionnaires(); the only built-in " +
				"questionnaire has no " + typ + " element, so a custom one cannot be used here")
		})
	}
}

func TestSaveAnswerRefuses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p.ID)

	t.Run("an unknown evaluation is not found and stores nothing", func(t *testing.T) {
		a := f.answer(t, "abuse_cases.malware", `"yes"`, "")
		_, _, err := f.store.SaveAnswer(t.Context(), 987654, a, today, tester)
		wantErr(t, "SaveAnswer(evaluation 987654)", err, assess.ErrNotFound)
		if n := f.count(t, `SELECT count(*) FROM answers`); n != 0 {
			t.Errorf("answer rows: got %d, want 0", n)
		}
	})

	yes := assess.Value{Type: assess.TypeStatus, Status: assess.Yes}
	for _, tc := range []struct {
		name              string
		question, element string
	}{
		{"an unknown element of a known question", "abuse_cases", "phishing"},
		{"an unknown question", "physical_security", "malware"},
		{"an element of another question", "shared_model", "malware"},
		{"an empty reference", "", ""},
	} {
		t.Run(tc.name+" is not found and stores nothing", func(t *testing.T) {
			before := f.findEvaluation(t, ev.ID)
			a := assess.Answer{Question: tc.question, Element: tc.element, Value: yes, Explanation: "x"}
			_, _, err := f.store.SaveAnswer(t.Context(), ev.ID, a, today, tester)
			wantErr(t, "SaveAnswer("+a.Ref()+")", err, assess.ErrNotFound)
			if n := f.count(t, `SELECT count(*) FROM answers`); n != 0 {
				t.Errorf("answer rows: got %d, want 0", n)
			}
			after := f.findEvaluation(t, ev.ID)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("evaluation after the refusal (-before +after):\n%s", diff)
			}
		})
	}
}

func TestSaveAnswerNullClearsTheValue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p.ID)
	const ref = "shared_model.contractual"
	f.save(t, ev.ID, f.answer(t, ref, `"yes"`, "Clause 12 of the terms.",
		assess.EvidenceInput{URL: "https://acme.example/terms", EffectiveDate: "2025-01-01"}))
	f.save(t, ev.ID, f.answer(t, "abuse_cases.malware", `"yes"`, ""))

	cleared, score := f.save(t, ev.ID, f.answer(t, ref, `null`, "Clause 12 of the terms."))
	found := f.findEvaluation(t, ev.ID)

	t.Run("the answer is no longer answered", func(t *testing.T) {
		if cleared.Answered() {
			t.Errorf("SaveAnswer's answer: got Answered true (value %+v), want false", cleared.Value)
		}
		got := answerIn(t, found, ref)
		if got.Answered() {
			t.Errorf("FindEvaluation's answer: got Answered true (value %+v), want false", got.Value)
		}
	})

	t.Run("the row keeps its explanation and counts a new version", func(t *testing.T) {
		got := answerIn(t, found, ref)
		if got.Explanation != "Clause 12 of the terms." {
			t.Errorf("Explanation: got %q, want %q", got.Explanation, "Clause 12 of the terms.")
		}
		if got.Version != 2 {
			t.Errorf("Version: got %d, want 2", got.Version)
		}
	})

	t.Run("the score no longer counts it", func(t *testing.T) {
		want := assess.ScoreEvaluation(f.q, map[string]assess.Answer{
			"abuse_cases.malware": f.answer(t, "abuse_cases.malware", `"yes"`, ""),
		}, today)
		if diff := cmp.Diff(want, score); diff != "" {
			t.Errorf("returned score (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, found.Score, storedScore); diff != "" {
			t.Errorf("stored score (-want +got):\n%s", diff)
		}
		if want := 100 / float64(f.q.ElementCount()); found.Score.Progress != want {
			t.Errorf("progress: got %v, want %v (one element answered)", found.Score.Progress, want)
		}
	})
}
