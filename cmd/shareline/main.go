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
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "shareline:", err)
		os.Exit(1)
	}
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the web app and the JSON API (applies database migrations first)", serve},
		{"migrate", "apply database migrations and exit", migrate},
		{"help", "list the subcommands", help},
	}
}

// run is the whole program, with its surroundings passed in so that tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		help(ctx, nil, getenv, stderr, stderr)
		return fmt.Errorf("no subcommand given")
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	if args[0] == "-h" || args[0] == "--help" {
		return help(ctx, nil, getenv, stdout, stderr)
	}
	return fmt.Errorf("unknown subcommand %q: run 'shareline help' for the list", args[0])
}

func help(_ context.Context, _ []string, _ func(string) string, stdout, _ io.Writer) error {
	fmt.Fprintln(stdout, "Shareline: assess what cloud providers secure, and what stays with you.")
	fmt.Fprintln(stdout, "\nUsage: shareline <subcommand> [flags]\n\nSubcommands:")
	for _, c := range commands() {
		fmt.Fprintf(stdout, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(stdout, "\nRun 'shareline <subcommand> -h' for a subcommand's flags.")
	return nil
}
