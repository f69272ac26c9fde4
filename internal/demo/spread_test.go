package demo_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/postgres"
)

// spread counts what a data set holds, to check that it exercises every kind of answer.
type spread struct {
	types       map[assess.AnswerType]bool
	statuses    map[assess.Status]bool
	tiers       map[assess.Tier]bool
	credits     map[string]map[float64]bool // number and date elements: the credits their answers earn
	otherOnly   bool                        // a multi answer with only partial-credit options
	noneChosen  bool                        // a multi answer with no option
	deviations  bool
	evidence    bool
	explained   bool
	progress0   bool
	progress100 bool
}

func newSpread() *spread {
	return &spread{
		types: map[assess.AnswerType]bool{}, statuses: map[assess.Status]bool{},
		tiers: map[assess.Tier]bool{}, credits: map[string]map[float64]bool{},
	}
}

// readBack reads an evaluation and its answers through the store.
func readBack(t *testing.T, store *postgres.Store, q *assess.Questionnaire, id int64) assess.Evaluation {
	t.Helper()
	var ev assess.Evaluation
	err := store.Read(t.Context(), func(tx app.Tx) error {
		var err error
		if ev, err = tx.Evaluations().Find(t.Context(), id, false); err != nil {
			return err
		}
		ev.Answers, err = tx.Answers().All(t.Context(), q, id)
		return err
	})
	if err != nil {
		t.Fatalf("read evaluation %d: %v", id, err)
	}
	return ev
}

func TestGeneratedEvaluationsReadBackWithTheirScores(t *testing.T) {
	t.Parallel()
	pool, stats := generate(t, 200, 1)
	q := questionnaire(t)
	store := postgres.New(pool)
	rows, _ := pool.Query(t.Context(), `SELECT id FROM evaluations ORDER BY id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != stats.Evaluations {
		t.Fatalf("evaluations: got %d rows, want %d", len(ids), stats.Evaluations)
	}
	s := newSpread()
	statuses := map[assess.EvaluationStatus]int{}
	for _, id := range ids {
		ev := readBack(t, store, q, id)
		statuses[ev.Status]++
		// A draft is scored as of today; a completed evaluation as of the day it was completed.
		day := ev.ScoreDay(today)
		if ev.Status == assess.EvaluationCompleted && (ev.CompletedAt.IsZero() || assess.DateOf(ev.CompletedAt) != ev.Score.AsOf) {
			t.Errorf("evaluation %d: completed at %v, scored as of %v; want scored on the day it was completed", id, ev.CompletedAt, ev.Score.AsOf)
		}
		if ev.NeedsRescore(today) {
			t.Errorf("evaluation %d: stored score needs rescoring today (as of %v, rules %d)", id, ev.Score.AsOf, ev.Score.ScoringVersion)
		}
		want := assess.ScoreEvaluation(q, ev.Answers, day)
		if diff := cmp.Diff(want, ev.Score, questionScores); diff != "" {
			t.Errorf("evaluation %d: stored score differs from ScoreEvaluation over its answers (-want +got):\n%s", id, diff)
		}
		s.tiers[ev.Score.Tier] = true
		s.progress0 = s.progress0 || ev.Score.Progress == 0
		s.progress100 = s.progress100 || ev.Score.Progress == 100
		s.deviations = s.deviations || len(assess.Deviations(q, ev.ServiceModel, ev.Answers)) > 0
		for _, a := range ev.Answers {
			s.add(t, q, a, day)
		}
	}
	if statuses[assess.EvaluationDraft] == 0 || statuses[assess.EvaluationCompleted] == 0 {
		t.Errorf("statuses: got %v, want drafts and completed evaluations", statuses)
	}
	s.check(t)
	checkEvaluationCounts(t, pool)
	checkRepresentation(t, pool)
}

// add records one answer, and checks that none of its dates lies after day, the day its
// evaluation is scored on.
func (s *spread) add(t *testing.T, q *assess.Questionnaire, a assess.Answer, day assess.Date) {
	t.Helper()
	_, el, _ := q.Element(a.Question, a.Element)
	s.types[a.Value.Type] = true
	s.explained = s.explained || a.Explanation != ""
	switch a.Value.Type {
	case assess.TypeStatus:
		s.statuses[a.Value.Status] = true
	case assess.TypeMulti:
		credit := assess.ElementCredit(el, a.Value, day)
		s.otherOnly = s.otherOnly || (len(a.Value.Multi) > 0 && credit == 0.5)
		s.noneChosen = s.noneChosen || len(a.Value.Multi) == 0
	case assess.TypeNumber, assess.TypeDate:
		if s.credits[a.Ref()] == nil {
			s.credits[a.Ref()] = map[float64]bool{}
		}
		s.credits[a.Ref()][assess.ElementCredit(el, a.Value, day)] = true
	}
	if a.Value.Type == assess.TypeDate && (a.Value.Date.After(day) || day.DaysSince(a.Value.Date) > 3*366) {
		t.Errorf("answer %s: date %s, want within the three years up to %s", a.Ref(), a.Value.Date, day)
	}
	for _, e := range a.Evidence {
		s.evidence = true
		if e.EffectiveDate.IsZero() || e.EffectiveDate.After(day) {
			t.Errorf("answer %s: evidence effective on %q, want a day on or before %s", a.Ref(), e.EffectiveDate, day)
		}
	}
}

func (s *spread) check(t *testing.T) {
	t.Helper()
	for _, typ := range []assess.AnswerType{assess.TypeStatus, assess.TypeMatrix, assess.TypeMulti, assess.TypeNumber, assess.TypeDate} {
		if !s.types[typ] {
			t.Errorf("answers of type %s: got none, want some", typ)
		}
	}
	for _, st := range assess.Statuses {
		if !s.statuses[st] {
			t.Errorf("status answers %q: got none, want some", st)
		}
	}
	for _, tier := range []assess.Tier{assess.Strong, assess.Adequate, assess.Weak, assess.Poor} {
		if !s.tiers[tier] {
			t.Errorf("evaluations in tier %s: got none, want some", tier)
		}
	}
	for _, ref := range []string{"monitoring.log_retention_days", "incident_response.notification_hours", "assessments.last_independent_audit"} {
		if len(s.credits[ref]) != 3 {
			t.Errorf("%s: answers earn credits %v, want 0, 0.5 and 1 (every band)", ref, s.credits[ref])
		}
	}
	for what, ok := range map[string]bool{
		"certifications with only other": s.otherOnly, "certifications with none": s.noneChosen,
		"a deviation from the reference split": s.deviations, "evidence": s.evidence,
		"an explanation": s.explained, "progress 0%": s.progress0, "progress 100%": s.progress100,
	} {
		if !ok {
			t.Errorf("%s: got none, want some", what)
		}
	}
}

// checkEvaluationCounts checks that some providers have no evaluation and some two, and that
// the evaluations follow the lifecycle: at most one draft per provider, every completed one
// answered and completed after its answers, a reassessment after the evaluation it reassesses.
func checkEvaluationCounts(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	perProvider := `SELECT count(*) FROM (SELECT p.id FROM providers AS p
		LEFT JOIN evaluations AS e ON e.provider_id = p.id GROUP BY p.id HAVING count(e.id) = %d) AS x`
	for _, n := range []int{0, 1, 2} {
		if got := count(t, pool, fmt.Sprintf(perProvider, n)); got == 0 {
			t.Errorf("providers with %d evaluations: got none, want some", n)
		}
	}
	for what, sql := range map[string]string{
		"providers with two drafts": `SELECT count(*) FROM (SELECT provider_id FROM evaluations WHERE status = 'draft'
			GROUP BY provider_id HAVING count(*) > 1) AS x`,
		"completed evaluations without an answer": `SELECT count(*) FROM evaluations AS e
			WHERE e.status = 'completed' AND NOT EXISTS (SELECT 1 FROM answers AS a WHERE a.evaluation_id = e.id)`,
		"answers saved after their evaluation was completed": `SELECT count(*) FROM answers AS a
			JOIN evaluations AS e ON e.id = a.evaluation_id WHERE a.updated_at > e.completed_at`,
		"completed evaluations without a completion time, or drafts with one": `SELECT count(*) FROM evaluations
			WHERE (status = 'completed') <> (completed_at IS NOT NULL)`,
		"reassessments of another provider's evaluation, a draft, or a later one": `SELECT count(*) FROM evaluations AS e
			JOIN evaluations AS f ON f.id = e.reassessed_from
			WHERE f.provider_id <> e.provider_id OR f.status <> 'completed' OR f.completed_at > e.created_at`,
		"evaluations whose snapshot is not their provider": `SELECT count(*) FROM evaluations AS e JOIN providers AS p ON p.id = e.provider_id
			WHERE (e.provider_name, e.offering, e.service_model) IS DISTINCT FROM (p.name, p.offering, p.service_model)`,
	} {
		if n := count(t, pool, sql); n != 0 {
			t.Errorf("%s: got %d, want 0", what, n)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM evaluations WHERE reassessed_from IS NOT NULL`); n == 0 {
		t.Error("reassessments: got none, want some")
	}
}

// checkRepresentation checks that each provider records its latest completed evaluation (and
// its score, unless not assessed) and its draft, and that lists will show scores and drafts.
func checkRepresentation(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for what, sql := range map[string]string{
		"providers whose current evaluation is not their latest completed one": `SELECT count(*) FROM providers AS p
			WHERE p.current_evaluation_id IS DISTINCT FROM (SELECT e.id FROM evaluations AS e
				WHERE e.provider_id = p.id AND e.status = 'completed' ORDER BY e.completed_at DESC, e.id DESC LIMIT 1)`,
		"providers whose draft is not their newest draft": `SELECT count(*) FROM providers AS p
			WHERE p.draft_evaluation_id IS DISTINCT FROM (SELECT max(e.id) FROM evaluations AS e
				WHERE e.provider_id = p.id AND e.status = 'draft')`,
		"providers whose current score is not their current evaluation's": `SELECT count(*) FROM providers AS p
			LEFT JOIN evaluations AS e ON e.id = p.current_evaluation_id
			WHERE p.current_score IS DISTINCT FROM (CASE WHEN e.score_tier = 'not_assessed' THEN NULL ELSE e.score_overall END)`,
	} {
		if n := count(t, pool, sql); n != 0 {
			t.Errorf("%s: got %d, want 0", what, n)
		}
	}
	for what, sql := range map[string]string{
		"providers with a current score":           `SELECT count(*) FROM providers WHERE current_score IS NOT NULL`,
		"providers with a draft only":              `SELECT count(*) FROM providers WHERE draft_evaluation_id IS NOT NULL AND current_evaluation_id IS NULL`,
		"providers with a current one and a draft": `SELECT count(*) FROM providers WHERE draft_evaluation_id IS NOT NULL AND current_evaluation_id IS NOT NULL`,
	} {
		if n := count(t, pool, sql); n == 0 {
			t.Errorf("%s: got none, want some", what)
		}
	}
}

// questionScores drops the per-element trail, which the store does not keep.
var questionScores = cmpopts.IgnoreFields(assess.QuestionScore{}, "Elements")

// What the store writes when it stores a score must be what the load wrote, column for column,
// for a draft and for a completed evaluation.
func TestGeneratedScoresAreStoredAsTheStoreStoresThem(t *testing.T) {
	t.Parallel()
	pool, _ := generate(t, 30, 2)
	q := questionnaire(t)
	store := postgres.New(pool)
	const scoreSQL = `SELECT score_overall || ' ' || score_tier || ' ' || score_progress || ' ' || score_evidenced || ' ' ||
		score_questions::text || ' ' || score_as_of || ' ' || scoring_version || ' ' || updated_at FROM evaluations WHERE id = $1`
	for _, status := range []assess.EvaluationStatus{assess.EvaluationDraft, assess.EvaluationCompleted} {
		t.Run(string(status), func(t *testing.T) {
			var id int64
			if err := pool.QueryRow(t.Context(), `SELECT e.id FROM evaluations AS e WHERE e.status = $1
				AND EXISTS (SELECT 1 FROM answers AS a WHERE a.evaluation_id = e.id) ORDER BY e.id DESC LIMIT 1`, status).Scan(&id); err != nil {
				t.Fatal(err)
			}
			var before, after string
			if err := pool.QueryRow(t.Context(), scoreSQL, id).Scan(&before); err != nil {
				t.Fatal(err)
			}
			ev := readBack(t, store, q, id)
			err := store.Update(t.Context(), func(tx app.Tx) error {
				return tx.Evaluations().StoreScore(t.Context(), id, assess.ScoreEvaluation(q, ev.Answers, ev.ScoreDay(today)), false)
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := pool.QueryRow(t.Context(), scoreSQL, id).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if before != after {
				t.Errorf("stored score of evaluation %d:\nloaded: %s\nstore:  %s\nwant the same", id, before, after)
			}
		})
	}
}
