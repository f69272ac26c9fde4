package postgres_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
)

// today is the day every test scores on. It is fixed, so that date credits do not drift with
// the calendar; every date a test answers with is on or before it.
var today = assess.Date{Year: 2025, Month: time.June, Day: 15}

// fixture is a Store on a fresh migrated database, the pool under it (to check rows directly)
// and the default questionnaire.
type fixture struct {
	store *postgres.Store
	pool  *pgxpool.Pool
	q     *assess.Questionnaire
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	qs, err := assess.Questionnaires()
	if err != nil {
		t.Fatalf("assess.Questionnaires(): got error %v, want the built-in questionnaires", err)
	}
	q, err := qs.Find(assess.DefaultKey, 1)
	if err != nil {
		t.Fatalf("Find(%q, 1): got error %v, want the default questionnaire", assess.DefaultKey, err)
	}
	pool := postgrestest.Pool(t)
	return fixture{store: postgres.New(pool, qs), pool: pool, q: q}
}

// count runs a SELECT count(*) query the test wrote.
func (f fixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(t.Context(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: got error %v, want a count", sql, err)
	}
	return n
}

func (f fixture) createProvider(t *testing.T, name string, model assess.ServiceModel) assess.Provider {
	t.Helper()
	p, err := f.store.CreateProvider(t.Context(), assess.Provider{Name: name, ServiceModel: model}, tester)
	if err != nil {
		t.Fatalf("CreateProvider(%q): got error %v, want a stored provider", name, err)
	}
	return p
}

func (f fixture) createEvaluation(t *testing.T, providerID int64) assess.Evaluation {
	t.Helper()
	ev, err := f.store.CreateEvaluation(t.Context(), providerID, f.q, today, tester)
	if err != nil {
		t.Fatalf("CreateEvaluation(provider %d): got error %v, want an evaluation", providerID, err)
	}
	return ev
}

func (f fixture) findEvaluation(t *testing.T, id int64) assess.Evaluation {
	t.Helper()
	ev, err := f.store.FindEvaluation(t.Context(), id)
	if err != nil {
		t.Fatalf("FindEvaluation(%d): got error %v, want the evaluation", id, err)
	}
	return ev
}

// answer builds a checked answer to the element ref ("question.element") of the default
// questionnaire from JSON, the way the server does.
func (f fixture) answer(t *testing.T, ref, value, explanation string, evidence ...assess.EvidenceInput) assess.Answer {
	t.Helper()
	return newAnswer(t, f.q, ref, value, explanation, evidence...)
}

func newAnswer(t *testing.T, q *assess.Questionnaire, ref, value, explanation string, evidence ...assess.EvidenceInput) assess.Answer {
	t.Helper()
	question, element, ok := strings.Cut(ref, ".")
	if !ok {
		t.Fatalf("element reference %q: want question.element", ref)
	}
	a, err := q.NewAnswer(question, element, assess.AnswerInput{
		Value: json.RawMessage(value), Explanation: explanation, Evidence: evidence,
	}, today)
	if err != nil {
		t.Fatalf("NewAnswer(%s, %s): got error %v, want a valid answer", ref, value, err)
	}
	return a
}

func (f fixture) save(t *testing.T, evaluationID int64, a assess.Answer) (assess.Answer, assess.Score) {
	t.Helper()
	saved, score, err := f.store.SaveAnswer(t.Context(), evaluationID, a, today, tester)
	if err != nil {
		t.Fatalf("SaveAnswer(evaluation %d, %s): got error %v, want the answer saved", evaluationID, a.Ref(), err)
	}
	return saved, score
}

// storedScore compares a score as stored beside an evaluation: the per-element trail is
// computed on demand and not stored.
var storedScore = cmpopts.IgnoreFields(assess.QuestionScore{}, "Elements")

// sameContent compares what a person entered in an answer, not the bookkeeping the Store adds.
var sameContent = cmp.Options{
	cmpopts.IgnoreFields(assess.Answer{}, "Version", "CreatedAt", "UpdatedAt"),
	cmpopts.EquateEmpty(),
}

// wantErr fails unless err matches target with errors.Is.
func wantErr(t *testing.T, doing string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want errors.Is(err, %v)", doing, err, target)
	}
}

// names lists the providers of a page in order.
func names(page assess.ProviderPage) []string {
	out := make([]string, 0, len(page.Providers))
	for _, p := range page.Providers {
		out = append(out, p.Name)
	}
	return out
}

// tester is who the store's tests act as: no account, so the audit log names "store test".
var tester = auth.Actor{Name: "store test", Via: "cli"}
