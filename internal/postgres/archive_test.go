package postgres_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

// archiveAt archives (at non-zero) or restores (zero) a provider through the repository.
func (f fixture) archiveAt(t *testing.T, id int64, at time.Time, by auth.Actor) assess.Provider {
	t.Helper()
	var p assess.Provider
	f.update(t, func(tx app.Tx) error {
		var err error
		if at.IsZero() {
			p, err = tx.Providers().Restore(t.Context(), id, time.Now())
		} else {
			p, err = tx.Providers().Archive(t.Context(), id, at, by)
		}
		return err
	})
	return p
}

func (f fixture) overview(t *testing.T) assess.Overview {
	t.Helper()
	var o assess.Overview
	f.read(t, func(tx app.Tx) error {
		var err error
		o, err = tx.Providers().Overview(t.Context(), 8)
		return err
	})
	return o
}

func (f fixture) allNames(t *testing.T) []string {
	t.Helper()
	var got []string
	f.read(t, func(tx app.Tx) error {
		for l, err := range tx.Providers().All(t.Context()) {
			if err != nil {
				return err
			}
			got = append(got, l.Name)
		}
		return nil
	})
	return got
}

// An archived provider leaves the list (plain, searched, filtered), its kept total, the export
// stream and the overview's counts, and is listed alone when the archived ones are asked for;
// it keeps its evaluations and answers; restoring it brings all of it back.
func TestArchivedProvidersAreHiddenKeptAndRestored(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.createProvider(t, "Alpha Cloud", assess.SaaS)
	bravo := f.createProvider(t, "Bravo Cloud", assess.SaaS)
	f.createProvider(t, "Charlie Hosting", assess.IaaS)
	completed := f.evaluate(t, bravo, assess.EvaluationCompleted, time.Now(), abuse[:2]...)
	draft := f.evaluate(t, bravo, assess.EvaluationDraft, time.Time{}, abuse[:1]...)
	user := f.createUser(t, "archivist@example.com", "Ada Archivist")
	at := time.Date(2026, 4, 15, 12, 30, 0, 0, time.UTC)

	archived := f.archiveAt(t, bravo.ID, at, auth.Actor{UserID: user.ID, Name: user.Name, Via: "session"})
	if !archived.ArchivedAt.Equal(at) || archived.ArchivedBy != "Ada Archivist" {
		t.Errorf("archived: at %v by %q, want %v by %q", archived.ArchivedAt, archived.ArchivedBy, at, "Ada Archivist")
	}
	if got := f.findProvider(t, bravo.ID); !got.Archived() || got.ArchivedBy != "Ada Archivist" || got.Name != "Bravo Cloud" {
		t.Errorf("Find after archiving: %+v, want it found, archived by Ada Archivist", got)
	}

	t.Run("hidden from the list, its search, filters and kept total", func(t *testing.T) {
		page := f.list(t, assess.ProviderQuery{})
		if diff := cmp.Diff([]string{"Alpha Cloud", "Charlie Hosting"}, names(page)); diff != "" || page.Total != 2 {
			t.Errorf("list: total %d, names (-want +got):\n%s; want total 2", page.Total, diff)
		}
		if page := f.list(t, assess.ProviderQuery{Sort: assess.SortByScore}); page.Total != 2 || len(page.Providers) != 2 {
			t.Errorf("list by score: got %v (total %d), want the 2 not archived", names(page), page.Total)
		}
		if page := f.list(t, assess.ProviderQuery{Search: "cloud"}); !cmp.Equal(names(page), []string{"Alpha Cloud"}) || page.Total != 1 {
			t.Errorf("search for cloud: got %v (total %d), want [Alpha Cloud] (total 1)", names(page), page.Total)
		}
		if page := f.list(t, assess.ProviderQuery{Status: assess.StatusCompleted}); len(page.Providers) != 0 || page.Total != 0 {
			t.Errorf("completed ones: got %v (total %d), want none (the only one is archived)", names(page), page.Total)
		}
		if page := f.list(t, assess.ProviderQuery{Model: assess.SaaS}); !cmp.Equal(names(page), []string{"Alpha Cloud"}) || page.Total != 1 {
			t.Errorf("SaaS ones: got %v (total %d), want [Alpha Cloud]", names(page), page.Total)
		}
	})
	t.Run("listed alone when the archived ones are asked for", func(t *testing.T) {
		page := f.list(t, assess.ProviderQuery{Archived: true})
		if !cmp.Equal(names(page), []string{"Bravo Cloud"}) || page.Total != 1 {
			t.Fatalf("archived: got %v (total %d), want [Bravo Cloud] (total 1)", names(page), page.Total)
		}
		l := page.Providers[0]
		if !l.Archived() || l.Current == nil || l.Current.ID != completed.ID || l.Draft == nil || l.Draft.ID != draft.ID {
			t.Errorf("archived listing: %+v, want it archived with its current and draft evaluations", l)
		}
		if page := f.list(t, assess.ProviderQuery{Archived: true, Search: "alpha"}); len(page.Providers) != 0 || page.Total != 0 {
			t.Errorf("archived ones named alpha: got %v (total %d), want none", names(page), page.Total)
		}
		if page := f.list(t, assess.ProviderQuery{Archived: true, Status: assess.StatusDrafting}); page.Total != 1 {
			t.Errorf("archived ones drafting: got total %d, want 1", page.Total)
		}
	})
	t.Run("left out of the export stream", func(t *testing.T) {
		if got := f.allNames(t); !cmp.Equal(got, []string{"Alpha Cloud", "Charlie Hosting"}) {
			t.Errorf("All: got %v, want [Alpha Cloud Charlie Hosting]", got)
		}
	})
	t.Run("left out of the overview, counted apart", func(t *testing.T) {
		o := f.overview(t)
		if o.Total != 2 || o.Completed != 0 || o.Drafting != 0 || o.NeverEvaluated != 2 || o.Archived != 1 || len(o.Drafts) != 0 || len(o.Recent) != 0 {
			t.Errorf("overview: total %d, completed %d, drafting %d, never %d, archived %d, %d drafts, %d recent; want 2, 0, 0, 2, 1, 0, 0",
				o.Total, o.Completed, o.Drafting, o.NeverEvaluated, o.Archived, len(o.Drafts), len(o.Recent))
		}
	})
	t.Run("its evaluations and answers are kept", func(t *testing.T) {
		if got := f.find(t, draft.ID); got.ProviderID != bravo.ID || got.Status != assess.EvaluationDraft {
			t.Errorf("the draft after archiving: %+v", got)
		}
		if got := f.answers(t, completed.ID); len(got) != 2 {
			t.Errorf("answers of the completed evaluation: got %d, want 2", len(got))
		}
		if got := len(f.history(t, f.q, draft.ID, "abuse_cases", "app_vulnerabilities")); got != 1 {
			t.Errorf("history of the draft's answer: got %d revisions, want 1", got)
		}
	})

	restored := f.archiveAt(t, bravo.ID, time.Time{}, auth.Actor{})
	if restored.Archived() || restored.ArchivedBy != "" {
		t.Errorf("restored: %+v, want it not archived, nobody named", restored)
	}
	t.Run("restoring brings it back everywhere", func(t *testing.T) {
		page := f.list(t, assess.ProviderQuery{})
		if !cmp.Equal(names(page), []string{"Alpha Cloud", "Bravo Cloud", "Charlie Hosting"}) || page.Total != 3 {
			t.Errorf("list: got %v (total %d), want all three", names(page), page.Total)
		}
		if page := f.list(t, assess.ProviderQuery{Archived: true}); len(page.Providers) != 0 || page.Total != 0 {
			t.Errorf("archived: got %v (total %d), want none", names(page), page.Total)
		}
		if got := f.allNames(t); len(got) != 3 {
			t.Errorf("All: got %v, want all three", got)
		}
		o := f.overview(t)
		if o.Total != 3 || o.Completed != 1 || o.Drafting != 1 || o.Archived != 0 || len(o.Drafts) != 1 {
			t.Errorf("overview: total %d, completed %d, drafting %d, archived %d, %d drafts; want 3, 1, 1, 0, 1",
				o.Total, o.Completed, o.Drafting, o.Archived, len(o.Drafts))
		}
		if got := f.list(t, assess.ProviderQuery{Status: assess.StatusCompleted}); !cmp.Equal(names(got), []string{"Bravo Cloud"}) {
			t.Errorf("completed ones: got %v, want [Bravo Cloud]", names(got))
		}
	})
}

// The kept total counts the providers that are not archived, exactly, through archives and
// restores, a rolled-back archive and bulk changes.
func TestProviderTotalLeavesOutTheArchived(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	total := func(t *testing.T) int {
		t.Helper()
		return f.list(t, assess.ProviderQuery{Limit: 1}).Total
	}
	var ids []int64
	for _, name := range []string{"One", "Two", "Three", "Four"} {
		ids = append(ids, f.createProvider(t, name, assess.PaaS).ID)
	}
	f.archiveAt(t, ids[0], time.Now(), tester)
	f.archiveAt(t, ids[1], time.Now(), tester)
	if got := total(t); got != 2 {
		t.Errorf("total after archiving 2 of 4: got %d, want 2", got)
	}
	err := f.store.Update(ctx, func(tx app.Tx) error {
		if _, err := tx.Providers().Archive(ctx, ids[2], time.Now(), tester); err != nil {
			return err
		}
		return assess.ErrConflict // roll back
	})
	wantErr(t, "an archive rolled back", err, assess.ErrConflict)
	if got := total(t); got != 2 {
		t.Errorf("total after a rolled-back archive: got %d, want 2", got)
	}
	f.archiveAt(t, ids[0], time.Time{}, tester)
	if got := total(t); got != 3 {
		t.Errorf("total after restoring one: got %d, want 3", got)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE providers SET archived_at = now() WHERE archived_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	if got := total(t); got != 0 {
		t.Errorf("total after archiving every provider at once: got %d, want 0", got)
	}
	if got := f.list(t, assess.ProviderQuery{Archived: true}).Total; got != 4 {
		t.Errorf("archived total: got %d, want 4", got)
	}
	want := f.count(t, `SELECT count(*) FROM providers WHERE archived_at IS NULL`)
	if _, err := f.pool.Exec(ctx, `UPDATE providers SET archived_at = NULL WHERE name IN ('One', 'Four')`); err != nil {
		t.Fatal(err)
	}
	if got, table := total(t), f.count(t, `SELECT count(*) FROM providers WHERE archived_at IS NULL`); got != table || table != want+2 {
		t.Errorf("total after restoring two at once: got %d, want %d (the table's count)", got, table)
	}
}

// Archiving holds the provider's drafts (LockDrafts) until it commits: a save that starts
// meanwhile waits, then sees the provider archived (Editing reads it after the lock), so no
// answer lands on an archived provider. (A save under way holds the draft's row the same way,
// so the archive waits for it.)
func TestSavesWaitingOnAnArchiveSeeIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	p := f.createProvider(t, "Racing Cloud", assess.SaaS)
	ev := f.evaluate(t, p, assess.EvaluationDraft, time.Time{})
	find := func(string, int) (*assess.Questionnaire, error) { return f.q, nil }

	locked := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	let := func() { releaseOnce.Do(func() { close(release) }) }
	defer let() // a failure below must not leave the archive holding its transaction
	archiveDone := make(chan error, 1)
	go func() {
		archiveDone <- f.store.Update(ctx, func(tx app.Tx) error {
			if _, err := tx.Providers().Find(ctx, p.ID, true); err != nil {
				return err
			}
			if err := tx.Evaluations().LockDrafts(ctx, p.ID); err != nil {
				return err
			}
			if _, err := tx.Providers().Archive(ctx, p.ID, time.Now(), tester); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	saw := make(chan app.Editing, 1)
	saveDone := make(chan error, 1)
	go func() {
		saveDone <- f.store.Update(ctx, func(tx app.Tx) error {
			ed, err := tx.Answers().Editing(ctx, ev.ID, "abuse_cases", "malware", find)
			saw <- ed
			return err
		})
	}()
	select {
	case ed := <-saw:
		saw <- ed
		t.Errorf("a save read the draft while the archive held it: want it to wait")
	case <-time.After(300 * time.Millisecond):
	}
	let()
	if err := <-archiveDone; err != nil {
		t.Fatalf("archive: %v", err)
	}
	if ed := <-saw; !ed.ProviderArchived {
		t.Errorf("the save that waited: ProviderArchived false, want true (it must see the archive)")
	}
	if err := <-saveDone; err != nil {
		t.Fatalf("save: %v", err)
	}
	f.update(t, func(tx app.Tx) error {
		ed, err := tx.Answers().Editing(ctx, ev.ID, "abuse_cases", "malware", find)
		if err == nil && !ed.ProviderArchived {
			t.Errorf("Editing of an archived provider's draft: ProviderArchived false, want true")
		}
		return err
	})
}
