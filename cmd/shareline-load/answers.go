package main

import (
	"encoding/json"
	"time"

	"shareline/internal/assess"
)

// answerMaker makes valid answers to every element of a questionnaire, varied by a counter, as
// an autosaving form sends them.
type answerMaker struct {
	q     *assess.Questionnaire
	refs  []elementRef
	today assess.Date
}

type elementRef struct {
	question string
	el       *assess.Element
}

func newAnswerMaker(q *assess.Questionnaire, today assess.Date) *answerMaker {
	m := &answerMaker{q: q, today: today}
	for _, qu := range q.Questions {
		for i := range qu.Elements {
			m.refs = append(m.refs, elementRef{qu.Key, &qu.Elements[i]})
		}
	}
	return m
}

// answer is the i-th answer: the element's "question.element" reference and the request body.
func (m *answerMaker) answer(i int, model assess.ServiceModel) (string, []byte, error) {
	ref := m.refs[i%len(m.refs)]
	body := struct {
		Value       any    `json:"value"`
		Explanation string `json:"explanation,omitempty"`
	}{Value: m.value(ref.el, i/len(m.refs), model)}
	if i%5 == 0 {
		body.Explanation = "Checked against the provider's trust centre."
	}
	b, err := json.Marshal(body)
	return assess.Ref(ref.question, ref.el.Key), b, err
}

// value is a valid value of the element's type; k varies it.
func (m *answerMaker) value(el *assess.Element, k int, model assess.ServiceModel) any {
	switch el.Type {
	case assess.TypeStatus:
		return []assess.Status{assess.Yes, assess.Partial, assess.No}[k%3]
	case assess.TypeMatrix:
		return matrix(el.Split(), model, k)
	case assess.TypeMulti, assess.TypeChoice:
		o := el.Options[k%len(el.Options)].Key
		if el.Type == assess.TypeChoice {
			return o
		}
		return []string{o}
	case assess.TypeNumber:
		return number(el.Bands, k)
	case assess.TypeDate:
		// A day or more back, so that a save near midnight is never in the server's future.
		return m.today.Time().Add(-time.Duration(1+k%700) * 24 * time.Hour).Format(time.DateOnly)
	}
	return "Answered by the load tool."
}

// matrix claims the reference split, moving one layer to shared every other time.
func matrix(split *assess.Split, model assess.ServiceModel, k int) map[assess.Layer]assess.Owner {
	layers := split.Keys()
	out := make(map[assess.Layer]assess.Owner, len(layers))
	for _, l := range layers {
		out[l] = split.ReferenceOwner(model, l)
	}
	if k%2 == 1 {
		out[layers[k%len(layers)]] = assess.SharedOwns
	}
	return out
}

// number walks the bands: the full mark, the half mark, and below it.
func number(b *assess.Bands, k int) float64 {
	if b == nil {
		return float64(k % 1000)
	}
	return []float64{b.Full, b.Half, b.Half / 2, (b.Full + b.Half) / 2}[k%4]
}
