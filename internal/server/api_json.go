package server

import (
	"strconv"

	"shareline/internal/assess"
	"shareline/internal/report"
)

// The API's JSON shapes. Ids are strings; scores and percentages carry one decimal.

type providerJSON struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Offering     string  `json:"offering"`
	ServiceModel string  `json:"service_model"`
	Website      string  `json:"website"`
	Notes        string  `json:"notes"`
	CreatedAt    apiTime `json:"created_at"`
	UpdatedAt    apiTime `json:"updated_at"`
	// Score and Tier are those of the current (latest completed) evaluation: null and
	// "not_assessed" while no evaluation is completed.
	Score             *float64        `json:"score"`
	Tier              assess.Tier     `json:"tier"`
	CurrentEvaluation *evaluationHead `json:"current_evaluation"`
	DraftEvaluation   *evaluationHead `json:"draft_evaluation"`
	// ArchivedAt is when the provider was archived (null: it is not), ArchivedBy who archived
	// it (null when it is not archived; empty when the command line did).
	ArchivedAt *apiTime `json:"archived_at"`
	ArchivedBy *string  `json:"archived_by"`
}

type evaluationHead struct {
	ID       string      `json:"id"`
	Status   string      `json:"status"`
	Score    *float64    `json:"score"`
	Tier     assess.Tier `json:"tier"`
	Progress float64     `json:"progress"`
	AsOf     assess.Date `json:"as_of"`
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// overall is a score as the API shows it: one decimal, or null when not assessed.
func overall(s assess.Score) *float64 {
	if !s.Assessed() {
		return nil
	}
	v := assess.Round1(s.Overall)
	return &v
}

func newEvaluationHead(ev *assess.Evaluation) *evaluationHead {
	if ev == nil {
		return nil
	}
	tier := ev.Score.Tier
	if !ev.Score.Assessed() {
		tier = assess.NotAssessed
	}
	return &evaluationHead{
		ID: idString(ev.ID), Status: string(ev.Status), Score: overall(ev.Score), Tier: tier,
		Progress: assess.Round1(ev.Score.Progress), AsOf: ev.Score.AsOf,
	}
}

// newProviderJSON shows a provider with the evaluations that represent it: current (nil: not
// assessed) and draft (nil: none in progress).
func newProviderJSON(p assess.Provider, current, draft *assess.Evaluation) providerJSON {
	out := providerJSON{
		ID: idString(p.ID), Name: p.Name, Offering: p.Offering, ServiceModel: string(p.ServiceModel),
		Website: p.Website, Notes: p.Notes, CreatedAt: apiTime(p.CreatedAt), UpdatedAt: apiTime(p.UpdatedAt),
		Tier: assess.NotAssessed, CurrentEvaluation: newEvaluationHead(current), DraftEvaluation: newEvaluationHead(draft),
	}
	if h := out.CurrentEvaluation; h != nil {
		out.Score, out.Tier = h.Score, h.Tier
	}
	if p.Archived() {
		out.ArchivedAt, out.ArchivedBy = apiTimePtr(&p.ArchivedAt), &p.ArchivedBy
	}
	return out
}

type answerJSON struct {
	Value       assess.Value      `json:"value"`
	Explanation string            `json:"explanation"`
	Evidence    []assess.Evidence `json:"evidence"`
	Version     int               `json:"version"`
	UpdatedAt   *apiTime          `json:"updated_at"` // null when never answered
	// Review and AnsweredBy are the team's: left out of what a respondent gets, which carries
	// only the clarification asked of them (Clarification).
	Review        *reviewJSON        `json:"review,omitempty"`
	AnsweredBy    *answeredByJSON    `json:"answered_by,omitempty"`
	Clarification *clarificationJSON `json:"clarification,omitempty"`
}

func newAnswerJSON(a assess.Answer) answerJSON {
	out := newAnswerBody(a)
	out.Review = newReviewJSON(a)
	if kind := a.By.Kind(); kind != "" {
		out.AnsweredBy = &answeredByJSON{Kind: kind, Name: a.By.Name}
		if a.By.RequestID != 0 {
			id := idString(a.By.RequestID)
			out.AnsweredBy.RequestID = &id
		}
	}
	return out
}

// newAnswerBody is an answer without anything of its review: what both the team and a
// respondent see.
func newAnswerBody(a assess.Answer) answerJSON {
	ev := a.Evidence
	if ev == nil {
		ev = []assess.Evidence{}
	}
	out := answerJSON{Value: a.Value, Explanation: a.Explanation, Evidence: ev, Version: a.Version}
	if !a.UpdatedAt.IsZero() {
		out.UpdatedAt = apiTimePtr(&a.UpdatedAt)
	}
	return out
}

// newRespondentAnswerJSON is an answer as its provider's contact gets it: no verdict, note or
// reviewer, only the clarification asked of them, with its thread, when there is one.
func newRespondentAnswerJSON(a assess.Answer) answerJSON {
	out := newAnswerBody(a)
	if a.Review.Open || len(a.Thread) > 0 {
		out.Clarification = &clarificationJSON{Open: a.Review.Open, Thread: newThreadJSON(a.Thread)}
	}
	return out
}

// reviewJSON is the team's review of an answer's current version.
type reviewJSON struct {
	Verdict assess.Verdict `json:"verdict"`
	Comment string         `json:"comment"`
	By      *string        `json:"by"` // null while pending
	At      *apiTime       `json:"at"` // null while pending
	// Open says a clarification was asked and not settled since by accepted or rejected: the
	// element takes the contact's answers through the request link, also after they submitted.
	Open   bool          `json:"open"`
	Thread []messageJSON `json:"thread"`
}

type messageJSON struct {
	Body   string  `json:"body"`
	Author string  `json:"author"`
	From   string  `json:"from"` // "team" or "provider"
	At     apiTime `json:"at"`
}

type clarificationJSON struct {
	Open   bool          `json:"open"`
	Thread []messageJSON `json:"thread"`
}

type answeredByJSON struct {
	Kind      string  `json:"kind"` // "provider" or "team"
	Name      string  `json:"name"`
	RequestID *string `json:"request_id"` // the request the provider's contact answered through
}

func newReviewJSON(a assess.Answer) *reviewJSON {
	out := &reviewJSON{Verdict: a.Review.State(), Comment: a.Review.Comment, Open: a.Review.Open, Thread: newThreadJSON(a.Thread)}
	if a.Review.By != "" {
		by := a.Review.By
		out.By = &by
	}
	if !a.Review.At.IsZero() {
		out.At = apiTimePtr(&a.Review.At)
	}
	return out
}

func newThreadJSON(thread []assess.Message) []messageJSON {
	out := make([]messageJSON, 0, len(thread))
	for _, m := range thread {
		from := "team"
		if m.FromProvider {
			from = "provider"
		}
		out = append(out, messageJSON{Body: m.Body, Author: m.Author, From: from, At: apiTime(m.At)})
	}
	return out
}

type deviationJSON struct {
	Layer     assess.Layer `json:"layer"`
	Claimed   assess.Owner `json:"claimed"`
	Reference assess.Owner `json:"reference"`
}

type evaluationJSON struct {
	ID             string                `json:"id"`
	ProviderID     string                `json:"provider_id"`
	Provider       evaluatedProvider     `json:"provider"`
	Status         string                `json:"status"`
	StartedBy      string                `json:"started_by"`
	CompletedBy    string                `json:"completed_by"`
	CompletedAt    *apiTime              `json:"completed_at"`
	ReassessedFrom *string               `json:"reassessed_from"`
	Questionnaire  questionnaireRef      `json:"questionnaire"`
	CreatedAt      apiTime               `json:"created_at"`
	UpdatedAt      apiTime               `json:"updated_at"`
	Answers        map[string]answerJSON `json:"answers"`
	Score          report.ScoreJSON      `json:"score"`
	Deviations     []deviationJSON       `json:"deviations"`
	Retained       []assess.Layer        `json:"retained"`
	RetainedFrom   string                `json:"retained_from"`
	NotAsked       []string              `json:"not_asked"`
}

// evaluatedProvider is the provider as it was when the evaluation started: what the
// evaluation was made for, whatever the provider record says now.
type evaluatedProvider struct {
	Name         string `json:"name"`
	Offering     string `json:"offering"`
	ServiceModel string `json:"service_model"`
}

type questionnaireRef struct {
	Key     string `json:"key"`
	Version int    `json:"version"`
}

func newEvaluationJSON(ev assess.Evaluation, sum assess.Summary) evaluationJSON {
	out := evaluationJSON{
		ID: idString(ev.ID), ProviderID: idString(ev.ProviderID), Status: string(ev.Status),
		Provider:  evaluatedProvider{ev.ProviderName, ev.Offering, string(ev.ServiceModel)},
		StartedBy: ev.CreatedBy, CompletedBy: ev.CompletedBy,
		Questionnaire: questionnaireRef{ev.QuestionnaireKey, ev.QuestionnaireVersion},
		CreatedAt:     apiTime(ev.CreatedAt), UpdatedAt: apiTime(ev.UpdatedAt),
		Answers:      make(map[string]answerJSON, len(ev.Answers)),
		Score:        report.NewScoreJSON(sum.Score),
		Deviations:   []deviationJSON{},
		Retained:     []assess.Layer{},
		RetainedFrom: retainedFrom(sum.Retained),
		NotAsked:     []string{},
	}
	for _, qs := range sum.Score.Questions {
		for _, es := range qs.Elements {
			if !es.Asked {
				out.NotAsked = append(out.NotAsked, assess.Ref(es.Question, es.Element))
			}
		}
	}
	if !ev.CompletedAt.IsZero() {
		out.CompletedAt = apiTimePtr(&ev.CompletedAt)
	}
	if ev.ReassessedFrom != 0 {
		from := idString(ev.ReassessedFrom)
		out.ReassessedFrom = &from
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

// retainedFrom says where "what stays with you" was read from: "none" when the questionnaire
// has no responsibility split.
func retainedFrom(r assess.Retained) string {
	if !r.Applies() {
		return "none"
	}
	return r.From
}
