package postgres_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"shareline/internal/assess"
	"shareline/internal/postgres/postgrestest"
)

// A date answer earns 1 while it is at most a year old: a score stored on the day of the answer
// must drop to 0.5 once RefreshScores runs a year and a day later, and not before.
func TestRefreshScoresRescoresEarlierDays(t *testing.T) {
	ctx := context.Background()
	store := postgrestest.Store(t)
	qs, err := assess.Questionnaires()
	if err != nil {
		t.Fatal(err)
	}
	q, err := qs.Find(assess.DefaultKey, 1)
	if err != nil {
		t.Fatal(err)
	}
	day := assess.Date{Year: 2026, Month: time.March, Day: 31}
	p, err := store.CreateProvider(ctx, assess.Provider{Name: "Dated Cloud", ServiceModel: assess.IaaS}, tester)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := store.CreateEvaluation(ctx, p.ID, q, day, tester)
	if err != nil {
		t.Fatal(err)
	}
	a, err := q.NewAnswer("incident_response", "ir_tested", assess.AnswerInput{Value: json.RawMessage(`"2026-03-31"`)}, day)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.SaveAnswer(ctx, ev.ID, a, day, tester); err != nil {
		t.Fatal(err)
	}
	questionScore := func() (float64, assess.Date) {
		t.Helper()
		got, err := store.FindEvaluation(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		qs, _ := got.Score.Question("incident_response")
		return qs.Score, got.Score.AsOf
	}
	if n, err := store.RefreshScores(ctx, day); err != nil || n != 0 {
		t.Fatalf("refresh on the day of the score: got %d rescored, err %v; want 0, nil", n, err)
	}
	later := assess.Date{Year: 2027, Month: time.April, Day: 1} // 366 days later
	n, err := store.RefreshScores(ctx, later)
	if err != nil || n != 1 {
		t.Fatalf("refresh a year later: got %d rescored, err %v; want 1, nil", n, err)
	}
	// incident_response has five elements of weight 1: the date's 0.5 gives 10.
	if score, asOf := questionScore(); score != 10 || asOf != later {
		t.Errorf("after refresh: got score %v as of %s, want 10 as of %s", score, asOf, later)
	}
	if n, err := store.RefreshScores(ctx, later); err != nil || n != 0 {
		t.Errorf("second refresh the same day: got %d rescored, err %v; want 0, nil", n, err)
	}
}
