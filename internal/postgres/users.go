package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"shareline/internal/auth"
)

type userRow struct {
	ID           int64     `db:"id"`
	Email        string    `db:"email"`
	Name         string    `db:"name"`
	Role         string    `db:"role"`
	PasswordHash string    `db:"password_hash"`
	Active       bool      `db:"active"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

func (r userRow) user() auth.User {
	return auth.User{ID: r.ID, Email: r.Email, Name: r.Name, Role: auth.Role(r.Role), Active: r.Active,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

const userColumns = `u.id, u.email, u.name, u.role, u.password_hash, u.active, u.created_at, u.updated_at`

func collectUser(rows pgx.Rows, err error) (userRow, error) {
	if err != nil {
		return userRow{}, err
	}
	return pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[userRow])
}

// CreateUser adds an account with an already hashed password. An email taken in any case is a
// conflict.
func (s *Store) CreateUser(ctx context.Context, u auth.User, passwordHash string, by auth.Actor) (auth.User, error) {
	var out auth.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		row, err := collectUser(tx.Query(ctx, `
			INSERT INTO users AS u (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
			RETURNING `+userColumns, u.Email, u.Name, u.Role, passwordHash))
		if err != nil {
			return err
		}
		out = row.user()
		return insertAudit(ctx, tx, by.Entry(auth.ActionUserAdded,
			fmt.Sprintf("added user %s (%s) as %s", out.Name, out.Email, out.Role)))
	})
	return out, translate(err, "create user "+u.Email)
}

// CountUsers says how many accounts exist, active or not.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, translate(err, "count users")
}

// FindUser returns one account.
func (s *Store) FindUser(ctx context.Context, id int64) (auth.User, error) {
	row, err := collectUser(s.pool.Query(ctx, `SELECT `+userColumns+` FROM users AS u WHERE u.id = $1`, id))
	return row.user(), translate(err, "find user")
}

// FindUserByEmail returns an account and its password hash, for signing in.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (auth.User, string, error) {
	row, err := collectUser(s.pool.Query(ctx, `SELECT `+userColumns+` FROM users AS u WHERE lower(u.email) = lower($1)`, email))
	return row.user(), row.PasswordHash, translate(err, "find user by email")
}

// ListUsers returns every account, active first, then by name.
func (s *Store) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+userColumns+` FROM users AS u ORDER BY u.active DESC, lower(u.name), u.id`)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[userRow])
	if err != nil {
		return nil, translate(err, "list users")
	}
	out := make([]auth.User, 0, len(list))
	for _, r := range list {
		out = append(out, r.user())
	}
	return out, nil
}

// SetUserRole changes an account's role.
func (s *Store) SetUserRole(ctx context.Context, id int64, role auth.Role, by auth.Actor) (auth.User, error) {
	return s.updateUser(ctx, id, `role = $2`, role, func(u auth.User) auth.AuditEntry {
		return by.Entry(auth.ActionUserRoleChanged, fmt.Sprintf("changed the role of %s to %s", u.Email, role))
	})
}

// SetUserActive deactivates or reactivates an account. A deactivated account's sessions and
// tokens stop working at once, because every request checks that its user is active.
func (s *Store) SetUserActive(ctx context.Context, id int64, active bool, by auth.Actor) (auth.User, error) {
	action, verb := auth.ActionUserReactivated, "reactivated"
	if !active {
		action, verb = auth.ActionUserDeactivated, "deactivated"
	}
	return s.updateUser(ctx, id, `active = $2`, active, func(u auth.User) auth.AuditEntry {
		return by.Entry(action, verb+" "+u.Email)
	})
}

// SetUserPassword replaces an account's password hash.
func (s *Store) SetUserPassword(ctx context.Context, id int64, passwordHash string, by auth.Actor) (auth.User, error) {
	return s.updateUser(ctx, id, `password_hash = $2`, passwordHash, func(u auth.User) auth.AuditEntry {
		return by.Entry(auth.ActionUserPasswordReset, "reset the password of "+u.Email)
	})
}

// updateUser sets one column and records the change, in one transaction.
func (s *Store) updateUser(ctx context.Context, id int64, set string, value any, entry func(auth.User) auth.AuditEntry) (auth.User, error) {
	var out auth.User
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		row, err := collectUser(tx.Query(ctx, `UPDATE users AS u SET `+set+`, updated_at = now()
			WHERE u.id = $1 RETURNING `+userColumns, id, value))
		if err != nil {
			return err
		}
		out = row.user()
		return insertAudit(ctx, tx, entry(out))
	})
	return out, translate(err, fmt.Sprintf("update user %d", id))
}
