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
		"id", "provider_id", "questionnaire_key", "questionnaire_version", "score_overall", "score_tier",
		"score_progress", "score_evidenced", "score_questions", "score_as_of", "scoring_version",
		"created_at", "updated_at",
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

func (g *generator) provider(c *chunk) error {
	id := g.nextProvider
	g.nextProvider++
	name := g.names.next(g.rng)
	off := pick(g.rng, offerings)
	site := website(name, int(id))
	created := g.instant(30 + g.rng.IntN(1066))
	c.providers = append(c.providers, []any{
		id, name, off.name, string(off.model), site, pick(g.rng, providerNotes), created, created,
	})
	started := created
	for range evaluationCount(g.rng) {
		started = g.later(started, 1, 400)
		if err := g.evaluation(c, id, off.model, site, started); err != nil {
			return err
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

func (g *generator) evaluation(c *chunk, providerID int64, model assess.ServiceModel, site string, started time.Time) error {
	id := g.nextEvaluation
	g.nextEvaluation++
	a := answerer{rng: g.rng, q: g.q, today: g.today, model: model, profile: drawProfile(g.rng), site: site}
	answers, err := a.answers()
	if err != nil {
		return err
	}
	updated := started
	for _, qu := range g.q.Questions {
		for _, el := range qu.Elements {
			ans, ok := answers[assess.Ref(qu.Key, el.Key)]
			if !ok {
				continue
			}
			row, at, err := g.answerRow(id, ans, started)
			if err != nil {
				return err
			}
			c.answers = append(c.answers, row)
			if at.After(updated) {
				updated = at
			}
		}
	}
	row, err := g.evaluationRow(id, providerID, assess.ScoreEvaluation(g.q, answers, g.today), started, updated)
	if err != nil {
		return err
	}
	c.evaluations = append(c.evaluations, row)
	return nil
}

// answerRow is an answer as the store keeps it; it returns when the answer was last changed.
func (g *generator) answerRow(evaluationID int64, a assess.Answer, started time.Time) ([]any, time.Time, error) {
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
	created := g.later(started, 0, 20)
	updated := created
	if version > 1 {
		updated = g.later(created, 0, 30)
	}
	return []any{evaluationID, a.Question, a.Element, value, a.Explanation, links, version, created, updated}, updated, nil
}

func (g *generator) evaluationRow(id, providerID int64, s assess.Score, created, updated time.Time) ([]any, error) {
	questions, err := postgres.EncodeQuestionScores(s)
	if err != nil {
		return nil, err
	}
	return []any{
		id, providerID, g.q.Key, g.q.Version, s.Overall, string(s.Tier), s.Progress, s.Evidenced,
		questions, s.AsOf.Time(), s.ScoringVersion, created, updated,
	}, nil
}

// instant is a moment daysAgo days before today, at some time of that day.
func (g *generator) instant(daysAgo int) time.Time {
	return g.today.Time().Add(-time.Duration(daysAgo)*24*time.Hour + time.Duration(g.rng.IntN(86400))*time.Second)
}

// later is a moment between lo and hi days after t, and never after the start of today, so
// that nothing generated lies in the future.
func (g *generator) later(t time.Time, lo, hi int) time.Time {
	d := time.Duration(lo)*24*time.Hour + time.Duration(g.rng.Int64N(int64(hi-lo+1)*86400))*time.Second
	if limit := g.today.Time().Add(-time.Minute); t.Add(d).After(limit) {
		return limit
	}
	return t.Add(d)
}
