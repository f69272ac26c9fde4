package demo

import (
	"math/rand/v2"
	"testing"
	"time"

	"shareline/internal/assess"
	"shareline/internal/questionnaires"
)

var benchToday = assess.Date{Year: 2025, Month: time.June, Day: 15}

func benchQuestionnaire(b *testing.B) *assess.Questionnaire {
	b.Helper()
	q, err := questionnaires.Default()
	if err != nil {
		b.Fatal(err)
	}
	return q
}

// BenchmarkScoreEvaluation scores one complete evaluation, as every save does.
func BenchmarkScoreEvaluation(b *testing.B) {
	q := benchQuestionnaire(b)
	a := answerer{
		rng: rand.New(rand.NewPCG(1, 2)), q: q, today: benchToday, model: assess.SaaS,
		profile: profile{progress: 1, quality: 0.7, deviation: 0.1, evidence: 0.6}, site: "https://acme.example",
	}
	answers, err := a.answers()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		assess.ScoreEvaluation(q, answers, benchToday)
	}
}

// BenchmarkDrawProviders draws a batch of providers with their evaluations and answers, the
// work the demo load does besides writing.
func BenchmarkDrawProviders(b *testing.B) {
	q := benchQuestionnaire(b)
	g := &generator{rng: rand.New(rand.NewPCG(1, 2)), q: q, today: benchToday, names: newNamer(nil), nextProvider: 1, nextEvaluation: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.chunk(chunkSize); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*chunkSize), "µs/provider")
}
