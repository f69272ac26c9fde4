package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/assess"
	"shareline/internal/auth"
)

// evaluations is the evaluations table: evaluation heads and their stored scores.
type evaluations struct{ q querier }

// headFields are an evaluation head's columns, as SQL expressions over the alias %[1]s, and the
// names they are selected as.
var headFields = []struct{ expr, name string }{
	{"%[1]s.id", "id"},
	{"%[1]s.provider_id", "provider_id"},
	{"%[1]s.provider_name", "provider_name"},
	{"%[1]s.offering", "offering"},
	{"%[1]s.service_model", "service_model"},
	{"%[1]s.questionnaire_key", "questionnaire_key"},
	{"%[1]s.questionnaire_version", "questionnaire_version"},
	{"%[1]s.score_overall", "score_overall"},
	{"%[1]s.score_tier", "score_tier"},
	{"%[1]s.score_progress", "score_progress"},
	{"%[1]s.score_evidenced", "score_evidenced"},
	{"%[1]s.score_verified", "score_verified"},
	{"%[1]s.score_questions", "score_questions"},
	{"%[1]s.score_as_of", "score_as_of"},
	{"%[1]s.scoring_version", "scoring_version"},
	{"%[1]s.status", "status"},
	{"coalesce((SELECT u.name FROM users AS u WHERE u.id = %[1]s.created_by), '')", "created_by_name"},
	{"coalesce((SELECT u.name FROM users AS u WHERE u.id = %[1]s.completed_by), '')", "completed_by_name"},
	{"%[1]s.completed_at", "completed_at"},
	{"%[1]s.reassessed_from", "reassessed_from"},
	{"%[1]s.created_at", "created_at"},
	{"%[1]s.updated_at", "updated_at"},
}

// headColumns selects an evaluation head from the table aliased alias, each column named with
// prefix: evaluationRow reads them without a prefix, currentHead with "c_", draftHead with "d_".
func headColumns(alias, prefix string) string {
	cols := make([]string, 0, len(headFields))
	for _, f := range headFields {
		cols = append(cols, fmt.Sprintf(f.expr, alias)+" AS "+prefix+f.name)
	}
	return strings.Join(cols, ", ")
}

var evaluationColumns = headColumns("e", "")

type evaluationRow struct {
	ID                   int64      `db:"id"`
	ProviderID           int64      `db:"provider_id"`
	ProviderName         string     `db:"provider_name"`
	Offering             string     `db:"offering"`
	ServiceModel         string     `db:"service_model"`
	QuestionnaireKey     string     `db:"questionnaire_key"`
	QuestionnaireVersion int        `db:"questionnaire_version"`
	ScoreOverall         float64    `db:"score_overall"`
	ScoreTier            string     `db:"score_tier"`
	ScoreProgress        float64    `db:"score_progress"`
	ScoreEvidenced       float64    `db:"score_evidenced"`
	ScoreVerified        float64    `db:"score_verified"`
	ScoreQuestions       []byte     `db:"score_questions"`
	ScoreAsOf            time.Time  `db:"score_as_of"`
	ScoringVersion       int        `db:"scoring_version"`
	Status               string     `db:"status"`
	CreatedBy            string     `db:"created_by_name"`
	CompletedBy          string     `db:"completed_by_name"`
	CompletedAt          *time.Time `db:"completed_at"`
	ReassessedFrom       *int64     `db:"reassessed_from"`
	CreatedAt            time.Time  `db:"created_at"`
	UpdatedAt            time.Time  `db:"updated_at"`
}

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

// evaluation is the head with its stored score and no answers.
func (r evaluationRow) evaluation() (assess.Evaluation, error) {
	var qs []storedQuestionScore
	if err := json.Unmarshal(r.ScoreQuestions, &qs); err != nil {
		return assess.Evaluation{}, fmt.Errorf("postgres: evaluation %d: question scores: %w", r.ID, err)
	}
	score := assess.Score{
		Overall: r.ScoreOverall, Tier: assess.Tier(r.ScoreTier), Progress: r.ScoreProgress,
		Evidenced: r.ScoreEvidenced, Verified: r.ScoreVerified, AsOf: assess.DateOf(r.ScoreAsOf), ScoringVersion: r.ScoringVersion,
	}
	for _, q := range qs {
		score.Questions = append(score.Questions, assess.QuestionScore{
			Key: q.Key, Weight: q.Weight, Score: q.Score, Scored: q.Scored, Progress: q.Progress,
			Answered: q.Answered, Total: q.Total,
		})
	}
	return assess.Evaluation{
		ID: r.ID, ProviderID: r.ProviderID, ProviderName: r.ProviderName, Offering: r.Offering,
		ServiceModel: assess.ServiceModel(r.ServiceModel), QuestionnaireKey: r.QuestionnaireKey,
		QuestionnaireVersion: r.QuestionnaireVersion, Score: score, CreatedBy: r.CreatedBy,
		Status: assess.EvaluationStatus(r.Status), CompletedBy: r.CompletedBy, CompletedAt: orZero(r.CompletedAt),
		ReassessedFrom: orZero(r.ReassessedFrom), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}, nil
}

// currentHead is an evaluation head selected with the prefix "c_" from an outer join: every
// column is NULL when there is no evaluation.
type currentHead struct {
	ID                   *int64     `db:"c_id"`
	ProviderID           *int64     `db:"c_provider_id"`
	ProviderName         *string    `db:"c_provider_name"`
	Offering             *string    `db:"c_offering"`
	ServiceModel         *string    `db:"c_service_model"`
	QuestionnaireKey     *string    `db:"c_questionnaire_key"`
	QuestionnaireVersion *int       `db:"c_questionnaire_version"`
	ScoreOverall         *float64   `db:"c_score_overall"`
	ScoreTier            *string    `db:"c_score_tier"`
	ScoreProgress        *float64   `db:"c_score_progress"`
	ScoreEvidenced       *float64   `db:"c_score_evidenced"`
	ScoreVerified        *float64   `db:"c_score_verified"`
	ScoreQuestions       []byte     `db:"c_score_questions"`
	ScoreAsOf            *time.Time `db:"c_score_as_of"`
	ScoringVersion       *int       `db:"c_scoring_version"`
	Status               *string    `db:"c_status"`
	CreatedBy            *string    `db:"c_created_by_name"`
	CompletedBy          *string    `db:"c_completed_by_name"`
	CompletedAt          *time.Time `db:"c_completed_at"`
	ReassessedFrom       *int64     `db:"c_reassessed_from"`
	CreatedAt            *time.Time `db:"c_created_at"`
	UpdatedAt            *time.Time `db:"c_updated_at"`
}

// draftHead is currentHead selected with the prefix "d_"; it converts to a currentHead.
type draftHead struct {
	ID                   *int64     `db:"d_id"`
	ProviderID           *int64     `db:"d_provider_id"`
	ProviderName         *string    `db:"d_provider_name"`
	Offering             *string    `db:"d_offering"`
	ServiceModel         *string    `db:"d_service_model"`
	QuestionnaireKey     *string    `db:"d_questionnaire_key"`
	QuestionnaireVersion *int       `db:"d_questionnaire_version"`
	ScoreOverall         *float64   `db:"d_score_overall"`
	ScoreTier            *string    `db:"d_score_tier"`
	ScoreProgress        *float64   `db:"d_score_progress"`
	ScoreEvidenced       *float64   `db:"d_score_evidenced"`
	ScoreVerified        *float64   `db:"d_score_verified"`
	ScoreQuestions       []byte     `db:"d_score_questions"`
	ScoreAsOf            *time.Time `db:"d_score_as_of"`
	ScoringVersion       *int       `db:"d_scoring_version"`
	Status               *string    `db:"d_status"`
	CreatedBy            *string    `db:"d_created_by_name"`
	CompletedBy          *string    `db:"d_completed_by_name"`
	CompletedAt          *time.Time `db:"d_completed_at"`
	ReassessedFrom       *int64     `db:"d_reassessed_from"`
	CreatedAt            *time.Time `db:"d_created_at"`
	UpdatedAt            *time.Time `db:"d_updated_at"`
}

// evaluation is the head, or nil when the outer join found none.
func (h currentHead) evaluation() (*assess.Evaluation, error) {
	if h.ID == nil {
		return nil, nil
	}
	ev, err := evaluationRow{
		ID: *h.ID, ProviderID: orZero(h.ProviderID), ProviderName: orZero(h.ProviderName),
		Offering: orZero(h.Offering), ServiceModel: orZero(h.ServiceModel),
		QuestionnaireKey: orZero(h.QuestionnaireKey), QuestionnaireVersion: orZero(h.QuestionnaireVersion),
		ScoreOverall: orZero(h.ScoreOverall), ScoreTier: orZero(h.ScoreTier), ScoreProgress: orZero(h.ScoreProgress),
		ScoreEvidenced: orZero(h.ScoreEvidenced), ScoreVerified: orZero(h.ScoreVerified), ScoreQuestions: h.ScoreQuestions, ScoreAsOf: orZero(h.ScoreAsOf),
		ScoringVersion: orZero(h.ScoringVersion), Status: orZero(h.Status), CreatedBy: orZero(h.CreatedBy),
		CompletedBy: orZero(h.CompletedBy), CompletedAt: h.CompletedAt, ReassessedFrom: h.ReassessedFrom,
		CreatedAt: orZero(h.CreatedAt), UpdatedAt: orZero(h.UpdatedAt),
	}.evaluation()
	return &ev, err
}

// Create stores a new draft with its snapshot of the provider and a placeholder score (zero,
// not assessed, scoring version 0, as of the database's today), which the caller replaces with
// StoreScore. An unknown provider, or a questionnaire version that is not stored, is
// assess.ErrNotFound.
func (r evaluations) Create(ctx context.Context, ev assess.Evaluation, by auth.Actor) (int64, error) {
	var id int64
	err := r.q.QueryRow(ctx, `
		INSERT INTO evaluations (provider_id, provider_name, offering, service_model,
			questionnaire_key, questionnaire_version, status, created_by, reassessed_from,
			score_overall, score_tier, score_progress, score_evidenced, score_questions, score_as_of, scoring_version)
		VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, 0, 'not_assessed', 0, 0, '[]', now()::date, 0)
		RETURNING id`,
		ev.ProviderID, ev.ProviderName, ev.Offering, ev.ServiceModel, ev.QuestionnaireKey, ev.QuestionnaireVersion,
		nullID(by.UserID), nullID(ev.ReassessedFrom)).Scan(&id)
	return id, translate(err, fmt.Sprintf("start an evaluation of provider %d", ev.ProviderID))
}

// Find returns an evaluation's head and stored score, without answers; lock holds its row (FOR
// UPDATE) until the transaction ends.
func (r evaluations) Find(ctx context.Context, id int64, lock bool) (assess.Evaluation, error) {
	sql := `SELECT ` + evaluationColumns + ` FROM evaluations AS e WHERE e.id = $1`
	if lock {
		sql += ` FOR UPDATE OF e`
	}
	rows, _ := r.q.Query(ctx, sql, id)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[evaluationRow])
	if err != nil {
		return assess.Evaluation{}, translate(err, fmt.Sprintf("find evaluation %d", id))
	}
	return row.evaluation()
}

// LockDrafts holds the rows of a provider's drafts until the transaction ends: a save to one of
// them that is under way finishes first, and one that comes later waits, then reads what the
// transaction changed.
func (r evaluations) LockDrafts(ctx context.Context, providerID int64) error {
	_, err := r.q.Exec(ctx, `SELECT e.id FROM evaluations AS e
		WHERE e.provider_id = $1 AND e.status = 'draft' ORDER BY e.id FOR UPDATE`, providerID)
	return translate(err, fmt.Sprintf("lock the drafts of provider %d", providerID))
}

// OfProvider returns a provider's evaluations, newest first, with their stored scores and no
// answers.
func (r evaluations) OfProvider(ctx context.Context, providerID int64) ([]assess.Evaluation, error) {
	rows, _ := r.q.Query(ctx, `SELECT `+evaluationColumns+` FROM evaluations AS e
		WHERE e.provider_id = $1 ORDER BY e.id DESC`, providerID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[evaluationRow])
	if err != nil {
		return nil, translate(err, fmt.Sprintf("list evaluations of provider %d", providerID))
	}
	out := make([]assess.Evaluation, 0, len(list))
	for _, row := range list {
		ev, err := row.evaluation()
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// currentRow is a provider's current evaluation, if any, and whether it has a draft.
type currentRow struct {
	Provider int64 `db:"provider"`
	Drafting bool  `db:"drafting"`
	currentHead
}

// Current returns, by provider id, the current evaluation (without answers) of each provider
// among providerIDs that has one, and the ids of those with a draft. Unknown ids are left out.
func (r evaluations) Current(ctx context.Context, providerIDs []int64) (map[int64]assess.Evaluation, map[int64]bool, error) {
	rows, _ := r.q.Query(ctx, `
		SELECT p.id AS provider, p.draft_evaluation_id IS NOT NULL AS drafting, `+headColumns("c", "c_")+`
		FROM providers AS p LEFT JOIN evaluations AS c ON c.id = p.current_evaluation_id
		WHERE p.id = ANY($1)`, providerIDs)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[currentRow])
	if err != nil {
		return nil, nil, translate(err, "read current evaluations")
	}
	current, drafting := map[int64]assess.Evaluation{}, map[int64]bool{}
	for _, row := range list {
		if row.Drafting {
			drafting[row.Provider] = true
		}
		ev, err := row.evaluation()
		if err != nil {
			return nil, nil, err
		}
		if ev != nil {
			current[row.Provider] = *ev
		}
	}
	return current, drafting, nil
}

// EncodeQuestionScores is a score's per-question figures as stored in
// evaluations.score_questions; tools that write evaluations in bulk (the demo data) use it so
// that the store reads them back.
func EncodeQuestionScores(s assess.Score) ([]byte, error) {
	out := make([]storedQuestionScore, 0, len(s.Questions))
	for _, q := range s.Questions {
		out = append(out, storedQuestionScore{q.Key, q.Weight, q.Score, q.Scored, q.Progress, q.Answered, q.Total})
	}
	return json.Marshal(out)
}

// StoreScore writes a score beside its evaluation (changed moves its updated_at) and, when the
// evaluation is its provider's current one, the provider's current score (NULL when not
// assessed).
func (r evaluations) StoreScore(ctx context.Context, id int64, s assess.Score, changed bool) error {
	questions, err := EncodeQuestionScores(s)
	if err != nil {
		return err
	}
	var n int
	err = r.q.QueryRow(ctx, `
		WITH e AS (
			UPDATE evaluations SET score_overall = $2, score_tier = $3, score_progress = $4,
				score_evidenced = $5, score_questions = $6, score_as_of = $7, scoring_version = $8,
				updated_at = CASE WHEN $9 THEN now() ELSE updated_at END, score_verified = $10
			WHERE id = $1
			RETURNING id, provider_id, score_overall, score_tier),
		provider AS (
			UPDATE providers AS p
			SET current_score = CASE WHEN e.score_tier = 'not_assessed' THEN NULL ELSE e.score_overall END
			FROM e WHERE p.id = e.provider_id AND p.current_evaluation_id = e.id)
		SELECT count(*) FROM e`,
		id, s.Overall, s.Tier, s.Progress, s.Evidenced, questions, s.AsOf.Time(), s.ScoringVersion, changed, s.Verified).Scan(&n)
	if err == nil && n == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, fmt.Sprintf("store the score of evaluation %d", id))
}

// StoreScored writes a score beside its evaluation after its answers changed (which moves its
// updated_at), with the scored part of every answer (EncodeScored), and, when the evaluation is
// its provider's current one, the provider's current score. One statement that returns
// nothing, so that it can wait for the commit.
func (r evaluations) StoreScored(ctx context.Context, id int64, s assess.Score, scored map[string]assess.Answer) error {
	questions, err := EncodeQuestionScores(s)
	if err != nil {
		return err
	}
	kept, err := EncodeScored(scored)
	if err != nil {
		return err
	}
	_, err = r.q.Exec(ctx, `
		WITH e AS (
			UPDATE evaluations SET score_overall = $2, score_tier = $3, score_progress = $4,
				score_evidenced = $5, score_questions = $6, score_as_of = $7, scoring_version = $8,
				scored = $9, updated_at = now(), score_verified = $10
			WHERE id = $1
			RETURNING id, provider_id, score_overall, score_tier)
		UPDATE providers AS p
		SET current_score = CASE WHEN e.score_tier = 'not_assessed' THEN NULL ELSE e.score_overall END
		FROM e WHERE p.id = e.provider_id AND p.current_evaluation_id = e.id`,
		id, s.Overall, s.Tier, s.Progress, s.Evidenced, questions, s.AsOf.Time(), s.ScoringVersion, kept, s.Verified)
	return translate(err, fmt.Sprintf("store the score of evaluation %d", id))
}

// SetStatus writes an evaluation's status: completed by by at at, or a draft again (which
// clears who completed it and when).
func (r evaluations) SetStatus(ctx context.Context, id int64, status assess.EvaluationStatus, by auth.Actor, at time.Time) error {
	var completedBy *int64
	var completedAt *time.Time
	if status != assess.EvaluationDraft {
		completedBy, completedAt = nullID(by.UserID), &at
	}
	tag, err := r.q.Exec(ctx, `UPDATE evaluations
		SET status = $2, completed_by = $3, completed_at = $4, updated_at = now()
		WHERE id = $1`, id, status, completedBy, completedAt)
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return translate(err, fmt.Sprintf("set the status of evaluation %d", id))
}

// Stale lists up to limit drafts, by id, whose stored score is from before today or from other
// scoring rules than assess.ScoringVersion.
func (r evaluations) Stale(ctx context.Context, today assess.Date, limit int) ([]int64, error) {
	rows, _ := r.q.Query(ctx, `SELECT id FROM evaluations
		WHERE status = 'draft' AND (score_as_of < $1 OR scoring_version <> $2) ORDER BY id LIMIT $3`,
		today.Time(), assess.ScoringVersion, limit)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, translate(err, "find stale scores")
}
