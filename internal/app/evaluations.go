package app

import (
	"context"
	"slices"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// EvaluationView is an evaluation with its answers, the provider it evaluates (the record as it
// is now; the evaluation keeps its own snapshot), its pinned questionnaire, and its summary on
// the day it is shown (today for a draft, its completion day for a completed one).
type EvaluationView struct {
	Evaluation    assess.Evaluation
	Provider      assess.Provider
	Questionnaire *assess.Questionnaire
	Summary       assess.Summary
	// Siblings are every evaluation of the provider (this one included), for deciding which
	// lifecycle steps are open; set by Evaluation only.
	Siblings []assess.Evaluation
}

// StartEvaluation starts a draft evaluation of a provider on the newest version of questionnaire
// key (empty: the default). A provider has at most one draft at a time.
func (a *App) StartEvaluation(ctx context.Context, p Principal, providerID int64, key string) (assess.Evaluation, error) {
	if err := allow(p, StartEvaluations, Resource{ProviderID: providerID}); err != nil {
		return assess.Evaluation{}, err
	}
	if key == "" {
		key = assess.DefaultKey
	}
	var ev assess.Evaluation
	err := a.store.Update(ctx, func(tx Tx) error {
		prov, err := tx.Providers().Find(ctx, providerID, true)
		if err != nil {
			return err
		}
		if err := assess.CheckActive(prov); err != nil {
			return err
		}
		evs, err := tx.Evaluations().OfProvider(ctx, providerID)
		if err != nil {
			return err
		}
		if err := assess.CheckStartable(evs); err != nil {
			return err
		}
		q, err := tx.Questionnaires().Latest(ctx, key)
		if err != nil {
			return err
		}
		ev, err = a.createDraft(ctx, tx, p, prov, q, append(evs, assess.Evaluation{}), 0)
		if err != nil {
			return err
		}
		return record(ctx, tx, p, auth.ActionEvaluationStarted, providerID, ev.ID,
			"started evaluation %d of %s on %s v%d", ev.ID, prov.Name, q.Key, q.Version)
	})
	return ev, err
}

// createDraft stores a new draft of prov on q with copied answers (none for a fresh start),
// scores it, and makes it the provider's draft. others are the provider's evaluations; its last
// element is replaced by the new draft.
func (a *App) createDraft(ctx context.Context, tx Tx, p Principal, prov assess.Provider, q *assess.Questionnaire, others []assess.Evaluation, from int64, copied ...assess.Answer) (assess.Evaluation, error) {
	ev := assess.Evaluation{
		ProviderID: prov.ID, ProviderName: prov.Name, Offering: prov.Offering, ServiceModel: prov.ServiceModel,
		QuestionnaireKey: q.Key, QuestionnaireVersion: q.Version, Status: assess.EvaluationDraft,
		CreatedBy: p.User.Name, ReassessedFrom: from, Answers: map[string]assess.Answer{},
	}
	id, err := tx.Evaluations().Create(ctx, ev, p.Actor())
	if err != nil {
		return assess.Evaluation{}, err
	}
	ev.ID = id
	for _, c := range copied {
		saved, err := tx.Answers().Save(ctx, id, c, assess.Answer{Question: c.Question, Element: c.Element}, p.Actor())
		if err != nil {
			return assess.Evaluation{}, err
		}
		ev.Answers[saved.Ref()] = saved
	}
	ev.Score = assess.ScoreEvaluation(q, ev.Answers, a.Today())
	if err := tx.Evaluations().StoreScored(ctx, id, ev.Score, ev.Answers); err != nil {
		return assess.Evaluation{}, err
	}
	others[len(others)-1] = ev
	if err := a.represent(ctx, tx, prov.ID, others); err != nil {
		return assess.Evaluation{}, err
	}
	return tx.Evaluations().Find(ctx, id, false)
}

// represent records which of a provider's evaluations speak for it.
func (a *App) represent(ctx context.Context, tx Tx, providerID int64, evs []assess.Evaluation) error {
	current, draft := assess.Represent(evs)
	return tx.Providers().Represent(ctx, providerID, current, draft)
}

// Evaluation returns an evaluation with everything needed to show it.
func (a *App) Evaluation(ctx context.Context, p Principal, id int64) (EvaluationView, error) {
	if err := allow(p, Read, Resource{EvaluationID: id}); err != nil {
		return EvaluationView{}, err
	}
	var v EvaluationView
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		if v, err = a.load(ctx, tx, id, false); err != nil {
			return err
		}
		v.Siblings, err = tx.Evaluations().OfProvider(ctx, v.Evaluation.ProviderID)
		return err
	})
	return v, err
}

// load reads an evaluation, its answers, provider and questionnaire, and summarizes it; lock
// holds the evaluation's row (every change to one evaluation goes through it, one at a time).
func (a *App) load(ctx context.Context, tx Tx, id int64, lock bool) (EvaluationView, error) {
	ev, err := tx.Evaluations().Find(ctx, id, lock)
	if err != nil {
		return EvaluationView{}, err
	}
	q, err := a.questionnaire(ctx, tx, ev.QuestionnaireKey, ev.QuestionnaireVersion)
	if err != nil {
		return EvaluationView{}, err
	}
	if ev.Answers, err = tx.Answers().All(ctx, q, id); err != nil {
		return EvaluationView{}, err
	}
	threads, err := tx.Answers().Threads(ctx, id)
	if err != nil {
		return EvaluationView{}, err
	}
	for ref, thread := range threads {
		if a, ok := ev.Answers[ref]; ok {
			a.Thread = thread
			ev.Answers[ref] = a
		}
	}
	prov, err := tx.Providers().Find(ctx, ev.ProviderID, false)
	if err != nil {
		return EvaluationView{}, err
	}
	return EvaluationView{Evaluation: ev, Provider: prov, Questionnaire: q, Summary: assess.Summarize(q, ev, a.Today())}, nil
}

// lockForLifecycle locks, in this order, an evaluation's provider and then the evaluation, so
// that status changes and new evaluations of one provider happen one after another without
// deadlocks, and returns the evaluation loaded and the provider's evaluations. The evaluations
// of an archived provider are refused (assess.ErrArchived).
func (a *App) lockForLifecycle(ctx context.Context, tx Tx, id int64) (EvaluationView, []assess.Evaluation, error) {
	head, err := tx.Evaluations().Find(ctx, id, false)
	if err != nil {
		return EvaluationView{}, nil, err
	}
	prov, err := tx.Providers().Find(ctx, head.ProviderID, true)
	if err != nil {
		return EvaluationView{}, nil, err
	}
	if err := assess.CheckActive(prov); err != nil {
		return EvaluationView{}, nil, err
	}
	v, err := a.load(ctx, tx, id, true)
	if err != nil {
		return EvaluationView{}, nil, err
	}
	evs, err := tx.Evaluations().OfProvider(ctx, head.ProviderID)
	return v, evs, err
}

// SaveAnswer checks an answer to one element ("question.element") against the evaluation's own
// questionnaire version, stores it as a new version with its revision, and rescores the
// evaluation, in one transaction. A save based on an older version is a VersionConflict; a save
// equal to the stored answer changes nothing and returns the stored answer.
//
// The transaction is two round trips: one locks the evaluation and reads the element's answer
// and the scored answers kept beside the evaluation (Answers.Editing, with BEGIN); the other
// writes the answer, its revision, the score and the audit entry with COMMIT (Tx.Later).
func (a *App) SaveAnswer(ctx context.Context, p Principal, evaluationID int64, ref string, in assess.AnswerInput) (assess.Answer, assess.Score, error) {
	if err := allow(p, EditAnswers, Resource{EvaluationID: evaluationID}); err != nil {
		return assess.Answer{}, assess.Score{}, err
	}
	question, element, _ := strings.Cut(ref, ".")
	var saved assess.Answer
	var score assess.Score
	err := a.store.Update(ctx, func(tx Tx) error {
		ed, err := a.answering(ctx, tx, p, evaluationID, question, element)
		if err != nil {
			return err
		}
		in.Evidence = slices.Clone(in.Evidence)
		if err := resolveFiles(ctx, tx, evaluationID, in.Evidence, ed.Current.Evidence); err != nil {
			return err
		}
		answer, err := ed.Questionnaire.NewAnswer(question, element, in, a.Today())
		if err != nil {
			return err
		}
		saved, score, err = a.write(ctx, tx, p, ed, answer, auth.ActionAnswerSaved)
		return err
	})
	return saved, score, err
}

// answering is editing for p, who is about to change one element's answer: a respondent's
// request is locked and checked first (its link open, the element answerable through it).
func (a *App) answering(ctx context.Context, tx Tx, p Principal, id int64, question, element string) (Editing, error) {
	req, err := a.respondentRequest(ctx, tx, p)
	if err != nil {
		return Editing{}, err
	}
	ed, err := a.editing(ctx, tx, id, question, element)
	if err != nil {
		return Editing{}, err
	}
	return ed, a.respondentMayAnswer(ctx, tx, req, ed.Current.Review)
}

// editing locks an evaluation whose answers are about to change and reads what a change to one
// element starts from; it refuses the evaluation when its state does not allow changes, or its
// provider is archived.
func (a *App) editing(ctx context.Context, tx Tx, id int64, question, element string) (Editing, error) {
	ed, err := tx.Answers().Editing(ctx, id, question, element, a.finder(ctx, tx))
	if err != nil {
		return Editing{}, err
	}
	if ed.ProviderArchived {
		return Editing{}, assess.ErrArchived
	}
	return ed, assess.CheckEditable(ed.Evaluation)
}

// write stores answer over the current one (refusing a stale base, skipping a save that
// changes nothing), rescores the evaluation from its scored answers with the new one, and
// records the change. The writes wait for the commit.
func (a *App) write(ctx context.Context, tx Tx, p Principal, ed Editing, answer assess.Answer, action string) (assess.Answer, assess.Score, error) {
	ev, q, current := ed.Evaluation, ed.Questionnaire, ed.Current
	if answer.Base != nil && *answer.Base != current.Version {
		return assess.Answer{}, assess.Score{}, &assess.VersionConflict{Base: *answer.Base, Current: current}
	}
	scored := ed.Scored
	if scored == nil {
		// Not kept beside this evaluation yet: read the answers once; the save keeps them.
		var err error
		if scored, err = tx.Answers().All(ctx, q, ev.ID); err != nil {
			return assess.Answer{}, assess.Score{}, err
		}
	}
	if assess.SameAnswer(current, answer) {
		return current, assess.ScoreEvaluation(q, scored, a.Today()), nil
	}
	saved := answer
	saved.Base, saved.Version, saved.UpdatedAt, saved.CreatedAt = nil, current.Version+1, ed.Now, current.CreatedAt
	if current.Version == 0 {
		saved.CreatedAt = ed.Now
	}
	if saved.Evidence == nil {
		saved.Evidence = []assess.Evidence{}
	}
	saved.Review, saved.By = current.Review.AfterChange(), answeredBy(p)
	scored[saved.Ref()] = saved
	score := assess.ScoreEvaluation(q, scored, a.Today())
	_, el, _ := q.Element(saved.Question, saved.Element)
	how := ""
	if saved.Note != "" {
		how = " (" + saved.Note + ")"
	}
	err := tx.Later(func(tx Tx) error {
		if err := tx.Answers().Put(ctx, ev.ID, saved, current, p.Actor()); err != nil {
			return err
		}
		if err := tx.Evaluations().StoreScored(ctx, ev.ID, score, scored); err != nil {
			return err
		}
		return record(ctx, tx, p, action, ev.ProviderID, ev.ID, "saved %s of evaluation %d, version %d%s: %s",
			saved.Ref(), ev.ID, saved.Version, how, clip(assess.AnswerText(el, saved.Value), 200))
	})
	return saved, score, err
}

// answeredBy is who gives an answer that p saves.
func answeredBy(p Principal) assess.AnsweredBy {
	by := p.Actor()
	return assess.AnsweredBy{Name: by.Name, RequestID: by.RequestID, UserID: by.UserID}
}

// HistoryView is every save of one element of an evaluation, newest first.
type HistoryView struct {
	EvaluationView
	Question  *assess.Question
	Element   *assess.Element
	Current   assess.Answer
	Revisions []assess.Revision
}

// History lists every save of one element ("question.element").
func (a *App) History(ctx context.Context, p Principal, evaluationID int64, ref string) (HistoryView, error) {
	if err := allow(p, Read, Resource{EvaluationID: evaluationID}); err != nil {
		return HistoryView{}, err
	}
	question, element, _ := strings.Cut(ref, ".")
	var v HistoryView
	err := a.store.Read(ctx, func(tx Tx) error {
		var err error
		if v.EvaluationView, err = a.load(ctx, tx, evaluationID, false); err != nil {
			return err
		}
		var ok bool
		if v.Question, v.Element, ok = v.Questionnaire.Element(question, element); !ok {
			return assess.ErrNotFound
		}
		v.Current = v.Evaluation.Answers[assess.Ref(question, element)]
		v.Revisions, err = tx.Answers().History(ctx, v.Questionnaire, evaluationID, question, element)
		return err
	})
	return v, err
}

// RestoreRevision saves an earlier revision of one element again (value, explanation and
// evidence) as a new version marked as a restore. base is the version the person saw: when the
// answer moved on since, the restore is a VersionConflict.
func (a *App) RestoreRevision(ctx context.Context, p Principal, evaluationID int64, ref string, version, base int) (assess.Answer, error) {
	if err := allow(p, EditAnswers, Resource{EvaluationID: evaluationID}); err != nil {
		return assess.Answer{}, err
	}
	question, element, _ := strings.Cut(ref, ".")
	var saved assess.Answer
	err := a.store.Update(ctx, func(tx Tx) error {
		ed, err := a.editing(ctx, tx, evaluationID, question, element)
		if err != nil {
			return err
		}
		if _, _, ok := ed.Questionnaire.Element(question, element); !ok {
			return assess.ErrNotFound
		}
		revs, err := tx.Answers().History(ctx, ed.Questionnaire, evaluationID, question, element)
		if err != nil {
			return err
		}
		for _, rev := range revs {
			if rev.Version != version {
				continue
			}
			answer, err := assess.Restore(rev, ed.Current, base)
			if err != nil {
				return err
			}
			saved, _, err = a.write(ctx, tx, p, ed, answer, auth.ActionAnswerRestored)
			return err
		}
		return assess.Invalid("version", "there is no version %d of this answer", version)
	})
	return saved, err
}
