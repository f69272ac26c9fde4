package postgres

import (
	"context"
	"iter"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
)

// All streams every provider that is not archived with the evaluations that represent it, by name, without holding
// them all in memory. The query holds the transaction's connection until the loop ends: the
// loop's body must not use the transaction. Breaking out of the loop closes the query.
func (r providers) All(ctx context.Context) iter.Seq2[assess.ProviderListing, error] {
	return func(yield func(assess.ProviderListing, error) bool) {
		rows, err := r.q.Query(ctx, `SELECT `+listingColumns+` FROM providers AS p `+listingJoins+`
			WHERE `+notArchived+` ORDER BY p.name_key, p.id`)
		if err != nil {
			yield(assess.ProviderListing{}, translate(err, "read every provider"))
			return
		}
		defer rows.Close()
		scan := pgx.RowToStructByName[listingRow]
		for rows.Next() {
			row, err := scan(rows)
			var l assess.ProviderListing
			if err == nil {
				l, err = row.listing()
			}
			if err != nil {
				rows.Close()
				yield(assess.ProviderListing{}, translate(err, "read every provider"))
				return
			}
			if !yield(l, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(assess.ProviderListing{}, translate(err, "read every provider"))
		}
	}
}
