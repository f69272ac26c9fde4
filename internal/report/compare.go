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
	// Best marks the best value of a numeric row. Every cell that ties for best is marked;
	// none is when all the row's values are equal, since then no provider stands out.
	Best bool
	// Deviation marks a claimed owner that differs from the reference split for that
	// provider's service model.
	Deviation bool
	// Shade is 0 to 1 for score cells (score / 100), to shade their background; -1 for every
	// other cell.
	Shade float64
}

// CompareRow is one row of a comparison as every rendering shows it (page, CSV, XLSX, PDF).
type CompareRow struct {
	// Key is stable: "coverage", "tier", "progress", "evidenced", "q.<question>",
	// "e.<question>.<element>", "layer.<layer>" or "retained".
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
	rowCoverage  = "coverage"
	rowTier      = "tier"
	rowProgress  = "progress"
	rowEvidenced = "evidenced"
	rowRetained  = "retained"
)

// CompareRows lists the rows of a comparison: coverage score, tier, progress and evidence
// share; each question's score; each question's elements (answer and credit); then each
// layer's claimed owner and the number of layers the customer keeps. Every figure comes
// from the providers' Summary, so that page and files agree.
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

func scoreCell(x float64) CompareCell {
	r := assess.Round1(x)
	return valueCell(r, score1(r), clamp(r/100))
}

func percentCell(x float64) CompareCell {
	r := assess.Round1(x)
	return valueCell(r, score1(r)+"%", -1)
}

func summaryCompareRows(c assess.Comparison) []CompareRow {
	rows := []CompareRow{
		{Key: rowCoverage, Label: "Coverage score"},
		{Key: rowTier, Label: "Tier"},
		{Key: rowProgress, Label: "Progress (% of elements answered)"},
		{Key: rowEvidenced, Label: "Evidenced (% of credited weight)"},
	}
	for _, p := range c.Providers {
		s := p.Summary.Score
		rows[0].Cells = append(rows[0].Cells, scoreCell(s.Overall))
		rows[1].Cells = append(rows[1].Cells, plainCell(s.Tier.Label()))
		rows[2].Cells = append(rows[2].Cells, percentCell(s.Progress))
		rows[3].Cells = append(rows[3].Cells, percentCell(s.Evidenced))
	}
	for i := range rows {
		rows[i].Group = CompareSummary
		if rows[i].Key != rowTier {
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
			if qs, ok := p.Summary.Score.Question(qu.Key); ok && qs.Scored {
				row.Cells = append(row.Cells, scoreCell(qs.Score))
			} else {
				row.Cells = append(row.Cells, plainCell(notApplicableText))
			}
		}
		markBest(row.Cells, higherIsBetter)
		rows = append(rows, row)
	}
	return rows
}

// notApplicableText stands for a question or element that does not apply to a provider.
const notApplicableText = "not applicable"

func responsibilityCompareRows(c assess.Comparison) []CompareRow {
	claims := make([]map[assess.Layer]assess.Owner, len(c.Providers))
	deviates := make([]map[assess.Layer]bool, len(c.Providers))
	for i, p := range c.Providers {
		claims[i], deviates[i] = claimedSplit(c.Questionnaire, p)
	}
	rows := make([]CompareRow, 0, len(assess.Layers)+1)
	for _, l := range assess.Layers {
		row := CompareRow{Key: "layer." + string(l), Group: CompareResponsibility, Label: l.Label()}
		for i, p := range c.Providers {
			owner := claims[i][l]
			cell := plainCell("not answered")
			if owner != "" {
				cell.Text = owner.Label()
			}
			if deviates[i][l] {
				cell.Deviation = true
				cell.Text += " (reference: " + assess.ReferenceOwner(p.Provider.ServiceModel, l).Label() + ")"
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	kept := CompareRow{Key: rowRetained, Group: CompareResponsibility, Label: "Layers you keep"}
	for _, p := range c.Providers {
		n := len(p.Summary.Retained.Layers)
		kept.Cells = append(kept.Cells, valueCell(float64(n), strconv.Itoa(n), -1))
	}
	markBest(kept.Cells, lowerIsBetter)
	return append(rows, kept)
}

// claimedSplit reads a provider's claimed owner of each layer from the questionnaire's first
// matrix element (the one assess reads the split from), and its deviations from the Summary.
func claimedSplit(q *assess.Questionnaire, p assess.Compared) (map[assess.Layer]assess.Owner, map[assess.Layer]bool) {
	qu, el, ok := matrixElement(q)
	if !ok {
		return nil, nil
	}
	deviates := map[assess.Layer]bool{}
	for _, d := range p.Summary.Deviations {
		if d.Question == qu.Key && d.Element == el.Key {
			deviates[d.Layer] = true
		}
	}
	return p.Evaluation.Answers[assess.Ref(qu.Key, el.Key)].Value.Matrix, deviates
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
