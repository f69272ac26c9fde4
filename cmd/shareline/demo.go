package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"shareline/internal/demo"
	"shareline/internal/questionnaires"
)

// demoCmd is `shareline demo --providers N [--seed S] [--append]`: it fills the database with
// made-up providers and evaluations, the same for the same seed.
func demoCmd(ctx context.Context, args []string, c console) error {
	fs := flag.NewFlagSet("shareline demo", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	providers := fs.Int("providers", 200, "how many providers to add")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	appendData := fs.Bool("append", false, "add to a database that already has providers")
	quiet := fs.Bool("quiet", false, "print only the summary")
	cfg, err := parseConfigWith("demo", fs, args, c.getenv)
	if err != nil {
		return err
	}
	q, err := questionnaires.Default()
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, c.stderr, true)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))
	opt := demo.Options{Providers: *providers, Seed: *seed, Append: *appendData, Log: c.stderr}
	if *quiet {
		opt.Log = nil
	}
	if _, _, err := openApp(ctx, db); err != nil {
		return err
	}
	stats, err := demo.Generate(ctx, db.pool, q, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "added %d providers, %d evaluations and %d answers (seed %d) in %s\n",
		stats.Providers, stats.Evaluations, stats.Answers, *seed, stats.Duration.Round(time.Millisecond))
	return nil
}
