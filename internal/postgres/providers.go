package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

type providerRow struct {
	ID           int64     `db:"id"`
	Name         string    `db:"name"`
	Offering     string    `db:"offering"`
	ServiceModel string    `db:"service_model"`
	Website      string    `db:"website"`
	Notes        string    `db:"notes"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

func (r providerRow) provider() assess.Provider {
	return assess.Provider{
		ID: r.ID, Name: r.Name, Offering: r.Offering, ServiceModel: assess.ServiceModel(r.ServiceModel),
		Website: r.Website, Notes: r.Notes, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

const providerColumns = `p.id, p.name, p.offering, p.service_model, p.website, p.notes, p.created_at, p.updated_at`

// CreateProvider stores a new provider and returns it with its id. A name already taken, in any
// case, is a conflict. The audit log records who added it, in the same transaction.
func (s *Store) CreateProvider(ctx context.Context, p assess.Provider, by auth.Actor) (assess.Provider, error) {
	return s.writeProvider(ctx, `
		INSERT INTO providers AS p (name, offering, service_model, website, notes)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING `+providerColumns, by.Entry(auth.ActionProviderAdded, "added provider "+p.Name),
		p.Name, p.Offering, p.ServiceModel, p.Website, p.Notes)
}

// UpdateProvider replaces a provider's fields, recording who changed them.
func (s *Store) UpdateProvider(ctx context.Context, p assess.Provider, by auth.Actor) (assess.Provider, error) {
	return s.writeProvider(ctx, `
		UPDATE providers AS p
		SET name = $2, offering = $3, service_model = $4, website = $5, notes = $6, updated_at = now()
		WHERE p.id = $1
		RETURNING `+providerColumns, by.Entry(auth.ActionProviderEdited, "edited provider "+p.Name),
		p.ID, p.Name, p.Offering, p.ServiceModel, p.Website, p.Notes)
}

// writeProvider runs an insert or update of one provider and its audit entry in one transaction.
func (s *Store) writeProvider(ctx context.Context, sql string, entry auth.AuditEntry, args ...any) (assess.Provider, error) {
	var out assess.Provider
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, sql, args...)
		row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[providerRow])
		if err != nil {
			return err
		}
		out = row.provider()
		entry.ProviderID = out.ID
		return insertAudit(ctx, tx, entry)
	})
	if err = translate(err, "save provider"); errors.Is(err, assess.ErrConflict) {
		return out, assess.ErrNameTaken // the only unique key a provider has
	}
	return out, err
}

// FindProvider returns one provider.
func (s *Store) FindProvider(ctx context.Context, id int64) (assess.Provider, error) {
	return findProvider(ctx, s.pool, id, false)
}

func findProvider(ctx context.Context, q querier, id int64, forUpdate bool) (assess.Provider, error) {
	sql := `SELECT ` + providerColumns + ` FROM providers AS p WHERE p.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	rows, _ := q.Query(ctx, sql, id)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[providerRow])
	if err != nil {
		return assess.Provider{}, translate(err, "find provider")
	}
	return row.provider(), nil
}

// listingRow is a provider joined to its newest evaluation, whose columns are null when it has
// none.
type listingRow struct {
	providerRow
	EvalID                   *int64     `db:"eval_id"`
	EvalQuestionnaireKey     *string    `db:"eval_questionnaire_key"`
	EvalQuestionnaireVersion *int       `db:"eval_questionnaire_version"`
	EvalOverall              *float64   `db:"eval_overall"`
	EvalTier                 *string    `db:"eval_tier"`
	EvalProgress             *float64   `db:"eval_progress"`
	EvalEvidenced            *float64   `db:"eval_evidenced"`
	EvalAsOf                 *time.Time `db:"eval_as_of"`
	EvalScoringVersion       *int       `db:"eval_scoring_version"`
	EvalQuestions            []byte     `db:"eval_questions"`
	EvalStatus               *string    `db:"eval_status"`
	EvalCreatedAt            *time.Time `db:"eval_created_at"`
	EvalUpdatedAt            *time.Time `db:"eval_updated_at"`
}

const listingEvaluationColumns = `e.id AS eval_id, e.questionnaire_key AS eval_questionnaire_key,
	e.questionnaire_version AS eval_questionnaire_version, e.score_overall AS eval_overall,
	e.score_tier AS eval_tier, e.score_progress AS eval_progress, e.score_evidenced AS eval_evidenced,
	e.score_as_of AS eval_as_of, e.scoring_version AS eval_scoring_version, e.score_questions AS eval_questions, e.status AS eval_status,
	e.created_at AS eval_created_at, e.updated_at AS eval_updated_at`

// evaluation is the newest evaluation's head with its stored score, or nil when the provider
// has none.
func (r listingRow) evaluation() (*assess.Evaluation, error) {
	if r.EvalID == nil {
		return nil, nil
	}
	ev, err := evaluationRow{
		ID: *r.EvalID, ProviderID: r.ID,
		QuestionnaireKey: *r.EvalQuestionnaireKey, QuestionnaireVersion: *r.EvalQuestionnaireVersion,
		ScoreOverall: *r.EvalOverall, ScoreTier: *r.EvalTier, ScoreProgress: *r.EvalProgress,
		ScoreEvidenced: *r.EvalEvidenced, ScoreQuestions: r.EvalQuestions, ScoreAsOf: *r.EvalAsOf,
		ScoringVersion: *r.EvalScoringVersion, CreatedAt: *r.EvalCreatedAt, UpdatedAt: *r.EvalUpdatedAt,
		Status: *r.EvalStatus,
	}.evaluation()
	return &ev, err
}

// listing turns a joined row into a provider with its newest evaluation.
func (r listingRow) listing() (assess.ProviderListing, error) {
	ev, err := r.evaluation()
	return assess.ProviderListing{Provider: r.provider(), Latest: ev}, err
}

// ListProviders returns one page of providers, each with its newest evaluation's score as of
// today: the stored one, recomputed first if it was stored on an earlier day. The order by score
// is the stored scores' order, which the daily refresh keeps current.
func (s *Store) ListProviders(ctx context.Context, q assess.ProviderQuery, today assess.Date) (assess.ProviderPage, error) {
	if err := q.Check(); err != nil {
		return assess.ProviderPage{}, err
	}
	order := `p.name_key, p.id`
	if q.Sort == assess.SortByScore {
		order = `p.latest_score DESC NULLS LAST, p.name_key, p.id`
	}
	// The search is added only when there is one, so that the planner can use the trigram index
	// for it and the ordering indexes without it. The page and the count go in one round trip.
	where, args := "", []any{q.Limit, q.Offset}
	if q.Search != "" {
		where, args = `WHERE p.name ILIKE $3`, append(args, "%"+likeEscape(q.Search)+"%")
	}
	batch := &pgx.Batch{}
	// The page's ids come first, from an index alone; only those rows are then read and joined.
	batch.Queue(`SELECT `+providerColumns+`, `+listingEvaluationColumns+`
		FROM (SELECT p.id FROM providers AS p `+where+` ORDER BY `+order+` LIMIT $1 OFFSET $2) AS page
		JOIN providers AS p ON p.id = page.id
		LEFT JOIN evaluations AS e ON e.id = p.latest_evaluation_id
		ORDER BY `+order, args...)
	batch.Queue(`SELECT count(*) FROM providers AS p `+strings.Replace(where, "$3", "$1", 1), args[2:]...)
	results := s.pool.SendBatch(ctx, batch)
	defer results.Close()
	rows, _ := results.Query()
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[listingRow])
	if err != nil {
		return assess.ProviderPage{}, translate(err, "list providers")
	}
	page := assess.ProviderPage{Providers: make([]assess.ProviderListing, 0, len(list))}
	if err := results.QueryRow().Scan(&page.Total); err != nil {
		return assess.ProviderPage{}, translate(err, "count providers")
	}
	if err := results.Close(); err != nil {
		return assess.ProviderPage{}, translate(err, "list providers")
	}
	latest := make([]*assess.Evaluation, 0, len(list))
	for _, r := range list {
		l, err := r.listing()
		if err != nil {
			return assess.ProviderPage{}, err
		}
		page.Providers = append(page.Providers, l)
	}
	for i := range page.Providers {
		latest = append(latest, page.Providers[i].Latest)
	}
	if err := s.freshen(ctx, latest, today); err != nil {
		return assess.ProviderPage{}, err
	}
	return page, nil
}

// likeEscape makes a search term match itself literally inside ILIKE.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
