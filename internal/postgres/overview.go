package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
)

// Overview counts the portfolio (the providers not archived) by status and tier in one pass,
// counts the archived ones, and lists the latest drafts and changes (limit of each), in one
// round trip.
func (r providers) Overview(ctx context.Context, limit int) (assess.Overview, error) {
	batch := &pgx.Batch{}
	batch.Queue(`SELECT count(*),
			count(*) FILTER (WHERE p.current_evaluation_id IS NOT NULL),
			count(*) FILTER (WHERE p.draft_evaluation_id IS NOT NULL),
			count(*) FILTER (WHERE p.current_evaluation_id IS NULL AND p.draft_evaluation_id IS NULL),
			count(*) FILTER (WHERE c.score_tier = 'strong'),
			count(*) FILTER (WHERE c.score_tier = 'adequate'),
			count(*) FILTER (WHERE c.score_tier = 'weak'),
			count(*) FILTER (WHERE c.score_tier = 'poor')
		FROM providers AS p LEFT JOIN evaluations AS c ON c.id = p.current_evaluation_id
		WHERE ` + notArchived)
	batch.Queue(`SELECT count(*) FROM providers AS p WHERE ` + archived)
	batch.Queue(`SELECT `+pageColumns+` FROM providers AS p `+listingJoins+`
		WHERE p.draft_evaluation_id IS NOT NULL AND `+notArchived+` ORDER BY d.updated_at DESC, p.id DESC LIMIT $1`, limit)
	batch.Queue(`SELECT `+pageColumns+` FROM providers AS p `+listingJoins+`
		WHERE (c.id IS NOT NULL OR d.id IS NOT NULL) AND `+notArchived+`
		ORDER BY greatest(c.updated_at, d.updated_at) DESC, p.id DESC LIMIT $1`, limit)
	results := r.q.SendBatch(ctx, batch)
	defer results.Close()
	o := assess.Overview{ByTier: map[assess.Tier]int{}}
	var strong, adequate, weak, poor int
	if err := results.QueryRow().Scan(&o.Total, &o.Completed, &o.Drafting, &o.NeverEvaluated, &strong, &adequate, &weak, &poor); err != nil {
		return assess.Overview{}, translate(err, "count the portfolio")
	}
	if err := results.QueryRow().Scan(&o.Archived); err != nil {
		return assess.Overview{}, translate(err, "count the archived providers")
	}
	o.ByTier[assess.Strong], o.ByTier[assess.Adequate], o.ByTier[assess.Weak], o.ByTier[assess.Poor] = strong, adequate, weak, poor
	o.ByTier[assess.NotAssessed] = o.Total - strong - adequate - weak - poor
	for _, list := range []*[]assess.ProviderListing{&o.Drafts, &o.Recent} {
		rows, _ := results.Query()
		found, err := pgx.CollectRows(rows, pgx.RowToStructByName[listingRow])
		if err != nil {
			return assess.Overview{}, translate(err, "list the latest evaluations")
		}
		for _, row := range found {
			l, err := row.listing()
			if err != nil {
				return assess.Overview{}, err
			}
			*list = append(*list, l)
		}
	}
	return o, results.Close()
}
