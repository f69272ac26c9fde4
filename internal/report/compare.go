package report

import (
	"strconv"

	"shareline/internal/assess"
)

// CompareCell is one provider's value in one row of a comparison.
type CompareCell struct {
	Text string
	// Value is the number behind Text when the cell is a score, a percentage, a credit (0 to 1)
	// or a count, rounded as shown; nil otherwise (a tier, an owner, "not applicable").
	Value *float64
	// Answer is, in an element row, the answer in words without its credit; empty elsewhere.
	Answer string
	// Best marks the best value of a numeric row. Every cell that ties for best is marked;
	// none is when all the row's values are equal, since then no provider stands out.
	Best bool
	// Deviation marks a claimed owner that differs from the reference split for the service
	// model that provider's evaluation was made for.
	Deviation bool
	// Faint marks a cell with nothing to compare: not applicable, not answered, not assessed.
	Faint bool
	// Shade is 0 to 1 for score cells (score / 100), to shade their background; -1 for every
	// other cell.
	Shade float64
}

// CompareRow is one row of a comparison as every rendering shows it (page, CSV, XLSX, PDF).
type CompareRow struct {
	// Key is stable: RowCoverage, RowTier, RowProgress, RowEvidenced, RowVerified, "q.<question>",
	// "e.<question>.<element>", "layer.<layer>" or RowRetained.
	Key string
	// Group is CompareSummary, CompareQuestions, CompareElements or CompareResponsibility.
	Group string
	// Question is the question key of question and element rows; empty otherwise.
	Question string
	Label    string
	Cells    []CompareCell // one per provider, in Comparison.Providers order
	// Differs is false when every provider's cell has the same Text.
	Differs bool
}

// The groups of comparison rows, in the order CompareRows lists them.
const (
	CompareSummary        = "summary"
	CompareQuestions      = "questions"
	CompareElements       = "elements"
	CompareResponsibility = "responsibility"
)

// Row keys of the summary and responsibility groups.
const (
	RowCoverage  = "coverage"
	RowTier      = "tier"
	RowProgress  = "progress"
	RowEvidenced = "evidenced"
	RowVerified  = "verified"
	RowRetained  = "retained"
)

// CompareRows lists the rows of a comparison: coverage score, tier, progress and evidence
// share; each question's score; each question's elements (answer and credit); then, when the
// questionnaire has a responsibility split, each layer's claimed owner and the number of
// layers the customer keeps. Every figure comes from the providers' Summary, so that page and
// files agree.
func CompareRows(c assess.Comparison) []CompareRow {
	if c.Questionnaire == nil {
		return nil
	}
	rows := summaryCompareRows(c)
	rows = append(rows, questionCompareRows(c)...)
	rows = append(rows, elementCompareRows(c)...)
	rows = append(rows, responsibilityCompareRows(c)...)
	for i := range rows {
		rows[i].Differs = cellsDiffer(rows[i].Cells)
	}
	return rows
}

// better says which way a numeric row improves.
type better int

const (
	higherIsBetter better = iota
	lowerIsBetter
)

// valueCell is a cell holding number x, shown as text.
func valueCell(x float64, text string, shade float64) CompareCell {
	return CompareCell{Text: text, Value: &x, Shade: shade}
}

// plainCell is a cell without a number.
func plainCell(text string) CompareCell { return CompareCell{Text: text, Shade: -1} }

// faintCell is a cell with nothing to compare.
func faintCell(text string) CompareCell { return CompareCell{Text: text, Faint: true, Shade: -1} }

func scoreCell(x float64) CompareCell {
	r := assess.Round1(x)
	return valueCell(r, OneDecimal(r), BarFraction(r))
}

func percentCell(x float64) CompareCell {
	r := assess.Round1(x)
	return valueCell(r, OneDecimal(r)+"%", -1)
}

func summaryCompareRows(c assess.Comparison) []CompareRow {
	rows := []CompareRow{
		{Key: RowCoverage, Label: "Coverage score"},
		{Key: RowTier, Label: "Tier"},
		{Key: RowProgress, Label: "Progress (% of elements answered)"},
		{Key: RowEvidenced, Label: "Evidenced (% of credited weight)"},
		{Key: RowVerified, Label: "Verified (% of credited weight)"},
	}
	for _, p := range c.Providers {
		s := p.Summary.Score
		coverage, tier := faintCell(s.Text()), faintCell(s.Tier.Label())
		if s.Assessed() {
			coverage, tier = scoreCell(s.Overall), plainCell(s.Tier.Label())
		}
		rows[0].Cells = append(rows[0].Cells, coverage)
		rows[1].Cells = append(rows[1].Cells, tier)
		rows[2].Cells = append(rows[2].Cells, percentCell(s.Progress))
		rows[3].Cells = append(rows[3].Cells, percentCell(s.Evidenced))
		rows[4].Cells = append(rows[4].Cells, percentCell(s.Verified))
	}
	for i := range rows {
		rows[i].Group = CompareSummary
		if rows[i].Key != RowTier {
			markBest(rows[i].Cells, higherIsBetter)
		}
	}
	return rows
}

func questionCompareRows(c assess.Comparison) []CompareRow {
	rows := make([]CompareRow, 0, len(c.Questionnaire.Questions))
	for _, qu := range c.Questionnaire.Questions {
		row := CompareRow{Key: "q." + qu.Key, Group: CompareQuestions, Question: qu.Key, Label: qu.Title}
		for _, p := range c.Providers {
			if score, text, ok := QuestionFigure(p.Summary.Score, qu.Key); ok {
				row.Cells = append(row.Cells, scoreCell(score))
			} else {
				row.Cells = append(row.Cells, faintCell(text))
			}
		}
		markBest(row.Cells, higherIsBetter)
		rows = append(rows, row)
	}
	return rows
}

// responsibilityCompareRows lists each layer of the questionnaire's split with every
// provider's claimed owner, then how many layers each leaves with the customer; none when the
// questionnaire has no split.
func responsibilityCompareRows(c assess.Comparison) []CompareRow {
	split := c.Questionnaire.Split
	if split == nil {
		return nil
	}
	claimed := make([]map[assess.Layer]assess.Owner, len(c.Providers))
	deviates := make([]map[assess.Layer]bool, len(c.Providers))
	for i, p := range c.Providers {
		claimed[i], deviates[i] = claims(c.Questionnaire, p.Evaluation, p.Summary)
	}
	rows := make([]CompareRow, 0, len(split.Layers)+1)
	for _, l := range split.Keys() {
		row := CompareRow{Key: "layer." + string(l), Group: CompareResponsibility, Label: split.Label(l)}
		for i, p := range c.Providers {
			cell := faintCell("not answered")
			if owner := claimed[i][l]; owner != "" {
				cell = plainCell(owner.Label())
			}
			if deviates[i][l] {
				cell.Deviation = true
				cell.Text += " (reference: " + split.ReferenceOwner(p.Evaluation.ServiceModel, l).Label() + ")"
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	kept := CompareRow{Key: RowRetained, Group: CompareResponsibility, Label: "Layers you keep"}
	for _, p := range c.Providers {
		n := len(p.Summary.Retained.Layers)
		kept.Cells = append(kept.Cells, valueCell(float64(n), strconv.Itoa(n), -1))
	}
	markBest(kept.Cells, lowerIsBetter)
	return append(rows, kept)
}

// markBest marks the cells holding the row's best value. Nothing is marked unless at least
// two different values are present: when every provider has the same figure, none is best.
func markBest(cells []CompareCell, dir better) {
	var best float64
	found, distinct := false, false
	for _, c := range cells {
		switch {
		case c.Value == nil:
		case !found:
			best, found = *c.Value, true
		case *c.Value != best:
			distinct = true
			if (dir == higherIsBetter) == (*c.Value > best) {
				best = *c.Value
			}
		}
	}
	if !distinct {
		return
	}
	for i := range cells {
		cells[i].Best = cells[i].Value != nil && *cells[i].Value == best
	}
}

func cellsDiffer(cells []CompareCell) bool {
	for _, c := range cells[min(1, len(cells)):] {
		if c.Text != cells[0].Text {
			return true
		}
	}
	return false
}
