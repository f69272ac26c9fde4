package app_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/questionnaires"
)

// roundTrips counts what the store sends to the server: each query and each batch is one round
// trip once its statements are prepared on the connection.
type roundTrips struct {
	mu  sync.Mutex
	n   int
	sql []string
}

func (r *roundTrips) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	r.sql = append(r.sql, d.SQL)
	return ctx
}
func (r *roundTrips) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *roundTrips) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	r.sql = append(r.sql, "(batch)")
	return ctx
}
func (r *roundTrips) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *roundTrips) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// during counts the round trips f makes.
func (r *roundTrips) during(f func()) (int, []string) {
	r.mu.Lock()
	r.n, r.sql = 0, nil
	r.mu.Unlock()
	f()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n, r.sql
}

// tracedApp is the use cases on a fresh database through a one-connection pool whose round trips
// are counted, on a clock the test moves, with an evaluator and a draft to save answers to.
type tracedApp struct {
	uc    *app.App
	eve   app.Principal
	pool  *pgxpool.Pool
	trips *roundTrips
	now   *time.Time
	q     *assess.Questionnaire
	draft assess.Evaluation
}

func newTracedApp(t *testing.T) *tracedApp {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(postgrestest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	trips := &roundTrips{}
	cfg.ConnConfig.Tracer = trips
	cfg.MaxConns = 1 // one connection: every statement is prepared on it after its first use
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	store := postgres.New(pool)
	qs, err := questionnaires.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Update(ctx, func(tx app.Tx) error {
		for _, q := range qs {
			if _, err := tx.Questionnaires().Publish(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	now := clock
	ta := &tracedApp{uc: app.New(store, func() time.Time { return now }), pool: pool, trips: trips, now: &now}
	u, err := ta.uc.CreateUser(ctx, app.CommandLine(), app.UserInput{
		Email: "eve@example.com", Name: "Eve", Role: "evaluator", Password: "a long enough test password"})
	if err != nil {
		t.Fatal(err)
	}
	ta.eve = app.Principal{User: u, Via: "test"}
	p, err := ta.uc.CreateProvider(ctx, ta.eve, assess.ProviderInput{Name: "Acme Cloud", ServiceModel: "saas"})
	if err != nil {
		t.Fatal(err)
	}
	if ta.draft, err = ta.uc.StartEvaluation(ctx, ta.eve, p.ID, ""); err != nil {
		t.Fatal(err)
	}
	if ta.q, err = ta.uc.Questionnaire(ctx, ta.eve, assess.DefaultKey, 0); err != nil {
		t.Fatal(err)
	}
	return ta
}

func (ta *tracedApp) save(t *testing.T, id int64, ref, value string, evidence ...assess.EvidenceInput) (assess.Answer, assess.Score) {
	t.Helper()
	a, s, err := ta.uc.SaveAnswer(context.Background(), ta.eve, id, ref, assess.AnswerInput{Value: []byte(value), Evidence: evidence})
	if err != nil {
		t.Fatalf("SaveAnswer %s = %s: %v", ref, value, err)
	}
	return a, s
}

// checkStoredScore compares the score stored beside an evaluation, and want (what a save
// returned), with the score of every answer read back and scored afresh.
func (ta *tracedApp) checkStoredScore(t *testing.T, id int64, want assess.Score) {
	t.Helper()
	v, err := ta.uc.Evaluation(context.Background(), ta.eve, id)
	if err != nil {
		t.Fatal(err)
	}
	fresh := assess.ScoreEvaluation(v.Questionnaire, v.Evaluation.Answers, assess.DateOf(*ta.now))
	opts := cmp.Options{cmpopts.IgnoreFields(assess.QuestionScore{}, "Elements"), cmpopts.EquateApprox(0, 1e-9)}
	if diff := cmp.Diff(fresh, v.Evaluation.Score, opts); diff != "" {
		t.Errorf("stored score vs every answer scored afresh (-fresh +stored):\n%s", diff)
	}
	if diff := cmp.Diff(fresh, want, opts); diff != "" {
		t.Errorf("score the save returned vs every answer scored afresh (-fresh +returned):\n%s", diff)
	}
}

// A save is two round trips: BEGIN with the lock and the reads, then the writes with COMMIT.
// So is one that changes nothing, and one refused for a stale version.
func TestSaveAnswerIsTwoRoundTrips(t *testing.T) {
	ta := newTracedApp(t)
	ctx := context.Background()
	id := ta.draft.ID
	ta.save(t, id, "abuse_cases.malware", `"yes"`) // prepares the statements on the connection
	ta.save(t, id, "abuse_cases.malware", `"no"`)
	ta.save(t, id, "abuse_cases.malware", `"no"`)
	n, sql := ta.trips.during(func() { ta.save(t, id, "abuse_cases.malware", `"partial"`) })
	if n != 2 {
		t.Errorf("round trips of a save: got %d, want 2:\n%q", n, sql)
	}
	n, sql = ta.trips.during(func() { ta.save(t, id, "abuse_cases.malware", `"partial"`) })
	if n != 2 {
		t.Errorf("round trips of a save that changes nothing: got %d, want 2:\n%q", n, sql)
	}
	stale := 1
	n, sql = ta.trips.during(func() {
		_, _, err := ta.uc.SaveAnswer(ctx, ta.eve, id, "abuse_cases.malware", assess.AnswerInput{Value: []byte(`"yes"`), BaseVersion: &stale})
		var conflict *assess.VersionConflict
		if !errors.As(err, &conflict) {
			t.Errorf("save on version 1 of version 3: got %v, want a VersionConflict", err)
		}
	})
	if n != 2 {
		t.Errorf("round trips of a refused save: got %d, want 2:\n%q", n, sql)
	}
}

// Saves rescore from the scored answers kept beside the evaluation and the changed one: after
// every kind of change the stored score is the score of every answer read back. Dates are
// scored on the day of the save, not the day they were kept.
func TestSavesRescoreFromKeptAnswersAsEveryAnswerWould(t *testing.T) {
	ta := newTracedApp(t)
	ctx := context.Background()
	id := ta.draft.ID
	proof := assess.EvidenceInput{URL: "https://example.com/soc2.pdf", EffectiveDate: "2026-01-31"}
	steps := []struct{ ref, value string }{
		{"abuse_cases.malware", `"yes"`},
		{"shared_model.matrix", `{"network":"shared","physical":"provider"}`},
		{"assessments.last_independent_audit", `"2026-03-01"`},
		{"abuse_cases.privilege_abuse", `"partial"`},
		{"abuse_cases.malware", `null`}, // cleared
		{"assessments.certifications", `["soc2_type2","iso27001"]`},
	}
	for _, s := range steps {
		_, score := ta.save(t, id, s.ref, s.value)
		ta.checkStoredScore(t, id, score)
	}
	_, score := ta.save(t, id, "abuse_cases.app_vulnerabilities", `"yes"`, proof) // evidence
	ta.checkStoredScore(t, id, score)
	_, score = ta.save(t, id, "abuse_cases.app_vulnerabilities", `"yes"`) // evidence removed
	ta.checkStoredScore(t, id, score)

	// 400 days on, the audit date earns half; a save of another element must see it.
	*ta.now = clock.AddDate(0, 0, 400)
	_, score = ta.save(t, id, "abuse_cases.privilege_abuse", `"yes"`)
	ta.checkStoredScore(t, id, score)
	audit, _ := score.Element("assessments", "last_independent_audit")
	if audit.Credit != 0.5 {
		t.Errorf("audit of 2026-03-01 scored on %s: got credit %v, want 0.5", assess.DateOf(*ta.now), audit.Credit)
	}

	// A restore is a save too.
	if _, err := ta.uc.RestoreRevision(ctx, ta.eve, id, "abuse_cases.malware", 1, 2); err != nil {
		t.Fatalf("RestoreRevision: %v", err)
	}
	v, _ := ta.uc.Evaluation(ctx, ta.eve, id)
	ta.checkStoredScore(t, id, v.Evaluation.Score)
}

// An evaluation without kept scored answers (loaded in bulk, or stored before they were kept)
// is rescored from every answer on its first save, which keeps them: the next save is two
// round trips again.
func TestSaveWithoutKeptAnswersReadsThemOnceAndKeepsThem(t *testing.T) {
	ta := newTracedApp(t)
	ctx := context.Background()
	id := ta.draft.ID
	ta.save(t, id, "abuse_cases.malware", `"yes"`)
	ta.save(t, id, "abuse_cases.privilege_abuse", `"partial"`)
	if _, err := ta.pool.Exec(ctx, `UPDATE evaluations SET scored = NULL WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	var score assess.Score
	n, sql := ta.trips.during(func() { _, score = ta.save(t, id, "abuse_cases.app_vulnerabilities", `"no"`) })
	if n != 3 {
		t.Errorf("round trips of a save that reads every answer: got %d, want 3:\n%q", n, sql)
	}
	ta.checkStoredScore(t, id, score)
	n, sql = ta.trips.during(func() { _, score = ta.save(t, id, "abuse_cases.app_vulnerabilities", `"yes"`) })
	if n != 2 {
		t.Errorf("round trips of the next save: got %d, want 2:\n%q", n, sql)
	}
	ta.checkStoredScore(t, id, score)
}

// A reassessment copies answers into a new draft; its saves rescore from what was copied.
func TestSaveAfterReassessmentScoresTheCopiedAnswers(t *testing.T) {
	ta := newTracedApp(t)
	ctx := context.Background()
	ta.save(t, ta.draft.ID, "abuse_cases.malware", `"yes"`)
	ta.save(t, ta.draft.ID, "shared_model.matrix", `{"network":"shared"}`)
	if _, err := ta.uc.Complete(ctx, ta.eve, ta.draft.ID, true); err != nil {
		t.Fatal(err)
	}
	next, err := ta.uc.Reassess(ctx, ta.eve, ta.draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, score := ta.save(t, next.ID, "abuse_cases.privilege_abuse", `"partial"`)
	ta.checkStoredScore(t, next.ID, score)
	if answered, _ := score.Counts(); answered != 3 {
		t.Errorf("answered after the reassessment's first save: got %d, want 3 (two copied, one saved)", answered)
	}
}
