package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/auth"
)

// users is the users table.
type users struct{ q querier }

type userRow struct {
	ID           int64     `db:"id"`
	Email        string    `db:"email"`
	Name         string    `db:"name"`
	Role         string    `db:"role"`
	PasswordHash string    `db:"password_hash"`
	Active       bool      `db:"active"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
	SessionEpoch int64     `db:"session_epoch"`
	TOTPEnabled  bool      `db:"totp_enabled"`
}

func (r userRow) user() auth.User {
	return auth.User{ID: r.ID, Email: r.Email, Name: r.Name, Role: auth.Role(r.Role), Active: r.Active,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SessionEpoch: r.SessionEpoch, TOTPEnabled: r.TOTPEnabled}
}

const userColumns = `u.id, u.email, u.name, u.role, u.password_hash, u.active, u.created_at, u.updated_at, u.session_epoch,
	u.totp_enabled_at IS NOT NULL AS totp_enabled`

func collectUser(rows pgx.Rows, err error) (userRow, error) {
	if err != nil {
		return userRow{}, err
	}
	return pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[userRow])
}

// Create adds an account with an already hashed password. An email taken in any case is
// assess.ErrConflict.
func (r users) Create(ctx context.Context, u auth.User, passwordHash string) (auth.User, error) {
	row, err := collectUser(r.q.Query(ctx, `
		INSERT INTO users AS u (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
		RETURNING `+userColumns, u.Email, u.Name, u.Role, passwordHash))
	return row.user(), translate(err, "create user "+u.Email)
}

// Count says how many accounts exist, active or not.
func (r users) Count(ctx context.Context) (int, error) {
	var n int
	err := r.q.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, translate(err, "count users")
}

// Find returns one account.
func (r users) Find(ctx context.Context, id int64) (auth.User, error) {
	row, err := collectUser(r.q.Query(ctx, `SELECT `+userColumns+` FROM users AS u WHERE u.id = $1`, id))
	return row.user(), translate(err, fmt.Sprintf("find user %d", id))
}

// FindByEmail returns an account, found by its email in any case, and its password hash.
func (r users) FindByEmail(ctx context.Context, email string) (auth.User, string, error) {
	row, err := collectUser(r.q.Query(ctx, `SELECT `+userColumns+` FROM users AS u WHERE lower(u.email) = lower($1)`, email))
	return row.user(), row.PasswordHash, translate(err, "find user by email")
}

// List returns every account, active first, then by name.
func (r users) List(ctx context.Context) ([]auth.User, error) {
	rows, _ := r.q.Query(ctx, `SELECT `+userColumns+` FROM users AS u ORDER BY u.active DESC, lower(u.name), u.id`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[userRow])
	if err != nil {
		return nil, translate(err, "list users")
	}
	out := make([]auth.User, 0, len(list))
	for _, row := range list {
		out = append(out, row.user())
	}
	return out, nil
}

// SetRole changes an account's role.
func (r users) SetRole(ctx context.Context, id int64, role auth.Role) (auth.User, error) {
	return r.set(ctx, id, `role = $2`, role)
}

// SetActive deactivates or reactivates an account.
func (r users) SetActive(ctx context.Context, id int64, active bool) (auth.User, error) {
	return r.set(ctx, id, `active = $2`, active)
}

// SetPassword replaces an account's password hash.
func (r users) SetPassword(ctx context.Context, id int64, passwordHash string) (auth.User, error) {
	return r.set(ctx, id, `password_hash = $2`, passwordHash)
}

// PasswordHash returns an account's password hash, to check a password it is given again.
func (r users) PasswordHash(ctx context.Context, id int64) (string, error) {
	var hash string
	err := r.q.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, id).Scan(&hash)
	return hash, translate(err, fmt.Sprintf("password of user %d", id))
}

// set sets one column of an account.
func (r users) set(ctx context.Context, id int64, set string, value any) (auth.User, error) {
	row, err := collectUser(r.q.Query(ctx, `UPDATE users AS u SET `+set+`, updated_at = now()
		WHERE u.id = $1 RETURNING `+userColumns, id, value))
	return row.user(), translate(err, fmt.Sprintf("update user %d", id))
}
