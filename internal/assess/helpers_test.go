package assess_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"shareline/internal/assess"
	"shareline/internal/questionnaires"
)

// builtin returns version 1 of the default questionnaire shipped in the binary.
func builtin(t testing.TB) *assess.Questionnaire {
	t.Helper()
	q, err := questionnaires.Default()
	if err != nil {
		t.Fatalf("questionnaires.Default(): got error %v, want the built-in questionnaire", err)
	}
	if q.Key != "shared-responsibility" || q.Version != 1 {
		t.Fatalf("questionnaires.Default(): got %s v%d, want shared-responsibility v1", q.Key, q.Version)
	}
	return q
}

// The default questionnaire's layers, as its split names them.
const (
	physical          assess.Layer = "physical"
	hypervisor        assess.Layer = "hypervisor"
	network           assess.Layer = "network"
	osLayer           assess.Layer = "os"
	application       assess.Layer = "application"
	userActivity      assess.Layer = "user_activity"
	userPermissions   assess.Layer = "user_permissions"
	privilegedActions assess.Layer = "privileged_actions"
)

var layers = []assess.Layer{physical, hypervisor, network, osLayer, application, userActivity, userPermissions, privilegedActions}

// summarize is assess.Summarize of a draft of the given service model with these answers.
func summarize(q *assess.Questionnaire, model assess.ServiceModel, answers map[string]assess.Answer, today assess.Date) assess.Summary {
	return assess.Summarize(q, assess.Evaluation{ServiceModel: model, Answers: answers, Status: assess.EvaluationDraft}, today)
}

// day parses a YYYY-MM-DD day that the test itself wrote.
func day(t testing.TB, s string) assess.Date {
	t.Helper()
	d, err := assess.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): got error %v, want a day", s, err)
	}
	return d
}

// element finds an element of q by its "question.element" reference.
func element(t testing.TB, q *assess.Questionnaire, ref string) *assess.Element {
	t.Helper()
	question, key, ok := strings.Cut(ref, ".")
	if !ok {
		t.Fatalf("element reference %q: want question.element", ref)
	}
	_, el, found := q.Element(question, key)
	if !found {
		t.Fatalf("element %q: not in questionnaire %s v%d", ref, q.Key, q.Version)
	}
	return el
}

// fieldKeys returns the sorted field names of a *ValidationError, failing the test when err is
// something else.
func fieldKeys(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a *assess.ValidationError")
	}
	var ve *assess.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got error %T (%v), want a *assess.ValidationError", err, err)
	}
	return slices.Sorted(maps.Keys(ve.Fields))
}

// Values, built directly so that scoring tests do not depend on parsing.

func status(s assess.Status) assess.Value {
	return assess.Value{Type: assess.TypeStatus, Status: s}
}

func matrixOf(m map[assess.Layer]assess.Owner) assess.Value {
	return assess.Value{Type: assess.TypeMatrix, Matrix: m}
}

func multiOf(keys ...string) assess.Value {
	if keys == nil {
		keys = []string{}
	}
	return assess.Value{Type: assess.TypeMulti, Multi: keys}
}

func numberOf(n float64) assess.Value {
	return assess.Value{Type: assess.TypeNumber, Number: n}
}

func dateOf(d assess.Date) assess.Value {
	return assess.Value{Type: assess.TypeDate, Date: d}
}

// referenceMatrix is the full reference split of a model, as a provider might claim it.
func referenceMatrix(model assess.ServiceModel) map[assess.Layer]assess.Owner {
	q, err := questionnaires.Default()
	if err != nil {
		panic(err)
	}
	m := map[assess.Layer]assess.Owner{}
	for _, l := range layers {
		m[l] = q.Split.ReferenceOwner(model, l)
	}
	return m
}

// with returns a copy of m with the given layers changed.
func with(m map[assess.Layer]assess.Owner, changes map[assess.Layer]assess.Owner) map[assess.Layer]assess.Owner {
	out := maps.Clone(m)
	maps.Copy(out, changes)
	return out
}

// given is one answer in a test: the element, its value, and whether it carries evidence.
type given struct {
	ref      string
	value    assess.Value
	evidence bool
	verdict  assess.Verdict // the review's verdict; empty is pending
}

// answersOf builds the answers map that scoring takes, checking every reference against q so
// that a typo in a test fails loudly instead of scoring an unanswered element.
func answersOf(t testing.TB, q *assess.Questionnaire, gs ...given) map[string]assess.Answer {
	t.Helper()
	out := make(map[string]assess.Answer, len(gs))
	for _, g := range gs {
		element(t, q, g.ref)
		question, key, _ := strings.Cut(g.ref, ".")
		a := assess.Answer{Question: question, Element: key, Value: g.value}
		if g.evidence {
			a.Evidence = []assess.Evidence{{
				URL:           "https://example.com/evidence",
				EffectiveDate: assess.Date{Year: 2026, Month: 1, Day: 1},
			}}
		}
		a.Review.Verdict = g.verdict
		if _, dup := out[a.Ref()]; dup {
			t.Fatalf("answersOf: %s given twice", a.Ref())
		}
		out[a.Ref()] = a
	}
	return out
}

// bestAnswers answers every element of q with what earns full credit on day today.
func bestAnswers(t testing.TB, q *assess.Questionnaire, today assess.Date) map[string]assess.Answer {
	t.Helper()
	var gs []given
	for _, qu := range q.Questions {
		for _, el := range qu.Elements {
			var v assess.Value
			switch el.Type {
			case assess.TypeStatus:
				v = status(assess.Yes)
			case assess.TypeMatrix:
				v = matrixOf(referenceMatrix(assess.SaaS))
			case assess.TypeMulti:
				v = multiOf(el.Options[0].Key)
			case assess.TypeNumber:
				v = numberOf(el.Bands.Full)
			case assess.TypeDate:
				v = dateOf(today)
			default:
				t.Fatalf("bestAnswers: element %s.%s has type %q this helper does not answer", qu.Key, el.Key, el.Type)
			}
			gs = append(gs, given{ref: assess.Ref(qu.Key, el.Key), value: v, evidence: el.Evidence})
		}
	}
	return answersOf(t, q, gs...)
}

// questionScore finds one question's score, failing the test when it is missing.
func questionScore(t testing.TB, s assess.Score, key string) assess.QuestionScore {
	t.Helper()
	qs, ok := s.Question(key)
	if !ok {
		t.Fatalf("score has no question %q", key)
	}
	return qs
}

// elementScore finds one element's score by "question.element", failing the test when missing.
func elementScore(t testing.TB, s assess.Score, ref string) assess.ElementScore {
	t.Helper()
	question, key, _ := strings.Cut(ref, ".")
	for _, es := range questionScore(t, s, question).Elements {
		if es.Element == key {
			return es
		}
	}
	t.Fatalf("score of question %q has no element %q", question, key)
	return assess.ElementScore{}
}

// near reports whether two scores agree to well within the one decimal that is shown.
func near(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}
