package assess

import (
	"math"
	"strconv"
)

// ScoringVersion identifies the scoring rules below. It changes whenever a rule changes, so that
// a stored score says which rules produced it. Version 2: an evaluation with nothing answered
// is not assessed, rather than poor. Version 3: evidence past its last valid day no longer
// counts as backing, and a critical element below full credit holds the tier at Weak.
const ScoringVersion = 3

// Tier is the coverage score in one word.
type Tier string

// The tiers, best first.
const (
	Strong   Tier = "strong"
	Adequate Tier = "adequate"
	Weak     Tier = "weak"
	Poor     Tier = "poor"
	// NotAssessed is no tier at all: nothing is answered yet, so there is no score to place.
	NotAssessed Tier = "not_assessed"
)

// TierRange is the lowest coverage score (inclusive) that places an evaluation in a tier.
type TierRange struct {
	Tier Tier
	From float64
}

// TierRanges are the tiers with the scores they start at, best first; a score below every
// From is Poor.
var TierRanges = []TierRange{{Strong, 80}, {Adequate, 60}, {Weak, 40}, {Poor, 0}}

// TierOf places an unrounded coverage score in its tier.
func TierOf(score float64) Tier {
	for _, r := range TierRanges {
		if score >= r.From {
			return r.Tier
		}
	}
	return Poor
}

// Label is the tier's name for people.
func (t Tier) Label() string {
	switch t {
	case Strong:
		return "Strong"
	case Adequate:
		return "Adequate"
	case Weak:
		return "Weak"
	case Poor:
		return "Poor"
	case NotAssessed:
		return "Not assessed"
	}
	return string(t)
}

// ElementScore is what one element contributes: the trail behind every question score.
type ElementScore struct {
	Question  string
	Element   string
	Weight    float64
	Credit    float64 // 0 to 1
	Applies   bool    // false when answered not_applicable, or not asked
	Asked     bool    // false when the element's condition does not hold: it is left out entirely
	Answered  bool
	Evidenced bool // the answer carries at least one evidence link or file still valid today
	Verified  bool // a reviewer accepted the answer
	Critical  bool // the element is critical: below full credit, it holds the tier at CriticalCap
}

// Caps says whether the element holds the tier at CriticalCap: it is critical, applies, and
// earns less than full credit (not answered included).
func (es ElementScore) Caps() bool { return es.Critical && es.Applies && es.Credit < 1 }

// CriticalCap is the highest tier an evaluation reaches while a critical element is below full
// credit.
const CriticalCap = Weak

// QuestionScore is one question's score and progress. Scored is false when every element was
// answered not_applicable; Score is then meaningless and left out of the coverage score.
type QuestionScore struct {
	Key      string
	Weight   float64
	Score    float64 // 0 to 100, unrounded
	Scored   bool
	Progress float64 // 0 to 100
	Answered int
	Total    int
	Elements []ElementScore
}

// Score is the outcome of scoring one evaluation on one day. Figures are unrounded; Round1
// gives the one-decimal figure that people see.
type Score struct {
	Overall        float64 // coverage, 0 to 100
	Tier           Tier
	Progress       float64 // share of elements answered, 0 to 100
	Evidenced      float64 // share of credited weight backed by evidence, 0 to 100
	Verified       float64 // share of credited weight accepted by a reviewer, 0 to 100
	AsOf           Date
	ScoringVersion int
	Questions      []QuestionScore
}

// Assessed reports whether there is a score to show: something is answered and at least one
// question applies. An evaluation that is not assessed has no coverage score and no tier.
func (s Score) Assessed() bool { return s.Tier != NotAssessed && s.Tier != "" }

// Text is the coverage score as people read it: one decimal, or "Not assessed" when there is
// no score. Every page, file and audit entry shows a score through it.
func (s Score) Text() string {
	if !s.Assessed() {
		return NotAssessed.Label()
	}
	return strconv.FormatFloat(Round1(s.Overall), 'f', 1, 64)
}

// Counts is how many elements are answered (not_applicable included) and how many there are.
func (s Score) Counts() (answered, total int) {
	for _, q := range s.Questions {
		answered += q.Answered
		total += q.Total
	}
	return answered, total
}

// Question finds one question's score.
func (s Score) Question(key string) (QuestionScore, bool) {
	for _, q := range s.Questions {
		if q.Key == key {
			return q, true
		}
	}
	return QuestionScore{}, false
}

// Capping lists the critical elements that hold the tier at CriticalCap, in questionnaire order.
func (s Score) Capping() []ElementScore {
	var out []ElementScore
	for _, q := range s.Questions {
		for _, es := range q.Elements {
			if es.Caps() {
				out = append(out, es)
			}
		}
	}
	return out
}

// Round1 rounds a score to the one decimal that is shown and exported.
func Round1(x float64) float64 { return math.Round(x*10) / 10 }

// ScoreEvaluation scores answers (keyed by "question.element") against questionnaire q on day
// today. It is a pure function: the same inputs give the same score.
func ScoreEvaluation(q *Questionnaire, answers map[string]Answer, today Date) Score {
	s := Score{AsOf: today, ScoringVersion: ScoringVersion}
	var sumScore, sumQuestionWeight, credited, evidenced, verified float64
	answered, total := 0, 0
	asked := q.Asked(answers)
	for _, qu := range q.Questions {
		qs := scoreQuestion(qu, answers, asked, today)
		s.Questions = append(s.Questions, qs)
		answered += qs.Answered
		total += qs.Total
		if qs.Scored {
			sumScore += qu.Weight * qs.Score
			sumQuestionWeight += qu.Weight
		}
		for _, es := range qs.Elements {
			if es.Applies {
				credited += es.Weight * es.Credit
				if es.Evidenced {
					evidenced += es.Weight * es.Credit
				}
				if es.Verified {
					verified += es.Weight * es.Credit
				}
			}
		}
	}
	if sumQuestionWeight > 0 {
		s.Overall = sumScore / sumQuestionWeight
	}
	s.Tier = TierOf(s.Overall)
	if (s.Tier == Strong || s.Tier == Adequate) && len(s.Capping()) > 0 {
		s.Tier = CriticalCap
	}
	if answered == 0 || sumQuestionWeight == 0 {
		s.Tier = NotAssessed
	}
	s.Progress = percent(float64(answered), float64(total))
	s.Evidenced = percent(evidenced, credited)
	s.Verified = percent(verified, credited)
	return s
}

func scoreQuestion(qu Question, answers map[string]Answer, asked *Asked, today Date) QuestionScore {
	qs := QuestionScore{Key: qu.Key, Weight: qu.Weight}
	var earned, possible float64
	for i := range qu.Elements {
		el := &qu.Elements[i]
		a, ok := answers[Ref(qu.Key, el.Key)]
		es := ElementScore{Question: qu.Key, Element: el.Key, Weight: el.Weight, Critical: el.Critical}
		if es.Asked = asked.Element(&qu, el); !es.Asked {
			qs.Elements = append(qs.Elements, es)
			continue
		}
		es.Applies = true
		qs.Total++
		if ok && a.Answered() {
			es.Answered = true
			es.Applies = !a.Value.NotApplicable()
			es.Credit = ElementCredit(el, a.Value, today)
			es.Evidenced = a.Backed(today)
			es.Verified = a.Review.State() == Accepted
			qs.Answered++
		}
		if es.Applies {
			earned += es.Weight * es.Credit
			possible += es.Weight
		}
		qs.Elements = append(qs.Elements, es)
	}
	if possible > 0 {
		qs.Score = 100 * earned / possible
		qs.Scored = true
	}
	qs.Progress = percent(float64(qs.Answered), float64(qs.Total))
	return qs
}

// ElementCredit is what an answer earns, from 0 to 1, on day today.
func ElementCredit(el *Element, v Value, today Date) float64 {
	if !v.IsSet() {
		return 0
	}
	switch v.Type {
	case TypeStatus:
		return statusCredit[v.Status]
	case TypeMatrix:
		layers := el.split.Keys()
		assigned := 0
		for _, l := range layers {
			if v.Matrix[l] != "" {
				assigned++
			}
		}
		return percent(float64(assigned), float64(len(layers))) / 100
	case TypeMulti:
		best := 0.0
		for _, key := range v.Multi {
			if o, ok := el.Option(key); ok {
				best = math.Max(best, o.Credit)
			}
		}
		return best
	case TypeChoice:
		o, _ := el.Option(v.Choice)
		return o.Credit
	case TypeNumber:
		return numberCredit(el.Bands, v.Number)
	case TypeDate:
		return dateCredit(today.DaysSince(v.Date))
	case TypeText:
		return 1
	}
	return 0
}

var statusCredit = map[Status]float64{Yes: 1, Partial: 0.5, No: 0}

func numberCredit(b *Bands, n float64) float64 {
	switch {
	case b == nil:
		return 1
	case b.Better == "higher" && n >= b.Full, b.Better == "lower" && n <= b.Full:
		return 1
	case b.Better == "higher" && n >= b.Half, b.Better == "lower" && n <= b.Half:
		return 0.5
	}
	return 0
}

// Dates earn full credit up to FreshDays old and half credit up to StaleDays old.
const (
	FreshDays = 365
	StaleDays = 730
)

// dateCredit scores a date by its age in days: a year or less 1, two years or less 0.5.
func dateCredit(ageDays int) float64 {
	switch {
	case ageDays <= FreshDays:
		return 1
	case ageDays <= StaleDays:
		return 0.5
	}
	return 0
}

func percent(part, whole float64) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * part / whole
}
