package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
)

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
	return withApp(ctx, cfg, func(uc *app.App) error {
		u, err := uc.CreateUser(ctx, app.CommandLine(), app.UserInput{Email: *email, Name: *name, Role: *role, Password: password})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(c.stdout, "added %s <%s> as %s\n", u.Name, u.Email, u.Role)
		return nil
	})
}

// tokenCmd is `shareline token create --email E --name LABEL [--expires-in-days N]` and
// `shareline token revoke --token T`.
func tokenCmd(ctx context.Context, args []string, c console) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		return fmt.Errorf("usage: shareline token create --email E --name LABEL [--expires-in-days N] | shareline token revoke --token T")
	}
	fs := flag.NewFlagSet("shareline token "+args[0], flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	email := fs.String("email", "", "the email of the user the token acts as")
	label := fs.String("name", "", "a label saying what the token is for")
	token := fs.String("token", "", "the token to revoke")
	days := fs.String("expires-in-days", strconv.Itoa(auth.DefaultTokenDays), fmt.Sprintf("how many days the token lasts, 1 to %d (it also stops working once unused for %d days)", auth.MaxTokenDays, int(auth.TokenIdle.Hours()/24)))
	cfg, err := parseConfigWith("token "+args[0], fs, args[1:], c.getenv)
	if err != nil {
		return err
	}
	return withApp(ctx, cfg, func(uc *app.App) error {
		cli := app.CommandLine()
		if args[0] == "revoke" {
			if strings.TrimSpace(*token) == "" {
				return fmt.Errorf("pass the token to revoke with --token")
			}
			if err := uc.RevokeToken(ctx, cli, 0, true, *token); err != nil {
				if errors.Is(err, assess.ErrNotFound) {
					return fmt.Errorf("no such token")
				}
				return err
			}
			fmt.Fprintln(c.stderr, "token revoked")
			return nil
		}
		u, err := uc.UserByEmail(ctx, cli, *email)
		if errors.Is(err, assess.ErrNotFound) {
			return fmt.Errorf("no user with the email %q", *email)
		}
		if err != nil {
			return err
		}
		plain, t, err := uc.CreateToken(ctx, cli, u.ID, *label, *days)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintln(c.stdout, plain)
		fmt.Fprintf(c.stderr, "token %q for %s expires %s, or once unused for %d days (the first time it would: %s)\n", t.Label, t.UserEmail,
			t.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"), int(auth.TokenIdle.Hours()/24), t.IdleExpiresAt.UTC().Format("2006-01-02 15:04 UTC"))
		return nil
	})
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

// withApp opens the database (applying migrations) for one command and closes it after.
func withApp(ctx context.Context, cfg Config, f func(*app.App) error) error {
	db, err := openDatabase(ctx, cfg, io.Discard, true)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	uc, _, err := openApp(ctx, db)
	if err != nil {
		return err
	}
	return f(uc)
}

// bootstrapAdmin makes the first admin when the database has no users, so that a new install
// ends in a usable app: the one named by SHARELINE_ADMIN_EMAIL and SHARELINE_ADMIN_PASSWORD, or
// admin@localhost with a random password, printed once.
func bootstrapAdmin(ctx context.Context, uc *app.App, cfg Config, stdout io.Writer) error {
	email, password := cfg.AdminEmail, cfg.AdminPassword
	var err error
	if email == "" {
		email = "admin@localhost"
	}
	printPassword := password == ""
	if printPassword {
		if password, err = auth.RandomPassword(); err != nil {
			return err
		}
	}
	u, created, err := uc.BootstrapAdmin(ctx, email, password)
	if err != nil {
		return fmt.Errorf("creating the first admin: %w", describe(err))
	}
	if !created {
		return nil // there are users already, or another process starting at the same moment made one
	}
	fmt.Fprintf(stdout, "Created the first admin, %s.\n", u.Email)
	if printPassword {
		fmt.Fprintf(stdout, "  Sign in with: email %s  password %s\n  (shown only now: change it under Users, or set SHARELINE_ADMIN_EMAIL and SHARELINE_ADMIN_PASSWORD before the first start)\n", u.Email, password)
	}
	return nil
}
