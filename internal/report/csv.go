package report

import (
	"encoding/csv"
	"io"
	"iter"
	"strconv"
	"time"

	"shareline/internal/assess"
)

// csvHeader names the columns of WriteCSV.
var csvHeader = []string{
	"question", "question_title", "element", "element_label",
	"answer", "explanation", "credit", "weight", "evidence",
}

// WriteCSV writes one row per element after a header row: the question and element (key and
// title), the answer in words, the explanation, the credit (0 to 1; empty when the element is
// not applicable), the weight, and the evidence links with their effective dates joined by
// "; ". The file is UTF-8 without a byte order mark, with CRLF line ends as RFC 4180 has
// them. Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab
// or a carriage return) are prefixed with a single quote; numbers are written plain.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, row := range elementRows(r) {
		credit := ""
		if row.score.Applies {
			credit = numberCell(row.score.Credit)
		}
		record := []string{
			safeCell(row.question.Key),
			safeCell(row.question.Title),
			safeCell(row.element.Key),
			safeCell(row.element.Label),
			safeCell(answerText(row.element, row.answer.Value)),
			safeCell(row.answer.Explanation),
			credit,
			numberCell(row.score.Weight),
			safeCell(evidenceText(row.answer.Evidence)),
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell neutralises a text cell that a spreadsheet would otherwise read as a formula, by
// prefixing a single quote (the OWASP advice for CSV injection).
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// portfolioCSVHeader names the portfolio columns; questions add one column each, by key.
func portfolioCSVHeader(q *assess.Questionnaire) []string {
	h := []string{"provider_id", "provider", "offering", "service_model", "evaluation_id", "score", "tier", "progress"}
	for _, qu := range q.Questions {
		h = append(h, qu.Key)
	}
	return append(h, "as_of", "updated_at")
}

// WritePortfolioCSV writes every provider with its latest evaluation's stored score (as of the
// day in the as_of column): id, name, offering, service model, evaluation id, score, tier,
// progress, one score column per question of q (keyed by question), as_of and the
// evaluation's last update (RFC 3339, UTC). A provider never evaluated, or a question that
// does not apply, has empty score cells. rows is read once, row by row, and each row goes
// out through a buffered writer, so memory stays flat however many providers there are; an
// error from rows stops the write and is returned (the rows before it may have been written).
// The file is UTF-8 without a byte order mark.
func WritePortfolioCSV(w io.Writer, q *assess.Questionnaire, rows iter.Seq2[assess.ProviderListing, error]) error {
	cw := csv.NewWriter(w) // csv.Writer buffers through a bufio.Writer
	cw.UseCRLF = true
	if err := cw.Write(portfolioCSVHeader(q)); err != nil {
		return err
	}
	record := make([]string, 0, len(q.Questions)+10)
	for listing, err := range rows {
		if err != nil {
			return err
		}
		record = portfolioRecord(record[:0], q, listing)
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func portfolioRecord(rec []string, q *assess.Questionnaire, l assess.ProviderListing) []string {
	rec = append(rec, strconv.FormatInt(l.ID, 10), safeCell(l.Name), safeCell(l.Offering), l.ServiceModel.Label())
	ev := l.Latest
	if ev == nil {
		rec = append(rec, "", "", "", "")
		for range q.Questions {
			rec = append(rec, "")
		}
		return append(rec, "", "")
	}
	s := ev.Score
	rec = append(rec, strconv.FormatInt(ev.ID, 10), score1(s.Overall), s.Tier.Label(), score1(s.Progress))
	for _, qu := range q.Questions {
		qs, ok := s.Question(qu.Key)
		if ok && qs.Scored {
			rec = append(rec, score1(qs.Score))
		} else {
			rec = append(rec, "")
		}
	}
	return append(rec, s.AsOf.String(), instantCell(ev.UpdatedAt))
}

// instantCell writes an instant as RFC 3339 in UTC, or nothing when it is unset.
func instantCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
