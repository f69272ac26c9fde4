package assess

import "time"

// Evaluation is one assessment of a provider's offering against one questionnaire version.
// It pins that version, so that a newer questionnaire never rescores it silently.
type Evaluation struct {
	ID                   int64
	ProviderID           int64
	QuestionnaireKey     string
	QuestionnaireVersion int
	Score                Score             // as stored with the last save
	Answers              map[string]Answer // keyed by "question.element"; only answered elements
	CreatedBy            string            // the name of who started it; empty when not recorded
	Status               EvaluationStatus
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

// ErrLocked refuses a change to a completed evaluation.
var ErrLocked error = Conflict("this evaluation is completed and locked: an admin can reopen it, or start a reassessment")

// ScoreDay is the day an evaluation is scored on when shown: today for a draft, the day it was
// completed for a completed one, whose score is frozen.
func (e Evaluation) ScoreDay(today Date) Date {
	if e.Status == EvaluationCompleted {
		return e.Score.AsOf
	}
	return today
}

// Summary is everything a person reads off an evaluation on one day: its score, the deviations
// from the reference split, and what stays with the customer.
type Summary struct {
	Score      Score
	Deviations []Deviation
	Retained   Retained
}

// Summarize scores answers and reads the split off them. Every page, file and API response takes
// its figures from here, so that they cannot disagree.
func Summarize(q *Questionnaire, model ServiceModel, answers map[string]Answer, today Date) Summary {
	return Summary{
		Score:      ScoreEvaluation(q, answers, today),
		Deviations: Deviations(q, model, answers),
		Retained:   RetainedLayers(q, model, answers),
	}
}
