package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/questionnairefile"
	"shareline/internal/questionnaires"
)

func readFile(t *testing.T, doc string) *assess.Questionnaire {
	t.Helper()
	q, err := questionnairefile.Read([]byte(doc))
	if err != nil {
		t.Fatalf("questionnairefile.Read: %v", err)
	}
	return q
}

// Importing numbers versions itself: a new key is v1, a changed definition the next version, an
// identical one nothing; each new version writes one audit entry, and evaluations keep theirs.
func TestImportMakesTheNextVersion(t *testing.T) {
	ctx := context.Background()
	uc, eve := newApp(t)
	admin := app.CommandLine()
	audited := func() int {
		t.Helper()
		_, n, err := uc.Audit(ctx, admin, auth.AuditQuery{Actions: []string{auth.ActionQuestionnairePublished}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := audited()

	plan, err := uc.PlanImport(ctx, admin, readFile(t, vendorBasics))
	if err != nil || !plan.Created || plan.Questionnaire.Version != 1 || plan.Replaces != 0 {
		t.Fatalf("plan for a new key: got %+v, %v; want v1, created", plan, err)
	}
	if _, err := uc.Questionnaire(ctx, admin, "vendor-basics", 0); !errors.Is(err, assess.ErrNotFound) {
		t.Fatalf("after a plan: got %v, want nothing stored", err)
	}
	first, err := uc.ImportQuestionnaire(ctx, admin, readFile(t, vendorBasics))
	if err != nil || !first.Created || first.Questionnaire.Version != 1 {
		t.Fatalf("first import: got %+v, %v; want v1 created", first, err)
	}
	p, err := uc.CreateProvider(ctx, eve, assess.ProviderInput{Name: "Acme", ServiceModel: "saas"})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := uc.StartEvaluation(ctx, eve, p.ID, "vendor-basics")
	if err != nil {
		t.Fatal(err)
	}

	again, err := uc.ImportQuestionnaire(ctx, admin, readFile(t, vendorBasics))
	if err != nil || again.Created || again.Questionnaire.Version != 1 {
		t.Errorf("identical import: got %+v, %v; want v1, not created", again, err)
	}
	changed := strings.Replace(vendorBasics, `"title":"Vendor basics"`, `"title":"Vendor basics, revised"`, 1)
	second, err := uc.ImportQuestionnaire(ctx, admin, readFile(t, changed))
	if err != nil || !second.Created || second.Questionnaire.Version != 2 || second.Replaces != 1 {
		t.Fatalf("changed import: got %+v, %v; want v2 replacing v1", second, err)
	}
	if q, err := uc.Questionnaire(ctx, admin, "vendor-basics", 0); err != nil || q.Version != 2 || q.Title != "Vendor basics, revised" {
		t.Errorf("latest after the change: got %+v, %v; want v2 revised", q, err)
	}
	if q, err := uc.Questionnaire(ctx, admin, "vendor-basics", 1); err != nil || q.Title != "Vendor basics" {
		t.Errorf("v1 after the change: got %+v, %v; want it as it was", q, err)
	}
	if v, err := uc.Evaluation(ctx, eve, ev.ID); err != nil || v.Evaluation.QuestionnaireVersion != 1 {
		t.Errorf("the evaluation started before: got %+v, %v; want it still on v1", v.Evaluation, err)
	}
	if got := audited() - before; got != 2 {
		t.Errorf("got %d audit entries, want 2 (one per new version)", got)
	}
	if _, err := uc.ImportQuestionnaire(ctx, eve, readFile(t, changed)); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an evaluator importing: got %v, want forbidden", err)
	}
	if _, err := uc.PlanImport(ctx, eve, readFile(t, changed)); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("an evaluator previewing: got %v, want forbidden", err)
	}
}

// Every built-in questionnaire, exported from one database and imported into another (seeded at
// start-up like every database), reads as the same definition and version, and changes nothing.
func TestBuiltinQuestionnairesRoundTripThroughTheDatabase(t *testing.T) {
	ctx := context.Background()
	from, _ := newApp(t)
	to, _ := newApp(t)
	all, err := questionnaires.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range all {
		stored, err := from.Questionnaire(ctx, app.CommandLine(), b.Key, b.Version)
		if err != nil {
			t.Fatal(err)
		}
		file, err := questionnairefile.Write(stored)
		if err != nil {
			t.Fatal(err)
		}
		in, err := questionnairefile.Read(file)
		if err != nil {
			t.Fatalf("%s: reading the export: %v", b.Key, err)
		}
		got, err := to.ImportQuestionnaire(ctx, app.CommandLine(), in)
		if err != nil || got.Created {
			t.Errorf("%s: importing into a database that has it: got %+v, %v; want unchanged", b.Key, got, err)
		}
		if !assess.SameDefinition(got.Questionnaire, stored) || got.Questionnaire.Version != stored.Version {
			t.Errorf("%s: the imported definition differs from the exported one", b.Key)
		}
	}
}
