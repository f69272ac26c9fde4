package postgres

import (
	"context"
	"iter"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
)

// ProviderListings streams every provider with its newest evaluation's stored score, by name,
// without holding them all in memory. Call RefreshScores first for today's scores. Breaking out
// of the loop closes the query.
func (s *Store) ProviderListings(ctx context.Context) iter.Seq2[assess.ProviderListing, error] {
	return func(yield func(assess.ProviderListing, error) bool) {
		rows, err := s.pool.Query(ctx, `
			SELECT `+providerColumns+`, `+listingEvaluationColumns+`
			FROM providers AS p
			LEFT JOIN evaluations AS e ON e.id = p.latest_evaluation_id
			ORDER BY p.name_key, p.id`)
		if err != nil {
			yield(assess.ProviderListing{}, translate(err, "export providers"))
			return
		}
		defer rows.Close()
		scan := pgx.RowToStructByName[listingRow]
		for rows.Next() {
			r, err := scan(rows)
			var l assess.ProviderListing
			if err == nil {
				l, err = r.listing()
			}
			if err != nil {
				yield(assess.ProviderListing{}, translate(err, "export providers"))
				return
			}
			if !yield(l, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(assess.ProviderListing{}, translate(err, "export providers"))
		}
	}
}
