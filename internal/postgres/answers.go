package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

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

// answer decodes a stored row against the element it answers.
func (r answerRow) answer(q *assess.Questionnaire) (assess.Answer, error) {
	a := assess.Answer{
		Question: r.Question, Element: r.Element, Explanation: r.Explanation,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	_, el, ok := q.Element(r.Question, r.Element)
	if !ok {
		return a, fmt.Errorf("answer to %s: no such element in %s v%d", a.Ref(), q.Key, q.Version)
	}
	var err error
	if a.Value, err = assess.ParseStoredValue(el, r.Value); err != nil {
		return a, fmt.Errorf("answer to %s: stored value: %w", a.Ref(), err)
	}
	if err := json.Unmarshal(r.Evidence, &a.Evidence); err != nil {
		return a, fmt.Errorf("answer to %s: stored evidence: %w", a.Ref(), err)
	}
	return a, nil
}

// findAnswers reads every stored answer of an evaluation, keyed by "question.element".
func (s *Store) findAnswers(ctx context.Context, q querier, ev assess.Evaluation) (map[string]assess.Answer, error) {
	qn, err := s.questionnaires.Find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
	if err != nil {
		return nil, err
	}
	rows, _ := q.Query(ctx, `SELECT `+answerColumns+` FROM answers AS a WHERE a.evaluation_id = $1`, ev.ID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[answerRow])
	if err != nil {
		return nil, err
	}
	out := make(map[string]assess.Answer, len(list))
	for _, r := range list {
		a, err := r.answer(qn)
		if err != nil {
			return nil, err
		}
		out[a.Ref()] = a
	}
	return out, nil
}

// SaveAnswer stores an answer (checked by the caller against the evaluation's questionnaire),
// bumps its version, and rescores the evaluation as of today in the same transaction, so that
// the stored score always matches the stored answers. It returns the stored answer and the score.
func (s *Store) SaveAnswer(ctx context.Context, evaluationID int64, a assess.Answer, today assess.Date, by auth.Actor) (assess.Answer, assess.Score, error) {
	var saved assess.Answer
	var score assess.Score
	// The row lock orders concurrent saves to one evaluation, so each rescoring sees the
	// answers of the saves before it.
	err := s.withLockedEvaluation(ctx, evaluationID, func(tx pgx.Tx, ev assess.Evaluation, qn *assess.Questionnaire) error {
		if ev.Status == assess.EvaluationCompleted {
			return assess.ErrLocked
		}
		if _, _, ok := qn.Element(a.Question, a.Element); !ok {
			return fmt.Errorf("element %s: %w", a.Ref(), assess.ErrNotFound)
		}
		current, err := currentAnswer(ctx, tx, qn, evaluationID, a.Question, a.Element)
		if err != nil {
			return err
		}
		if a.Base != nil && *a.Base != current.Version {
			return &assess.VersionConflict{Base: *a.Base, Current: current}
		}
		value, err := json.Marshal(a.Value)
		if err != nil {
			return err
		}
		evidence, err := json.Marshal(nonNil(a.Evidence))
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `
			INSERT INTO answers AS a (evaluation_id, question, element, value, explanation, evidence, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (evaluation_id, question, element) DO UPDATE
			SET value = excluded.value, explanation = excluded.explanation, evidence = excluded.evidence,
				updated_by = excluded.updated_by, version = a.version + 1, updated_at = now()
			RETURNING `+answerColumns,
			evaluationID, a.Question, a.Element, value, a.Explanation, evidence, nullID(by.UserID))
		row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[answerRow])
		if err != nil {
			return err
		}
		if saved, err = row.answer(qn); err != nil {
			return err
		}
		if err := insertRevision(ctx, tx, evaluationID, current, saved, value, evidence, by); err != nil {
			return err
		}
		entry := by.Entry(auth.ActionAnswerSaved, fmt.Sprintf("saved %s (version %d): %s", saved.Ref(), saved.Version, string(value)))
		entry.ProviderID, entry.EvaluationID = ev.ProviderID, evaluationID
		if err := insertAudit(ctx, tx, entry); err != nil {
			return err
		}
		score, err = s.rescore(ctx, tx, ev, qn, today, true)
		return err
	})
	if err != nil {
		return assess.Answer{}, assess.Score{}, translate(err, fmt.Sprintf("save answer %s of evaluation %d", a.Ref(), evaluationID))
	}
	return saved, score, nil
}

func nonNil(e []assess.Evidence) []assess.Evidence {
	if e == nil {
		return []assess.Evidence{}
	}
	return e
}

// clip shortens s to at most n bytes on a character boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// currentAnswer is the stored answer to one element, or a zero Answer (version 0) when there is
// none yet.
func currentAnswer(ctx context.Context, q querier, qn *assess.Questionnaire, evaluationID int64, question, element string) (assess.Answer, error) {
	rows, _ := q.Query(ctx, `SELECT `+answerColumns+` FROM answers AS a
		WHERE a.evaluation_id = $1 AND a.question = $2 AND a.element = $3`, evaluationID, question, element)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[answerRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return assess.Answer{Question: question, Element: element}, nil
	}
	if err != nil {
		return assess.Answer{}, err
	}
	return row.answer(qn)
}

// insertRevision appends a save to the answer's history.
func insertRevision(ctx context.Context, q querier, evaluationID int64, before, after assess.Answer, value, evidence []byte, by auth.Actor) error {
	var old []byte
	if before.Version > 0 {
		var err error
		if old, err = json.Marshal(before.Value); err != nil {
			return err
		}
	}
	name := by.Name
	if name == "" {
		name = "anonymous"
	}
	_, err := q.Exec(ctx, `
		INSERT INTO answer_revisions (evaluation_id, question, element, version, old_value, new_value, explanation, evidence, user_id, actor)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		evaluationID, after.Question, after.Element, after.Version, old, value, after.Explanation, evidence, nullID(by.UserID), name)
	return err
}

type revisionRow struct {
	Version     int       `db:"version"`
	OldValue    []byte    `db:"old_value"`
	NewValue    []byte    `db:"new_value"`
	Explanation string    `db:"explanation"`
	Evidence    []byte    `db:"evidence"`
	Actor       string    `db:"actor"`
	At          time.Time `db:"at"`
}

// AnswerHistory lists every save of one element of an evaluation, newest first.
func (s *Store) AnswerHistory(ctx context.Context, evaluationID int64, question, element string) ([]assess.Revision, error) {
	ev, err := findEvaluation(ctx, s.pool, evaluationID, false)
	if err != nil {
		return nil, translate(err, "answer history")
	}
	qn, err := s.questionnaires.Find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
	if err != nil {
		return nil, err
	}
	_, el, ok := qn.Element(question, element)
	if !ok {
		return nil, fmt.Errorf("element %s: %w", assess.Ref(question, element), assess.ErrNotFound)
	}
	rows, _ := s.pool.Query(ctx, `SELECT version, old_value, new_value, explanation, evidence, actor, at
		FROM answer_revisions WHERE evaluation_id = $1 AND question = $2 AND element = $3 ORDER BY version DESC`,
		evaluationID, question, element)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[revisionRow])
	if err != nil {
		return nil, translate(err, "answer history")
	}
	out := make([]assess.Revision, 0, len(list))
	for _, r := range list {
		rev := assess.Revision{Version: r.Version, Explanation: r.Explanation, Actor: r.Actor, At: r.At}
		if rev.OldValue, err = assess.ParseStoredValue(el, r.OldValue); err != nil {
			return nil, err
		}
		if rev.NewValue, err = assess.ParseStoredValue(el, r.NewValue); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(r.Evidence, &rev.Evidence); err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, nil
}
