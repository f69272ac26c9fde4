package report

import "shareline/internal/assess"

// ScoreJSON is a score as the API and the JSON report show it: figures rounded to the one
// decimal people see, each question keyed by its key. One shape, so that the two cannot differ.
type ScoreJSON struct {
	Overall        *float64                     `json:"overall"` // null when not assessed
	Tier           assess.Tier                  `json:"tier"`    // "not_assessed" when not assessed
	Progress       float64                      `json:"progress"`
	Evidenced      float64                      `json:"evidenced"`
	Verified       float64                      `json:"verified"`
	AsOf           assess.Date                  `json:"as_of"`
	ScoringVersion int                          `json:"scoring_version"`
	Questions      map[string]QuestionScoreJSON `json:"questions"`
}

// QuestionScoreJSON is one question's rounded score and progress.
type QuestionScoreJSON struct {
	Score    *float64 `json:"score"` // null when every element is not applicable, or nothing is assessed
	Progress float64  `json:"progress"`
}

// NewScoreJSON rounds a score for showing. An evaluation that is not assessed has no overall
// or question score (null) and the tier not_assessed.
func NewScoreJSON(s assess.Score) ScoreJSON {
	out := ScoreJSON{
		Tier: assess.NotAssessed, Progress: assess.Round1(s.Progress),
		Evidenced: assess.Round1(s.Evidenced), Verified: assess.Round1(s.Verified), AsOf: s.AsOf, ScoringVersion: s.ScoringVersion,
		Questions: make(map[string]QuestionScoreJSON, len(s.Questions)),
	}
	if s.Assessed() {
		out.Overall, out.Tier = rounded(s.Overall), s.Tier
	}
	for _, q := range s.Questions {
		qj := QuestionScoreJSON{Progress: assess.Round1(q.Progress)}
		if score, _, ok := QuestionFigure(s, q.Key); ok {
			qj.Score = rounded(score)
		}
		out.Questions[q.Key] = qj
	}
	return out
}

// rounded is a figure rounded to one decimal, for a JSON number that may be null.
func rounded(x float64) *float64 {
	r := assess.Round1(x)
	return &r
}
