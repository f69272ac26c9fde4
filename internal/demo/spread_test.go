package demo_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/assess"
	"shareline/internal/auth"
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

func TestGeneratedEvaluationsReadBackWithTheirScores(t *testing.T) {
	t.Parallel()
	pool, stats := generate(t, 200, 1)
	qs := questionnaires(t)
	q, err := qs.Latest(assess.DefaultKey)
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, qs)
	rows, _ := pool.Query(t.Context(), `SELECT e.id, p.service_model FROM evaluations AS e JOIN providers AS p ON p.id = e.provider_id ORDER BY e.id`)
	type evRef struct {
		ID    int64
		Model assess.ServiceModel
	}
	evs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[evRef])
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != stats.Evaluations {
		t.Fatalf("evaluations: got %d rows, want %d", len(evs), stats.Evaluations)
	}
	s := newSpread()
	for _, ref := range evs {
		ev, err := store.FindEvaluation(t.Context(), ref.ID)
		if err != nil {
			t.Fatalf("FindEvaluation(%d): %v", ref.ID, err)
		}
		want := assess.ScoreEvaluation(q, ev.Answers, today)
		if diff := cmp.Diff(want, ev.Score, questionScores); diff != "" {
			t.Errorf("evaluation %d: stored score differs from ScoreEvaluation over its answers (-want +got):\n%s", ref.ID, diff)
		}
		s.tiers[ev.Score.Tier] = true
		s.progress0 = s.progress0 || ev.Score.Progress == 0
		s.progress100 = s.progress100 || ev.Score.Progress == 100
		s.deviations = s.deviations || len(assess.Deviations(q, ref.Model, ev.Answers)) > 0
		for _, a := range ev.Answers {
			s.add(t, q, a)
		}
	}
	s.check(t)
	checkEvaluationCounts(t, pool)
}

// add records one answer, and checks that none of its dates lies after today.
func (s *spread) add(t *testing.T, q *assess.Questionnaire, a assess.Answer) {
	t.Helper()
	_, el, _ := q.Element(a.Question, a.Element)
	s.types[a.Value.Type] = true
	s.explained = s.explained || a.Explanation != ""
	switch a.Value.Type {
	case assess.TypeStatus:
		s.statuses[a.Value.Status] = true
	case assess.TypeMulti:
		credit := assess.ElementCredit(el, a.Value, today)
		s.otherOnly = s.otherOnly || (len(a.Value.Multi) > 0 && credit == 0.5)
		s.noneChosen = s.noneChosen || len(a.Value.Multi) == 0
	case assess.TypeNumber, assess.TypeDate:
		if s.credits[a.Ref()] == nil {
			s.credits[a.Ref()] = map[float64]bool{}
		}
		s.credits[a.Ref()][assess.ElementCredit(el, a.Value, today)] = true
	}
	if a.Value.Type == assess.TypeDate && (a.Value.Date.After(today) || today.DaysSince(a.Value.Date) > 3*366) {
		t.Errorf("answer %s: date %s, want within the three years up to %s", a.Ref(), a.Value.Date, today)
	}
	for _, e := range a.Evidence {
		s.evidence = true
		if e.EffectiveDate.IsZero() || e.EffectiveDate.After(today) {
			t.Errorf("answer %s: evidence effective on %q, want a day on or before %s", a.Ref(), e.EffectiveDate, today)
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
// each provider's latest is its newest.
func checkEvaluationCounts(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	perProvider := `SELECT count(*) FROM (SELECT p.id FROM providers AS p
		LEFT JOIN evaluations AS e ON e.provider_id = p.id GROUP BY p.id HAVING count(e.id) = %d) AS x`
	for _, n := range []int{0, 1, 2} {
		if got := count(t, pool, fmt.Sprintf(perProvider, n)); got == 0 {
			t.Errorf("providers with %d evaluations: got none, want some", n)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM providers AS p WHERE latest_evaluation_id IS DISTINCT FROM
		(SELECT max(e.id) FROM evaluations AS e WHERE e.provider_id = p.id)`); n != 0 {
		t.Errorf("providers whose latest_evaluation_id is not their newest evaluation: got %d, want 0", n)
	}
	// Where the schema keeps the latest score on the provider too, it must match.
	if count(t, pool, `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'providers' AND column_name = 'latest_score'`) == 1 {
		if n := count(t, pool, `SELECT count(*) FROM providers AS p LEFT JOIN evaluations AS e ON e.id = p.latest_evaluation_id
			WHERE p.latest_score IS DISTINCT FROM e.score_overall`); n != 0 {
			t.Errorf("providers whose latest_score is not their latest evaluation's: got %d, want 0", n)
		}
	}
}

// questionScores drops the per-element trail, which the store does not keep.
var questionScores = cmpopts.IgnoreFields(assess.QuestionScore{}, "Elements")

// The store rewrites a score when an answer is saved again unchanged: what it writes must be
// what the load wrote, column for column.
func TestGeneratedScoresAreStoredAsTheStoreStoresThem(t *testing.T) {
	t.Parallel()
	pool, _ := generate(t, 30, 2)
	store := postgres.New(pool, questionnaires(t))
	const scoreSQL = `SELECT score_overall || ' ' || score_tier || ' ' || score_progress || ' ' || score_evidenced || ' ' ||
		score_questions::text || ' ' || score_as_of || ' ' || scoring_version FROM evaluations WHERE id = $1`
	var id int64
	if err := pool.QueryRow(t.Context(), `SELECT evaluation_id FROM answers ORDER BY evaluation_id DESC LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var before, after string
	if err := pool.QueryRow(t.Context(), scoreSQL, id).Scan(&before); err != nil {
		t.Fatal(err)
	}
	ev, err := store.FindEvaluation(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ev.Answers {
		if _, _, err := store.SaveAnswer(t.Context(), id, a, today, auth.Actor{Name: "test"}); err != nil {
			t.Fatalf("SaveAnswer(%s) unchanged: %v", a.Ref(), err)
		}
		break
	}
	if err := pool.QueryRow(t.Context(), scoreSQL, id).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("stored score of evaluation %d:\nloaded: %s\nstore:  %s\nwant the same", id, before, after)
	}
}
