package report

import (
	"fmt"
	"slices"
	"strings"

	"shareline/internal/assess"
)

// DefaultMarking is the confidentiality marking of every report and comparison unless the
// operator sets another (SHARELINE_REPORT_MARKING).
const DefaultMarking = "Confidential: contains information disclosed under NDA"

// MarkingOr is marking, or DefaultMarking when it is blank.
func MarkingOr(marking string) string {
	if m := strings.TrimSpace(marking); m != "" {
		return m
	}
	return DefaultMarking
}

// StatusText says where the evaluation stands, with who and when: "Completed by Jean Dupont on
// 2026-11-29 09:30 UTC", or "Draft, in progress: started by Ana Müller on ..., not completed".
func StatusText(ev assess.Evaluation) string {
	if ev.Status == assess.EvaluationCompleted {
		return fmt.Sprintf("Completed%s on %s", byWhom(ev.CompletedBy), TimeText(ev.CompletedAt))
	}
	return fmt.Sprintf("Draft, in progress: started%s on %s, not completed", byWhom(ev.CreatedBy), TimeText(ev.CreatedAt))
}

// StatusText is the report's evaluation status with who and when.
func (r Report) StatusText() string { return StatusText(r.Evaluation) }

// ConfidenceText says how far the score rests on more than the provider's word: the shares of
// the credited weight backed by evidence and accepted by a reviewer (QUESTIONNAIRE.md's
// confidence, shown beside the score and never folded into it).
func ConfidenceText(s assess.Score) string {
	if !s.Assessed() {
		return "Not assessed"
	}
	return OneDecimal(s.Evidenced) + "% evidenced, " + OneDecimal(s.Verified) + "% verified by a reviewer"
}

// WeakArea is a question of the report with its score.
type WeakArea struct {
	Key, Title string
	Score      float64
	Text       string // the score as shown, "42.5"
}

// Weakest lists up to n scored questions with the lowest scores, lowest first (questionnaire
// order between equal scores); none when the evaluation is not assessed.
func (r Report) Weakest(n int) []WeakArea {
	s := r.Summary.Score
	if !s.Assessed() {
		return nil
	}
	var out []WeakArea
	for _, qu := range r.Questionnaire.Questions {
		if score, text, ok := QuestionFigure(s, qu.Key); ok {
			out = append(out, WeakArea{Key: qu.Key, Title: qu.Title, Score: score, Text: text})
		}
	}
	slices.SortStableFunc(out, func(a, b WeakArea) int {
		switch {
		case a.Score < b.Score:
			return -1
		case a.Score > b.Score:
			return 1
		}
		return 0
	})
	return out[:min(n, len(out))]
}

// ownerLoad orders owners by how much of a layer they leave with the customer.
func ownerLoad(o assess.Owner) int {
	switch o {
	case assess.CustomerOwns:
		return 2
	case assess.SharedOwns:
		return 1
	}
	return 0
}

// MovesWorkToYou reports whether a deviation leaves more of its layer with the customer than
// the reference split does (a provider claiming less than it should).
func MovesWorkToYou(d assess.Deviation) bool { return ownerLoad(d.Claimed) > ownerLoad(d.Reference) }

// WorkToYou lists, as sentences, the deviations that move work to the customer.
func (r Report) WorkToYou() []string {
	var out []string
	for _, d := range r.Summary.Deviations {
		if !MovesWorkToYou(d) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: the provider says %s, where the reference split for %s says %s",
			r.Questionnaire.Split.Label(d.Layer), strings.ToLower(d.Claimed.Label()),
			r.Evaluation.ServiceModel.Label(), strings.ToLower(d.Reference.Label())))
	}
	return out
}

// Title is the report's title, as its page and its PDF show it.
func (r Report) Title() string { return "Security coverage report: " + r.Evaluation.ProviderName }

// Subject is a one-line description of the report, for a PDF's document information.
func (r Report) Subject() string {
	ev, s := r.Evaluation, r.Summary.Score
	parts := []string{ev.ProviderName}
	if ev.Offering != "" {
		parts = append(parts, ev.Offering)
	}
	parts = append(parts, ev.ServiceModel.Label())
	cov := "coverage " + s.Text()
	if s.Assessed() {
		cov += " (" + s.Tier.Label() + ")"
	}
	return strings.Join(parts, " · ") + ": " + cov + ", " + strings.ToLower(ev.Status.Label())
}

// Keywords are the report's keywords, for a PDF's document information.
func (r Report) Keywords() []string {
	k := []string{"security coverage", "shared responsibility", r.Evaluation.ProviderName}
	if r.Evaluation.Offering != "" {
		k = append(k, r.Evaluation.Offering)
	}
	return append(k, r.Evaluation.ServiceModel.Label(), r.Questionnaire.Title)
}

// GeneratedByText is who generated the file, or NotRecorded.
func (r Report) GeneratedByText() string { return orNotRecorded(r.GeneratedBy) }

// GeneratedText is when and by whom the file was generated ("2026-11-29 14:05 UTC by Eve
// Example"), without a "by" when nobody is recorded.
func (r Report) GeneratedText() string { return TimeText(r.GeneratedAt) + byWhom(r.GeneratedBy) }

// byWhom is " by NAME", or nothing when who did it was not recorded (a change made from the
// command line, say): a sentence reads the same either way.
func byWhom(who string) string {
	if who = strings.TrimSpace(who); who == "" {
		return ""
	}
	return " by " + who
}
