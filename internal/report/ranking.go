package report

import (
	"time"

	"shareline/internal/assess"
)

// Comparison is a comparison as a file shows it: the providers scored against each other, and
// when, by whom and under which marking the file was made.
type Comparison struct {
	assess.Comparison
	GeneratedAt time.Time
	GeneratedBy string
	Marking     string
}

// Title is the comparison's title, as its page and its files show it.
func (c Comparison) Title() string {
	title := "Provider comparison"
	if c.Questionnaire != nil {
		title += ": " + c.Questionnaire.Title
	}
	return title
}

// GeneratedByText is who generated the file, or NotRecorded.
func (c Comparison) GeneratedByText() string { return orNotRecorded(c.GeneratedBy) }

// GeneratedText is when and by whom the comparison was generated, as Report.GeneratedText.
func (c Comparison) GeneratedText() string { return TimeText(c.GeneratedAt) + byWhom(c.GeneratedBy) }

// Keywords are the comparison's keywords, for a PDF's document information.
func (c Comparison) Keywords() []string {
	k := []string{"security coverage", "provider comparison"}
	for _, p := range c.Providers {
		k = append(k, p.Evaluation.ProviderName)
	}
	return k
}

// Rank is one provider's line of a comparison's ranking table.
type Rank struct {
	Position   int // 1 for the first in the comparison's order
	Provider   string
	Model      string
	Offering   string
	Coverage   string // "72.5" or "Not assessed"
	Score      float64
	Assessed   bool
	Tier       assess.Tier
	Confidence string
	Evidenced  float64
	Verified   float64
	Deviations int    // layers whose claimed owner differs from the reference
	ToYou      int    // of which those that leave more with the customer
	Status     string // StatusText
	// ShortStatus is the status in a few words: "Completed 2026-11-29 by Jean Dupont" or
	// "Draft since 2026-11-02".
	ShortStatus string
}

// Ranking lists the compared providers in the comparison's order (best first by its sort)
// with the figures a board reads first.
func Ranking(c assess.Comparison) []Rank {
	out := make([]Rank, 0, len(c.Providers))
	for i, p := range c.Providers {
		s := p.Summary.Score
		toYou := 0
		for _, d := range p.Summary.Deviations {
			if MovesWorkToYou(d) {
				toYou++
			}
		}
		out = append(out, Rank{
			Position: i + 1, Provider: p.Evaluation.ProviderName, Model: p.Evaluation.ServiceModel.Label(),
			Offering: p.Evaluation.Offering, Coverage: s.Text(), Score: assess.Round1(s.Overall), Assessed: s.Assessed(),
			Tier: s.Tier, Confidence: ConfidenceText(s), Evidenced: assess.Round1(s.Evidenced), Verified: assess.Round1(s.Verified),
			Deviations: len(p.Summary.Deviations), ToYou: toYou, Status: StatusText(p.Evaluation), ShortStatus: shortStatus(p.Evaluation),
		})
	}
	return out
}

func shortStatus(ev assess.Evaluation) string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return NotRecorded
		}
		return t.UTC().Format("2006-01-02")
	}
	if ev.Status == assess.EvaluationCompleted {
		return "Completed " + day(ev.CompletedAt) + byWhom(ev.CompletedBy)
	}
	return "Draft since " + day(ev.CreatedAt)
}
