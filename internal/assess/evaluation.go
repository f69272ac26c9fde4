package assess

import "time"

// Evaluation is one assessment of a provider's offering against one questionnaire version.
// It pins that version, so that a newer questionnaire never rescores it silently, and it
// records the provider as it was when the evaluation started (name, offering, service model),
// so that editing the provider later never changes an evaluation, least of all a completed one.
type Evaluation struct {
	ID                   int64
	ProviderID           int64
	ProviderName         string
	Offering             string
	ServiceModel         ServiceModel
	QuestionnaireKey     string
	QuestionnaireVersion int
	Score                Score             // as stored with the last save
	Answers              map[string]Answer // keyed by "question.element"; only answered elements
	CreatedBy            string            // the name of who started it; empty when not recorded
	Status               EvaluationStatus
	CompletedBy          string // who completed it; empty for a draft
	CompletedAt          time.Time
	ReassessedFrom       int64 // the completed evaluation this one started from; 0 when none
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// An evaluation's status: a draft takes answers; a completed one is locked and its score frozen
// as of the day it was completed.
type EvaluationStatus string

// The evaluation statuses.
const (
	EvaluationDraft     EvaluationStatus = "draft"
	EvaluationCompleted EvaluationStatus = "completed"
)

// Label is the status's name for people.
func (s EvaluationStatus) Label() string {
	switch s {
	case EvaluationDraft:
		return "In progress"
	case EvaluationCompleted:
		return "Completed"
	}
	return string(s)
}

// ScoreDay is the day an evaluation is scored on when shown: today for a draft, the day it was
// completed for a completed one, whose score is frozen.
func (e Evaluation) ScoreDay(today Date) Date {
	if e.Status == EvaluationCompleted {
		return e.Score.AsOf
	}
	return today
}

// NeedsRescore reports whether the stored score must be recomputed before it is shown today:
// a draft's score from an earlier day or from other scoring rules. A completed evaluation's
// score is frozen and never recomputed.
func (e Evaluation) NeedsRescore(today Date) bool {
	return e.Status != EvaluationCompleted && (today.After(e.Score.AsOf) || e.Score.ScoringVersion != ScoringVersion)
}

// Summary is everything a person reads off an evaluation on one day: its score, the deviations
// from the reference split, and what stays with the customer.
type Summary struct {
	Score      Score
	Deviations []Deviation
	Retained   Retained
}

// Summarize scores an evaluation's answers on the day it is shown (ScoreDay) and reads the split
// off them, for the service model the evaluation was made for. Every page, file, comparison and
// API response takes its figures from here, so that they cannot disagree.
func Summarize(q *Questionnaire, ev Evaluation, today Date) Summary {
	day := ev.ScoreDay(today)
	return Summary{
		Score:      ScoreEvaluation(q, ev.Answers, day),
		Deviations: Deviations(q, ev.ServiceModel, ev.Answers),
		Retained:   RetainedLayers(q, ev.ServiceModel, ev.Answers),
	}
}
