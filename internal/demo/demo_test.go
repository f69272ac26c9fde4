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

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/demo"
	"shareline/internal/postgres"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/questionnaires"
)

// today is fixed so that date credits do not drift with the calendar.
var today = assess.Date{Year: 2025, Month: time.June, Day: 15}

// questionnaire is the default built-in questionnaire, which the demo data answers.
func questionnaire(t *testing.T) *assess.Questionnaire {
	t.Helper()
	q, err := questionnaires.Default()
	if err != nil {
		t.Fatalf("questionnaires.Default(): %v", err)
	}
	return q
}

// seededPool is a fresh database holding the built-in questionnaires, as after start-up.
func seededPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := postgrestest.Pool(t)
	builtin, err := questionnaires.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.New(postgres.New(pool), nil).SeedQuestionnaires(t.Context(), builtin); err != nil {
		t.Fatalf("seed the built-in questionnaires: %v", err)
	}
	return pool
}

// generate loads n providers into a fresh database and returns its pool.
func generate(t *testing.T, n int, seed int64) (*pgxpool.Pool, demo.Stats) {
	t.Helper()
	pool := seededPool(t)
	stats, err := demo.Generate(t.Context(), pool, questionnaire(t), demo.Options{Providers: n, Seed: seed, Today: today})
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
	scoresSQL = `SELECT id || ' ' || provider_id || ' ' || status || ' ' || coalesce(completed_at::text, '-') || ' ' ||
		score_overall || ' ' || score_tier || ' ' || score_as_of || ' ' || score_questions::text FROM evaluations ORDER BY id`
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
	q := questionnaire(t)
	_, err := demo.Generate(t.Context(), pool, q, demo.Options{Providers: 10, Seed: 5, Today: today})
	if !errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("Generate on a filled database: got %v, want ErrNotEmpty", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM providers`); n != 100 {
		t.Fatalf("providers after a refused load: got %d, want 100", n)
	}
	// The same seed again draws the same names: appending must number them to keep them unique.
	stats, err := demo.Generate(t.Context(), pool, q, demo.Options{Providers: 100, Seed: 5, Today: today, Append: true})
	if err != nil || stats.Providers != 100 {
		t.Fatalf("Generate with Append: got %+v, %v; want 100 more providers", stats, err)
	}
	if n := count(t, pool, `SELECT count(DISTINCT lower(name)) FROM providers`); n != 200 {
		t.Errorf("distinct names after appending: got %d, want 200", n)
	}
	checkRepresentation(t, pool)
}

func TestGenerateLeavesNothingWhenItFails(t *testing.T) {
	t.Parallel()
	pool := seededPool(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Progress is logged after each batch is written: cancel after the first.
	_, err := demo.Generate(ctx, pool, questionnaire(t), demo.Options{
		Providers: 6000, Seed: 1, Today: today, Log: cancelWriter(cancel),
	})
	if err == nil {
		t.Fatal("Generate cancelled half way: got no error")
	}
	for _, sql := range []string{
		`SELECT count(*) FROM providers`, `SELECT count(*) FROM evaluations`, `SELECT count(*) FROM answers`,
		`SELECT count(*) FROM audit_log WHERE summary LIKE 'loaded demo data%'`,
	} {
		if n := count(t, pool, sql); n != 0 {
			t.Errorf("%s after a failed load: got %d, want 0", sql, n)
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
		if _, err := demo.Generate(t.Context(), nil, questionnaire(t), demo.Options{Providers: n}); err == nil {
			t.Errorf("Generate(%d providers): got no error, want a refusal", n)
		}
	}
	if _, err := demo.Generate(t.Context(), nil, nil, demo.Options{Providers: 1}); err == nil {
		t.Error("Generate(no questionnaire): got no error, want a refusal")
	}
}

func TestGenerateRefusesAQuestionnaireThatIsNotStored(t *testing.T) {
	t.Parallel()
	pool := postgrestest.Pool(t) // nothing seeded
	_, err := demo.Generate(t.Context(), pool, questionnaire(t), demo.Options{Providers: 10, Seed: 1, Today: today})
	if err == nil || !strings.Contains(err.Error(), "is not stored") {
		t.Errorf("Generate on a database without the questionnaire: got %v, want it refused as not stored", err)
	}
	seeded := seededPool(t)
	other := questionnaire(t)
	other.Title = "Another title"
	_, err = demo.Generate(t.Context(), seeded, other, demo.Options{Providers: 10, Seed: 1, Today: today})
	if err == nil || !strings.Contains(err.Error(), "another definition") {
		t.Errorf("Generate on a questionnaire stored with another definition: got %v, want it refused", err)
	}
	for _, p := range []*pgxpool.Pool{pool, seeded} {
		if n := count(t, p, `SELECT count(*) FROM providers`); n != 0 {
			t.Errorf("providers after the refusal: got %d, want 0", n)
		}
	}
}
