package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres/postgrestest"
)

var clock = time.Date(2026, time.April, 15, 12, 0, 0, 0, time.UTC)

// newApp is the use cases on a fresh migrated database with the built-in questionnaires, and an
// evaluator to act as.
func newApp(t *testing.T) (*app.App, app.Principal) {
	t.Helper()
	uc := app.New(postgrestest.Store(t), func() time.Time { return clock })
	u, err := uc.CreateUser(context.Background(), app.CommandLine(), app.UserInput{
		Email: "eve@example.com", Name: "Eve", Role: "evaluator", Password: "a long enough test password"})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return uc, app.Principal{User: u, Via: "test"}
}

// vendorBasics is a questionnaire of the team's own, with no responsibility split: no matrix,
// two questions, and nothing in common with the default's keys.
const vendorBasics = `{"key":"vendor-basics","version":1,"title":"Vendor basics","questions":[
	{"key":"policies","title":"Policies","weight":2,"elements":[
		{"key":"infosec_policy","label":"Information security policy","type":"status","evidence":true},
		{"key":"reviewed","label":"Last policy review","type":"date"}]},
	{"key":"people","title":"People","elements":[
		{"key":"training","label":"Security awareness training","type":"choice","options":[
			{"key":"yearly","label":"Every year"},{"key":"once","label":"At hiring only","credit":0.5}]}]}]}`

func publish(t *testing.T, uc *app.App, doc string) *assess.Questionnaire {
	t.Helper()
	q, err := assess.ParseQuestionnaire([]byte(doc))
	if err != nil {
		t.Fatalf("ParseQuestionnaire: %v", err)
	}
	admin := app.CommandLine()
	if created, err := uc.PublishQuestionnaire(context.Background(), admin, q); err != nil || !created {
		t.Fatalf("PublishQuestionnaire: created %v, error %v; want created", created, err)
	}
	return q
}

// A questionnaire of the team's own, without a matrix, runs end to end: publish, start, answer,
// complete, compare. Nothing assumes five questions or the default's element keys.
func TestCustomQuestionnaireWithoutASplit(t *testing.T) {
	ctx := context.Background()
	uc, eve := newApp(t)
	publish(t, uc, vendorBasics)

	var ids []int64
	for i, name := range []string{"Small Vendor", "Other Vendor"} {
		p, err := uc.CreateProvider(ctx, eve, assess.ProviderInput{Name: name, ServiceModel: "saas"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		ev, err := uc.StartEvaluation(ctx, eve, p.ID, "vendor-basics")
		if err != nil {
			t.Fatalf("StartEvaluation on vendor-basics: %v", err)
		}
		if ev.QuestionnaireKey != "vendor-basics" || ev.QuestionnaireVersion != 1 {
			t.Fatalf("got questionnaire %s v%d, want vendor-basics v1", ev.QuestionnaireKey, ev.QuestionnaireVersion)
		}
		status := []string{`"yes"`, `"partial"`}[i]
		if _, _, err := uc.SaveAnswer(ctx, eve, ev.ID, "policies.infosec_policy", assess.AnswerInput{Value: []byte(status)}); err != nil {
			t.Fatalf("SaveAnswer: %v", err)
		}
		_, score, err := uc.SaveAnswer(ctx, eve, ev.ID, "people.training", assess.AnswerInput{Value: []byte(`"once"`)})
		if err != nil {
			t.Fatalf("SaveAnswer: %v", err)
		}
		if len(score.Questions) != 2 {
			t.Errorf("got %d question scores, want 2", len(score.Questions))
		}
		if _, err := uc.Complete(ctx, eve, ev.ID, true); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		v, err := uc.Evaluation(ctx, eve, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Summary.Retained.Applies() || len(v.Summary.Deviations) != 0 {
			t.Errorf("a questionnaire without a split: got retained %+v, want nothing to say", v.Summary.Retained)
		}
	}
	// policies weighs 2: (2 × 50 + 1 × 50) / 3 = 50 for the first (yes, no date, once);
	// (2 × 25 + 1 × 50) / 3 = 33.3 for the second.
	c, err := uc.Compare(ctx, eve, ids, "")
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	if len(c.Providers) != 2 || c.Questionnaire.Key != "vendor-basics" {
		t.Fatalf("got %d compared on %s, want 2 on vendor-basics", len(c.Providers), c.Questionnaire.Key)
	}
	if got := assess.Round1(c.Providers[0].Summary.Score.Overall); got != 50 || c.Providers[0].Provider.Name != "Small Vendor" {
		t.Errorf("best: got %s at %v, want Small Vendor at 50", c.Providers[0].Provider.Name, got)
	}
	if got := assess.Round1(c.Providers[1].Summary.Score.Overall); got != 33.3 {
		t.Errorf("second: got %v, want 33.3", got)
	}
}

// A published version never changes: publishing it again unchanged is a no-op, with another
// definition a conflict.
func TestPublishedVersionsDoNotChange(t *testing.T) {
	ctx := context.Background()
	uc, eve := newApp(t)
	q := publish(t, uc, vendorBasics)
	if created, err := uc.PublishQuestionnaire(ctx, app.CommandLine(), q); err != nil || created {
		t.Errorf("republishing unchanged: created %v, error %v; want false, nil", created, err)
	}
	changed, _ := assess.ParseQuestionnaire([]byte(vendorBasics))
	changed.Title = "Vendor basics, revised"
	if _, err := uc.PublishQuestionnaire(ctx, app.CommandLine(), changed); !errors.Is(err, assess.ErrConflict) {
		t.Errorf("publishing another definition as v1: got %v, want a conflict", err)
	}
	if _, err := uc.PublishQuestionnaire(ctx, eve, changed); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an evaluator publishing: got %v, want forbidden", err)
	}
}

// The policy is asked by every use case: a viewer reads but changes nothing.
func TestUseCasesAskThePolicy(t *testing.T) {
	ctx := context.Background()
	uc, eve := newApp(t)
	u, err := uc.CreateUser(ctx, app.CommandLine(), app.UserInput{Email: "vic@example.com", Name: "Vic", Role: "viewer", Password: "a long enough test password"})
	if err != nil {
		t.Fatal(err)
	}
	vic := app.Principal{User: u}
	p, err := uc.CreateProvider(ctx, eve, assess.ProviderInput{Name: "Policy Cloud", ServiceModel: "iaas"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := uc.CreateProvider(ctx, vic, assess.ProviderInput{Name: "Nope", ServiceModel: "iaas"}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("viewer adds a provider: got %v, want forbidden", err)
	}
	if _, err := uc.StartEvaluation(ctx, vic, p.ID, ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("viewer starts an evaluation: got %v, want forbidden", err)
	}
	if _, err := uc.Provider(ctx, vic, p.ID); err != nil {
		t.Errorf("viewer reads a provider: got %v, want none", err)
	}
	if _, err := uc.Provider(ctx, app.Anonymous("192.0.2.7"), p.ID); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous reads a provider: got %v, want unauthenticated", err)
	}
}

// Reassessing runs in one transaction: when it fails, no empty evaluation is left behind.
func TestReassessIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	uc, eve := newApp(t)
	p, _ := uc.CreateProvider(ctx, eve, assess.ProviderInput{Name: "Atomic Cloud", ServiceModel: "paas"})
	ev, err := uc.StartEvaluation(ctx, eve, p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := uc.SaveAnswer(ctx, eve, ev.ID, "abuse_cases.malware", assess.AnswerInput{Value: []byte(`"yes"`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := uc.Complete(ctx, eve, ev.ID, true); err != nil {
		t.Fatal(err)
	}
	// A cancelled context fails the transaction part-way.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := uc.Reassess(cancelled, eve, ev.ID); err == nil {
		t.Fatalf("Reassess with a cancelled context: got no error")
	}
	v, err := uc.Provider(ctx, eve, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Evaluations) != 1 || v.Draft != nil || v.Current == nil || v.Current.ID != ev.ID {
		t.Errorf("after a failed reassessment: got %d evaluations, draft %v; want only the completed one", len(v.Evaluations), v.Draft)
	}
}
