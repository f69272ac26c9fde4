package app

import (
	"context"
	"fmt"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// Complete locks an evaluation: its score is computed as of today and frozen, and it becomes
// the one that speaks for its provider. It needs at least one answer; with elements unanswered
// the person must confirm (confirmed), and the audit entry says how many were left.
func (a *App) Complete(ctx context.Context, p Principal, id int64, confirmed bool) (assess.Evaluation, error) {
	if err := allow(p, CompleteEvaluations, Resource{EvaluationID: id}); err != nil {
		return assess.Evaluation{}, err
	}
	var out assess.Evaluation
	err := a.store.Update(ctx, func(tx Tx) error {
		v, evs, err := a.lockForLifecycle(ctx, tx, id)
		if err != nil {
			return err
		}
		score := assess.ScoreEvaluation(v.Questionnaire, v.Evaluation.Answers, a.Today())
		unanswered, err := assess.CheckCompletable(v.Evaluation, score, assess.PendingReviews(v.Evaluation.Answers), confirmed)
		if err != nil {
			return err
		}
		if out, err = a.switchStatus(ctx, tx, p, id, assess.EvaluationCompleted, score, evs); err != nil {
			return err
		}
		left := "every element answered"
		if unanswered > 0 {
			left = fmt.Sprintf("%d element%s unanswered, confirmed", unanswered, plural(unanswered))
		}
		if pending := assess.PendingReviews(v.Evaluation.Answers); pending > 0 {
			left += fmt.Sprintf(", %d answer%s pending review, confirmed", pending, plural(pending))
		}
		return record(ctx, tx, p, auth.ActionEvaluationCompleted, out.ProviderID, id,
			"completed evaluation %d of %s: coverage %s, %s", id, out.ProviderName, scoreText(score), left)
	})
	return out, err
}

// Reopen makes a completed evaluation a draft again (scored today from then on).
func (a *App) Reopen(ctx context.Context, p Principal, id int64) (assess.Evaluation, error) {
	if err := allow(p, ReopenEvaluations, Resource{EvaluationID: id}); err != nil {
		return assess.Evaluation{}, err
	}
	var out assess.Evaluation
	err := a.store.Update(ctx, func(tx Tx) error {
		v, evs, err := a.lockForLifecycle(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := assess.CheckReopenable(v.Evaluation, evs); err != nil {
			return err
		}
		score := assess.ScoreEvaluation(v.Questionnaire, v.Evaluation.Answers, a.Today())
		if out, err = a.switchStatus(ctx, tx, p, id, assess.EvaluationDraft, score, evs); err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionEvaluationReopened, out.ProviderID, id,
			"reopened evaluation %d of %s (it was completed with coverage %s)", id, out.ProviderName, scoreText(v.Evaluation.Score))
	})
	return out, err
}

// switchStatus gives an evaluation a new status with its score as of today (frozen, for a
// completed one), rereads it, and records which of its provider's evaluations (evs) now speak
// for the provider.
func (a *App) switchStatus(ctx context.Context, tx Tx, p Principal, id int64, status assess.EvaluationStatus, score assess.Score, evs []assess.Evaluation) (assess.Evaluation, error) {
	if err := tx.Evaluations().StoreScore(ctx, id, score, false); err != nil {
		return assess.Evaluation{}, err
	}
	if err := tx.Evaluations().SetStatus(ctx, id, status, p.Actor(), a.now()); err != nil {
		return assess.Evaluation{}, err
	}
	out, err := tx.Evaluations().Find(ctx, id, false)
	if err != nil {
		return assess.Evaluation{}, err
	}
	for i := range evs {
		if evs[i].ID == id {
			evs[i] = out
		}
	}
	return out, a.represent(ctx, tx, out.ProviderID, evs)
}

// Reassess starts a new draft of a completed evaluation's provider, on the same questionnaire
// version, from its answers: one transaction, each copied answer with a revision saying where
// it came from. The new draft records the provider as it is now.
func (a *App) Reassess(ctx context.Context, p Principal, id int64) (assess.Evaluation, error) {
	if err := allow(p, ReassessEvaluations, Resource{EvaluationID: id}); err != nil {
		return assess.Evaluation{}, err
	}
	var out assess.Evaluation
	err := a.store.Update(ctx, func(tx Tx) error {
		v, evs, err := a.lockForLifecycle(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := assess.CheckReassessable(v.Evaluation, evs); err != nil {
			return err
		}
		copied := assess.Copied(v.Evaluation)
		out, err = a.createDraft(ctx, tx, p, v.Provider, v.Questionnaire, append(evs, assess.Evaluation{}), id, copied...)
		if err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionEvaluationReassessed, out.ProviderID, out.ID,
			"started evaluation %d of %s as a reassessment of evaluation %d, copying %d answer%s",
			out.ID, out.ProviderName, id, len(copied), plural(len(copied)))
	})
	return out, err
}

// RefreshScores rescores every draft whose stored score is from an earlier day or other rules,
// so that lists, which read stored scores, show today's. It returns how many it rescored.
func (a *App) RefreshScores(ctx context.Context) (int, error) {
	const batch = 200
	done := 0
	for {
		var ids []int64
		err := a.store.Read(ctx, func(tx Tx) error {
			var err error
			ids, err = tx.Evaluations().Stale(ctx, a.Today(), batch)
			return err
		})
		if err != nil || len(ids) == 0 {
			return done, err
		}
		for _, id := range ids {
			if _, err := a.rescore(ctx, id); err != nil {
				return done, err
			}
			done++
		}
	}
}

// freshen rescores ev in place when its stored score is stale (nil: nothing to do).
func (a *App) freshen(ctx context.Context, ev *assess.Evaluation) error {
	if ev == nil || !ev.NeedsRescore(a.Today()) {
		return nil
	}
	s, err := a.rescore(ctx, ev.ID)
	ev.Score = s
	return err
}

// rescore scores a draft's answers as of today and stores the score; a completed evaluation's
// score stays frozen.
func (a *App) rescore(ctx context.Context, id int64) (assess.Score, error) {
	var score assess.Score
	err := a.store.Update(ctx, func(tx Tx) error {
		v, err := a.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		score = v.Evaluation.Score
		if !v.Evaluation.NeedsRescore(a.Today()) {
			return nil
		}
		score = v.Summary.Score
		return tx.Evaluations().StoreScore(ctx, id, score, false)
	})
	return score, err
}

// scoreText is a score with its tier, for the audit log.
func scoreText(s assess.Score) string {
	if !s.Assessed() {
		return s.Text()
	}
	return s.Text() + " (" + s.Tier.Label() + ")"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
