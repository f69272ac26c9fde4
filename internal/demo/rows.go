package demo

import (
	"encoding/json"
	"math/rand/v2"
	"time"

	"shareline/internal/assess"
	"shareline/internal/postgres"
)

// The columns the load writes, in the order each row lists its values.
var (
	providerColumns   = []string{"id", "name", "offering", "service_model", "website", "notes", "created_at", "updated_at"}
	evaluationColumns = []string{
		"id", "provider_id", "provider_name", "offering", "service_model", "questionnaire_key", "questionnaire_version",
		"score_overall", "score_tier", "score_progress", "score_evidenced", "score_questions", "score_as_of", "scoring_version",
		"status", "completed_at", "reassessed_from", "created_at", "updated_at", "scored",
	}
	answerColumns = []string{"evaluation_id", "question", "element", "value", "explanation", "evidence", "version", "created_at", "updated_at"}
)

// chunk is a batch of rows, written together: providers, then their evaluations, then answers.
type chunk struct {
	providers, evaluations, answers [][]any
}

// generator draws providers in order from one random stream, so that a seed gives the same data.
type generator struct {
	rng            *rand.Rand
	q              *assess.Questionnaire
	today          assess.Date
	names          *namer
	nextProvider   int64 // the id the next provider gets
	nextEvaluation int64
}

// chunk draws n providers with their evaluations and answers.
func (g *generator) chunk(n int) (chunk, error) {
	var c chunk
	for range n {
		if err := g.provider(&c); err != nil {
			return chunk{}, err
		}
	}
	return c, nil
}

// drawnProvider is what an evaluation records of its provider.
type drawnProvider struct {
	id       int64
	name     string
	offering offering
	site     string
}

// provider draws a provider and its evaluations, which follow the lifecycle: every evaluation
// but the last is completed (a provider has at most one draft), and the last one is completed
// or still in progress. An evaluation after a completed one often reassesses it.
func (g *generator) provider(c *chunk) error {
	p := drawnProvider{id: g.nextProvider}
	g.nextProvider++
	p.name = g.names.next(g.rng)
	p.offering = pick(g.rng, offerings)
	p.site = website(p.name, int(p.id))
	created := g.instant(30 + g.rng.IntN(1066))
	c.providers = append(c.providers, []any{
		p.id, p.name, p.offering.name, string(p.offering.model), p.site, pick(g.rng, providerNotes), created, created,
	})
	started := created
	var previous int64 // the last completed evaluation
	n := evaluationCount(g.rng)
	for i := range n {
		started = g.later(started, 1, 400)
		var from int64
		if previous != 0 && g.rng.IntN(2) == 0 {
			from = previous
		}
		completed := i < n-1 || g.rng.IntN(100) < 55
		id, ended, err := g.evaluation(c, p, started, from, completed)
		if err != nil {
			return err
		}
		if completed {
			previous, started = id, ended
		}
	}
	return nil
}

// evaluationCount is how many times a provider was evaluated: mostly once, some never, some twice.
func evaluationCount(rng *rand.Rand) int {
	switch n := rng.IntN(100); {
	case n < 8:
		return 0
	case n < 85:
		return 1
	}
	return 2
}

// evaluation draws one evaluation of p started at started, completed some days later or still
// a draft. A completed evaluation has at least one answer, each given before it was completed,
// and its score is frozen as of the day it was completed; a draft is scored as of today. It
// returns the evaluation's id and when it was completed (or last changed).
func (g *generator) evaluation(c *chunk, p drawnProvider, started time.Time, from int64, completed bool) (int64, time.Time, error) {
	id := g.nextEvaluation
	g.nextEvaluation++
	day, until := g.today, g.today.Time().Add(-time.Minute)
	var completedAt any // NULL for a draft
	if completed {
		until = g.later(started, 1, 60)
		day, completedAt = assess.DateOf(until), until
	}
	var answers map[string]assess.Answer
	for {
		a := answerer{rng: g.rng, q: g.q, today: day, model: p.offering.model, profile: drawProfile(g.rng), site: p.site}
		var err error
		if answers, err = a.answers(); err != nil {
			return 0, time.Time{}, err
		}
		if !completed || len(answers) > 0 {
			break
		}
	}
	updated := started
	for _, qu := range g.q.Questions {
		for _, el := range qu.Elements {
			ans, ok := answers[assess.Ref(qu.Key, el.Key)]
			if !ok {
				continue
			}
			row, at, err := g.answerRow(id, ans, started, until)
			if err != nil {
				return 0, time.Time{}, err
			}
			c.answers = append(c.answers, row)
			if at.After(updated) {
				updated = at
			}
		}
	}
	status := assess.EvaluationDraft
	if completed {
		status, updated = assess.EvaluationCompleted, until
	}
	s := assess.ScoreEvaluation(g.q, answers, day)
	questions, err := postgres.EncodeQuestionScores(s)
	if err != nil {
		return 0, time.Time{}, err
	}
	scored, err := postgres.EncodeScored(answers)
	if err != nil {
		return 0, time.Time{}, err
	}
	var reassessed any // NULL when not a reassessment
	if from != 0 {
		reassessed = from
	}
	c.evaluations = append(c.evaluations, []any{
		id, p.id, p.name, p.offering.name, string(p.offering.model), g.q.Key, g.q.Version,
		s.Overall, string(s.Tier), s.Progress, s.Evidenced, questions, s.AsOf.Time(), s.ScoringVersion,
		string(status), completedAt, reassessed, started, updated, scored,
	})
	return id, updated, nil
}

// answerRow is an answer as the store keeps it, saved between started and until; it returns
// when the answer was last changed.
func (g *generator) answerRow(evaluationID int64, a assess.Answer, started, until time.Time) ([]any, time.Time, error) {
	value, err := json.Marshal(a.Value)
	if err != nil {
		return nil, time.Time{}, err
	}
	evidence := a.Evidence
	if evidence == nil {
		evidence = []assess.Evidence{}
	}
	links, err := json.Marshal(evidence)
	if err != nil {
		return nil, time.Time{}, err
	}
	version := 1
	if g.rng.IntN(8) == 0 {
		version += 1 + g.rng.IntN(4)
	}
	created := g.within(started, 0, 20, until)
	updated := created
	if version > 1 {
		updated = g.within(created, 0, 30, until)
	}
	return []any{evaluationID, a.Question, a.Element, value, a.Explanation, links, version, created, updated}, updated, nil
}

// instant is a moment daysAgo days before today, at some time of that day.
func (g *generator) instant(daysAgo int) time.Time {
	return g.today.Time().Add(-time.Duration(daysAgo)*24*time.Hour + time.Duration(g.rng.IntN(86400))*time.Second)
}

// later is a moment between lo and hi days after t, and never after the start of today, so
// that nothing generated lies in the future.
func (g *generator) later(t time.Time, lo, hi int) time.Time {
	return g.within(t, lo, hi, g.today.Time().Add(-time.Minute))
}

// within is a moment between lo and hi days after t, and never after limit.
func (g *generator) within(t time.Time, lo, hi int, limit time.Time) time.Time {
	d := time.Duration(lo)*24*time.Hour + time.Duration(g.rng.Int64N(int64(hi-lo+1)*86400))*time.Second
	if t.Add(d).After(limit) {
		return limit
	}
	return t.Add(d)
}
