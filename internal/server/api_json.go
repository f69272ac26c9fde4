package server

import (
	"strconv"
	"time"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// The API's JSON shapes. Ids are strings; scores and percentages carry one decimal.

type providerJSON struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	Offering         string          `json:"offering"`
	ServiceModel     string          `json:"service_model"`
	Website          string          `json:"website"`
	Notes            string          `json:"notes"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
	LatestEvaluation *evaluationHead `json:"latest_evaluation"`
}

type evaluationHead struct {
	ID       string      `json:"id"`
	Score    float64     `json:"score"`
	Tier     assess.Tier `json:"tier"`
	Progress float64     `json:"progress"`
	AsOf     assess.Date `json:"as_of"`
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func newProviderJSON(p assess.Provider, latest *assess.Evaluation) providerJSON {
	out := providerJSON{
		ID: idString(p.ID), Name: p.Name, Offering: p.Offering, ServiceModel: string(p.ServiceModel),
		Website: p.Website, Notes: p.Notes, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
	if latest != nil {
		out.LatestEvaluation = &evaluationHead{
			ID: idString(latest.ID), Score: assess.Round1(latest.Score.Overall), Tier: latest.Score.Tier,
			Progress: assess.Round1(latest.Score.Progress), AsOf: latest.Score.AsOf,
		}
	}
	return out
}

type answerJSON struct {
	Value       assess.Value      `json:"value"`
	Explanation string            `json:"explanation"`
	Evidence    []assess.Evidence `json:"evidence"`
	Version     int               `json:"version"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

func newAnswerJSON(a assess.Answer) answerJSON {
	ev := a.Evidence
	if ev == nil {
		ev = []assess.Evidence{}
	}
	return answerJSON{Value: a.Value, Explanation: a.Explanation, Evidence: ev, Version: a.Version, UpdatedAt: a.UpdatedAt}
}

type deviationJSON struct {
	Layer     assess.Layer `json:"layer"`
	Claimed   assess.Owner `json:"claimed"`
	Reference assess.Owner `json:"reference"`
}

type evaluationJSON struct {
	ID            string                `json:"id"`
	ProviderID    string                `json:"provider_id"`
	Status        string                `json:"status"`
	Questionnaire questionnaireRef      `json:"questionnaire"`
	CreatedAt     time.Time             `json:"created_at"`
	UpdatedAt     time.Time             `json:"updated_at"`
	Answers       map[string]answerJSON `json:"answers"`
	Score         report.ScoreJSON      `json:"score"`
	Deviations    []deviationJSON       `json:"deviations"`
	Retained      []assess.Layer        `json:"retained"`
	RetainedFrom  string                `json:"retained_from"`
}

type questionnaireRef struct {
	Key     string `json:"key"`
	Version int    `json:"version"`
}

func newEvaluationJSON(ev assess.Evaluation, sum assess.Summary) evaluationJSON {
	out := evaluationJSON{
		ID: idString(ev.ID), ProviderID: idString(ev.ProviderID), Status: string(ev.Status),
		Questionnaire: questionnaireRef{ev.QuestionnaireKey, ev.QuestionnaireVersion},
		CreatedAt:     ev.CreatedAt, UpdatedAt: ev.UpdatedAt,
		Answers:      make(map[string]answerJSON, len(ev.Answers)),
		Score:        report.NewScoreJSON(sum.Score),
		Deviations:   []deviationJSON{},
		Retained:     []assess.Layer{},
		RetainedFrom: sum.Retained.From,
	}
	for ref, a := range ev.Answers {
		out.Answers[ref] = newAnswerJSON(a)
	}
	for _, d := range sum.Deviations {
		out.Deviations = append(out.Deviations, deviationJSON{d.Layer, d.Claimed, d.Reference})
	}
	for _, l := range sum.Retained.Layers {
		out.Retained = append(out.Retained, l.Layer)
	}
	return out
}
