package postgres_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// answerIn finds the stored answer to ref.
func answerIn(t *testing.T, answers map[string]assess.Answer, ref string) assess.Answer {
	t.Helper()
	a, ok := answers[ref]
	if !ok {
		t.Fatalf("no answer to %s, want one (answers: %d)", ref, len(answers))
	}
	return a
}

func (f fixture) history(t *testing.T, q *assess.Questionnaire, evaluationID int64, question, element string) []assess.Revision {
	t.Helper()
	var revs []assess.Revision
	f.read(t, func(tx app.Tx) error {
		var err error
		revs, err = tx.Answers().History(t.Context(), q, evaluationID, question, element)
		return err
	})
	return revs
}

func TestSaveAnswerStoresAndVersions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p)
	const ref = "shared_model.documented"

	var current assess.Answer
	f.read(t, func(tx app.Tx) error {
		var err error
		current, err = tx.Answers().Current(t.Context(), f.q, ev.ID, "shared_model", "documented")
		return err
	})
	t.Run("before any save, Current is version 0 of the element", func(t *testing.T) {
		want := assess.Answer{Question: "shared_model", Element: "documented"}
		if diff := cmp.Diff(want, current); diff != "" {
			t.Errorf("Current (-want +got):\n%s", diff)
		}
	})

	in := f.answer(t, ref, `"yes"`, "Published in the trust centre.",
		assess.EvidenceInput{URL: "https://acme.example/shared-model", EffectiveDate: "2025-03-01"},
		assess.EvidenceInput{URL: "https://acme.example/terms#security", EffectiveDate: "2024-11-30"})
	first := f.save(t, f.q, ev.ID, in)

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
		got := answerIn(t, f.answers(t, ev.ID), ref)
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("All's answer (-want Save's +got):\n%s", diff)
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
	second := f.save(t, f.q, ev.ID, again)

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
		var got assess.Answer
		f.read(t, func(tx app.Tx) error {
			var err error
			got, err = tx.Answers().Current(t.Context(), f.q, ev.ID, "shared_model", "documented")
			return err
		})
		if diff := cmp.Diff(second, got); diff != "" {
			t.Errorf("Current (-want Save's +got):\n%s", diff)
		}
		if n := f.count(t, `SELECT count(*) FROM answers WHERE evaluation_id = $1`, ev.ID); n != 1 {
			t.Errorf("answer rows: got %d, want 1", n)
		}
	})

	t.Run("a third save is version 3", func(t *testing.T) {
		if third := f.save(t, f.q, ev.ID, f.answer(t, ref, `"no"`, "")); third.Version != 3 {
			t.Errorf("Version: got %d, want 3", third.Version)
		}
	})

	t.Run("an unknown evaluation is not found and stores nothing", func(t *testing.T) {
		err := f.store.Update(t.Context(), func(tx app.Tx) error {
			_, err := tx.Answers().Save(t.Context(), 987654, in, assess.Answer{}, tester)
			return err
		})
		wantErr(t, "Save(evaluation 987654)", err, assess.ErrNotFound)
		if n := f.count(t, `SELECT count(*) FROM answers WHERE evaluation_id <> $1`, ev.ID); n != 0 {
			t.Errorf("other answer rows: got %d, want 0", n)
		}
	})
}

func TestAnswerHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p)
	ada := f.createUser(t, "ada@example.com", "Ada Lovelace")
	evidence := assess.EvidenceInput{URL: "https://acme.example/malware", EffectiveDate: "2025-01-02"}
	yes := f.answer(t, "abuse_cases.malware", `"yes"`, "Scanned on upload.", evidence)
	partial := f.answer(t, "abuse_cases.malware", `"partial"`, "Only some files.")
	restored := yes
	restored.Note = "restored version 1"

	f.update(t, func(tx app.Tx) error {
		ctx := t.Context()
		v1, err := tx.Answers().Save(ctx, ev.ID, yes, assess.Answer{Question: "abuse_cases", Element: "malware"}, actorOf(ada))
		if err != nil {
			return err
		}
		v2, err := tx.Answers().Save(ctx, ev.ID, partial, v1, tester)
		if err != nil {
			return err
		}
		v3, err := tx.Answers().Save(ctx, ev.ID, restored, v2, tester)
		if err == nil && v3.Note != restored.Note {
			t.Errorf("Save's Note: got %q, want %q", v3.Note, restored.Note)
		}
		return err
	})
	revs := f.history(t, f.q, ev.ID, "abuse_cases", "malware")
	want := []assess.Revision{
		{Version: 3, OldValue: partial.Value, NewValue: yes.Value, Explanation: yes.Explanation, Evidence: yes.Evidence,
			Actor: tester.Name, Note: "restored version 1", By: assess.AnsweredBy{Name: tester.Name}},
		{Version: 2, OldValue: yes.Value, NewValue: partial.Value, Explanation: partial.Explanation, Actor: tester.Name,
			By: assess.AnsweredBy{Name: tester.Name}},
		{Version: 1, NewValue: yes.Value, Explanation: yes.Explanation, Evidence: yes.Evidence, Actor: ada.Name,
			By: assess.AnsweredBy{Name: ada.Name, UserID: ada.ID}},
	}
	if diff := cmp.Diff(want, revs, cmpopts.IgnoreFields(assess.Revision{}, "At"), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("History, newest first (-want +got):\n%s", diff)
	}
	for _, r := range revs {
		if r.At.IsZero() {
			t.Errorf("revision %d: At is zero", r.Version)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM answer_revisions WHERE user_id = $1`, ada.ID); n != 1 {
		t.Errorf("revisions recorded for Ada's account: got %d, want 1", n)
	}
	if got := f.history(t, f.q, ev.ID, "abuse_cases", "abuse_reporting"); len(got) != 0 {
		t.Errorf("History of an element never saved: got %d revisions, want none", len(got))
	}
	err := f.store.Read(t.Context(), func(tx app.Tx) error {
		_, err := tx.Answers().History(t.Context(), f.q, ev.ID, "abuse_cases", "phishing")
		return err
	})
	wantErr(t, "History of an element the questionnaire does not have", err, assess.ErrNotFound)
}

// custom is a questionnaire with choice and text elements and no split.
const custom = `{"key": "custom", "version": 1, "title": "Custom", "questions": [{"key": "q", "title": "Q", "elements": [
	{"key": "pick", "label": "Pick", "type": "choice", "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B", "credit": 0}]},
	{"key": "note", "label": "Note", "type": "text"},
	{"key": "done", "label": "Done", "type": "status", "weight": 2.5}]}]}`

func parse(t *testing.T, definition string) *assess.Questionnaire {
	t.Helper()
	q, err := assess.ParseQuestionnaire([]byte(definition))
	if err != nil {
		t.Fatalf("ParseQuestionnaire: got error %v, want a questionnaire", err)
	}
	return q
}

func TestSaveAnswerRoundTripsEveryType(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.IaaS)
	other := parse(t, custom)
	f.publish(t, other)

	for _, tc := range []struct {
		name, ref, value string
		q                *assess.Questionnaire
	}{
		{"status yes", "abuse_cases.malware", `"yes"`, f.q},
		{"status not_applicable", "abuse_cases.abuse_reporting", `"not_applicable"`, f.q},
		{"matrix with every layer", "shared_model.matrix", `{"physical":"provider","hypervisor":"provider","network":"shared",
			"os":"customer","application":"customer","user_activity":"customer","user_permissions":"customer",
			"privileged_actions":"not_applicable"}`, f.q},
		{"matrix with some layers", "shared_model.matrix", `{"network":"shared","os":"customer"}`, f.q},
		{"multi with several options", "assessments.certifications", `["soc2_type2","iso27017","other"]`, f.q},
		{"multi with none", "assessments.certifications", `[]`, f.q},
		{"number with a fraction", "monitoring.log_retention_days", `400.25`, f.q},
		{"number zero", "incident_response.notification_hours", `0`, f.q},
		{"date", "assessments.last_independent_audit", `"2025-01-31"`, f.q},
		{"date on a leap day", "assessments.last_penetration_test", `"2024-02-29"`, f.q},
		{"choice", "q.pick", `"b"`, other},
		{"text", "q.note", `"Ünïcode ✓ and\nlines"`, other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var id int64
			f.update(t, func(tx app.Tx) error {
				var err error
				id, err = tx.Evaluations().Create(t.Context(), draftOf(p, tc.q), tester)
				return err
			})
			in := newAnswer(t, tc.q, tc.ref, tc.value, "Why: "+tc.name+" — ünïcode ✓")
			saved := f.save(t, tc.q, id, in)
			if diff := cmp.Diff(in.Value, saved.Value); diff != "" {
				t.Errorf("Save's value (-want +got):\n%s", diff)
			}
			var got map[string]assess.Answer
			f.read(t, func(tx app.Tx) error {
				var err error
				got, err = tx.Answers().All(t.Context(), tc.q, id)
				return err
			})
			if diff := cmp.Diff(in, answerIn(t, got, tc.ref), sameContent); diff != "" {
				t.Errorf("All's answer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSaveAnswerNullClearsTheValue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p)
	const ref = "shared_model.contractual"
	f.save(t, f.q, ev.ID, f.answer(t, ref, `"yes"`, "Clause 12 of the terms.",
		assess.EvidenceInput{URL: "https://acme.example/terms", EffectiveDate: "2025-01-01"}))
	cleared := f.save(t, f.q, ev.ID, f.answer(t, ref, `null`, "Clause 12 of the terms."))
	got := answerIn(t, f.answers(t, ev.ID), ref)
	if cleared.Answered() || got.Answered() {
		t.Errorf("Answered: got %v saved and %v stored, want false", cleared.Answered(), got.Answered())
	}
	if got.Explanation != "Clause 12 of the terms." || got.Version != 2 || len(got.Evidence) != 0 {
		t.Errorf("stored: got explanation %q, version %d, %d evidence links; want the explanation, 2, none", got.Explanation, got.Version, len(got.Evidence))
	}
	revs := f.history(t, f.q, ev.ID, "shared_model", "contractual")
	if len(revs) != 2 || revs[0].NewValue.IsSet() || !revs[0].OldValue.IsSet() {
		t.Errorf("history: got %+v, want the clearing on top, from yes to nothing", revs)
	}
}

func TestAnswersOfSeveralEvaluations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	other := parse(t, custom)
	f.publish(t, other)
	a := f.createEvaluation(t, p)
	f.save(t, f.q, a.ID, f.answer(t, "abuse_cases.malware", `"yes"`, ""))
	f.save(t, f.q, a.ID, f.answer(t, "shared_model.matrix", `{"network":"shared"}`, ""))
	var b, empty assess.Evaluation
	f.update(t, func(tx app.Tx) error {
		ctx := t.Context()
		id, err := tx.Evaluations().Create(ctx, draftOf(p, other), tester)
		if err != nil {
			return err
		}
		if b, err = tx.Evaluations().Find(ctx, id, false); err != nil {
			return err
		}
		if _, err := saveIn(t, tx, other, id, newAnswer(t, other, "q.pick", `"a"`, "")); err != nil {
			return err
		}
		id, err = tx.Evaluations().Create(ctx, draftOf(p, f.q), tester)
		if err != nil {
			return err
		}
		empty, err = tx.Evaluations().Find(ctx, id, false)
		return err
	})
	var asked []string
	find := func(key string, version int) (*assess.Questionnaire, error) {
		asked = append(asked, key)
		switch key {
		case f.q.Key:
			return f.q, nil
		case other.Key:
			return other, nil
		}
		return nil, assess.ErrNotFound
	}
	var got map[int64]map[string]assess.Answer
	f.read(t, func(tx app.Tx) error {
		var err error
		got, err = tx.Answers().Of(t.Context(), []assess.Evaluation{a, b, empty}, find)
		return err
	})
	if len(got) != 3 || len(got[a.ID]) != 2 || len(got[b.ID]) != 1 || got[empty.ID] == nil || len(got[empty.ID]) != 0 {
		t.Fatalf("answers by evaluation: got %v, want 2, 1 and an empty map", got)
	}
	if diff := cmp.Diff(f.answers(t, a.ID), got[a.ID]); diff != "" {
		t.Errorf("answers of evaluation %d (-want All +got):\n%s", a.ID, diff)
	}
	if v := got[b.ID]["q.pick"].Value; v.Type != assess.TypeChoice || v.Choice != "a" {
		t.Errorf("q.pick of evaluation %d: got %+v, want choice a", b.ID, v)
	}
	if len(asked) != 3 {
		t.Errorf("questionnaires asked for: got %v, want one per answer", asked)
	}
	var none map[int64]map[string]assess.Answer
	f.read(t, func(tx app.Tx) error {
		var err error
		none, err = tx.Answers().Of(t.Context(), nil, find)
		return err
	})
	if len(none) != 0 {
		t.Errorf("Of(no evaluations): got %v, want none", none)
	}
}

// Stored values are JSON as the API writes them, so that tools reading the database see the
// same shapes.
func TestAnswerValuesAreStoredAsTheirJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	ev := f.createEvaluation(t, p)
	a := f.answer(t, "assessments.last_independent_audit", `"2025-01-31"`, "")
	f.save(t, f.q, ev.ID, a)
	var stored []byte
	if err := f.pool.QueryRow(t.Context(), `SELECT value FROM answers WHERE evaluation_id = $1`, ev.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(stored, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`"2025-01-31"`), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored value (-want +got):\n%s", diff)
	}
}
