package app

import (
	"context"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// ReviewAnswer records the team's verdict on the current answer to one element
// ("question.element") of a draft: accepted, a clarification asked of the provider's contact
// (its question also goes into the element's thread), or rejected with a note. The evaluation is
// rescored in the same transaction (the verified share changes), and the verdict is audited.
func (a *App) ReviewAnswer(ctx context.Context, p Principal, evaluationID int64, ref string, in assess.ReviewInput) (assess.Answer, assess.Score, error) {
	if err := allow(p, ReviewAnswers, Resource{EvaluationID: evaluationID}); err != nil {
		return assess.Answer{}, assess.Score{}, err
	}
	question, element, _ := strings.Cut(ref, ".")
	var saved assess.Answer
	var score assess.Score
	err := a.store.Update(ctx, func(tx Tx) error {
		ed, err := a.reviewing(ctx, tx, evaluationID, question, element)
		if err != nil {
			return err
		}
		rv, err := assess.NewReview(ed.Evaluation, ed.Current, in, p.Actor().Name, ed.Now)
		if err != nil {
			return err
		}
		ev, q := ed.Evaluation, ed.Questionnaire
		scored := ed.Scored
		if scored == nil {
			if scored, err = tx.Answers().All(ctx, q, ev.ID); err != nil {
				return err
			}
		}
		threads, err := tx.Answers().Threads(ctx, ev.ID)
		if err != nil {
			return err
		}
		saved = ed.Current
		saved.Review, saved.Thread = rv, threads[ref]
		if rv.Verdict == assess.Clarify {
			saved.Thread = append(saved.Thread, assess.Message{Body: rv.Comment, Author: p.Actor().Name, At: ed.Now})
		}
		scored[ref] = saved
		score = assess.ScoreEvaluation(q, scored, a.Today())
		return tx.Later(func(tx Tx) error {
			if err := tx.Answers().SetReview(ctx, ev.ID, question, element, rv); err != nil {
				return err
			}
			if rv.Verdict == assess.Clarify {
				if err := tx.Answers().AddMessage(ctx, ev.ID, question, element, assess.Message{Body: rv.Comment, At: ed.Now}, p.Actor()); err != nil {
					return err
				}
			}
			if err := tx.Evaluations().StoreScored(ctx, ev.ID, score, scored); err != nil {
				return err
			}
			return record(ctx, tx, p, auth.ActionAnswerReviewed, ev.ProviderID, ev.ID, "reviewed %s of evaluation %d, version %d: %s",
				ref, ev.ID, saved.Version, clip(rv.Text(), 300))
		})
	})
	return saved, score, err
}

// reviewing locks an evaluation for a change to the review of one of its elements, as editing
// does for its answers, and refuses an element its questionnaire does not have.
func (a *App) reviewing(ctx context.Context, tx Tx, id int64, question, element string) (Editing, error) {
	ed, err := a.editing(ctx, tx, id, question, element)
	if err != nil {
		return Editing{}, err
	}
	if _, _, ok := ed.Questionnaire.Element(question, element); !ok {
		return Editing{}, assess.ErrNotFound
	}
	return ed, nil
}

// ReplyToClarification adds the respondent's reply to the team's open clarification on one
// element, through the request link: also after they submitted, and on that element only. The
// verdict goes back to pending for the team to look again; the element stays open to them.
func (a *App) ReplyToClarification(ctx context.Context, p Principal, ref, body string) (assess.Answer, error) {
	if p.Grant == nil {
		return assess.Answer{}, auth.ErrForbidden // the team asks through a verdict
	}
	if err := allow(p, EditAnswers, Resource{EvaluationID: p.Grant.EvaluationID}); err != nil {
		return assess.Answer{}, err
	}
	question, element, _ := strings.Cut(ref, ".")
	var saved assess.Answer
	err := a.store.Update(ctx, func(tx Tx) error {
		req, err := a.respondentRequest(ctx, tx, p)
		if err != nil {
			return err
		}
		ed, err := a.reviewing(ctx, tx, p.Grant.EvaluationID, question, element)
		if err != nil {
			return err
		}
		if err := assess.CheckReplyable(*req, a.now(), ed.Current.Review); err != nil {
			return err
		}
		text, err := assess.NewReply(body)
		if err != nil {
			return err
		}
		ev := ed.Evaluation
		saved = ed.Current
		saved.Review = ed.Current.Review.AfterChange()
		return tx.Later(func(tx Tx) error {
			if err := tx.Answers().SetReview(ctx, ev.ID, question, element, saved.Review); err != nil {
				return err
			}
			if err := tx.Answers().AddMessage(ctx, ev.ID, question, element, assess.Message{Body: text, At: ed.Now}, p.Actor()); err != nil {
				return err
			}
			return record(ctx, tx, p, auth.ActionAnswerReplied, ev.ProviderID, ev.ID, "replied on %s of evaluation %d: %s",
				ref, ev.ID, clip(text, 300))
		})
	})
	return saved, err
}
