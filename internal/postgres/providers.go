package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// providers is the providers table.
type providers struct{ q querier }

type providerRow struct {
	ID           int64      `db:"id"`
	Name         string     `db:"name"`
	Offering     string     `db:"offering"`
	ServiceModel string     `db:"service_model"`
	Website      string     `db:"website"`
	Notes        string     `db:"notes"`
	CreatedAt    time.Time  `db:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at"`
	ArchivedAt   *time.Time `db:"archived_at"`
	ArchivedBy   string     `db:"archived_by_name"`
}

func (r providerRow) provider() assess.Provider {
	return assess.Provider{
		ID: r.ID, Name: r.Name, Offering: r.Offering, ServiceModel: assess.ServiceModel(r.ServiceModel),
		Website: r.Website, Notes: r.Notes, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		ArchivedAt: orZero(r.ArchivedAt), ArchivedBy: r.ArchivedBy,
	}
}

// providerColumns read a provider from providers AS p; the archiver's name is looked up only
// for an archived provider, so that a page of active ones makes no lookup.
const providerColumns = `p.id, p.name, p.offering, p.service_model, p.website, p.notes, p.created_at, p.updated_at,
	p.archived_at, CASE WHEN p.archived_by IS NULL THEN '' ELSE
		coalesce((SELECT u.name FROM users AS u WHERE u.id = p.archived_by), '') END AS archived_by_name`

// notArchived and archived are the conditions that pick providers by their archived state; each
// is the predicate of partial indexes (migration 0011), which a query must repeat to use them.
const (
	notArchived = `p.archived_at IS NULL`
	archived    = `p.archived_at IS NOT NULL`
)

// Create stores a new provider and returns it with its id. A name already taken, in any case,
// is assess.ErrNameTaken.
func (r providers) Create(ctx context.Context, p assess.Provider) (assess.Provider, error) {
	return r.write(ctx, "add provider", `
		INSERT INTO providers AS p (name, offering, service_model, website, notes)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING `+providerColumns,
		p.Name, p.Offering, p.ServiceModel, p.Website, p.Notes)
}

// Update replaces a provider's fields.
func (r providers) Update(ctx context.Context, p assess.Provider) (assess.Provider, error) {
	return r.write(ctx, fmt.Sprintf("edit provider %d", p.ID), `
		UPDATE providers AS p
		SET name = $2, offering = $3, service_model = $4, website = $5, notes = $6, updated_at = now()
		WHERE p.id = $1
		RETURNING `+providerColumns,
		p.ID, p.Name, p.Offering, p.ServiceModel, p.Website, p.Notes)
}

// Archive marks a provider archived at a time, by someone; its evaluations are not touched.
func (r providers) Archive(ctx context.Context, id int64, at time.Time, by auth.Actor) (assess.Provider, error) {
	return r.write(ctx, fmt.Sprintf("archive provider %d", id), `
		UPDATE providers AS p SET archived_at = $2, archived_by = $3, updated_at = $2
		WHERE p.id = $1
		RETURNING `+providerColumns,
		id, at, nullID(by.UserID))
}

// Restore takes a provider out of the archive.
func (r providers) Restore(ctx context.Context, id int64, at time.Time) (assess.Provider, error) {
	return r.write(ctx, fmt.Sprintf("restore provider %d", id), `
		UPDATE providers AS p SET archived_at = NULL, archived_by = NULL, updated_at = $2
		WHERE p.id = $1
		RETURNING `+providerColumns,
		id, at)
}

func (r providers) write(ctx context.Context, doing, sql string, args ...any) (assess.Provider, error) {
	rows, _ := r.q.Query(ctx, sql, args...)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[providerRow])
	if err != nil {
		return assess.Provider{}, translate(err, doing)
	}
	return row.provider(), nil
}

// Find returns one provider; lock holds its row (FOR UPDATE) until the transaction ends.
func (r providers) Find(ctx context.Context, id int64, lock bool) (assess.Provider, error) {
	sql := `SELECT ` + providerColumns + ` FROM providers AS p WHERE p.id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, _ := r.q.Query(ctx, sql, id)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[providerRow])
	if err != nil {
		return assess.Provider{}, translate(err, fmt.Sprintf("find provider %d", id))
	}
	return row.provider(), nil
}

// Many returns the providers with these ids in one query; ids that name none are left out.
func (r providers) Many(ctx context.Context, ids []int64) ([]assess.Provider, error) {
	rows, _ := r.q.Query(ctx, `SELECT `+providerColumns+` FROM providers AS p WHERE p.id = ANY($1)`, ids)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[providerRow])
	if err != nil {
		return nil, translate(err, "find providers")
	}
	out := make([]assess.Provider, 0, len(list))
	for _, row := range list {
		out = append(out, row.provider())
	}
	return out, nil
}

// Represent records which evaluations speak for a provider, and keeps the current one's stored
// overall score beside it for the list's sort: NULL when there is none or it is not assessed.
func (r providers) Represent(ctx context.Context, providerID int64, current, draft *assess.Evaluation) error {
	var currentID, draftID *int64
	if current != nil {
		currentID = &current.ID
	}
	if draft != nil {
		draftID = &draft.ID
	}
	tag, err := r.q.Exec(ctx, `
		UPDATE providers SET current_evaluation_id = $2, draft_evaluation_id = $3,
			current_score = (SELECT e.score_overall FROM evaluations AS e
				WHERE e.id = $2 AND e.score_tier <> 'not_assessed')
		WHERE id = $1`, providerID, currentID, draftID)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, fmt.Sprintf("record the evaluations of provider %d", providerID))
}

// listingRow is a provider joined to its current evaluation (columns c_*) and its draft
// (columns d_*), whose columns are NULL when it has none.
type listingRow struct {
	providerRow
	currentHead
	draftHead
}

func (r listingRow) listing() (assess.ProviderListing, error) {
	l := assess.ProviderListing{Provider: r.provider()}
	var err error
	if l.Current, err = r.currentHead.evaluation(); err != nil {
		return l, err
	}
	l.Draft, err = currentHead(r.draftHead).evaluation()
	return l, err
}

// listingColumns and listingJoins read a provider's listing from providers AS p.
var (
	listingColumns = providerColumns + `, ` + headColumns("c", "c_") + `, ` + headColumns("d", "d_")
	listingJoins   = `LEFT JOIN evaluations AS c ON c.id = p.current_evaluation_id
		LEFT JOIN evaluations AS d ON d.id = p.draft_evaluation_id`
	// pageColumns are listingColumns without the heads' per-question scores, which a page of
	// providers never shows: decoding them was a fifth of the list page's time.
	pageColumns = strings.NewReplacer(
		"c.score_questions AS", "'[]'::jsonb AS", "d.score_questions AS", "'[]'::jsonb AS").Replace(listingColumns)
)

// List returns one page of providers, each with the evaluations that represent them and their
// stored scores (without per-question scores), and how many providers match in all: without a
// search or filter, the total kept in provider_total (the providers not archived); with one, a
// count of the matches. Archived providers are listed only when asked for (q.Archived), alone.
//
// A page with a key (q.After, q.Before) is read from that place in the ordering index, however
// far down it is; one without starts at q.Offset, which the index walks. A search is counted
// first, and when it matches few enough providers (searchSortLimit) its page is picked from the
// matches the trigram index finds, sorted: walking the ordering index instead, with the search
// as a filter, reads every provider before the first match (the planner's choice when the
// matches bunch together in the order, as names that share a word do). Two round trips for a
// search, one otherwise.
func (r providers) List(ctx context.Context, q assess.ProviderQuery) (assess.ProviderPage, error) {
	if err := q.Check(); err != nil {
		return assess.ProviderPage{}, err
	}
	key := listKeyColumns(q.Sort)
	order := strings.Join(key, ", ")
	// The search is added only when there is one, so that the planner can use the trigram index
	// for it and the ordering indexes without it.
	where, args := listFilter(q, 3)
	args = append([]any{q.Limit, q.Offset}, args...)
	pick := order
	if k, cmp := q.After, ">"; k != nil || q.Before != nil {
		if k == nil {
			k, cmp = q.Before, "<"
			pick = strings.Join(key, " DESC, ") + " DESC"
		}
		values := []any{k.Name, k.ID}
		if q.Sort == assess.SortByScore {
			values = append([]any{k.Score}, values...)
		}
		params := make([]string, len(values))
		for i, v := range values {
			args = append(args, v)
			params[i] = fmt.Sprintf("$%d", len(args))
		}
		where += ` AND (` + order + `) ` + cmp + ` (` + strings.Join(params, ", ") + `)`
		args[1] = 0
	}
	var page assess.ProviderPage
	batch := &pgx.Batch{}
	countWhere, countArgs := listFilter(q, 1)
	count := `SELECT count(*) FROM providers AS p ` + countWhere
	with, from := ``, `providers AS p `+where
	if q.Search != "" {
		if err := r.q.QueryRow(ctx, count, countArgs...).Scan(&page.Total); err != nil {
			return assess.ProviderPage{}, translate(err, "count providers")
		}
		if page.Total <= searchSortLimit {
			// Materialized, so that the planner cannot walk the ordering index for the LIMIT (a
			// subquery with OFFSET 0 had the same plan and took 7 times as long).
			with = `WITH m AS MATERIALIZED (SELECT p.id, p.name_key, p.score_order FROM providers AS p ` + where + `) `
			from = `m AS p`
		}
	}
	// The page's ids come first, from an index alone; only those rows are then read and joined.
	var list []pageRow
	batch.Queue(with+`SELECT `+pageColumns+`, p.name_key AS key_name, p.score_order AS key_score
		FROM (SELECT p.id FROM `+from+` ORDER BY `+pick+` LIMIT $1 OFFSET $2) AS page
		JOIN providers AS p ON p.id = page.id
		`+listingJoins+`
		ORDER BY `+order, args...).Query(func(rows pgx.Rows) (err error) {
		list, err = pgx.CollectRows(rows, pgx.RowToStructByName[pageRow])
		return err
	})
	total := func(row pgx.Row) error { return row.Scan(&page.Total) }
	switch {
	case !q.Filtered():
		// Kept exact by triggers in the same transaction as every insert, delete, archive and
		// restore (migrations 0007, 0011): one row, however many providers there are.
		batch.Queue(`SELECT providers FROM provider_total`).QueryRow(total)
	case q.Search == "":
		batch.Queue(count, countArgs...).QueryRow(total)
	}
	if err := r.q.SendBatch(ctx, batch).Close(); err != nil {
		return assess.ProviderPage{}, translate(err, "list providers")
	}
	page.Providers = make([]assess.ProviderListing, 0, len(list))
	for _, row := range list {
		l, err := row.listing()
		if err != nil {
			return assess.ProviderPage{}, err
		}
		page.Providers = append(page.Providers, l)
	}
	if n := len(list); n > 0 {
		page.First, page.Last = list[0].key(), list[n-1].key()
	}
	return page, nil
}

// searchSortLimit is the most matches of a search whose page is picked by sorting them all
// (a few milliseconds at this many); a search that matches more is dense enough in the order
// for the ordering index, walked with the search as a filter, to find a page soon.
const searchSortLimit = 5000

// listKeyColumns are the columns a list sorted by sort is ordered by, all ascending: its key
// (assess.ListKey), and the columns of its ordering index (migration 0021).
func listKeyColumns(sort assess.ProviderSort) []string {
	if sort == assess.SortByScore {
		return []string{"p.score_order", "p.name_key", "p.id"}
	}
	return []string{"p.name_key", "p.id"}
}

// pageRow is a listing with the key it sorts by.
type pageRow struct {
	listingRow
	KeyName  string  `db:"key_name"`
	KeyScore float64 `db:"key_score"`
}

func (r pageRow) key() assess.ListKey {
	return assess.ListKey{Score: r.KeyScore, Name: r.KeyName, ID: r.providerRow.ID}
}

// listFilter is the WHERE clause of a provider query's search and filters, its parameters
// numbered from first. It always picks the providers by their archived state, which is the
// predicate of the partial ordering indexes; without a search or filter that is all it says, so
// that the planner reads a page's ids from those indexes alone.
func listFilter(q assess.ProviderQuery, first int) (where string, args []any) {
	conds := []string{notArchived}
	if q.Archived {
		conds[0] = archived
	}
	param := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", first+len(args)-1)
	}
	if q.Search != "" {
		conds = append(conds, `p.name ILIKE `+param("%"+likeEscape(q.Search)+"%"))
	}
	if q.Model != "" {
		conds = append(conds, `p.service_model = `+param(string(q.Model)))
	}
	switch q.Status {
	case assess.StatusCompleted:
		conds = append(conds, `p.current_evaluation_id IS NOT NULL`)
	case assess.StatusDrafting:
		conds = append(conds, `p.draft_evaluation_id IS NOT NULL`)
	case assess.StatusNever:
		conds = append(conds, `p.current_evaluation_id IS NULL AND p.draft_evaluation_id IS NULL`)
	}
	if q.Tier != "" {
		conds = append(conds, `coalesce((SELECT c.score_tier FROM evaluations AS c WHERE c.id = p.current_evaluation_id), 'not_assessed') = `+param(string(q.Tier)))
	}
	if q.Questionnaire != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM evaluations AS e WHERE e.id IN (p.current_evaluation_id, p.draft_evaluation_id) AND e.questionnaire_key = `+param(q.Questionnaire)+`)`)
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// likeEscape makes a search term match itself literally inside ILIKE.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
