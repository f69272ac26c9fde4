package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
)

// questionnaireVersions is the questionnaires table: one row per version, never changed once
// stored (a trigger refuses updates, and deleting a version that an evaluation pins).
type questionnaireVersions struct{ q querier }

// Find returns one stored questionnaire version, parsed and checked.
func (r questionnaireVersions) Find(ctx context.Context, key string, version int) (*assess.Questionnaire, error) {
	return r.one(ctx, fmt.Sprintf("find questionnaire %s v%d", key, version),
		`SELECT definition FROM questionnaires WHERE key = $1 AND version = $2`, key, version)
}

// Latest returns the highest stored version of a questionnaire.
func (r questionnaireVersions) Latest(ctx context.Context, key string) (*assess.Questionnaire, error) {
	return r.one(ctx, fmt.Sprintf("find questionnaire %s", key),
		`SELECT definition FROM questionnaires WHERE key = $1 ORDER BY version DESC LIMIT 1`, key)
}

func (r questionnaireVersions) one(ctx context.Context, doing, sql string, args ...any) (*assess.Questionnaire, error) {
	var definition []byte
	if err := r.q.QueryRow(ctx, sql, args...).Scan(&definition); err != nil {
		return nil, translate(err, doing)
	}
	q, err := assess.ParseQuestionnaire(definition)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: stored definition: %w", doing, err)
	}
	return q, nil
}

// canonical is a questionnaire's definition as stored: its JSON after a parse, so that two
// definitions compare equal exactly when they score and read alike.
func canonical(q *assess.Questionnaire) ([]byte, error) {
	data, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	parsed, err := assess.ParseQuestionnaire(data)
	if err != nil {
		return nil, assess.Invalid("questionnaire", "%s", err.Error())
	}
	return json.Marshal(parsed)
}

// Publish stores a questionnaire version. When the version is stored already, an equal
// definition changes nothing (created is false) and another one is a conflict.
func (r questionnaireVersions) Publish(ctx context.Context, q *assess.Questionnaire) (bool, error) {
	doing := fmt.Sprintf("publish questionnaire %s v%d", q.Key, q.Version)
	definition, err := canonical(q)
	if err != nil {
		return false, err
	}
	// ON CONFLICT waits for a concurrent publisher of the same version to commit, and then
	// finds its row.
	tag, err := r.q.Exec(ctx, `INSERT INTO questionnaires (key, version, title, definition)
		VALUES ($1, $2, $3, $4) ON CONFLICT (key, version) DO NOTHING`, q.Key, q.Version, q.Title, definition)
	if err != nil {
		return false, translate(err, doing)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	stored, err := r.Find(ctx, q.Key, q.Version)
	if err != nil {
		return false, err
	}
	same, err := canonical(stored)
	if err != nil {
		return false, fmt.Errorf("postgres: %s: stored definition: %w", doing, err)
	}
	if !bytes.Equal(same, definition) {
		return false, assess.Conflict(fmt.Sprintf("questionnaire %s v%d exists with another definition: publish a new version", q.Key, q.Version))
	}
	return false, nil
}

type questionnaireInfoRow struct {
	Key         string    `db:"key"`
	Version     int       `db:"version"`
	Title       string    `db:"title"`
	Evaluations int       `db:"evaluations"`
	CreatedAt   time.Time `db:"created_at"`
}

// List returns every stored version, by key and version, with how many evaluations pin each.
func (r questionnaireVersions) List(ctx context.Context) ([]app.QuestionnaireInfo, error) {
	rows, _ := r.q.Query(ctx, `
		SELECT q.key, q.version, q.title, q.created_at,
			(SELECT count(*) FROM evaluations AS e
				WHERE e.questionnaire_key = q.key AND e.questionnaire_version = q.version) AS evaluations
		FROM questionnaires AS q ORDER BY q.key, q.version`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[questionnaireInfoRow])
	if err != nil {
		return nil, translate(err, "list questionnaires")
	}
	out := make([]app.QuestionnaireInfo, 0, len(list))
	for _, row := range list {
		out = append(out, app.QuestionnaireInfo(row))
	}
	return out, nil
}

// Keys lists the stored questionnaire keys, in order, from the primary key's index alone.
func (r questionnaireVersions) Keys(ctx context.Context) ([]string, error) {
	rows, _ := r.q.Query(ctx, `SELECT DISTINCT key FROM questionnaires ORDER BY key`)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translate(err, "list questionnaire keys")
	}
	return keys, nil
}
