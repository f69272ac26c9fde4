package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
)

// LatestEvaluations returns the providers with these ids, each with its newest evaluation and
// that evaluation's answers, in three queries whatever the number of providers. Ids that name no
// provider are left out; the caller compares lengths.
func (s *Store) LatestEvaluations(ctx context.Context, ids []int64) ([]assess.CompareInput, error) {
	var out []assess.CompareInput
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+providerColumns+` FROM providers AS p WHERE p.id = ANY($1)`, ids)
		providers, err := pgx.CollectRows(rows, pgx.RowToStructByName[providerRow])
		if err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT `+evaluationColumns+` FROM evaluations AS e
			JOIN providers AS p ON p.latest_evaluation_id = e.id WHERE p.id = ANY($1)`, ids)
		evRows, err := pgx.CollectRows(rows, pgx.RowToStructByName[evaluationRow])
		if err != nil {
			return err
		}
		latest := map[int64]*assess.Evaluation{}
		for _, r := range evRows {
			ev, err := r.evaluation()
			if err != nil {
				return err
			}
			latest[ev.ProviderID] = &ev
		}
		if err := s.attachAnswers(ctx, tx, latest); err != nil {
			return err
		}
		for _, p := range providers {
			out = append(out, assess.CompareInput{Provider: p.provider(), Latest: latest[p.ID]})
		}
		return nil
	})
	return out, translate(err, "load evaluations to compare")
}

// attachAnswers reads the answers of several evaluations in one query.
func (s *Store) attachAnswers(ctx context.Context, q querier, byProvider map[int64]*assess.Evaluation) error {
	byID := map[int64]*assess.Evaluation{}
	ids := make([]int64, 0, len(byProvider))
	for _, ev := range byProvider {
		ev.Answers = map[string]assess.Answer{}
		byID[ev.ID] = ev
		ids = append(ids, ev.ID)
	}
	rows, _ := q.Query(ctx, `SELECT a.evaluation_id, `+answerColumns+` FROM answers AS a WHERE a.evaluation_id = ANY($1)`, ids)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[answerOfRow])
	if err != nil {
		return err
	}
	for _, r := range list {
		ev := byID[r.EvaluationID]
		qn, err := s.questionnaires.Find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
		if err != nil {
			return err
		}
		a, err := r.answer(qn)
		if err != nil {
			return err
		}
		ev.Answers[a.Ref()] = a
	}
	return nil
}

// answerOfRow is an answer row with the evaluation it belongs to.
type answerOfRow struct {
	EvaluationID int64 `db:"evaluation_id"`
	answerRow
}
