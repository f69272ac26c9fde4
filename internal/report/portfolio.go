package report

import (
	"io"
	"iter"
	"strconv"
	"time"

	"shareline/internal/assess"
)

// PortfolioColumn is one column of the portfolio export: its key (the CSV header) and its
// title (the XLSX header).
type PortfolioColumn struct{ Key, Title string }

// PortfolioColumns lists the portfolio's columns; each question of q adds one, keyed by its
// key and titled by its title.
func PortfolioColumns(q *assess.Questionnaire) []PortfolioColumn {
	cols := []PortfolioColumn{
		{"provider_id", "Provider ID"}, {"provider", "Provider"}, {"offering", "Offering"},
		{"service_model", "Service model"}, {"evaluation_id", "Evaluation ID"}, {"score", "Score"},
		{"tier", "Tier"}, {"progress", "Progress (%)"},
	}
	for _, qu := range q.Questions {
		cols = append(cols, PortfolioColumn{qu.Key, qu.Title})
	}
	return append(cols, PortfolioColumn{"as_of", "As of"}, PortfolioColumn{"updated_at", "Last updated"})
}

// PortfolioRow is one provider of the portfolio with the stored score of its current
// evaluation (its latest completed one), figures rounded to one decimal. A provider with no
// completed evaluation is not assessed: it has its own fields and the tier "Not assessed".
type PortfolioRow struct {
	Provider     assess.Provider
	EvaluationID int64      // 0 when not assessed
	Score        *float64   // nil when not assessed
	Tier         string     // the tier's name, "Not assessed" included
	Progress     *float64   // nil when there is no completed evaluation
	Questions    []*float64 // one per question of the questionnaire; nil when it has no score
	AsOf         assess.Date
	UpdatedAt    time.Time
}

// NewPortfolioRow reads one provider listing against questionnaire q.
func NewPortfolioRow(q *assess.Questionnaire, l assess.ProviderListing) PortfolioRow {
	row := PortfolioRow{Provider: l.Provider, Tier: assess.NotAssessed.Label(), Questions: make([]*float64, len(q.Questions))}
	ev := l.Current
	if ev == nil {
		return row
	}
	s := ev.Score
	row.EvaluationID, row.Progress, row.AsOf, row.UpdatedAt = ev.ID, rounded(s.Progress), s.AsOf, ev.UpdatedAt
	if s.Assessed() {
		row.Score, row.Tier = rounded(s.Overall), s.Tier.Label()
	}
	for i, qu := range q.Questions {
		if score, _, ok := QuestionFigure(s, qu.Key); ok {
			row.Questions[i] = rounded(score)
		}
	}
	return row
}

// WritePortfolioCSV writes every provider with its current evaluation's stored score (as of
// the day in the as_of column), in the columns of PortfolioColumns: id, name, offering,
// service model, evaluation id, score, tier, progress, one score column per question of q,
// as_of and the evaluation's last update (RFC 3339, UTC). A provider not assessed, or a
// question that does not apply, has empty score cells. rows is read once, row
// by row, and each row goes out through a buffered writer, so memory stays flat however many
// providers there are; an error from rows stops the write and is returned (the rows before it
// may have been written). The file is UTF-8 without a byte order mark.
func WritePortfolioCSV(w io.Writer, q *assess.Questionnaire, rows iter.Seq2[assess.ProviderListing, error]) error {
	cw := newCSV(w)
	cols := PortfolioColumns(q)
	header := make([]string, 0, len(cols))
	for _, c := range cols {
		header = append(header, c.Key)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	record := make([]string, 0, len(cols))
	for listing, err := range rows {
		if err != nil {
			return err
		}
		record = NewPortfolioRow(q, listing).appendCSV(record[:0])
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (p PortfolioRow) appendCSV(rec []string) []string {
	rec = append(rec, strconv.FormatInt(p.Provider.ID, 10), safeCell(p.Provider.Name), safeCell(p.Provider.Offering),
		p.Provider.ServiceModel.Label())
	id := ""
	if p.EvaluationID != 0 {
		id = strconv.FormatInt(p.EvaluationID, 10)
	}
	rec = append(rec, id, figureCell(p.Score), p.Tier, figureCell(p.Progress))
	for _, qs := range p.Questions {
		rec = append(rec, figureCell(qs))
	}
	updated := ""
	if !p.UpdatedAt.IsZero() {
		updated = p.UpdatedAt.UTC().Format(time.RFC3339)
	}
	return append(rec, p.AsOf.String(), updated)
}

// figureCell is a rounded figure with its one decimal, or nothing.
func figureCell(x *float64) string {
	if x == nil {
		return ""
	}
	return OneDecimal(*x)
}
