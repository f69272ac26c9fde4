package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"shareline/internal/app"
)

// IdempotencyKeys keeps idempotency keys, each statement on its own (outside the request's
// transactions, which the kept answer describes).
func (s *Store) IdempotencyKeys() app.IdempotencyKeys { return idempotencyKeys{s.pool} }

type idempotencyKeys struct{ pool *pgxpool.Pool }

func (k idempotencyKeys) Claim(ctx context.Context, owner, key string, hash []byte, now, cutoff time.Time) (app.IdempotentResponse, bool, error) {
	if _, err := k.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE owner = $1 AND created_at < $2 AND key <> $3`, owner, cutoff, key); err != nil {
		return app.IdempotentResponse{}, false, translate(err, "expire idempotency keys")
	}
	tag, err := k.pool.Exec(ctx, `
		INSERT INTO idempotency_keys (owner, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (owner, key) DO UPDATE
		   SET request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at, status = NULL, header = NULL, body = NULL
		 WHERE idempotency_keys.created_at < $5`, owner, key, hash, now, cutoff)
	if err != nil {
		return app.IdempotentResponse{}, false, translate(err, "claim idempotency key")
	}
	if tag.RowsAffected() == 1 {
		return app.IdempotentResponse{RequestHash: hash}, true, nil
	}
	var (
		rec    app.IdempotentResponse
		status *int
		header []byte
	)
	err = k.pool.QueryRow(ctx, `SELECT request_hash, status, header, body FROM idempotency_keys WHERE owner = $1 AND key = $2`, owner, key).
		Scan(&rec.RequestHash, &status, &header, &rec.Body)
	if err != nil {
		return app.IdempotentResponse{}, false, translate(err, "read idempotency key")
	}
	if status != nil {
		rec.Done, rec.Status = true, *status
		if err := json.Unmarshal(header, &rec.Header); err != nil {
			return app.IdempotentResponse{}, false, fmt.Errorf("postgres: read idempotency key: header: %w", err)
		}
	}
	return rec, false, nil
}

func (k idempotencyKeys) Finish(ctx context.Context, owner, key string, res app.IdempotentResponse) error {
	header, err := json.Marshal(res.Header)
	if err != nil {
		return fmt.Errorf("postgres: keep idempotent response: %w", err)
	}
	_, err = k.pool.Exec(ctx, `UPDATE idempotency_keys SET status = $3, header = $4, body = $5 WHERE owner = $1 AND key = $2`,
		owner, key, res.Status, header, res.Body)
	return translate(err, "keep idempotent response")
}

func (k idempotencyKeys) Release(ctx context.Context, owner, key string) error {
	_, err := k.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE owner = $1 AND key = $2 AND status IS NULL`, owner, key)
	return translate(err, "release idempotency key")
}
