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
}

const answerColumns = `a.question, a.element, a.value, a.explanation, a.evidence, a.version, a.created_at, a.updated_at`

// answer decodes a stored row against the element it answers in questionnaire q.
func (r answerRow) answer(q *assess.Questionnaire) (assess.Answer, error) {
	a := assess.Answer{
		Question: r.Question, Element: r.Element, Explanation: r.Explanation,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
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
		INSERT INTO answers AS a (evaluation_id, question, element, value, explanation, evidence, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (evaluation_id, question, element) DO UPDATE
		SET value = excluded.value, explanation = excluded.explanation, evidence = excluded.evidence,
			updated_by = excluded.updated_by, version = a.version + 1, updated_at = now()
		RETURNING a.version, a.created_at, a.updated_at`,
		evaluationID, a.Question, a.Element, value, a.Explanation, evidence, nullID(by.UserID),
	).Scan(&saved.Version, &saved.CreatedAt, &saved.UpdatedAt)
	if err != nil {
		return assess.Answer{}, translate(err, doing)
	}
	// The scored answers kept beside the evaluation no longer match: the next change reads the
	// answers instead (Editing.Scored nil) unless the caller stores them again (StoreScored).
	_, err = r.q.Exec(ctx, `
		WITH revision AS (
			INSERT INTO answer_revisions (evaluation_id, question, element, version, old_value, new_value,
				explanation, evidence, user_id, actor, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11))
		UPDATE evaluations SET scored = NULL WHERE id = $1 AND scored IS NOT NULL`,
		evaluationID, a.Question, a.Element, saved.Version, old, value, a.Explanation, evidence,
		nullID(by.UserID), actorName(by), a.Note)
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
// transaction's clock stamps it) and appends its revision, with statements that return
// nothing, so that they can wait for the commit.
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
			INSERT INTO answers AS a (evaluation_id, question, element, value, explanation, evidence, updated_by, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (evaluation_id, question, element) DO UPDATE
			SET value = excluded.value, explanation = excluded.explanation, evidence = excluded.evidence,
				updated_by = excluded.updated_by, version = excluded.version, updated_at = now())
		INSERT INTO answer_revisions (evaluation_id, question, element, version, old_value, new_value,
			explanation, evidence, user_id, actor, note)
		VALUES ($1, $2, $3, $8, $9, $4, $5, $6, $7, $10, $11)`,
		evaluationID, a.Question, a.Element, value, a.Explanation, evidence, nullID(by.UserID), a.Version,
		old, actorName(by), a.Note)
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
}

// History lists every save of one element of an evaluation, newest first, decoded against q.
// An element q does not have is assess.ErrNotFound.
func (r answers) History(ctx context.Context, q *assess.Questionnaire, evaluationID int64, question, element string) ([]assess.Revision, error) {
	_, el, ok := q.Element(question, element)
	if !ok {
		return nil, fmt.Errorf("postgres: history of %s: %w", assess.Ref(question, element), assess.ErrNotFound)
	}
	rows, _ := r.q.Query(ctx, `SELECT version, old_value, new_value, explanation, evidence, actor, at, note
		FROM answer_revisions WHERE evaluation_id = $1 AND question = $2 AND element = $3 ORDER BY version DESC`,
		evaluationID, question, element)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[revisionRow])
	if err != nil {
		return nil, translate(err, "answer history")
	}
	out := make([]assess.Revision, 0, len(list))
	for _, row := range list {
		rev := assess.Revision{Version: row.Version, Explanation: row.Explanation, Actor: row.Actor, At: row.At, Note: row.Note}
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
