package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// floor measures the cheapest durable write on the server's database: one-row INSERTs, each
// committed on its own, into an ordinary (logged) table made for the run and dropped after.
type floor struct {
	pool *pgxpool.Pool
}

func openFloor(ctx context.Context, databaseURL string, clients int) (*floor, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("write floor: %w", err)
	}
	cfg.MaxConns = int32(clients)
	cfg.MinConns = int32(clients)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("write floor: %w", err)
	}
	_, err = pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS load_floor (
		id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), v int)`)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("write floor: create table load_floor: %w", err)
	}
	return &floor{pool: pool}, nil
}

// insert is one operation: a row written and committed.
func (f *floor) insert(ctx context.Context, i int) (int64, error) {
	_, err := f.pool.Exec(ctx, `INSERT INTO load_floor (v) VALUES ($1)`, i)
	return 0, err
}

// close drops the table and the pool.
func (f *floor) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	defer f.pool.Close()
	_, err := f.pool.Exec(ctx, `DROP TABLE IF EXISTS load_floor`)
	return err
}
