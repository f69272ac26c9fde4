package app

import (
	"context"
	"errors"
	"fmt"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// SeedQuestionnaires stores the questionnaires shipped in the binary, each version once. A
// shipped version that differs from the stored one of the same key and version is refused: a
// published version never changes (ship a new version instead).
func (a *App) SeedQuestionnaires(ctx context.Context, qs []*assess.Questionnaire) error {
	for _, q := range qs {
		if _, err := a.PublishQuestionnaire(ctx, CommandLine(), q); err != nil {
			return fmt.Errorf("built-in questionnaire %s v%d: %w", q.Key, q.Version, err)
		}
	}
	return nil
}

// PublishQuestionnaire stores a new questionnaire version. Publishing a version that exists
// with the same definition changes nothing (created is false); with another definition it is a
// conflict.
func (a *App) PublishQuestionnaire(ctx context.Context, p Principal, q *assess.Questionnaire) (created bool, err error) {
	if err := allow(p, PublishQuestionnaire, Resource{}); err != nil {
		return false, err
	}
	err = a.store.Update(ctx, func(tx Tx) error {
		if created, err = tx.Questionnaires().Publish(ctx, q); err != nil || !created {
			return err
		}
		return record(ctx, tx, p, auth.ActionQuestionnairePublished, 0, 0, "published questionnaire %s v%d (%s), %d elements", q.Key, q.Version, q.Title, q.ElementCount())
	})
	return created, err
}

// Questionnaire returns a questionnaire version; version 0 means the newest.
func (a *App) Questionnaire(ctx context.Context, p Principal, key string, version int) (*assess.Questionnaire, error) {
	if err := allow(p, Read, Resource{}); err != nil {
		return nil, err
	}
	var q *assess.Questionnaire
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		if version == 0 {
			q, err = tx.Questionnaires().Latest(ctx, key)
		} else {
			q, err = a.questionnaire(ctx, tx, key, version)
		}
		return err
	})
	return q, err
}

// Questionnaires lists every stored questionnaire version.
func (a *App) Questionnaires(ctx context.Context, p Principal) ([]QuestionnaireInfo, error) {
	if err := allow(p, Read, Resource{}); err != nil {
		return nil, err
	}
	var out []QuestionnaireInfo
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Questionnaires().List(ctx)
		return err
	})
	return out, err
}

// QuestionnaireKeys lists the keys of the stored questionnaires, in order, for filters: cheap
// whatever the number of evaluations, where Questionnaires counts them.
func (a *App) QuestionnaireKeys(ctx context.Context, p Principal) ([]string, error) {
	if err := allow(p, Read, Resource{}); err != nil {
		return nil, err
	}
	var out []string
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Questionnaires().Keys(ctx)
		return err
	})
	return out, err
}

// Import is what publishing an imported questionnaire does, or would do: the version it is
// stored as, and whether that is a new version or the newest one already stored, unchanged.
type Import struct {
	Questionnaire *assess.Questionnaire // numbered as it is (or would be) stored
	Created       bool
	Replaces      int // the newest version stored before, 0 for a new key
}

// PlanImport says what ImportQuestionnaire would do with q, changing nothing: for the preview
// shown before an admin publishes.
func (a *App) PlanImport(ctx context.Context, p Principal, q *assess.Questionnaire) (Import, error) {
	if err := allow(p, PublishQuestionnaire, Resource{}); err != nil {
		return Import{}, err
	}
	var out Import
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = planImport(ctx, tx, q)
		return err
	})
	return out, err
}

// ImportQuestionnaire publishes an imported questionnaire under the version assess.NextVersion
// gives: a changed definition becomes the next version of its key, an identical one changes
// nothing. All or nothing, in one transaction with its audit entry.
func (a *App) ImportQuestionnaire(ctx context.Context, p Principal, q *assess.Questionnaire) (Import, error) {
	if err := allow(p, PublishQuestionnaire, Resource{}); err != nil {
		return Import{}, err
	}
	var out Import
	err := a.store.Update(ctx, func(tx Tx) error {
		var err error
		if out, err = planImport(ctx, tx, q); err != nil || !out.Created {
			return err
		}
		if _, err := tx.Questionnaires().Publish(ctx, out.Questionnaire); err != nil {
			return err
		}
		n := out.Questionnaire
		return record(ctx, tx, p, auth.ActionQuestionnairePublished, 0, 0, "imported questionnaire %s v%d (%s), %d elements", n.Key, n.Version, n.Title, n.ElementCount())
	})
	return out, err
}

func planImport(ctx context.Context, tx Tx, q *assess.Questionnaire) (Import, error) {
	latest, err := tx.Questionnaires().Latest(ctx, q.Key)
	if errors.Is(err, assess.ErrNotFound) {
		latest, err = nil, nil
	}
	if err != nil {
		return Import{}, err
	}
	numbered := *q
	var changed bool
	numbered.Version, changed = assess.NextVersion(latest, q)
	out := Import{Questionnaire: &numbered, Created: changed}
	if latest != nil {
		out.Replaces = latest.Version
	}
	return out, nil
}
