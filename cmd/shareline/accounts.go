package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/internal/postgres"
)

// cliActor is who the audit log names for changes made from the command line.
var cliActor = auth.Actor{Name: "command line", Via: "cli"}

// userCmd is `shareline user add --email E --name N --role R --password-stdin`.
func userCmd(ctx context.Context, args []string, c console) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("usage: shareline user add --email E --name N --role viewer|evaluator|admin --password-stdin")
	}
	fs := flag.NewFlagSet("shareline user add", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	email := fs.String("email", "", "the user's email address (their sign-in name)")
	name := fs.String("name", "", "the user's display name")
	role := fs.String("role", "", "viewer, evaluator or admin")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	cfg, err := parseConfigWith("user add", fs, args[1:], c.getenv)
	if err != nil {
		return err
	}
	if !*fromStdin {
		return fmt.Errorf("pass --password-stdin and the password on standard input (never on the command line)")
	}
	password, err := readLine(c.stdin)
	if err != nil {
		return fmt.Errorf("reading the password from standard input: %w", err)
	}
	return withStore(ctx, cfg, func(store *postgres.Store) error {
		u, err := addUser(ctx, store, *email, *name, *role, password, cliActor)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "added %s <%s> as %s\n", u.Name, u.Email, u.Role)
		return nil
	})
}

// addUser checks and stores a new account; the CLI, the bootstrap and the admin pages share it.
func addUser(ctx context.Context, store *postgres.Store, email, name, role, password string, by auth.Actor) (auth.User, error) {
	u, hash, err := auth.NewUser(email, name, role, password)
	if err != nil {
		return auth.User{}, describe(err)
	}
	created, err := store.CreateUser(ctx, u, hash, by)
	if errors.Is(err, assess.ErrConflict) {
		return auth.User{}, fmt.Errorf("a user with the email %s already exists: %w", u.Email, assess.ErrConflict)
	}
	return created, err
}

// tokenCmd is `shareline token create --email E --name LABEL` and `shareline token revoke --token T`.
func tokenCmd(ctx context.Context, args []string, c console) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		return fmt.Errorf("usage: shareline token create --email E --name LABEL | shareline token revoke --token T")
	}
	fs := flag.NewFlagSet("shareline token "+args[0], flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	email := fs.String("email", "", "the email of the user the token acts as")
	label := fs.String("name", "", "a label saying what the token is for")
	token := fs.String("token", "", "the token to revoke")
	cfg, err := parseConfigWith("token "+args[0], fs, args[1:], c.getenv)
	if err != nil {
		return err
	}
	return withStore(ctx, cfg, func(store *postgres.Store) error {
		if args[0] == "revoke" {
			if err := store.RevokeTokenByHash(ctx, auth.HashToken(*token), cliActor); err != nil {
				if errors.Is(err, assess.ErrNotFound) {
					return fmt.Errorf("no such token")
				}
				return err
			}
			fmt.Fprintln(c.stderr, "token revoked")
			return nil
		}
		u, _, err := store.FindUserByEmail(ctx, strings.TrimSpace(*email))
		if errors.Is(err, assess.ErrNotFound) {
			return fmt.Errorf("no user with the email %q", *email)
		}
		if err != nil {
			return err
		}
		plain, err := createToken(ctx, store, u, *label, cliActor)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, plain)
		return nil
	})
}

// createToken makes a token for u and returns it; only its hash is stored.
func createToken(ctx context.Context, store *postgres.Store, u auth.User, label string, by auth.Actor) (string, error) {
	label, err := auth.CheckName("name", label, auth.MaxLabelLength)
	if err != nil {
		return "", describe(err)
	}
	if !u.Active {
		return "", fmt.Errorf("%s is deactivated", u.Email)
	}
	plain, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	if _, err := store.CreateToken(ctx, u.ID, label, hash, by); err != nil {
		return "", err
	}
	return plain, nil
}

// describe turns a validation error into one line for a terminal.
func describe(err error) error {
	var ve *assess.ValidationError
	if errors.As(err, &ve) {
		return errors.New(strings.TrimPrefix(ve.Error(), "invalid input: "))
	}
	return err
}

func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// withStore opens the database (applying migrations) for one command and closes it after.
func withStore(ctx context.Context, cfg Config, f func(*postgres.Store) error) error {
	db, err := openDatabase(ctx, cfg, io.Discard, true)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	qs, err := assess.Questionnaires()
	if err != nil {
		return err
	}
	return f(postgres.New(db.pool, qs))
}

// bootstrapAdmin makes the first admin when the database has no users, so that a new install
// ends in a usable app: the one named by SHARELINE_ADMIN_EMAIL and SHARELINE_ADMIN_PASSWORD, or
// admin@localhost with a random password, printed once.
func bootstrapAdmin(ctx context.Context, store *postgres.Store, cfg Config, stdout io.Writer) error {
	n, err := store.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	email, password := cfg.AdminEmail, cfg.AdminPassword
	if email == "" {
		email = "admin@localhost"
	}
	printPassword := password == ""
	if printPassword {
		if password, err = auth.RandomPassword(); err != nil {
			return err
		}
	}
	u, err := addUser(ctx, store, email, "Administrator", string(auth.Admin), password, auth.Actor{Name: "first start", Via: "cli"})
	if errors.Is(err, assess.ErrConflict) {
		return nil // another process starting at the same moment made it
	}
	if err != nil {
		return fmt.Errorf("creating the first admin: %w", err)
	}
	fmt.Fprintf(stdout, "Created the first admin, %s.\n", u.Email)
	if printPassword {
		fmt.Fprintf(stdout, "  Sign in with: email %s  password %s\n  (shown only now: change it under Users, or set SHARELINE_ADMIN_EMAIL and SHARELINE_ADMIN_PASSWORD before the first start)\n", u.Email, password)
	}
	return nil
}
