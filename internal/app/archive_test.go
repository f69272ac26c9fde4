package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

// archivedFixture is a provider with a completed evaluation and a draft reassessing it (both
// answered), and another provider, as eve made them.
type archivedFixture struct {
	provider, other  assess.Provider
	completed, draft assess.Evaluation
	answersBefore    map[string]assess.Answer
}

func newArchivedFixture(t *testing.T, uc *app.App, eve app.Principal) archivedFixture {
	t.Helper()
	ctx := context.Background()
	var f archivedFixture
	var err error
	if f.provider, err = uc.CreateProvider(ctx, eve, assess.ProviderInput{Name: "Archived Cloud", ServiceModel: "saas"}); err != nil {
		t.Fatal(err)
	}
	if f.other, err = uc.CreateProvider(ctx, eve, assess.ProviderInput{Name: "Kept Cloud", ServiceModel: "paas"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []assess.Provider{f.provider, f.other} {
		ev, err := uc.StartEvaluation(ctx, eve, p.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := uc.SaveAnswer(ctx, eve, ev.ID, "abuse_cases.malware", assess.AnswerInput{Value: json.RawMessage(`"yes"`)}); err != nil {
			t.Fatal(err)
		}
		if _, err := uc.Complete(ctx, eve, ev.ID, true); err != nil {
			t.Fatal(err)
		}
		if p.ID == f.provider.ID {
			f.completed = ev
		}
	}
	if f.draft, err = uc.Reassess(ctx, eve, f.completed.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := uc.SaveAnswer(ctx, eve, f.draft.ID, "abuse_cases.malware", assess.AnswerInput{Value: json.RawMessage(`"partial"`)}); err != nil {
		t.Fatal(err)
	}
	v, err := uc.Evaluation(ctx, eve, f.draft.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.answersBefore = v.Evaluation.Answers
	return f
}

func auditActions(t *testing.T, uc *app.App, providerID int64) []string {
	t.Helper()
	entries, _, err := uc.Audit(context.Background(), app.CommandLine(), auth.AuditQuery{ProviderID: providerID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

func portfolioNames(t *testing.T, uc *app.App, p app.Principal) []string {
	t.Helper()
	var names []string
	err := uc.Portfolio(context.Background(), p, func(all iter.Seq2[assess.ProviderListing, error]) error {
		for l, err := range all {
			if err != nil {
				return err
			}
			names = append(names, l.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// Archiving takes the editing role, is recorded, hides the provider from the list, the home
// page, the portfolio export and comparisons, keeps it readable with its history, and refuses
// every change to it and its evaluations, changing nothing, until it is restored.
func TestArchiveAndRestoreAProvider(t *testing.T) {
	ctx := context.Background()
	uc, eve := newApp(t)
	f := newArchivedFixture(t, uc, eve)
	viewerUser, err := uc.CreateUser(ctx, app.CommandLine(), app.UserInput{
		Email: "vic@example.com", Name: "Vic", Role: "viewer", Password: "a long enough test password"})
	if err != nil {
		t.Fatal(err)
	}
	viewer := app.Principal{User: viewerUser, Via: "test"}

	if _, err := uc.ArchiveProvider(ctx, viewer, f.provider.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Fatalf("a viewer archives: got %v, want ErrForbidden", err)
	}
	if _, err := uc.ArchiveProvider(ctx, app.Principal{}, f.provider.ID); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Fatalf("nobody archives: got %v, want ErrUnauthenticated", err)
	}
	if _, err := uc.ArchiveProvider(ctx, eve, 987654); !assess.IsNotFound(err) {
		t.Fatalf("archiving no provider: got %v, want not found", err)
	}
	if _, err := uc.RestoreProvider(ctx, eve, f.provider.ID); !errors.Is(err, assess.ErrNotArchived) {
		t.Fatalf("restoring a provider not archived: got %v, want ErrNotArchived", err)
	}

	archived, err := uc.ArchiveProvider(ctx, eve, f.provider.ID)
	if err != nil {
		t.Fatalf("ArchiveProvider: %v", err)
	}
	if !archived.ArchivedAt.Equal(clock) || archived.ArchivedBy != "Eve" {
		t.Errorf("archived at %v by %q, want %v by Eve", archived.ArchivedAt, archived.ArchivedBy, clock)
	}
	if _, err := uc.ArchiveProvider(ctx, eve, f.provider.ID); !errors.Is(err, assess.ErrArchivedAlready) || !errors.Is(err, assess.ErrConflict) {
		t.Errorf("archiving twice: got %v, want ErrArchivedAlready (a conflict)", err)
	}

	t.Run("still readable, with its evaluations and history", func(t *testing.T) {
		v, err := uc.Provider(ctx, viewer, f.provider.ID)
		if err != nil {
			t.Fatalf("Provider: %v", err)
		}
		if !v.Provider.Archived() || len(v.Evaluations) != 2 || v.Current == nil || v.Draft == nil {
			t.Errorf("provider view: archived %v, %d evaluations, current %v, draft %v; want archived, 2, both", v.Provider.Archived(), len(v.Evaluations), v.Current, v.Draft)
		}
		h, err := uc.History(ctx, viewer, f.draft.ID, "abuse_cases.malware")
		if err != nil || len(h.Revisions) != 2 {
			t.Errorf("history of the draft's answer: %d revisions (%v), want 2 (copied, then saved)", len(h.Revisions), err)
		}
	})

	t.Run("hidden from the list, the home page, the export and comparisons", func(t *testing.T) {
		page, err := uc.Providers(ctx, viewer, assess.ProviderQuery{})
		if err != nil || page.Total != 1 || len(page.Providers) != 1 || page.Providers[0].ID != f.other.ID {
			t.Errorf("list: %d providers, total %d (%v); want only Kept Cloud", len(page.Providers), page.Total, err)
		}
		page, err = uc.Providers(ctx, viewer, assess.ProviderQuery{Archived: true})
		if err != nil || page.Total != 1 || len(page.Providers) != 1 || page.Providers[0].ID != f.provider.ID {
			t.Errorf("archived list: %d providers, total %d (%v); want only Archived Cloud", len(page.Providers), page.Total, err)
		}
		o, err := uc.Overview(ctx, viewer)
		if err != nil || o.Total != 1 || o.Completed != 1 || o.Drafting != 0 || o.Archived != 1 || len(o.Drafts) != 0 {
			t.Errorf("overview: total %d, completed %d, drafting %d, archived %d, %d drafts (%v); want 1, 1, 0, 1, 0",
				o.Total, o.Completed, o.Drafting, o.Archived, len(o.Drafts), err)
		}
		if got := portfolioNames(t, uc, viewer); len(got) != 1 || got[0] != "Kept Cloud" {
			t.Errorf("portfolio: %v, want [Kept Cloud]", got)
		}
		_, err = uc.Compare(ctx, viewer, []int64{f.other.ID, f.provider.ID}, "")
		var ve *assess.ValidationError
		if !errors.As(err, &ve) || ve.Fields["ids"] == "" {
			t.Fatalf("compare with the archived one: got %v, want a validation error on ids", err)
		}
		if want := "provider " + strconv.FormatInt(f.provider.ID, 10) + " (Archived Cloud) is archived"; !strings.Contains(ve.Fields["ids"], want) {
			t.Errorf("compare: ids %q, want it to say %q", ve.Fields["ids"], want)
		}
	})

	t.Run("every change to it or its evaluations is refused and changes nothing", func(t *testing.T) {
		before := auditActions(t, uc, f.provider.ID)
		admin := app.CommandLine()
		for _, c := range []struct {
			name string
			do   func() error
		}{
			{"save an answer", func() error {
				_, _, err := uc.SaveAnswer(ctx, eve, f.draft.ID, "abuse_cases.malware", assess.AnswerInput{Value: json.RawMessage(`"no"`)})
				return err
			}},
			{"restore a revision", func() error {
				_, err := uc.RestoreRevision(ctx, eve, f.draft.ID, "abuse_cases.malware", 1, 2)
				return err
			}},
			{"complete the draft", func() error { _, err := uc.Complete(ctx, eve, f.draft.ID, true); return err }},
			{"reopen the completed one", func() error { _, err := uc.Reopen(ctx, admin, f.completed.ID); return err }},
			{"reassess the completed one", func() error { _, err := uc.Reassess(ctx, eve, f.completed.ID); return err }},
			{"start an evaluation", func() error { _, err := uc.StartEvaluation(ctx, eve, f.provider.ID, ""); return err }},
			{"edit the provider", func() error {
				_, err := uc.UpdateProvider(ctx, eve, f.provider.ID, assess.ProviderInput{Name: "Renamed", ServiceModel: "saas"})
				return err
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				if err := c.do(); !errors.Is(err, assess.ErrArchived) || !errors.Is(err, assess.ErrConflict) {
					t.Errorf("got %v, want ErrArchived (a conflict)", err)
				}
			})
		}
		v, err := uc.Evaluation(ctx, eve, f.draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := v.Evaluation.Answers["abuse_cases.malware"], f.answersBefore["abuse_cases.malware"]; got.Version != want.Version || !assess.SameAnswer(got, want) {
			t.Errorf("the draft's answer after the refusals: version %d %+v, want version %d %+v", got.Version, got.Value, want.Version, want.Value)
		}
		pv, err := uc.Provider(ctx, eve, f.provider.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Provider.Name != "Archived Cloud" || len(pv.Evaluations) != 2 || pv.Draft == nil || pv.Draft.Status != assess.EvaluationDraft || pv.Current == nil || pv.Current.ID != f.completed.ID {
			t.Errorf("after the refusals: name %q, %d evaluations, draft %v, current %v; want them as they were", pv.Provider.Name, len(pv.Evaluations), pv.Draft, pv.Current)
		}
		if after := auditActions(t, uc, f.provider.ID); len(after) != len(before) {
			t.Errorf("audit entries after the refusals: %d, want %d (nothing recorded)", len(after), len(before))
		}
	})

	restored, err := uc.RestoreProvider(ctx, eve, f.provider.ID)
	if err != nil {
		t.Fatalf("RestoreProvider: %v", err)
	}
	if restored.Archived() {
		t.Errorf("restored: still archived at %v", restored.ArchivedAt)
	}
	t.Run("restored: listed, counted, exported, compared and editable again", func(t *testing.T) {
		page, err := uc.Providers(ctx, viewer, assess.ProviderQuery{})
		if err != nil || page.Total != 2 || len(page.Providers) != 2 {
			t.Errorf("list: %d providers, total %d (%v); want 2", len(page.Providers), page.Total, err)
		}
		o, err := uc.Overview(ctx, viewer)
		if err != nil || o.Total != 2 || o.Drafting != 1 || o.Archived != 0 {
			t.Errorf("overview: total %d, drafting %d, archived %d (%v); want 2, 1, 0", o.Total, o.Drafting, o.Archived, err)
		}
		if got := portfolioNames(t, uc, viewer); len(got) != 2 {
			t.Errorf("portfolio: %v, want both", got)
		}
		if _, err := uc.Compare(ctx, viewer, []int64{f.other.ID, f.provider.ID}, ""); err != nil {
			t.Errorf("compare: %v, want it compared", err)
		}
		if _, _, err := uc.SaveAnswer(ctx, eve, f.draft.ID, "abuse_cases.malware", assess.AnswerInput{Value: json.RawMessage(`"no"`)}); err != nil {
			t.Errorf("save to the draft: %v, want it saved", err)
		}
	})
	actions := auditActions(t, uc, f.provider.ID)
	if !containsAll(actions, auth.ActionProviderArchived, auth.ActionProviderRestored) {
		t.Errorf("audit actions: %v, want provider.archived and provider.restored among them", actions)
	}
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(list, w) {
			return false
		}
	}
	return true
}
