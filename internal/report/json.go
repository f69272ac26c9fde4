package report

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"shareline/internal/assess"
)

// JSON format identity. JSONVersion changes whenever a field is removed or changes meaning;
// adding a field does not change it. JSON.md documents the shape.
const (
	JSONFormat  = "shareline-report"
	JSONVersion = 2
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
	Retained       *retainedJSON     `json:"retained"` // null when the questionnaire has no split
	FollowUps      []followUpJSON    `json:"follow_ups"`
}

type providerJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Offering     string `json:"offering"`
	ServiceModel string `json:"service_model"`
}

type evaluationJSON struct {
	ID          string                  `json:"id"`
	Status      assess.EvaluationStatus `json:"status"`
	CreatedAt   time.Time               `json:"created_at"`
	UpdatedAt   time.Time               `json:"updated_at"`
	CompletedBy *string                 `json:"completed_by"` // null for a draft, or when not recorded
	CompletedAt *time.Time              `json:"completed_at"` // null for a draft
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
	Section     string            `json:"section,omitempty"` // the element's section heading, when it has one
	Type        assess.AnswerType `json:"type"`
	Value       assess.Value      `json:"value"`
	Text        string            `json:"text"`
	Explanation string            `json:"explanation"`
	Evidence    []assess.Evidence `json:"evidence"`
	Asked       bool              `json:"asked"`  // false when the element's condition does not hold
	Credit      *float64          `json:"credit"` // null when not applicable or not asked
	Weight      float64           `json:"weight"`
	// Review is the team's verdict on the answer (null when unanswered); AnsweredBy who gave it
	// (null when unanswered or not recorded).
	Review     *reviewJSON     `json:"review"`
	AnsweredBy *answeredByJSON `json:"answered_by"`
}

type reviewJSON struct {
	Verdict assess.Verdict `json:"verdict"`
	Comment string         `json:"comment"`
	By      *string        `json:"by"`
	At      *time.Time     `json:"at"`
}

type answeredByJSON struct {
	Kind      string  `json:"kind"` // "provider" or "team"
	Name      string  `json:"name"`
	RequestID *string `json:"request_id"` // the request the provider's contact answered through
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
// documents ("format": "shareline-report", "version": 2). Scores and percentages carry one
// decimal, rounded with assess.Round1 exactly as the API rounds them.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(newReportJSON(r))
}

func newReportJSON(r Report) reportJSON {
	s, ev := r.Summary.Score, r.Evaluation
	out := reportJSON{
		Format:  JSONFormat,
		Version: JSONVersion,
		Provider: providerJSON{
			ID: strconv.FormatInt(ev.ProviderID, 10), Name: ev.ProviderName, Offering: ev.Offering,
			ServiceModel: string(ev.ServiceModel),
		},
		Evaluation: evaluationJSON{
			ID: strconv.FormatInt(ev.ID, 10), Status: ev.Status, CreatedAt: ev.CreatedAt, UpdatedAt: ev.UpdatedAt,
		},
		Questionnaire:  questionnaireJSON{r.Questionnaire.Key, r.Questionnaire.Version, r.Questionnaire.Title},
		ScoringVersion: s.ScoringVersion,
		Evaluator:      recorded(ev.CreatedBy),
		GeneratedAt:    r.GeneratedAt,
		AsOf:           s.AsOf,
		Score:          NewScoreJSON(s),
		Answers:        []answerJSON{},
		Matrix:         []matrixJSON{},
		FollowUps:      []followUpJSON{},
	}
	if ev.Status == assess.EvaluationCompleted {
		out.Evaluation.CompletedBy = recorded(ev.CompletedBy)
		if !ev.CompletedAt.IsZero() {
			at := ev.CompletedAt
			out.Evaluation.CompletedAt = &at
		}
	}
	for _, row := range r.Rows() {
		out.Answers = append(out.Answers, newAnswerJSON(row))
	}
	for _, m := range r.Matrix() {
		mj := matrixJSON{Layer: m.Layer, Reference: m.Reference, Deviation: m.Deviation}
		if m.Claimed != "" {
			claimed := m.Claimed
			mj.Claimed = &claimed
		}
		out.Matrix = append(out.Matrix, mj)
	}
	if ret := r.Summary.Retained; ret.Applies() {
		out.Retained = &retainedJSON{From: ret.From, Layers: []retainedLayerJSON{}}
		for _, l := range ret.Layers {
			out.Retained.Layers = append(out.Retained.Layers, retainedLayerJSON{
				Layer: l.Layer, Owner: l.Owner, From: l.From, Always: l.Always, Instruction: r.Questionnaire.Split.Retain(l.Layer),
			})
		}
	}
	for _, f := range r.FollowUps() {
		out.FollowUps = append(out.FollowUps, followUpJSON{f.Question, f.Element, f.Weight, f.Credit, f.Text})
	}
	return out
}

// recorded is a name for JSON: null when none was recorded.
func recorded(name string) *string {
	if name = strings.TrimSpace(name); name != "" {
		return &name
	}
	return nil
}

func newAnswerJSON(row Row) answerJSON {
	a := answerJSON{
		Question: row.Question.Key, Element: row.Element.Key, Label: row.Element.Label, Section: row.Element.Section,
		Type: row.Element.Type, Value: row.Answer.Value, Text: row.AnswerText(),
		Explanation: row.Answer.Explanation, Evidence: row.Answer.Evidence, Weight: row.Score.Weight,
		Asked: row.Asked(),
	}
	if a.Evidence == nil {
		a.Evidence = []assess.Evidence{}
	}
	if row.Score.Applies {
		c := row.Score.Credit
		a.Credit = &c
	}
	if row.Answered() {
		rv := row.Answer.Review
		a.Review = &reviewJSON{Verdict: rv.State(), Comment: rv.Comment, By: recorded(rv.By)}
		if !rv.At.IsZero() {
			at := rv.At
			a.Review.At = &at
		}
	}
	if by := row.Answer.By; by.Kind() != "" {
		a.AnsweredBy = &answeredByJSON{Kind: by.Kind(), Name: by.Name}
		if by.RequestID != 0 {
			id := strconv.FormatInt(by.RequestID, 10)
			a.AnsweredBy.RequestID = &id
		}
	}
	return a
}
