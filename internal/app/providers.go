package app

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// CreateProvider adds a provider. A name taken in any case is assess.ErrNameTaken.
func (a *App) CreateProvider(ctx context.Context, p Principal, in assess.ProviderInput) (assess.Provider, error) {
	if err := allow(p, EditProviders, Resource{}); err != nil {
		return assess.Provider{}, err
	}
	prov, err := assess.NewProvider(in)
	if err != nil {
		return assess.Provider{}, err
	}
	err = a.store.Update(ctx, func(tx Tx) error {
		if prov, err = tx.Providers().Create(ctx, prov); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionProviderAdded, prov.ID, 0, "added provider %s (%s, %s)", prov.Name, offeringText(prov.Offering), prov.ServiceModel.Label())
	})
	return prov, err
}

// UpdateProvider replaces a provider's fields and records what changed. Evaluations keep the
// provider as it was when they started.
func (a *App) UpdateProvider(ctx context.Context, p Principal, id int64, in assess.ProviderInput) (assess.Provider, error) {
	if err := allow(p, EditProviders, Resource{ProviderID: id}); err != nil {
		return assess.Provider{}, err
	}
	prov, err := assess.NewProvider(in)
	if err != nil {
		return assess.Provider{}, err
	}
	prov.ID = id
	err = a.store.Update(ctx, func(tx Tx) error {
		before, err := tx.Providers().Find(ctx, id, true)
		if err != nil {
			return err
		}
		if err := assess.CheckActive(before); err != nil {
			return err
		}
		if prov, err = tx.Providers().Update(ctx, prov); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionProviderEdited, id, 0, "edited provider %s: %s", prov.Name, providerChanges(before, prov))
	})
	return prov, err
}

// ArchiveProvider archives a provider: it leaves the lists, the home page's counts, the
// portfolio exports and comparisons, and it and its evaluations become read-only; everything
// is kept for RestoreProvider. Saves to its drafts under way finish first (LockDrafts).
func (a *App) ArchiveProvider(ctx context.Context, p Principal, id int64) (assess.Provider, error) {
	if err := allow(p, EditProviders, Resource{ProviderID: id}); err != nil {
		return assess.Provider{}, err
	}
	var prov assess.Provider
	err := a.store.Update(ctx, func(tx Tx) error {
		before, err := tx.Providers().Find(ctx, id, true)
		if err != nil {
			return err
		}
		if err := assess.CheckArchivable(before); err != nil {
			return err
		}
		if err := tx.Evaluations().LockDrafts(ctx, id); err != nil {
			return err
		}
		evs, err := tx.Evaluations().OfProvider(ctx, id)
		if err != nil {
			return err
		}
		if prov, err = tx.Providers().Archive(ctx, id, a.now(), p.Actor()); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionProviderArchived, id, 0, "archived provider %s, keeping its %d evaluation%s",
			prov.Name, len(evs), plural(len(evs)))
	})
	return prov, err
}

// RestoreProvider takes a provider out of the archive: it is listed, counted, exported and
// compared again, and it and its evaluations can change again, as they were.
func (a *App) RestoreProvider(ctx context.Context, p Principal, id int64) (assess.Provider, error) {
	if err := allow(p, EditProviders, Resource{ProviderID: id}); err != nil {
		return assess.Provider{}, err
	}
	var prov assess.Provider
	err := a.store.Update(ctx, func(tx Tx) error {
		before, err := tx.Providers().Find(ctx, id, true)
		if err != nil {
			return err
		}
		if err := assess.CheckRestorable(before); err != nil {
			return err
		}
		if prov, err = tx.Providers().Restore(ctx, id, a.now()); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionProviderRestored, id, 0, "restored provider %s (archived %s)",
			prov.Name, before.ArchivedAt.UTC().Format("2006-01-02 15:04 UTC"))
	})
	return prov, err
}

// providerChanges says what an edit changed, field by field, before and after.
func providerChanges(before, after assess.Provider) string {
	var out []string
	for _, f := range []struct{ name, old, new string }{
		{"name", before.Name, after.Name},
		{"offering", before.Offering, after.Offering},
		{"service model", before.ServiceModel.Label(), after.ServiceModel.Label()},
		{"website", before.Website, after.Website},
		{"notes", before.Notes, after.Notes},
	} {
		if f.old != f.new {
			out = append(out, fmt.Sprintf("%s %q → %q", f.name, clip(f.old, 80), clip(f.new, 80)))
		}
	}
	if len(out) == 0 {
		return "nothing changed"
	}
	return strings.Join(out, "; ")
}

func offeringText(o string) string {
	if o == "" {
		return "no offering named"
	}
	return o
}

// clip shortens what an audit entry quotes of what people typed.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ProviderView is one provider with its evaluations, newest first, and which of them speak for it.
type ProviderView struct {
	Provider    assess.Provider
	Evaluations []assess.Evaluation // stored scores, today's for drafts
	Current     *assess.Evaluation  // the latest completed evaluation; nil: not assessed
	Draft       *assess.Evaluation  // the evaluation in progress, if any
}

// Provider returns a provider with its evaluations.
func (a *App) Provider(ctx context.Context, p Principal, id int64) (ProviderView, error) {
	if err := allow(p, Read, Resource{ProviderID: id}); err != nil {
		return ProviderView{}, err
	}
	var v ProviderView
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		if v.Provider, err = tx.Providers().Find(ctx, id, false); err != nil {
			return err
		}
		v.Evaluations, err = tx.Evaluations().OfProvider(ctx, id)
		return err
	})
	if err != nil {
		return ProviderView{}, err
	}
	for i := range v.Evaluations {
		if err := a.freshen(ctx, &v.Evaluations[i]); err != nil {
			return ProviderView{}, err
		}
	}
	v.Current, v.Draft = assess.Represent(v.Evaluations)
	return v, nil
}

// Providers returns one page of providers with the evaluations that represent them: those not
// archived, or only the archived ones (q.Archived).
func (a *App) Providers(ctx context.Context, p Principal, q assess.ProviderQuery) (assess.ProviderPage, error) {
	if err := allow(p, Read, Resource{}); err != nil {
		return assess.ProviderPage{}, err
	}
	if err := q.Check(); err != nil {
		return assess.ProviderPage{}, err
	}
	var page assess.ProviderPage
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		page, err = tx.Providers().List(ctx, q)
		return err
	})
	if err != nil {
		return assess.ProviderPage{}, err
	}
	for i := range page.Providers {
		if err := a.freshen(ctx, page.Providers[i].Draft); err != nil {
			return assess.ProviderPage{}, err
		}
	}
	return page, nil
}

// Overview is the portfolio at a glance for the home page, with the latest drafts and changes.
func (a *App) Overview(ctx context.Context, p Principal) (assess.Overview, error) {
	if err := allow(p, Read, Resource{}); err != nil {
		return assess.Overview{}, err
	}
	var o assess.Overview
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		if o, err = tx.Providers().Overview(ctx, overviewLength); err != nil {
			return err
		}
		o.Overdue, err = tx.Requests().Overdue(ctx, a.now(), overviewLength)
		return err
	})
	return o, err
}

// overviewLength is how many drafts and recent changes the home page lists.
const overviewLength = 8

// Portfolio hands every provider that is not archived, by name, with the evaluations that represent them, to write,
// which runs inside one read transaction (the list can be long: write streams it). Drafts'
// stored scores are brought up to today first.
func (a *App) Portfolio(ctx context.Context, p Principal, write func(iter.Seq2[assess.ProviderListing, error]) error) error {
	if err := allow(p, Read, Resource{}); err != nil {
		return err
	}
	if _, err := a.RefreshScores(ctx); err != nil {
		return err
	}
	return a.store.Read(ctx, func(tx Tx) error { return write(tx.Providers().All(ctx)) })
}
