package report

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"shareline/internal/assess"
)

// JSON format identity. JSONVersion changes whenever a field is removed or changes meaning;
// adding a field does not change it. JSON.md documents the shape.
const (
	JSONFormat  = "shareline-report"
	JSONVersion = 1
)

type reportJSON struct {
	Format         string            `json:"format"`
	Version        int               `json:"version"`
	Provider       providerJSON      `json:"provider"`
	Evaluation     evaluationJSON    `json:"evaluation"`
	Questionnaire  questionnaireJSON `json:"questionnaire"`
	ScoringVersion int               `json:"scoring_version"`
	Evaluator      *string           `json:"evaluator"`
	GeneratedAt    time.Time         `json:"generated_at"`
	AsOf           assess.Date       `json:"as_of"`
	Score          ScoreJSON         `json:"score"`
	Answers        []answerJSON      `json:"answers"`
	Matrix         []matrixJSON      `json:"matrix"`
	Retained       retainedJSON      `json:"retained"`
	FollowUps      []followUpJSON    `json:"follow_ups"`
}

type providerJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Offering     string `json:"offering"`
	ServiceModel string `json:"service_model"`
	Website      string `json:"website"`
}

type evaluationJSON struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type questionnaireJSON struct {
	Key     string `json:"key"`
	Version int    `json:"version"`
	Title   string `json:"title"`
}

type answerJSON struct {
	Question    string            `json:"question"`
	Element     string            `json:"element"`
	Label       string            `json:"label"`
	Type        assess.AnswerType `json:"type"`
	Value       assess.Value      `json:"value"`
	Text        string            `json:"text"`
	Explanation string            `json:"explanation"`
	Evidence    []assess.Evidence `json:"evidence"`
	Credit      *float64          `json:"credit"` // null when not applicable
	Weight      float64           `json:"weight"`
}

type matrixJSON struct {
	Layer     assess.Layer  `json:"layer"`
	Claimed   *assess.Owner `json:"claimed"` // null when not assigned
	Reference assess.Owner  `json:"reference"`
	Deviation bool          `json:"deviation"`
}

type retainedJSON struct {
	From   string              `json:"from"`
	Layers []retainedLayerJSON `json:"layers"`
}

type retainedLayerJSON struct {
	Layer       assess.Layer `json:"layer"`
	Owner       assess.Owner `json:"owner"`
	From        string       `json:"from"`
	Always      bool         `json:"always"`
	Instruction string       `json:"instruction"`
}

type followUpJSON struct {
	Question string  `json:"question"`
	Element  string  `json:"element"`
	Weight   float64 `json:"weight"`
	Credit   float64 `json:"credit"`
	Text     string  `json:"text"`
}

// WriteJSON writes the whole evaluation with its scores in the versioned shape that JSON.md
// documents ("format": "shareline-report", "version": 1). Scores and percentages carry one
// decimal, rounded with assess.Round1 exactly as the API rounds them.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(newReportJSON(r))
}

func newReportJSON(r Report) reportJSON {
	s := r.Summary.Score
	out := reportJSON{
		Format:  JSONFormat,
		Version: JSONVersion,
		Provider: providerJSON{
			ID: strconv.FormatInt(r.Provider.ID, 10), Name: r.Provider.Name, Offering: r.Provider.Offering,
			ServiceModel: string(r.Provider.ServiceModel), Website: r.Provider.Website,
		},
		Evaluation: evaluationJSON{
			ID:        strconv.FormatInt(r.Evaluation.ID, 10),
			CreatedAt: r.Evaluation.CreatedAt, UpdatedAt: r.Evaluation.UpdatedAt,
		},
		Questionnaire:  questionnaireJSON{r.Questionnaire.Key, r.Questionnaire.Version, r.Questionnaire.Title},
		ScoringVersion: s.ScoringVersion,
		GeneratedAt:    r.GeneratedAt,
		AsOf:           s.AsOf,
		Score:          NewScoreJSON(s),
		Answers:        []answerJSON{},
		Matrix:         []matrixJSON{},
		Retained:       retainedJSON{From: r.Summary.Retained.From, Layers: []retainedLayerJSON{}},
		FollowUps:      []followUpJSON{},
	}
	if r.Evaluator != "" {
		e := r.Evaluator
		out.Evaluator = &e
	}
	for _, row := range elementRows(r) {
		out.Answers = append(out.Answers, newAnswerJSON(row))
	}
	for _, m := range matrixRows(r) {
		mj := matrixJSON{Layer: m.Layer, Reference: m.Reference, Deviation: m.Deviation}
		if m.Claimed != "" {
			claimed := m.Claimed
			mj.Claimed = &claimed
		}
		out.Matrix = append(out.Matrix, mj)
	}
	for _, l := range r.Summary.Retained.Layers {
		out.Retained.Layers = append(out.Retained.Layers, retainedLayerJSON{
			Layer: l.Layer, Owner: l.Owner, From: l.From, Always: l.Always, Instruction: l.Layer.Retain(),
		})
	}
	for _, f := range FollowUps(r) {
		out.FollowUps = append(out.FollowUps, followUpJSON{f.Question, f.Element, f.Weight, f.Credit, f.Text})
	}
	return out
}

func newAnswerJSON(row elementRow) answerJSON {
	a := answerJSON{
		Question: row.question.Key, Element: row.element.Key, Label: row.element.Label,
		Type: row.element.Type, Value: row.answer.Value, Text: answerText(row.element, row.answer.Value),
		Explanation: row.answer.Explanation, Evidence: row.answer.Evidence, Weight: row.score.Weight,
	}
	if a.Evidence == nil {
		a.Evidence = []assess.Evidence{}
	}
	if row.score.Applies {
		c := row.score.Credit
		a.Credit = &c
	}
	return a
}
