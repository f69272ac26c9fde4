// Command shareline serves the Shareline web application and manages its database.
//
//	shareline serve     serve the web app and the API (applies migrations first)
//	shareline migrate   apply database migrations and exit
//	shareline help      list the subcommands
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], console{os.Getenv, os.Stdin, os.Stdout, os.Stderr}); err != nil {
		fmt.Fprintln(os.Stderr, "shareline:", err)
		os.Exit(1)
	}
}

// console is the program's surroundings, passed in so that tests can supply their own.
type console struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, c console) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web app and the JSON API (applies database migrations first)", serve},
		{"migrate", "apply database migrations and exit", migrate},
		{"user", "add a user: user add --email E --name N --role viewer|evaluator|admin --password-stdin", userCmd},
		{"token", "API tokens: token create --email E --name LABEL (prints the token once) | token revoke --token T", tokenCmd},
		{"questionnaire", "questionnaire import FILE (publishes the next version; see docs/questionnaire-files.md) | questionnaire export KEY@VERSION", questionnaireCmd},
		{"demo", "fill the database with made-up providers and evaluations: demo --providers N [--seed S] [--append]", demoCmd},
		{"help", "list the subcommands", help},
	}
}

// run is the whole program, with its surroundings passed in so that tests can call it.
func run(ctx context.Context, args []string, c console) error {
	if len(args) == 0 {
		help(ctx, nil, console{stdout: c.stderr})
		return fmt.Errorf("no subcommand given")
	}
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			return cmd.run(ctx, args[1:], c)
		}
	}
	if args[0] == "-h" || args[0] == "--help" {
		return help(ctx, nil, c)
	}
	return fmt.Errorf("unknown subcommand %q: run 'shareline help' for the list", args[0])
}

func help(_ context.Context, _ []string, c console) error {
	stdout := c.stdout
	fmt.Fprintln(stdout, "Shareline: assess what cloud providers secure, and what stays with you.")
	fmt.Fprintln(stdout, "\nUsage: shareline <subcommand> [flags]\n\nSubcommands:")
	for _, cmd := range commands() {
		fmt.Fprintf(stdout, "  %-9s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintln(stdout, "\nRun 'shareline <subcommand> -h' for a subcommand's flags.")
	return nil
}
