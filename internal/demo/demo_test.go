package demo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/assess"
	"shareline/internal/demo"
	"shareline/internal/postgres/postgrestest"
)

// today is fixed so that date credits do not drift with the calendar.
var today = assess.Date{Year: 2025, Month: time.June, Day: 15}

func questionnaires(t *testing.T) *assess.Builtin {
	t.Helper()
	qs, err := assess.Questionnaires()
	if err != nil {
		t.Fatalf("assess.Questionnaires(): %v", err)
	}
	return qs
}

// generate loads n providers into a fresh database and returns its pool.
func generate(t *testing.T, n int, seed int64) (*pgxpool.Pool, demo.Stats) {
	t.Helper()
	pool := postgrestest.Pool(t)
	stats, err := demo.Generate(t.Context(), pool, questionnaires(t), demo.Options{Providers: n, Seed: seed, Today: today})
	if err != nil {
		t.Fatalf("Generate(%d providers, seed %d): got error %v, want a load", n, seed, err)
	}
	return pool, stats
}

// column reads one column of a query the test wrote, as strings.
func column(t *testing.T, pool *pgxpool.Pool, sql string) []string {
	t.Helper()
	rows, _ := pool.Query(t.Context(), sql)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}

func count(t *testing.T, pool *pgxpool.Pool, sql string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(t.Context(), sql).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

const (
	namesSQL  = `SELECT name || ' | ' || offering || ' | ' || service_model FROM providers ORDER BY id`
	scoresSQL = `SELECT id || ' ' || provider_id || ' ' || score_overall || ' ' || score_tier || ' ' || score_questions::text FROM evaluations ORDER BY id`
	valuesSQL = `SELECT evaluation_id || ' ' || question || '.' || element || ' ' || coalesce(value::text, '') || ' ' || evidence::text FROM answers ORDER BY 1`
)

func TestGenerateIsTheSameForTheSameSeed(t *testing.T) {
	t.Parallel()
	a, statsA := generate(t, 150, 7)
	b, statsB := generate(t, 150, 7)
	c, _ := generate(t, 150, 8)
	statsA.Duration, statsB.Duration = 0, 0
	if statsA != statsB {
		t.Errorf("stats for seed 7 twice: got %+v and %+v, want the same", statsA, statsB)
	}
	for _, sql := range []string{namesSQL, scoresSQL, valuesSQL} {
		if diff := cmp.Diff(column(t, a, sql), column(t, b, sql)); diff != "" {
			t.Errorf("%s, seed 7 twice (-first +second):\n%s", sql, diff)
		}
	}
	if cmp.Equal(column(t, a, namesSQL), column(t, c, namesSQL)) {
		t.Error("providers for seeds 7 and 8: got the same names, want different data")
	}
	if cmp.Equal(column(t, a, scoresSQL), column(t, c, scoresSQL)) {
		t.Error("scores for seeds 7 and 8: got the same, want different data")
	}
}

func TestGenerateWritesWhatItReports(t *testing.T) {
	t.Parallel()
	pool, stats := generate(t, 250, 3)
	got := demo.Stats{
		Providers:   count(t, pool, `SELECT count(*) FROM providers`),
		Evaluations: count(t, pool, `SELECT count(*) FROM evaluations`),
		Answers:     count(t, pool, `SELECT count(*) FROM answers`),
	}
	stats.Duration = 0
	if got != stats || got.Providers != 250 {
		t.Errorf("rows in the database: got %+v, want what Generate reported, %+v, with 250 providers", got, stats)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_log WHERE summary LIKE 'loaded demo data%'`); n != 1 {
		t.Errorf("audit entries for the load: got %d, want 1", n)
	}
	// The sequences moved past the ids the load chose: a provider added later gets a new id.
	var id int64
	if err := pool.QueryRow(t.Context(), `INSERT INTO providers (name, service_model) VALUES ('After the demo', 'saas') RETURNING id`).Scan(&id); err != nil {
		t.Fatalf("insert a provider after the load: %v", err)
	}
	if id != 251 {
		t.Errorf("id of the provider added after the load: got %d, want 251", id)
	}
}

func TestGenerateNamesAreUniqueAndVaried(t *testing.T) {
	t.Parallel()
	pool, _ := generate(t, 3000, 11)
	if n := count(t, pool, `SELECT count(*) - count(DISTINCT lower(name)) FROM providers`); n != 0 {
		t.Errorf("names taken twice, ignoring case: got %d, want 0", n)
	}
	seen := map[string]bool{}
	nonASCII, numbered := 0, 0
	for _, name := range column(t, pool, `SELECT name FROM providers`) {
		if seen[strings.ToLower(name)] {
			t.Errorf("name %q appears twice, ignoring case", name)
		}
		seen[strings.ToLower(name)] = true
		if strings.ContainsFunc(name, func(r rune) bool { return r > 127 }) {
			nonASCII++
		}
		if strings.ContainsAny(name[len(name)-1:], "0123456789") {
			numbered++
		}
	}
	if nonASCII == 0 || numbered == 0 {
		t.Errorf("names: got %d with non-ASCII letters and %d numbered to stay unique, want some of each", nonASCII, numbered)
	}
	for _, sql := range []string{
		`SELECT count(DISTINCT service_model) FROM providers`,
		`SELECT least(count(DISTINCT offering), 3) FROM providers`,
	} {
		if n := count(t, pool, sql); n != 3 {
			t.Errorf("%s: got %d, want 3", sql, n)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM providers WHERE website NOT LIKE 'https://%.example'`); n != 0 {
		t.Errorf("providers without an https://....example website: got %d, want 0", n)
	}
}

func TestGenerateRefusesAFilledDatabaseUnlessAppending(t *testing.T) {
	t.Parallel()
	pool, _ := generate(t, 100, 5)
	qs := questionnaires(t)
	_, err := demo.Generate(t.Context(), pool, qs, demo.Options{Providers: 10, Seed: 5, Today: today})
	if !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("Generate on a filled database: got %v, want ErrNotEmpty", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM providers`); n != 100 {
		t.Fatalf("providers after a refused load: got %d, want 100", n)
	}
	// The same seed again draws the same names: appending must number them to keep them unique.
	stats, err := demo.Generate(t.Context(), pool, qs, demo.Options{Providers: 100, Seed: 5, Today: today, Append: true})
	if err != nil || stats.Providers != 100 {
		t.Fatalf("Generate with Append: got %+v, %v; want 100 more providers", stats, err)
	}
	if n := count(t, pool, `SELECT count(DISTINCT lower(name)) FROM providers`); n != 200 {
		t.Errorf("distinct names after appending: got %d, want 200", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM providers AS p JOIN evaluations AS e ON e.id = p.latest_evaluation_id WHERE e.provider_id <> p.id`); n != 0 {
		t.Errorf("providers whose latest evaluation is another's: got %d, want 0", n)
	}
}

func TestGenerateLeavesNothingWhenItFails(t *testing.T) {
	t.Parallel()
	pool := postgrestest.Pool(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Progress is logged after each batch is written: cancel after the first.
	_, err := demo.Generate(ctx, pool, questionnaires(t), demo.Options{
		Providers: 6000, Seed: 1, Today: today, Log: cancelWriter(cancel),
	})
	if err == nil {
		t.Fatal("Generate cancelled half way: got no error")
	}
	for _, table := range []string{"providers", "evaluations", "answers", "audit_log"} {
		if n := count(t, pool, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s after a failed load: got %d rows, want 0", table, n)
		}
	}
}

type cancelWriter context.CancelFunc

func (c cancelWriter) Write(p []byte) (int, error) {
	c()
	return len(p), nil
}

func TestGenerateRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, -1, demo.MaxProviders + 1} {
		if _, err := demo.Generate(t.Context(), nil, questionnaires(t), demo.Options{Providers: n}); err == nil {
			t.Errorf("Generate(%d providers): got no error, want a refusal", n)
		}
	}
}
