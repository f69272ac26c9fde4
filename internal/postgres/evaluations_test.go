package postgres_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"shareline/internal/assess"
)

func TestCreateEvaluation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	// A day other than the package's today, to tell the day passed in from any default.
	leapDay := assess.Date{Year: 2024, Month: time.February, Day: 29}
	ev, err := f.store.CreateEvaluation(t.Context(), p.ID, f.q, leapDay, tester)
	if err != nil {
		t.Fatalf("CreateEvaluation(provider %d): got error %v, want an evaluation", p.ID, err)
	}

	t.Run("pins the questionnaire key and version", func(t *testing.T) {
		if ev.ID <= 0 {
			t.Errorf("ID: got %d, want a positive id", ev.ID)
		}
		if ev.ProviderID != p.ID {
			t.Errorf("ProviderID: got %d, want %d", ev.ProviderID, p.ID)
		}
		if ev.QuestionnaireKey != "shared-responsibility" || ev.QuestionnaireVersion != 1 {
			t.Errorf("questionnaire: got %q v%d, want \"shared-responsibility\" v1", ev.QuestionnaireKey, ev.QuestionnaireVersion)
		}
		if ev.CreatedAt.IsZero() || !ev.UpdatedAt.Equal(ev.CreatedAt) {
			t.Errorf("timestamps: got created %v, updated %v; want both set and equal", ev.CreatedAt, ev.UpdatedAt)
		}
		if ev.Answers == nil || len(ev.Answers) != 0 {
			t.Errorf("Answers: got %v, want an empty map", ev.Answers)
		}
	})

	t.Run("stores a zero score as of the day passed in", func(t *testing.T) {
		s := ev.Score
		if s.Overall != 0 || s.Tier != assess.Poor || s.Progress != 0 || s.Evidenced != 0 {
			t.Errorf("score: got overall %v, tier %q, progress %v, evidenced %v; want 0, poor, 0, 0",
				s.Overall, s.Tier, s.Progress, s.Evidenced)
		}
		if s.AsOf != leapDay {
			t.Errorf("AsOf: got %v, want %v", s.AsOf, leapDay)
		}
		if s.ScoringVersion != assess.ScoringVersion {
			t.Errorf("ScoringVersion: got %d, want %d", s.ScoringVersion, assess.ScoringVersion)
		}
		want := assess.ScoreEvaluation(f.q, nil, leapDay)
		if diff := cmp.Diff(want, s, storedScore); diff != "" {
			t.Errorf("score (-want +got):\n%s", diff)
		}
	})

	t.Run("FindEvaluation returns what CreateEvaluation returned", func(t *testing.T) {
		got := f.findEvaluation(t, ev.ID)
		if diff := cmp.Diff(ev, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("FindEvaluation(%d) (-want +got):\n%s", ev.ID, diff)
		}
	})

	t.Run("each new evaluation becomes the provider's latest", func(t *testing.T) {
		latest := func() int64 {
			t.Helper()
			for _, l := range f.list(t, assess.ProviderQuery{}).Providers {
				if l.ID == p.ID && l.Latest != nil {
					return l.Latest.ID
				}
			}
			return 0
		}
		if got := latest(); got != ev.ID {
			t.Errorf("latest after the first evaluation: got %d, want %d", got, ev.ID)
		}
		second := f.createEvaluation(t, p.ID)
		if got := latest(); got != second.ID {
			t.Errorf("latest after the second evaluation: got %d, want %d", got, second.ID)
		}
	})

	t.Run("an unknown provider is not found and stores nothing", func(t *testing.T) {
		before := f.count(t, `SELECT count(*) FROM evaluations`)
		_, err := f.store.CreateEvaluation(t.Context(), 987654, f.q, today, tester)
		wantErr(t, "CreateEvaluation(provider 987654)", err, assess.ErrNotFound)
		if got := f.count(t, `SELECT count(*) FROM evaluations`); got != before {
			t.Errorf("evaluations after the refusal: got %d, want %d", got, before)
		}
	})
}

func TestCreateEvaluationRefusesAQuestionnaireTheStoreCannotRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.createProvider(t, "Acme Cloud", assess.SaaS)
	custom, err := assess.ParseQuestionnaire([]byte(`{"key": "custom", "version": 1, "title": "Custom",
		"questions": [{"key": "q", "title": "Q", "elements": [{"key": "e", "label": "E", "type": "text"}]}]}`))
	if err != nil {
		t.Fatalf("ParseQuestionnaire: got error %v, want a questionnaire", err)
	}
	ev, err := f.store.CreateEvaluation(t.Context(), p.ID, custom, today, tester)
	if err == nil {
		if _, findErr := f.store.FindEvaluation(t.Context(), ev.ID); findErr != nil {
			t.Errorf("FindEvaluation(%d) of the evaluation just created: got error %v", ev.ID, findErr)
		}
	}
	wantErr(t, `CreateEvaluation on questionnaire "custom" v1, which the Store does not have`, err, assess.ErrNotFound)
	if got := f.count(t, `SELECT count(*) FROM evaluations`); got != 0 {
		t.Errorf("evaluations stored: got %d, want 0", got)
	}
}

func TestFindEvaluation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	t.Run("an unknown id is not found", func(t *testing.T) {
		_, err := f.store.FindEvaluation(t.Context(), 987654)
		wantErr(t, "FindEvaluation(987654)", err, assess.ErrNotFound)
	})
}

func TestListEvaluations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme := f.createProvider(t, "Acme Cloud", assess.SaaS)
	other := f.createProvider(t, "Other Cloud", assess.IaaS)
	none := f.createProvider(t, "Never Evaluated", assess.PaaS)
	first := f.createEvaluation(t, acme.ID)
	f.createEvaluation(t, other.ID)
	second := f.createEvaluation(t, acme.ID)
	third := f.createEvaluation(t, acme.ID)
	// A save to an older evaluation must show in its listed score.
	f.save(t, first.ID, f.answer(t, "abuse_cases.malware", `"yes"`, ""))

	t.Run("newest first, only the provider's own", func(t *testing.T) {
		list, err := f.store.ListEvaluations(t.Context(), acme.ID, today)
		if err != nil {
			t.Fatalf("ListEvaluations(%d): got error %v, want a list", acme.ID, err)
		}
		var got []int64
		for _, ev := range list {
			got = append(got, ev.ID)
		}
		if diff := cmp.Diff([]int64{third.ID, second.ID, first.ID}, got); diff != "" {
			t.Errorf("evaluation ids (-want +got):\n%s", diff)
		}
	})

	t.Run("each with its stored score and no answers", func(t *testing.T) {
		list, err := f.store.ListEvaluations(t.Context(), acme.ID, today)
		if err != nil {
			t.Fatalf("ListEvaluations(%d): got error %v, want a list", acme.ID, err)
		}
		for _, got := range list {
			want := f.findEvaluation(t, got.ID)
			want.Answers = nil
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("evaluation %d as listed (-want FindEvaluation +got):\n%s", got.ID, diff)
			}
		}
		if n := len(list); n == 3 && list[2].Score.Overall != 5 {
			t.Errorf("oldest evaluation's listed score: got %v, want 5 (malware yes)", list[2].Score.Overall)
		}
	})

	t.Run("a provider never evaluated has an empty list", func(t *testing.T) {
		list, err := f.store.ListEvaluations(t.Context(), none.ID, today)
		if err != nil {
			t.Fatalf("ListEvaluations(%d): got error %v, want an empty list", none.ID, err)
		}
		if len(list) != 0 {
			t.Errorf("evaluations: got %d, want 0", len(list))
		}
	})
}
