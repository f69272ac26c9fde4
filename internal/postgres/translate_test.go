package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"shareline/internal/assess"
)

func TestTranslate(t *testing.T) {
	t.Parallel()
	if err := translate(nil, "nothing"); err != nil {
		t.Errorf("translate(nil): got %v, want nil", err)
	}
	syntax := &pgconn.PgError{Code: "42601", Message: "syntax error"}
	for _, tc := range []struct {
		name   string
		err    error
		target error
	}{
		{"no rows is not found", pgx.ErrNoRows, assess.ErrNotFound},
		{"no rows, wrapped, is not found", fmt.Errorf("scan: %w", pgx.ErrNoRows), assess.ErrNotFound},
		{"a unique violation is a conflict", &pgconn.PgError{Code: "23505", ConstraintName: "users_email_lower_key"}, assess.ErrConflict},
		{"a provider name taken is ErrNameTaken", &pgconn.PgError{Code: "23505", ConstraintName: "providers_name_lower_key"}, assess.ErrNameTaken},
		{"a foreign key violation is not found", &pgconn.PgError{Code: "23503"}, assess.ErrNotFound},
		{"the schema's refusal is a conflict", &pgconn.PgError{Code: "23001", Message: "questionnaire k v1 is used by evaluations and cannot change"}, assess.ErrConflict},
		{"a connection exception is unavailable", &pgconn.PgError{Code: "08006"}, assess.ErrUnavailable},
		{"the server shutting down is unavailable", &pgconn.PgError{Code: "57P01"}, assess.ErrUnavailable},
		{"the server starting is unavailable", &pgconn.PgError{Code: "57P03"}, assess.ErrUnavailable},
		{"a failed connection is unavailable", &pgconn.ConnectError{Config: &pgconn.Config{}}, assess.ErrUnavailable},
		{"a network error is unavailable", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, assess.ErrUnavailable},
		{"a connection cut short is unavailable", io.ErrUnexpectedEOF, assess.ErrUnavailable},
		{"another error keeps itself", syntax, syntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := translate(tc.err, "doing it")
			if !errors.Is(got, tc.target) {
				t.Errorf("translate(%v): got %v, want errors.Is(err, %v)", tc.err, got, tc.target)
			}
		})
	}

	t.Run("only what cannot be reached is unavailable", func(t *testing.T) {
		for _, err := range []error{pgx.ErrNoRows, &pgconn.PgError{Code: "23505"}, syntax} {
			if got := translate(err, "x"); errors.Is(got, assess.ErrUnavailable) {
				t.Errorf("translate(%v): got %v, want it not unavailable", err, got)
			}
		}
	})

	t.Run("the schema's refusal keeps its words", func(t *testing.T) {
		const msg = "questionnaire k v1 is used by evaluations and cannot change"
		got := translate(&pgconn.PgError{Code: "23001", Message: msg}, "x")
		var c assess.Conflict
		if !errors.As(got, &c) || string(c) != msg {
			t.Errorf("translate: got %v, want an assess.Conflict %q", got, msg)
		}
	})

	t.Run("a provider name taken is the error itself, for its words", func(t *testing.T) {
		got := translate(&pgconn.PgError{Code: "23505", ConstraintName: providerNameKey}, "x")
		if got != assess.ErrNameTaken {
			t.Errorf("translate: got %v, want assess.ErrNameTaken itself", got)
		}
	})
}

func TestLikeEscape(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain": "plain", "100%": `100\%`, "a_b": `a\_b`, `back\slash`: `back\\slash`, `%_\`: `\%\_\\`,
	} {
		if got := likeEscape(in); got != want {
			t.Errorf("likeEscape(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc…"},
		{"ééé", 3, "é…"}, // never cuts a character in two
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d): got %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
