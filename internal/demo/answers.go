package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"shareline/internal/assess"
)

// profile is how far along an evaluation is and how well the provider does, so that a data set
// spreads over every tier and every stage of progress.
type profile struct {
	progress  float64 // chance that an element is answered
	quality   float64 // chance that an answer earns full credit (else half or none)
	deviation float64 // chance that a layer's claimed owner differs from the reference
	evidence  float64 // chance that an answer expected to carry evidence does
}

// drawProfile picks a kind of evaluation: not started, in progress, or complete at some quality.
func drawProfile(rng *rand.Rand) profile {
	dev := pick(rng, []float64{0, 0, 0, 0.1, 0.25})
	switch n := rng.IntN(100); {
	case n < 6: // started, nothing answered yet
		return profile{0, 0, 0, 0}
	case n < 22: // half way through
		return profile{0.1 + 0.8*rng.Float64(), rng.Float64(), dev, rng.Float64()}
	case n < 45:
		return profile{1, 0.85 + 0.15*rng.Float64(), dev, 0.9}
	case n < 68:
		return profile{0.95 + 0.05*rng.Float64(), 0.5 + 0.2*rng.Float64(), dev, 0.6}
	case n < 86:
		return profile{0.85 + 0.15*rng.Float64(), 0.25 + 0.15*rng.Float64(), dev, 0.4}
	default:
		return profile{0.6 + 0.4*rng.Float64(), 0.1 * rng.Float64(), dev, 0.15}
	}
}

// level is the credit an answer is drawn to earn.
type level int

const (
	levelNone level = iota
	levelHalf
	levelFull
)

func (p profile) level(rng *rand.Rand) level {
	u := rng.Float64()
	switch {
	case u < p.quality:
		return levelFull
	case u < p.quality+(1-p.quality)/2:
		return levelHalf
	}
	return levelNone
}

// answerer draws answers for one evaluation and checks each through the questionnaire, as the
// form and the API do.
type answerer struct {
	rng     *rand.Rand
	q       *assess.Questionnaire
	today   assess.Date
	model   assess.ServiceModel
	profile profile
	site    string
}

// answers draws the answers of one evaluation, keyed by "question.element". Times are set by
// the caller.
func (a *answerer) answers() (map[string]assess.Answer, error) {
	out := map[string]assess.Answer{}
	for _, qu := range a.q.Questions {
		for i := range qu.Elements {
			el := &qu.Elements[i]
			if a.rng.Float64() >= a.profile.progress {
				continue
			}
			in, err := a.input(el)
			if err != nil {
				return nil, err
			}
			ans, err := a.q.NewAnswer(qu.Key, el.Key, in, a.today)
			if err != nil {
				return nil, fmt.Errorf("demo: drew an invalid answer to %s: %w", assess.Ref(qu.Key, el.Key), err)
			}
			out[ans.Ref()] = ans
		}
	}
	return out, nil
}

// input draws one answer as a client would send it.
func (a *answerer) input(el *assess.Element) (assess.AnswerInput, error) {
	lv := a.profile.level(a.rng)
	value, err := json.Marshal(a.value(el, lv))
	if err != nil {
		return assess.AnswerInput{}, err
	}
	in := assess.AnswerInput{Value: value}
	if a.rng.IntN(4) == 0 {
		in.Explanation = pick(a.rng, explanations[lv])
	}
	chance := 0.1
	if el.Evidence {
		chance = a.profile.evidence
	}
	if lv != levelNone && a.rng.Float64() < chance {
		in.Evidence = a.evidence()
	}
	return in, nil
}

// value draws a value of the element's type that earns about the credit lv asks for.
func (a *answerer) value(el *assess.Element, lv level) any {
	switch el.Type {
	case assess.TypeStatus:
		return a.status(lv)
	case assess.TypeMatrix:
		return a.matrix(el.Split())
	case assess.TypeMulti:
		return a.multi(el, lv)
	case assess.TypeChoice:
		return pick(a.rng, el.Options).Key
	case assess.TypeNumber:
		return a.number(el, lv)
	case assess.TypeDate:
		return a.date(lv).String()
	default:
		return pick(a.rng, explanations[lv])
	}
}

func (a *answerer) status(lv level) assess.Status {
	if a.rng.IntN(25) == 0 {
		return assess.StatusNotApplies
	}
	return [...]assess.Status{assess.No, assess.Partial, assess.Yes}[lv]
}

// matrix claims an owner for most layers of the split: the reference owner, or now and then
// another of the split's owners. An evaluation in progress may leave layers unassigned.
func (a *answerer) matrix(split *assess.Split) map[assess.Layer]assess.Owner {
	out := map[assess.Layer]assess.Owner{}
	complete := a.profile.progress >= 0.95 || a.rng.IntN(3) > 0
	for _, l := range split.Keys() {
		if !complete && a.rng.IntN(3) == 0 {
			continue
		}
		owner := split.ReferenceOwner(a.model, l)
		if a.rng.Float64() < a.profile.deviation {
			owner = a.otherOwner(split, owner)
		}
		out[l] = owner
	}
	return out
}

func (a *answerer) otherOwner(split *assess.Split, not assess.Owner) assess.Owner {
	if len(split.Owners) < 2 {
		return not
	}
	for {
		if o := pick(a.rng, split.Owners); o != not {
			return o
		}
	}
}

// multi picks options by credit: some full-credit ones (certifications), only partial-credit
// ones ("other"), or none at all.
func (a *answerer) multi(el *assess.Element, lv level) []string {
	var full, partial []string
	for _, o := range el.Options {
		if o.Credit >= 1 {
			full = append(full, o.Key)
		} else {
			partial = append(partial, o.Key)
		}
	}
	out := []string{}
	switch {
	case lv == levelFull && len(full) > 0:
		for _, i := range a.rng.Perm(len(full))[:1+a.rng.IntN(min(4, len(full)))] {
			out = append(out, full[i])
		}
		if len(partial) > 0 && a.rng.IntN(4) == 0 {
			out = append(out, pick(a.rng, partial))
		}
	case lv == levelHalf && len(partial) > 0:
		out = append(out, pick(a.rng, partial))
	}
	return out
}

// number draws a round figure that earns lv under the element's bands, often one on a band's
// edge.
func (a *answerer) number(el *assess.Element, lv level) float64 {
	want := [...]float64{0, 0.5, 1}[lv]
	candidates := append([]float64{}, roundNumbers...)
	if b := el.Bands; b != nil {
		candidates = append(candidates, b.Full, b.Half, b.Full-1, b.Full+1, b.Half-1, b.Half+1)
	}
	fit := candidates[:0]
	for _, n := range candidates {
		v := assess.Value{Type: assess.TypeNumber, Number: n}
		if n >= 0 && assess.ElementCredit(el, v, a.today) == want {
			fit = append(fit, n)
		}
	}
	if len(fit) == 0 {
		return pick(a.rng, roundNumbers)
	}
	return pick(a.rng, fit)
}

// roundNumbers are the figures providers quote: hours to notify, days of logs kept.
var roundNumbers = []float64{0, 1, 4, 7, 24, 30, 48, 72, 90, 96, 120, 168, 180, 240, 336, 365, 400, 720, 730, 2555}

// date draws a day in the last three years whose age earns lv.
func (a *answerer) date(lv level) assess.Date {
	lo := [...]int{731, 366, 0}[lv]
	hi := [...]int{1095, 730, 365}[lv]
	return daysBefore(a.today, lo+a.rng.IntN(hi-lo+1))
}

func (a *answerer) evidence() []assess.EvidenceInput {
	out := make([]assess.EvidenceInput, 1+a.rng.IntN(2))
	for i := range out {
		out[i] = assess.EvidenceInput{
			URL:           a.site + pick(a.rng, evidencePaths),
			EffectiveDate: daysBefore(a.today, a.rng.IntN(1096)).String(),
		}
	}
	return out
}

// daysBefore is the day n days before d.
func daysBefore(d assess.Date, n int) assess.Date {
	return assess.DateOf(d.Time().Add(-time.Duration(n) * 24 * time.Hour))
}

var evidencePaths = []string{
	"/security", "/trust", "/trust/soc2-type2-report.pdf", "/legal/terms#security",
	"/legal/dpa", "/docs/shared-responsibility", "/status", "/security/pentest-letter.pdf",
	"/.well-known/security.txt", "/compliance/iso27001-certificate.pdf",
}

var explanations = [...][]string{
	levelNone: {
		"Not offered on this plan.",
		"The provider declined to answer in writing.",
		"Planned for next year according to the account manager.",
	},
	levelHalf: {
		"Covers production only; the staging environment is out of scope.",
		"Described in the security whitepaper but not in the contract.",
		"Done yearly rather than continuously.",
	},
	levelFull: {
		"Confirmed on the call with their CISO.",
		"Covered by the latest SOC 2 Type II report, section 4.",
		"Documented in the trust centre and referenced in the master agreement.",
	},
}
