package report

import "shareline/internal/assess"

// ScoreJSON is a score as the API and the JSON report show it: figures rounded to the one
// decimal people see, each question keyed by its key. One shape, so that the two cannot differ.
type ScoreJSON struct {
	Overall        float64                      `json:"overall"`
	Tier           assess.Tier                  `json:"tier"`
	Progress       float64                      `json:"progress"`
	Evidenced      float64                      `json:"evidenced"`
	AsOf           assess.Date                  `json:"as_of"`
	ScoringVersion int                          `json:"scoring_version"`
	Questions      map[string]QuestionScoreJSON `json:"questions"`
}

// QuestionScoreJSON is one question's rounded score and progress.
type QuestionScoreJSON struct {
	Score    *float64 `json:"score"` // null when every element is not applicable
	Progress float64  `json:"progress"`
}

// NewScoreJSON rounds a score for showing.
func NewScoreJSON(s assess.Score) ScoreJSON {
	out := ScoreJSON{
		Overall: assess.Round1(s.Overall), Tier: s.Tier, Progress: assess.Round1(s.Progress),
		Evidenced: assess.Round1(s.Evidenced), AsOf: s.AsOf, ScoringVersion: s.ScoringVersion,
		Questions: make(map[string]QuestionScoreJSON, len(s.Questions)),
	}
	for _, q := range s.Questions {
		qj := QuestionScoreJSON{Progress: assess.Round1(q.Progress)}
		if q.Scored {
			v := assess.Round1(q.Score)
			qj.Score = &v
		}
		out.Questions[q.Key] = qj
	}
	return out
}
