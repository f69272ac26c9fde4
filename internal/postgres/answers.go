package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

// answers is the answers table and the answer_revisions history beside it.
type answers struct{ q querier }

type answerRow struct {
	Question    string    `db:"question"`
	Element     string    `db:"element"`
	Value       []byte    `db:"value"`
	Explanation string    `db:"explanation"`
	Evidence    []byte    `db:"evidence"`
	Version     int       `db:"version"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
	// The review of this version, and who gave it.
	ReviewVerdict string     `db:"review_verdict"`
	ReviewComment string     `db:"review_comment"`
	ReviewBy      string     `db:"review_by"`
	ReviewAt      *time.Time `db:"review_at"`
	ReviewOpen    bool       `db:"review_open"`
	AnsweredBy    string     `db:"answered_by"`
	RequestID     *int64     `db:"request_id"`
	UpdatedBy     *int64     `db:"updated_by"`
}

const answerColumns = `a.question, a.element, a.value, a.explanation, a.evidence, a.version, a.created_at, a.updated_at,
	a.review_verdict, a.review_comment, a.review_by, a.review_at, a.review_open, a.answered_by, a.request_id, a.updated_by`

// answer decodes a stored row against the element it answers in questionnaire q.
func (r answerRow) answer(q *assess.Questionnaire) (assess.Answer, error) {
	a := assess.Answer{
		Question: r.Question, Element: r.Element, Explanation: r.Explanation,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Review: assess.Review{Verdict: assess.Verdict(r.ReviewVerdict), Comment: r.ReviewComment, By: r.ReviewBy,
			At: orZero(r.ReviewAt), Open: r.ReviewOpen},
		By: answeredBy(r.AnsweredBy, r.RequestID, r.UpdatedBy),
	}
	_, el, ok := q.Element(r.Question, r.Element)
	if !ok {
		return a, fmt.Errorf("postgres: answer to %s: no such element in %s v%d", a.Ref(), q.Key, q.Version)
	}
	var err error
	if a.Value, err = assess.ParseStoredValue(el, r.Value); err != nil {
		return a, fmt.Errorf("postgres: answer to %s: stored value: %w", a.Ref(), err)
	}
	if err := json.Unmarshal(r.Evidence, &a.Evidence); err != nil {
		return a, fmt.Errorf("postgres: answer to %s: stored evidence: %w", a.Ref(), err)
	}
	return a, nil
}

// answeredBy is who gave an answer or revision, from its stored columns.
func answeredBy(name string, requestID, userID *int64) assess.AnsweredBy {
	by := assess.AnsweredBy{Name: name, RequestID: orZero(requestID)}
	if by.RequestID == 0 {
		by.UserID = orZero(userID)
	}
	return by
}

// reviewAt is a review's time as stored: NULL while pending.
func reviewAt(rv assess.Review) *time.Time {
	if rv.At.IsZero() {
		return nil
	}
	return &rv.At
}

// All returns every stored answer of an evaluation, keyed by "question.element", decoded
// against q, the questionnaire version it pins.
func (r answers) All(ctx context.Context, q *assess.Questionnaire, evaluationID int64) (map[string]assess.Answer, error) {
	rows, _ := r.q.Query(ctx, `SELECT `+answerColumns+` FROM answers AS a WHERE a.evaluation_id = $1`, evaluationID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[answerRow])
	if err != nil {
		return nil, translate(err, fmt.Sprintf("read the answers of evaluation %d", evaluationID))
	}
	out := make(map[string]assess.Answer, len(list))
	for _, row := range list {
		a, err := row.answer(q)
		if err != nil {
			return nil, err
		}
		out[a.Ref()] = a
	}
	return out, nil
}

// answerOfRow is an answer row with the evaluation it belongs to.
type answerOfRow struct {
	EvaluationID int64 `db:"evaluation_id"`
	answerRow
}

// Of returns the answers of several evaluations in one query, by evaluation id (an empty map
// for an evaluation without answers), each decoded against the questionnaire version find
// returns for it.
func (r answers) Of(ctx context.Context, evs []assess.Evaluation, find func(key string, version int) (*assess.Questionnaire, error)) (map[int64]map[string]assess.Answer, error) {
	out := make(map[int64]map[string]assess.Answer, len(evs))
	byID := make(map[int64]assess.Evaluation, len(evs))
	ids := make([]int64, 0, len(evs))
	for _, ev := range evs {
		out[ev.ID] = map[string]assess.Answer{}
		byID[ev.ID] = ev
		ids = append(ids, ev.ID)
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, _ := r.q.Query(ctx, `SELECT a.evaluation_id, `+answerColumns+` FROM answers AS a WHERE a.evaluation_id = ANY($1)`, ids)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[answerOfRow])
	if err != nil {
		return nil, translate(err, "read the answers of several evaluations")
	}
	for _, row := range list {
		ev := byID[row.EvaluationID]
		q, err := find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
		if err != nil {
			return nil, err
		}
		a, err := row.answer(q)
		if err != nil {
			return nil, err
		}
		out[ev.ID][a.Ref()] = a
	}
	return out, nil
}

// Current returns the stored answer to one element, or, when there is none yet, a zero Answer
// naming the element, at version 0.
func (r answers) Current(ctx context.Context, q *assess.Questionnaire, evaluationID int64, question, element string) (assess.Answer, error) {
	rows, _ := r.q.Query(ctx, `SELECT `+answerColumns+` FROM answers AS a
		WHERE a.evaluation_id = $1 AND a.question = $2 AND a.element = $3`, evaluationID, question, element)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[answerRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return assess.Answer{Question: question, Element: element}, nil
	}
	if err != nil {
		return assess.Answer{}, translate(err, fmt.Sprintf("read answer %s of evaluation %d", assess.Ref(question, element), evaluationID))
	}
	return row.answer(q)
}

// Save stores a (checked by the caller) as the element's next version, and appends the revision
// from before (the answer it replaces; version 0 when there was none) to it, with a.Note. It
// returns the answer as stored, with a.Note.
func (r answers) Save(ctx context.Context, evaluationID int64, a assess.Answer, before assess.Answer, by auth.Actor) (assess.Answer, error) {
	doing := fmt.Sprintf("save answer %s of evaluation %d", a.Ref(), evaluationID)
	saved := a
	saved.Base, saved.Evidence = nil, nonNil(a.Evidence)
	value, err := json.Marshal(a.Value)
	if err != nil {
		return assess.Answer{}, err
	}
	evidence, err := json.Marshal(saved.Evidence)
	if err != nil {
		return assess.Answer{}, err
	}
	var old []byte
	if before.Version > 0 {
		if old, err = json.Marshal(before.Value); err != nil {
			return assess.Answer{}, err
		}
	}
	err = r.q.QueryRow(ctx, `
		INSERT INTO answers AS a (evaluation_id, question, element, value, explanation, evidence, updated_by,
			answered_by, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (evaluation_id, question, element) DO UPDATE
		SET value = excluded.value, explanation = excluded.explanation, evidence = excluded.evidence,
			updated_by = excluded.updated_by, version = a.version + 1, updated_at = now(),
			answered_by = excluded.answered_by, request_id = excluded.request_id,
			review_verdict = 'pending', review_comment = '', review_by = '', review_at = NULL, review_open = false
		RETURNING a.version, a.created_at, a.updated_at`,
		evaluationID, a.Question, a.Element, value, a.Explanation, evidence, nullID(by.UserID),
		actorName(by), nullID(by.RequestID),
	).Scan(&saved.Version, &saved.CreatedAt, &saved.UpdatedAt)
	if err != nil {
		return assess.Answer{}, translate(err, doing)
	}
	saved.Review, saved.By = assess.Review{Verdict: assess.Pending}, answeredBy(actorName(by), nullID(by.RequestID), nullID(by.UserID))
	// The scored answers kept beside the evaluation no longer match: the next change reads the
	// answers instead (Editing.Scored nil) unless the caller stores them again (StoreScored).
	_, err = r.q.Exec(ctx, `
		WITH revision AS (
			INSERT INTO answer_revisions (evaluation_id, question, element, version, old_value, new_value,
				explanation, evidence, user_id, actor, note, request_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12))
		UPDATE evaluations SET scored = NULL WHERE id = $1 AND scored IS NOT NULL`,
		evaluationID, a.Question, a.Element, saved.Version, old, value, a.Explanation, evidence,
		nullID(by.UserID), actorName(by), a.Note, nullID(by.RequestID))
	if err != nil {
		return assess.Answer{}, translate(err, doing)
	}
	return saved, nil
}

func actorName(by auth.Actor) string {
	if by.Name == "" {
		return "anonymous"
	}
	return by.Name
}

// editingRow is the locked evaluation head with its scored answers and the transaction's clock.
type editingRow struct {
	evaluationRow
	Scored []byte    `db:"scored"`
	Now    time.Time `db:"now"`
}

// Editing locks an evaluation's row and reads its head, its scored answers, the transaction's
// clock, the stored answer to one element and whether its provider is archived, in one round
// trip (three statements in one pipeline; the answer and the provider are read by the second
// and third, after the lock is held, so they are the latest: archiving locks the provider's
// drafts before it commits).
func (r answers) Editing(ctx context.Context, evaluationID int64, question, element string, find func(string, int) (*assess.Questionnaire, error)) (app.Editing, error) {
	doing := fmt.Sprintf("read evaluation %d for a change to %s", evaluationID, assess.Ref(question, element))
	var head []editingRow
	var current []answerRow
	b := &pgx.Batch{}
	b.Queue(`SELECT `+evaluationColumns+`, e.scored, now() AS now FROM evaluations AS e WHERE e.id = $1 FOR UPDATE OF e`,
		evaluationID).Query(func(rows pgx.Rows) (err error) {
		head, err = pgx.CollectRows(rows, pgx.RowToStructByName[editingRow])
		return err
	})
	b.Queue(`SELECT `+answerColumns+` FROM answers AS a
		WHERE a.evaluation_id = $1 AND a.question = $2 AND a.element = $3`,
		evaluationID, question, element).Query(func(rows pgx.Rows) (err error) {
		current, err = pgx.CollectRows(rows, pgx.RowToStructByName[answerRow])
		return err
	})
	var archived []bool
	b.Queue(`SELECT p.archived_at IS NOT NULL FROM evaluations AS e JOIN providers AS p ON p.id = e.provider_id
		WHERE e.id = $1`, evaluationID).Query(func(rows pgx.Rows) (err error) {
		archived, err = pgx.CollectRows(rows, pgx.RowTo[bool])
		return err
	})
	if err := r.q.SendBatch(ctx, b).Close(); err != nil {
		return app.Editing{}, translate(err, doing)
	}
	if len(head) == 0 {
		return app.Editing{}, translate(pgx.ErrNoRows, doing)
	}
	ev, err := head[0].evaluation()
	if err != nil {
		return app.Editing{}, err
	}
	q, err := find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
	if err != nil {
		return app.Editing{}, err
	}
	out := app.Editing{Evaluation: ev, Questionnaire: q, Now: head[0].Now,
		Current: assess.Answer{Question: question, Element: element}, ProviderArchived: len(archived) > 0 && archived[0]}
	if len(current) > 0 {
		if out.Current, err = current[0].answer(q); err != nil {
			return app.Editing{}, err
		}
	}
	if out.Scored, err = decodeScored(q, head[0].Scored); err != nil {
		return app.Editing{}, fmt.Errorf("postgres: evaluation %d: %w", evaluationID, err)
	}
	return out, nil
}

// Put stores a as the caller made it (a.Version the next after before's, stamped as the
// transaction's clock stamps it, with its review as a.Review says: pending after a change) and
// appends its revision, both recording who gave it (by), with statements that return nothing,
// so that they can wait for the commit.
func (r answers) Put(ctx context.Context, evaluationID int64, a assess.Answer, before assess.Answer, by auth.Actor) error {
	doing := fmt.Sprintf("save answer %s of evaluation %d", a.Ref(), evaluationID)
	value, err := json.Marshal(a.Value)
	if err != nil {
		return err
	}
	evidence, err := json.Marshal(nonNil(a.Evidence))
	if err != nil {
		return err
	}
	var old []byte
	if before.Version > 0 {
		if old, err = json.Marshal(before.Value); err != nil {
			return err
		}
	}
	_, err = r.q.Exec(ctx, `
		WITH answer AS (
			INSERT INTO answers AS a (evaluation_id, question, element, value, explanation, evidence, updated_by, version,
				answered_by, request_id, review_verdict, review_open)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $12, $13, $14)
			ON CONFLICT (evaluation_id, question, element) DO UPDATE
			SET value = excluded.value, explanation = excluded.explanation, evidence = excluded.evidence,
				updated_by = excluded.updated_by, version = excluded.version, updated_at = now(),
				answered_by = excluded.answered_by, request_id = excluded.request_id,
				review_verdict = excluded.review_verdict, review_comment = '', review_by = '', review_at = NULL,
				review_open = excluded.review_open)
		INSERT INTO answer_revisions (evaluation_id, question, element, version, old_value, new_value,
			explanation, evidence, user_id, actor, note, request_id)
		VALUES ($1, $2, $3, $8, $9, $4, $5, $6, $7, $10, $11, $12)`,
		evaluationID, a.Question, a.Element, value, a.Explanation, evidence, nullID(by.UserID), a.Version,
		old, actorName(by), a.Note, nullID(by.RequestID), a.Review.State(), a.Review.Open)
	return translate(err, doing)
}

func nonNil(e []assess.Evidence) []assess.Evidence {
	if e == nil {
		return []assess.Evidence{}
	}
	return e
}

type revisionRow struct {
	Version     int       `db:"version"`
	OldValue    []byte    `db:"old_value"`
	NewValue    []byte    `db:"new_value"`
	Explanation string    `db:"explanation"`
	Evidence    []byte    `db:"evidence"`
	Actor       string    `db:"actor"`
	At          time.Time `db:"at"`
	Note        string    `db:"note"`
	UserID      *int64    `db:"user_id"`
	RequestID   *int64    `db:"request_id"`
}

// History lists every save of one element of an evaluation, newest first, decoded against q.
// An element q does not have is assess.ErrNotFound.
func (r answers) History(ctx context.Context, q *assess.Questionnaire, evaluationID int64, question, element string) ([]assess.Revision, error) {
	_, el, ok := q.Element(question, element)
	if !ok {
		return nil, fmt.Errorf("postgres: history of %s: %w", assess.Ref(question, element), assess.ErrNotFound)
	}
	rows, _ := r.q.Query(ctx, `SELECT version, old_value, new_value, explanation, evidence, actor, at, note,
			user_id, request_id
		FROM answer_revisions WHERE evaluation_id = $1 AND question = $2 AND element = $3 ORDER BY version DESC`,
		evaluationID, question, element)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[revisionRow])
	if err != nil {
		return nil, translate(err, "answer history")
	}
	out := make([]assess.Revision, 0, len(list))
	for _, row := range list {
		rev := assess.Revision{Version: row.Version, Explanation: row.Explanation, Actor: row.Actor, At: row.At, Note: row.Note,
			By: answeredBy(row.Actor, row.RequestID, row.UserID)}
		if rev.OldValue, err = assess.ParseStoredValue(el, row.OldValue); err != nil {
			return nil, fmt.Errorf("postgres: revision %d of %s: %w", row.Version, assess.Ref(question, element), err)
		}
		if rev.NewValue, err = assess.ParseStoredValue(el, row.NewValue); err != nil {
			return nil, fmt.Errorf("postgres: revision %d of %s: %w", row.Version, assess.Ref(question, element), err)
		}
		if err := json.Unmarshal(row.Evidence, &rev.Evidence); err != nil {
			return nil, fmt.Errorf("postgres: revision %d of %s: %w", row.Version, assess.Ref(question, element), err)
		}
		out = append(out, rev)
	}
	return out, nil
}

// SetReview stores the review of an element's current answer. One statement that returns
// nothing, so that it can wait for the commit.
func (r answers) SetReview(ctx context.Context, evaluationID int64, question, element string, rv assess.Review) error {
	_, err := r.q.Exec(ctx, `UPDATE answers SET review_verdict = $4, review_comment = $5, review_by = $6,
			review_at = $7, review_open = $8
		WHERE evaluation_id = $1 AND question = $2 AND element = $3`,
		evaluationID, question, element, rv.State(), rv.Comment, rv.By, reviewAt(rv), rv.Open)
	return translate(err, fmt.Sprintf("store the review of %s of evaluation %d", assess.Ref(question, element), evaluationID))
}

// AddMessage appends a message to the thread on an element, written by by at m.At. One
// statement that returns nothing, so that it can wait for the commit.
func (r answers) AddMessage(ctx context.Context, evaluationID int64, question, element string, m assess.Message, by auth.Actor) error {
	_, err := r.q.Exec(ctx, `INSERT INTO answer_messages (evaluation_id, question, element, body, author, user_id, request_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		evaluationID, question, element, m.Body, actorName(by), nullID(by.UserID), nullID(by.RequestID), m.At)
	return translate(err, fmt.Sprintf("add a message on %s of evaluation %d", assess.Ref(question, element), evaluationID))
}

type messageRow struct {
	Question  string    `db:"question"`
	Element   string    `db:"element"`
	Body      string    `db:"body"`
	Author    string    `db:"author"`
	RequestID *int64    `db:"request_id"`
	At        time.Time `db:"at"`
}

// Threads returns the messages on each element of an evaluation that has any, keyed by
// "question.element", oldest first.
func (r answers) Threads(ctx context.Context, evaluationID int64) (map[string][]assess.Message, error) {
	rows, _ := r.q.Query(ctx, `SELECT question, element, body, author, request_id, at FROM answer_messages
		WHERE evaluation_id = $1 ORDER BY question, element, id`, evaluationID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[messageRow])
	if err != nil {
		return nil, translate(err, fmt.Sprintf("read the threads of evaluation %d", evaluationID))
	}
	out := map[string][]assess.Message{}
	for _, m := range list {
		ref := assess.Ref(m.Question, m.Element)
		out[ref] = append(out[ref], assess.Message{Body: m.Body, Author: m.Author, FromProvider: m.RequestID != nil, At: m.At})
	}
	return out, nil
}
