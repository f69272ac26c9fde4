// Package demo fills a Shareline database with made-up providers and evaluations: realistic,
// varied (every answer type, deviations, evidence, every tier and stage of progress, drafts and
// completed evaluations) and the same for the same seed. It writes with COPY in one transaction, so that 100,000 providers load
// in well under two minutes and a failure leaves nothing behind.
package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres"
)

// MaxProviders bounds one load.
const MaxProviders = 10_000_000

// chunkSize is how many providers are drawn and written at a time: enough for COPY to stream,
// few enough to keep memory flat.
const chunkSize = 2000

// ErrNotEmpty means the database already has providers and Options.Append was not set.
var ErrNotEmpty = errors.New("demo: the database already has providers")

// Options say what to load.
type Options struct {
	Providers int         // how many providers to add
	Seed      int64       // the same seed gives the same data
	Today     assess.Date // the day scores are computed on and no date lies after; zero means today
	Append    bool        // add to a database that already has providers
	Log       io.Writer   // progress lines; nil discards them
}

// Stats say what a load wrote and how long it took.
type Stats struct {
	Providers   int
	Evaluations int
	Answers     int
	Duration    time.Duration
}

// Generate adds opt.Providers providers, their evaluations and answers to the database, on
// questionnaire q, which must be stored already (the server stores the built-in ones at
// start-up). Evaluations follow the lifecycle: some are completed, their scores frozen as of
// the day they were completed; drafts are scored as of opt.Today. Scores are computed with
// assess.ScoreEvaluation and stored as the store stores them, and each provider records its
// current evaluation and its draft. It refuses a database that already has providers unless
// opt.Append is set.
func Generate(ctx context.Context, pool *pgxpool.Pool, q *assess.Questionnaire, opt Options) (Stats, error) {
	start := time.Now()
	if opt.Providers < 1 || opt.Providers > MaxProviders {
		return Stats{}, fmt.Errorf("demo: providers %d: want 1 to %d", opt.Providers, MaxProviders)
	}
	if q == nil {
		return Stats{}, errors.New("demo: no questionnaire")
	}
	if opt.Today.IsZero() {
		opt.Today = assess.DateOf(time.Now())
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	q, err := stored(ctx, pool, q)
	if err != nil {
		return Stats{}, err
	}
	var stats Stats
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		stats, err = load(ctx, tx, q, opt)
		return err
	})
	if err != nil {
		return Stats{}, err
	}
	fmt.Fprintf(opt.Log, "demo: committed after %s\n", time.Since(start).Round(time.Millisecond))
	// Fresh statistics and visibility maps, as after any bulk load, so that the first queries
	// plan on the real sizes.
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) providers, evaluations, answers`); err != nil {
		return Stats{}, fmt.Errorf("demo: vacuum after the load: %w", err)
	}
	stats.Duration = time.Since(start)
	fmt.Fprintf(opt.Log, "demo: vacuumed and analysed after %s\n", stats.Duration.Round(time.Millisecond))
	return stats, nil
}

// stored returns q as the database stores it: evaluations may only pin a stored version, whose
// definition never changes, and the answers drawn must read back against it.
func stored(ctx context.Context, pool *pgxpool.Pool, q *assess.Questionnaire) (*assess.Questionnaire, error) {
	var out *assess.Questionnaire
	err := postgres.New(pool).Read(ctx, func(tx app.Tx) error {
		var err error
		out, err = tx.Questionnaires().Find(ctx, q.Key, q.Version)
		return err
	})
	if assess.IsNotFound(err) {
		return nil, fmt.Errorf("demo: questionnaire %s v%d is not stored: start the server once, which stores the built-in questionnaires", q.Key, q.Version)
	}
	if err != nil {
		return nil, fmt.Errorf("demo: questionnaire %s v%d: %w", q.Key, q.Version, err)
	}
	want, errWant := json.Marshal(q)
	got, errGot := json.Marshal(out)
	if err := errors.Join(errWant, errGot); err != nil {
		return nil, fmt.Errorf("demo: questionnaire %s v%d: %w", q.Key, q.Version, err)
	}
	if !bytes.Equal(want, got) {
		return nil, fmt.Errorf("demo: questionnaire %s v%d is stored with another definition", q.Key, q.Version)
	}
	return out, nil
}

// load writes everything inside tx.
func load(ctx context.Context, tx pgx.Tx, q *assess.Questionnaire, opt Options) (Stats, error) {
	// Writers wait until the load commits; readers carry on.
	if _, err := tx.Exec(ctx, `LOCK TABLE providers, evaluations, answers IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return Stats{}, fmt.Errorf("demo: lock tables: %w", err)
	}
	existing, err := existingNames(ctx, tx)
	if err != nil {
		return Stats{}, err
	}
	if len(existing) > 0 && !opt.Append {
		return Stats{}, fmt.Errorf("%w (%d): add --append to add more", ErrNotEmpty, len(existing)/2)
	}
	g := &generator{
		rng:   rand.New(rand.NewPCG(uint64(opt.Seed), 0x5ea11e)),
		q:     q,
		today: opt.Today,
		names: newNamer(existing),
	}
	if g.nextProvider, err = nextID(ctx, tx, "providers"); err != nil {
		return Stats{}, err
	}
	if g.nextEvaluation, err = nextID(ctx, tx, "evaluations"); err != nil {
		return Stats{}, err
	}
	firstProvider := g.nextProvider
	stats, err := stream(ctx, tx, g, opt)
	if err != nil {
		return Stats{}, err
	}
	return stats, finish(ctx, tx, firstProvider, opt, stats)
}

// stream draws chunks in one goroutine while this one copies them, so that drawing and writing
// overlap.
func stream(ctx context.Context, tx pgx.Tx, g *generator, opt Options) (Stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan chunk, 2)
	errc := make(chan error, 1)
	go func() {
		defer close(chunks)
		for left := opt.Providers; left > 0; left -= chunkSize {
			c, err := g.chunk(min(left, chunkSize))
			if err != nil {
				errc <- err
				return
			}
			select {
			case chunks <- c:
			case <-ctx.Done():
				return
			}
		}
	}()
	var stats Stats
	for c := range chunks {
		if err := copyChunk(ctx, tx, c); err != nil {
			return Stats{}, err
		}
		stats.Providers += len(c.providers)
		stats.Evaluations += len(c.evaluations)
		stats.Answers += len(c.answers)
		fmt.Fprintf(opt.Log, "demo: %d of %d providers written\n", stats.Providers, opt.Providers)
	}
	select {
	case err := <-errc:
		return Stats{}, err
	default:
	}
	return stats, nil
}

func copyChunk(ctx context.Context, tx pgx.Tx, c chunk) error {
	for _, part := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"providers", providerColumns, c.providers},
		{"evaluations", evaluationColumns, c.evaluations},
		{"answers", answerColumns, c.answers},
	} {
		if len(part.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{part.table}, part.columns, pgx.CopyFromRows(part.rows)); err != nil {
			return fmt.Errorf("demo: copy %s: %w", part.table, err)
		}
	}
	return nil
}

// finish records on each new provider the evaluations that represent it (its latest completed
// one, with its score unless it is not assessed, and its draft), moves the id sequences past
// the ids the load chose, and records the load in the audit log.
func finish(ctx context.Context, tx pgx.Tx, firstProvider int64, opt Options, stats Stats) error {
	_, err := tx.Exec(ctx, `
		UPDATE providers AS p
		SET current_evaluation_id = r.current_id, draft_evaluation_id = r.draft_id, current_score = r.current_score
		FROM (
			SELECT provider_id,
				(array_agg(id ORDER BY completed_at DESC, id DESC) FILTER (WHERE status = 'completed'))[1] AS current_id,
				(array_agg(CASE WHEN score_tier = 'not_assessed' THEN NULL ELSE score_overall END
					ORDER BY completed_at DESC, id DESC) FILTER (WHERE status = 'completed'))[1] AS current_score,
				max(id) FILTER (WHERE status = 'draft') AS draft_id
			FROM evaluations WHERE provider_id >= $1 GROUP BY provider_id) AS r
		WHERE p.id = r.provider_id`, firstProvider)
	if err != nil {
		return fmt.Errorf("demo: record current evaluations and drafts: %w", err)
	}
	for _, table := range []string{"providers", "evaluations"} {
		_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), max(id)) FROM `+table+` HAVING max(id) IS NOT NULL`, table)
		if err != nil {
			return fmt.Errorf("demo: move the %s id sequence: %w", table, err)
		}
	}
	summary := fmt.Sprintf("loaded demo data (seed %d): %d providers, %d evaluations, %d answers",
		opt.Seed, stats.Providers, stats.Evaluations, stats.Answers)
	e := auth.Actor{Name: "demo data", Via: "cli"}.Entry(auth.ActionProviderAdded, summary)
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor, remote_addr, action, summary) VALUES ($1, $2, $3, $4)`,
		e.Actor, e.RemoteAddr, e.Action, e.Summary)
	if err != nil {
		return fmt.Errorf("demo: audit entry: %w", err)
	}
	return nil
}

// existingNames reads the names already taken, each as typed and as the database folds it.
func existingNames(ctx context.Context, tx pgx.Tx) ([]string, error) {
	var names []string
	var name, folded string
	rows, _ := tx.Query(ctx, `SELECT name, lower(name) FROM providers`)
	_, err := pgx.ForEachRow(rows, []any{&name, &folded}, func() error {
		names = append(names, name, folded)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("demo: read provider names: %w", err)
	}
	return names, nil
}

// nextID is the first id past both the table's rows and its identity sequence.
func nextID(ctx context.Context, tx pgx.Tx, table string) (int64, error) {
	var last int64
	err := tx.QueryRow(ctx, `SELECT greatest(
			(SELECT coalesce(max(id), 0) FROM `+table+`),
			coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0))`, table).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("demo: next %s id: %w", table, err)
	}
	return last + 1, nil
}
