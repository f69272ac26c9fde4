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

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/questionnaires"
)

// today is the day every test scores on. It is fixed, so that date credits do not drift with
// the calendar; every date a test answers with is on or before it.
var today = assess.Date{Year: 2025, Month: time.June, Day: 15}

// tester is who the tests act as: no account, so revisions name "store test".
var tester = auth.Actor{Name: "store test", Via: "cli"}

// fixture is a Store on a fresh migrated database holding the default questionnaire, the pool
// under it (to check rows directly) and that questionnaire.
type fixture struct {
	store *postgres.Store
	pool  *pgxpool.Pool
	q     *assess.Questionnaire
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	q, err := questionnaires.Default()
	if err != nil {
		t.Fatalf("questionnaires.Default(): got error %v, want the default questionnaire", err)
	}
	pool := postgrestest.Pool(t)
	f := fixture{store: postgres.New(pool), pool: pool, q: q}
	f.publish(t, q)
	return f
}

// update runs fn in one read-write transaction and fails the test on an error.
func (f fixture) update(t *testing.T, fn func(tx app.Tx) error) {
	t.Helper()
	if err := f.store.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: got error %v, want none", err)
	}
}

// read runs fn in one read-only transaction and fails the test on an error.
func (f fixture) read(t *testing.T, fn func(tx app.Tx) error) {
	t.Helper()
	if err := f.store.Read(t.Context(), fn); err != nil {
		t.Fatalf("Read: got error %v, want none", err)
	}
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

func (f fixture) publish(t *testing.T, q *assess.Questionnaire) {
	t.Helper()
	f.update(t, func(tx app.Tx) error {
		_, err := tx.Questionnaires().Publish(t.Context(), q)
		return err
	})
}

func (f fixture) createProvider(t *testing.T, name string, model assess.ServiceModel) assess.Provider {
	t.Helper()
	var p assess.Provider
	f.update(t, func(tx app.Tx) error {
		var err error
		p, err = tx.Providers().Create(t.Context(), assess.Provider{Name: name, ServiceModel: model})
		return err
	})
	return p
}

func (f fixture) findProvider(t *testing.T, id int64) assess.Provider {
	t.Helper()
	var p assess.Provider
	f.read(t, func(tx app.Tx) error {
		var err error
		p, err = tx.Providers().Find(t.Context(), id, false)
		return err
	})
	return p
}

// draftOf is a new draft of p on q as app starts one.
func draftOf(p assess.Provider, q *assess.Questionnaire) assess.Evaluation {
	return assess.Evaluation{
		ProviderID: p.ID, ProviderName: p.Name, Offering: p.Offering, ServiceModel: p.ServiceModel,
		QuestionnaireKey: q.Key, QuestionnaireVersion: q.Version, Status: assess.EvaluationDraft,
	}
}

// createEvaluation starts a draft of p on the default questionnaire, without recording it on
// the provider, and returns it as stored.
func (f fixture) createEvaluation(t *testing.T, p assess.Provider) assess.Evaluation {
	t.Helper()
	var id int64
	f.update(t, func(tx app.Tx) error {
		var err error
		id, err = tx.Evaluations().Create(t.Context(), draftOf(p, f.q), tester)
		return err
	})
	return f.find(t, id)
}

// find returns an evaluation's head as stored.
func (f fixture) find(t *testing.T, id int64) assess.Evaluation {
	t.Helper()
	var ev assess.Evaluation
	f.read(t, func(tx app.Tx) error {
		var err error
		ev, err = tx.Evaluations().Find(t.Context(), id, false)
		return err
	})
	return ev
}

// answers returns an evaluation's stored answers, decoded against the default questionnaire.
func (f fixture) answers(t *testing.T, id int64) map[string]assess.Answer {
	t.Helper()
	var out map[string]assess.Answer
	f.read(t, func(tx app.Tx) error {
		var err error
		out, err = tx.Answers().All(t.Context(), f.q, id)
		return err
	})
	return out
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

// save stores a over the current answer to its element, under the evaluation's row lock, as
// app does, and returns it as stored.
func (f fixture) save(t *testing.T, q *assess.Questionnaire, evaluationID int64, a assess.Answer) assess.Answer {
	t.Helper()
	var saved assess.Answer
	err := f.store.Update(t.Context(), func(tx app.Tx) error {
		var err error
		saved, err = saveIn(t, tx, q, evaluationID, a)
		return err
	})
	if err != nil {
		t.Fatalf("save %s to evaluation %d: got error %v, want it saved", a.Ref(), evaluationID, err)
	}
	return saved
}

func saveIn(t *testing.T, tx app.Tx, q *assess.Questionnaire, evaluationID int64, a assess.Answer) (assess.Answer, error) {
	if _, err := tx.Evaluations().Find(t.Context(), evaluationID, true); err != nil {
		return assess.Answer{}, err
	}
	current, err := tx.Answers().Current(t.Context(), q, evaluationID, a.Question, a.Element)
	if err != nil {
		return assess.Answer{}, err
	}
	return tx.Answers().Save(t.Context(), evaluationID, a, current, tester)
}

// evaluate starts an evaluation of p, answers the given elements "yes", stores its score as of
// today and, when completed, completes it at at; then records on p which of its evaluations
// represent it, as app does.
func (f fixture) evaluate(t *testing.T, p assess.Provider, status assess.EvaluationStatus, at time.Time, yes ...string) assess.Evaluation {
	t.Helper()
	ev := f.createEvaluation(t, p)
	for _, ref := range yes {
		f.save(t, f.q, ev.ID, f.answer(t, ref, `"yes"`, ""))
	}
	f.update(t, func(tx app.Tx) error {
		ctx := t.Context()
		all, err := tx.Answers().All(ctx, f.q, ev.ID)
		if err != nil {
			return err
		}
		if err := tx.Evaluations().StoreScore(ctx, ev.ID, assess.ScoreEvaluation(f.q, all, today), true); err != nil {
			return err
		}
		if status == assess.EvaluationCompleted {
			if err := tx.Evaluations().SetStatus(ctx, ev.ID, status, tester, at); err != nil {
				return err
			}
		}
		return representIn(t, tx, p.ID)
	})
	return f.find(t, ev.ID)
}

// representIn records on a provider the evaluations assess.Represent picks among its own.
func representIn(t *testing.T, tx app.Tx, providerID int64) error {
	evs, err := tx.Evaluations().OfProvider(t.Context(), providerID)
	if err != nil {
		return err
	}
	current, draft := assess.Represent(evs)
	return tx.Providers().Represent(t.Context(), providerID, current, draft)
}

// abuse is the abuse_cases question's elements: each "yes" adds 5 to the overall score (one
// question of five, each element a quarter of it).
var abuse = []string{"abuse_cases.app_vulnerabilities", "abuse_cases.malware", "abuse_cases.privilege_abuse", "abuse_cases.abuse_reporting"}

// storedScore compares a score as stored beside an evaluation: the per-element trail is
// computed on demand and not stored.
var storedScore = cmpopts.IgnoreFields(assess.QuestionScore{}, "Elements")

// sameContent compares what a person entered in an answer, not the bookkeeping the store adds.
var sameContent = cmp.Options{
	cmpopts.IgnoreFields(assess.Answer{}, "Version", "CreatedAt", "UpdatedAt", "Base", "Note", "Review", "Thread", "By"),
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
