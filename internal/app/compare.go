package app

import (
	"context"
	"strconv"
	"strings"

	"shareline/internal/assess"
)

// Compare scores a shortlist of providers (2 to 50 ids) against each other: each by its current,
// completed evaluation with its frozen score, on the newest questionnaire version among them,
// best first by sortKey. Ids that name no provider, or an archived one, are a validation error
// naming them.
func (a *App) Compare(ctx context.Context, p Principal, ids []int64, sortKey string) (assess.Comparison, error) {
	if err := allow(p, Read, Resource{}); err != nil {
		return assess.Comparison{}, err
	}
	if err := assess.CheckCompareIDs(ids); err != nil {
		return assess.Comparison{}, err
	}
	var c assess.Comparison
	err := a.store.Read(ctx, func(tx Tx) error {
		in, err := a.compareInputs(ctx, tx, ids)
		if err != nil {
			return err
		}
		var q *assess.Questionnaire
		if key, version, ok := assess.ComparedVersion(in); ok {
			q, err = a.questionnaire(ctx, tx, key, version)
		} else {
			q, err = tx.Questionnaires().Latest(ctx, assess.DefaultKey)
		}
		if err != nil {
			return err
		}
		c, err = assess.Compare(q, in, sortKey, a.Today())
		return err
	})
	return c, err
}

// compareInputs reads the providers asked for, in the order asked, with their current
// evaluations and those evaluations' answers.
func (a *App) compareInputs(ctx context.Context, tx Tx, ids []int64) ([]assess.CompareInput, error) {
	found, err := tx.Providers().Many(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]assess.Provider, len(found))
	for _, prov := range found {
		byID[prov.ID] = prov
	}
	in := make([]assess.CompareInput, 0, len(ids))
	var missing []string
	for _, id := range ids {
		prov, ok := byID[id]
		if !ok {
			missing = append(missing, strconv.FormatInt(id, 10))
			continue
		}
		in = append(in, assess.CompareInput{Provider: prov})
	}
	if len(missing) > 0 {
		return nil, assess.Invalid("ids", "no provider has the id %s", strings.Join(missing, ", "))
	}
	if err := assess.CheckComparable(in); err != nil {
		return nil, err
	}
	current, drafting, err := tx.Evaluations().Current(ctx, ids)
	if err != nil {
		return nil, err
	}
	evs := make([]assess.Evaluation, 0, len(current))
	for _, ev := range current {
		evs = append(evs, ev)
	}
	answers, err := tx.Answers().Of(ctx, evs, a.finder(ctx, tx))
	if err != nil {
		return nil, err
	}
	for i := range in {
		id := in[i].Provider.ID
		in[i].Drafting = drafting[id]
		if ev, ok := current[id]; ok {
			ev.Answers = answers[ev.ID]
			in[i].Current = &ev
		}
	}
	return in, nil
}
