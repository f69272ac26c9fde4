package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

type evaluationRow struct {
	ID                   int64     `db:"id"`
	ProviderID           int64     `db:"provider_id"`
	QuestionnaireKey     string    `db:"questionnaire_key"`
	QuestionnaireVersion int       `db:"questionnaire_version"`
	ScoreOverall         float64   `db:"score_overall"`
	ScoreTier            string    `db:"score_tier"`
	ScoreProgress        float64   `db:"score_progress"`
	ScoreEvidenced       float64   `db:"score_evidenced"`
	ScoreQuestions       []byte    `db:"score_questions"`
	ScoreAsOf            time.Time `db:"score_as_of"`
	ScoringVersion       int       `db:"scoring_version"`
	CreatedBy            string    `db:"created_by_name"`
	Status               string    `db:"status"`
	CreatedAt            time.Time `db:"created_at"`
	UpdatedAt            time.Time `db:"updated_at"`
}

const evaluationColumns = `e.id, e.provider_id, e.questionnaire_key, e.questionnaire_version,
	e.score_overall, e.score_tier, e.score_progress, e.score_evidenced, e.score_questions,
	e.score_as_of, e.scoring_version, e.created_at, e.updated_at, e.status,
	coalesce((SELECT u.name FROM users AS u WHERE u.id = e.created_by), '') AS created_by_name`

// storedQuestionScore is a question's score as kept in evaluations.score_questions.
type storedQuestionScore struct {
	Key      string  `json:"key"`
	Weight   float64 `json:"weight"`
	Score    float64 `json:"score"`
	Scored   bool    `json:"scored"`
	Progress float64 `json:"progress"`
	Answered int     `json:"answered"`
	Total    int     `json:"total"`
}

func (r evaluationRow) evaluation() (assess.Evaluation, error) {
	var qs []storedQuestionScore
	if err := json.Unmarshal(r.ScoreQuestions, &qs); err != nil {
		return assess.Evaluation{}, fmt.Errorf("postgres: evaluation %d: question scores: %w", r.ID, err)
	}
	score := assess.Score{
		Overall: r.ScoreOverall, Tier: assess.Tier(r.ScoreTier), Progress: r.ScoreProgress,
		Evidenced: r.ScoreEvidenced, AsOf: assess.DateOf(r.ScoreAsOf), ScoringVersion: r.ScoringVersion,
	}
	for _, q := range qs {
		score.Questions = append(score.Questions, assess.QuestionScore{
			Key: q.Key, Weight: q.Weight, Score: q.Score, Scored: q.Scored, Progress: q.Progress,
			Answered: q.Answered, Total: q.Total,
		})
	}
	return assess.Evaluation{
		ID: r.ID, ProviderID: r.ProviderID, QuestionnaireKey: r.QuestionnaireKey,
		QuestionnaireVersion: r.QuestionnaireVersion, Score: score, CreatedBy: r.CreatedBy,
		Status:    assess.EvaluationStatus(r.Status),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}, nil
}

// CreateEvaluation starts an evaluation of a provider on questionnaire q, scored as of today
// (empty, so zero), and makes it the provider's latest.
func (s *Store) CreateEvaluation(ctx context.Context, providerID int64, q *assess.Questionnaire, today assess.Date, by auth.Actor) (assess.Evaluation, error) {
	// Only a questionnaire the store can read back may be pinned.
	if _, err := s.questionnaires.Find(q.Key, q.Version); err != nil {
		return assess.Evaluation{}, err
	}
	var ev assess.Evaluation
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Lock the provider so that two evaluations started at once both land in order.
		p, err := findProvider(ctx, tx, providerID, true)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `
			INSERT INTO evaluations (provider_id, questionnaire_key, questionnaire_version, score_as_of, scoring_version, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			providerID, q.Key, q.Version, today.Time(), assess.ScoringVersion, nullID(by.UserID)).Scan(&id)
		if err != nil {
			return err
		}
		entry := by.Entry(auth.ActionEvaluationStarted, fmt.Sprintf("started an evaluation of %s on %s v%d", p.Name, q.Key, q.Version))
		entry.ProviderID, entry.EvaluationID = providerID, id
		if err := insertAudit(ctx, tx, entry); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE providers SET latest_evaluation_id = $2 WHERE id = $1`, providerID, id); err != nil {
			return err
		}
		if err := storeScore(ctx, tx, id, assess.ScoreEvaluation(q, nil, today), true); err != nil {
			return err
		}
		ev, err = findEvaluation(ctx, tx, id, false)
		return err
	})
	if err != nil {
		return assess.Evaluation{}, translate(err, fmt.Sprintf("create evaluation of provider %d", providerID))
	}
	ev.Answers = map[string]assess.Answer{}
	return ev, nil
}

// FindEvaluation returns an evaluation with its stored score and every answer.
func (s *Store) FindEvaluation(ctx context.Context, id int64) (assess.Evaluation, error) {
	var ev assess.Evaluation
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var err error
		if ev, err = findEvaluation(ctx, tx, id, false); err != nil {
			return err
		}
		ev.Answers, err = s.findAnswers(ctx, tx, ev)
		return err
	})
	if err != nil {
		return assess.Evaluation{}, translate(err, fmt.Sprintf("find evaluation %d", id))
	}
	return ev, nil
}

// FindEvaluationHead returns an evaluation with its stored score but without its answers: what
// a save needs to know (its questionnaire) in one query.
func (s *Store) FindEvaluationHead(ctx context.Context, id int64) (assess.Evaluation, error) {
	ev, err := findEvaluation(ctx, s.pool, id, false)
	return ev, translate(err, fmt.Sprintf("find evaluation %d", id))
}

func findEvaluation(ctx context.Context, q querier, id int64, forUpdate bool) (assess.Evaluation, error) {
	sql := `SELECT ` + evaluationColumns + ` FROM evaluations AS e WHERE e.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	rows, _ := q.Query(ctx, sql, id)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[evaluationRow])
	if err != nil {
		return assess.Evaluation{}, err
	}
	return row.evaluation()
}

// ListEvaluations returns a provider's evaluations, newest first, with their scores as of today
// and no answers.
func (s *Store) ListEvaluations(ctx context.Context, providerID int64, today assess.Date) ([]assess.Evaluation, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+evaluationColumns+` FROM evaluations AS e
		WHERE e.provider_id = $1 ORDER BY e.id DESC`, providerID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[evaluationRow])
	if err != nil {
		return nil, translate(err, fmt.Sprintf("list evaluations of provider %d", providerID))
	}
	out := make([]assess.Evaluation, 0, len(list))
	for _, r := range list {
		ev, err := r.evaluation()
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	refs := make([]*assess.Evaluation, len(out))
	for i := range out {
		refs[i] = &out[i]
	}
	return out, s.freshen(ctx, refs, today)
}

// EncodeQuestionScores is a score's per-question figures as stored in
// evaluations.score_questions; tools that write evaluations in bulk (the demo data) use it so
// that the store reads them back.
func EncodeQuestionScores(s assess.Score) ([]byte, error) { return json.Marshal(questionScores(s)) }

func questionScores(s assess.Score) []storedQuestionScore {
	out := make([]storedQuestionScore, 0, len(s.Questions))
	for _, q := range s.Questions {
		out = append(out, storedQuestionScore{q.Key, q.Weight, q.Score, q.Scored, q.Progress, q.Answered, q.Total})
	}
	return out
}

// storeScore writes a score beside its evaluation. changed says the answers changed, which moves
// the evaluation's last-updated time; a rescoring for a new day does not.
func storeScore(ctx context.Context, q querier, evaluationID int64, score assess.Score, changed bool) error {
	questions, err := EncodeQuestionScores(score)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `
		WITH e AS (
			UPDATE evaluations SET score_overall = $2, score_tier = $3, score_progress = $4,
				score_evidenced = $5, score_questions = $6, score_as_of = $7, scoring_version = $8,
				updated_at = CASE WHEN $9 THEN now() ELSE updated_at END
			WHERE id = $1
			RETURNING id, score_overall)
		UPDATE providers AS p SET latest_score = e.score_overall FROM e WHERE p.latest_evaluation_id = e.id`,
		evaluationID, score.Overall, score.Tier, score.Progress, score.Evidenced, questions,
		score.AsOf.Time(), score.ScoringVersion, changed)
	return err
}

// rescore scores an evaluation's stored answers as of today and stores the score beside it. The
// caller holds the evaluation's row lock; changed is as for storeScore.
func (s *Store) rescore(ctx context.Context, tx pgx.Tx, ev assess.Evaluation, q *assess.Questionnaire, today assess.Date, changed bool) (assess.Score, error) {
	answers, err := s.findAnswers(ctx, tx, ev)
	if err != nil {
		return assess.Score{}, err
	}
	score := assess.ScoreEvaluation(q, answers, today)
	return score, storeScore(ctx, tx, ev.ID, score, changed)
}

// stale reports whether a stored score must be recomputed before it is shown today. A
// completed evaluation's score is frozen.
func stale(ev *assess.Evaluation, today assess.Date) bool {
	return ev.Status != assess.EvaluationCompleted && (today.After(ev.Score.AsOf) || ev.Score.ScoringVersion != assess.ScoringVersion)
}

// freshen rescores, in place, the evaluations among evs whose stored score is stale, so that a
// list never shows an earlier day's score. After the daily refresh there are none.
func (s *Store) freshen(ctx context.Context, evs []*assess.Evaluation, today assess.Date) error {
	for _, ev := range evs {
		if ev == nil || !stale(ev, today) {
			continue
		}
		score, err := s.refreshScore(ctx, ev.ID, today)
		if err != nil {
			return err
		}
		ev.Score = score
	}
	return nil
}

// refreshBatch is how many stale evaluations one pass of RefreshScores reads.
const refreshBatch = 200

// RefreshScores rescores every evaluation whose stored score was computed before today or by
// other scoring rules, so that lists, which read stored scores, show today's. Date credits
// depend on the day, so this runs at start-up and after every midnight. It returns how many
// evaluations it rescored.
func (s *Store) RefreshScores(ctx context.Context, today assess.Date) (int, error) {
	done := 0
	for {
		rows, _ := s.pool.Query(ctx, `SELECT id FROM evaluations
			WHERE status = 'draft' AND (score_as_of < $1 OR scoring_version <> $2) ORDER BY id LIMIT $3`,
			today.Time(), assess.ScoringVersion, refreshBatch)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return done, translate(err, "find stale scores")
		}
		if len(ids) == 0 {
			return done, nil
		}
		for _, id := range ids {
			if _, err := s.refreshScore(ctx, id, today); err != nil {
				return done, err
			}
			done++
		}
	}
}

// withLockedEvaluation runs f in a transaction that holds the evaluation's row lock, with the
// evaluation and its pinned questionnaire. Every change to an evaluation's answers, score or
// status goes through it, so that such changes happen one after another.
func (s *Store) withLockedEvaluation(ctx context.Context, id int64, f func(tx pgx.Tx, ev assess.Evaluation, q *assess.Questionnaire) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		ev, err := findEvaluation(ctx, tx, id, true)
		if err != nil {
			return err
		}
		q, err := s.questionnaires.Find(ev.QuestionnaireKey, ev.QuestionnaireVersion)
		if err != nil {
			return err
		}
		return f(tx, ev, q)
	})
}

func (s *Store) refreshScore(ctx context.Context, id int64, today assess.Date) (assess.Score, error) {
	var score assess.Score
	err := s.withLockedEvaluation(ctx, id, func(tx pgx.Tx, ev assess.Evaluation, q *assess.Questionnaire) error {
		var err error
		score, err = s.rescore(ctx, tx, ev, q, today, false)
		return err
	})
	return score, translate(err, fmt.Sprintf("refresh score of evaluation %d", id))
}

// CompleteEvaluation locks an evaluation: its score is computed as of today and frozen.
func (s *Store) CompleteEvaluation(ctx context.Context, id int64, today assess.Date, by auth.Actor) (assess.Evaluation, error) {
	return s.setStatus(ctx, id, by, func(tx pgx.Tx, ev assess.Evaluation, q *assess.Questionnaire) (string, error) {
		if ev.Status == assess.EvaluationCompleted {
			return "", assess.ErrLocked
		}
		if _, err := s.rescore(ctx, tx, ev, q, today, false); err != nil {
			return "", err
		}
		_, err := tx.Exec(ctx, `UPDATE evaluations SET status = 'completed', completed_at = now(), updated_at = now() WHERE id = $1`, id)
		return auth.ActionEvaluationCompleted, err
	})
}

// ReopenEvaluation makes a completed evaluation a draft again.
func (s *Store) ReopenEvaluation(ctx context.Context, id int64, by auth.Actor) (assess.Evaluation, error) {
	return s.setStatus(ctx, id, by, func(tx pgx.Tx, ev assess.Evaluation, _ *assess.Questionnaire) (string, error) {
		if ev.Status != assess.EvaluationCompleted {
			return "", assess.ErrNotCompleted
		}
		_, err := tx.Exec(ctx, `UPDATE evaluations SET status = 'draft', completed_at = NULL, updated_at = now() WHERE id = $1`, id)
		return auth.ActionEvaluationReopened, err
	})
}

// setStatus runs a status change under the evaluation's row lock and records it.
func (s *Store) setStatus(ctx context.Context, id int64, by auth.Actor, change func(pgx.Tx, assess.Evaluation, *assess.Questionnaire) (string, error)) (assess.Evaluation, error) {
	var out assess.Evaluation
	err := s.withLockedEvaluation(ctx, id, func(tx pgx.Tx, ev assess.Evaluation, q *assess.Questionnaire) error {
		action, err := change(tx, ev, q)
		if err != nil {
			return err
		}
		entry := by.Entry(action, fmt.Sprintf("%s evaluation %d", action, id))
		entry.ProviderID, entry.EvaluationID = ev.ProviderID, id
		if err := insertAudit(ctx, tx, entry); err != nil {
			return err
		}
		out, err = findEvaluation(ctx, tx, id, false)
		return err
	})
	return out, translate(err, fmt.Sprintf("change status of evaluation %d", id))
}

// Reassess starts a new evaluation of the same provider on the same questionnaire version,
// from the previous evaluation's answers, and makes it the provider's latest.
func (s *Store) Reassess(ctx context.Context, id int64, today assess.Date, by auth.Actor) (assess.Evaluation, error) {
	prev, err := s.FindEvaluation(ctx, id)
	if err != nil {
		return assess.Evaluation{}, err
	}
	q, err := s.questionnaires.Find(prev.QuestionnaireKey, prev.QuestionnaireVersion)
	if err != nil {
		return assess.Evaluation{}, err
	}
	ev, err := s.CreateEvaluation(ctx, prev.ProviderID, q, today, by)
	if err != nil {
		return assess.Evaluation{}, err
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO answers (evaluation_id, question, element, value, explanation, evidence, updated_by)
			SELECT $1, question, element, value, explanation, evidence, $3 FROM answers WHERE evaluation_id = $2`,
			ev.ID, id, nullID(by.UserID)); err != nil {
			return err
		}
		head, err := findEvaluation(ctx, tx, ev.ID, true)
		if err != nil {
			return err
		}
		_, err = s.rescore(ctx, tx, head, q, today, true)
		return err
	})
	if err != nil {
		return assess.Evaluation{}, translate(err, fmt.Sprintf("reassess evaluation %d", id))
	}
	return s.FindEvaluation(ctx, ev.ID)
}
