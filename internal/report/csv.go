package report

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
)

// csvHeader names the columns of WriteCSV.
var csvHeader = []string{
	"provider", "offering", "evaluation_id", "status", "coverage_score", "as_of",
	"question", "question_title", "element", "element_label",
	"answer", "explanation", "credit", "weight", "evidence",
	"review", "answered_by", "evidenced", "verified",
}

// WriteCSV writes one row per element after a header row. Every row first says which report it
// belongs to, so that a row copied elsewhere still does: the provider and offering as the
// evaluation recorded them, the evaluation id, its status ("Completed" or "In progress"), the
// coverage score ("72.5", or "Not assessed") and the day it is scored as of. Then the question and element (key and
// title), the answer in words, the explanation, the credit (0 to 1; empty when the element is
// not applicable), the weight, and the evidence links with their effective dates joined by
// "; ". Last, the team's review of the answer (verdict and comment), who gave the answer, and
// the evaluation's evidenced and verified shares of the credited weight. The file is UTF-8 without a byte order mark, with CRLF line ends as RFC 4180 has them.
// Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
// carriage return) are prefixed with a single quote; numbers are written plain.
func WriteCSV(w io.Writer, r Report) error {
	cw := newCSV(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	ev, score := r.Evaluation, r.Summary.Score
	ident := []string{safeCell(ev.ProviderName), safeCell(ev.Offering), strconv.FormatInt(ev.ID, 10),
		ev.Status.Label(), score.Text(), score.AsOf.String()}
	for _, row := range r.Rows() {
		credit := ""
		if row.Score.Applies {
			credit = PlainNumber(row.Score.Credit)
		}
		evidence := make([]string, 0, len(row.Answer.Evidence))
		for _, e := range row.Answer.Evidence {
			evidence = append(evidence, EvidenceText(e, r.Summary.Score.AsOf))
		}
		record := append(slices.Clone(ident),
			safeCell(row.Question.Key),
			safeCell(row.Question.Title),
			safeCell(row.Element.Key),
			safeCell(row.Element.Label),
			safeCell(row.AnswerText()),
			safeCell(row.Answer.Explanation),
			credit,
			PlainNumber(row.Score.Weight),
			safeCell(strings.Join(evidence, "; ")),
			safeCell(row.ReviewText()),
			safeCell(row.AnsweredByText()),
			OneDecimal(score.Evidenced),
			OneDecimal(score.Verified),
		)
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// newCSV is a CSV writer with the CRLF line ends of RFC 4180; it buffers through a
// bufio.Writer.
func newCSV(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw
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
