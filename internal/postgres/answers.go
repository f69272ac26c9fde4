package postgres

import (
	"context"
	"encoding/json"
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
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The row lock orders concurrent saves to one evaluation, so each rescoring sees the
		// answers of the saves before it.
		ev, err := findEvaluation(ctx, tx, evaluationID, true)
		if err != nil {
			return err
		}
		qn, err := s.questionnaires.Find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
		if err != nil {
			return err
		}
		if _, _, ok := qn.Element(a.Question, a.Element); !ok {
			return fmt.Errorf("element %s: %w", a.Ref(), assess.ErrNotFound)
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
