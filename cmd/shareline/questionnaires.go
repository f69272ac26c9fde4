package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/importer"
	"shareline/internal/questionnairefile"
)

const questionnaireUsage = "usage: shareline questionnaire import FILE [flags] | shareline questionnaire export KEY@VERSION [flags]"

// questionnaireCmd is `shareline questionnaire import FILE` (publishes it: the next version of its
// key, or nothing when it is unchanged) and `shareline questionnaire export KEY@VERSION` (writes
// the stored definition to standard output).
func questionnaireCmd(ctx context.Context, args []string, c console) error {
	if len(args) < 2 || (args[0] != "import" && args[0] != "export") || strings.HasPrefix(args[1], "-") {
		return errors.New(questionnaireUsage)
	}
	fs := flag.NewFlagSet("shareline questionnaire "+args[0], flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	cfg, err := parseConfigWith("questionnaire "+args[0], fs, args[2:], c.getenv)
	if err != nil {
		return err
	}
	if args[0] == "export" {
		key, version, err := parseKeyVersion(args[1])
		if err != nil {
			return err
		}
		return withApp(ctx, cfg, func(uc *app.App) error {
			q, err := uc.Questionnaire(ctx, app.CommandLine(), key, version)
			if errors.Is(err, assess.ErrNotFound) {
				return fmt.Errorf("no questionnaire %s version %d", key, version)
			}
			if err != nil {
				return err
			}
			file, err := questionnairefile.Write(q)
			if err != nil {
				return err
			}
			_, err = c.stdout.Write(file)
			return err
		})
	}
	q, err := readQuestionnaireFile(c, args[1])
	if err != nil {
		return err
	}
	return withApp(ctx, cfg, func(uc *app.App) error {
		got, err := uc.ImportQuestionnaire(ctx, app.CommandLine(), q)
		if err != nil {
			return describe(err)
		}
		n := got.Questionnaire
		if !got.Created {
			fmt.Fprintf(c.stdout, "unchanged: %s is the same as the stored version %d, nothing published\n", n.Key, n.Version)
			return nil
		}
		fmt.Fprintf(c.stdout, "published %s version %d (%s), %d elements\n", n.Key, n.Version, n.Title, n.ElementCount())
		return nil
	})
}

// readQuestionnaireFile reads at most the size limit, so that a huge file is refused unread, in
// any format the importer reads (its name says which); what could not be carried over from a
// file made for another tool is written to c's error output.
func readQuestionnaireFile(c console, name string) (*assess.Questionnaire, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, questionnairefile.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	res, err := importer.Read(filepath.Base(name), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if res.Format != importer.Shareline {
		fmt.Fprintf(c.stderr, "%s: read as a %s\n", name, res.Format.Label())
	}
	for _, n := range res.Notes {
		fmt.Fprintf(c.stderr, "not carried over: %s\n", n)
	}
	return res.Questionnaire, nil
}

// parseKeyVersion reads KEY@VERSION.
func parseKeyVersion(s string) (string, int, error) {
	key, raw, ok := strings.Cut(s, "@")
	version, err := strconv.Atoi(raw)
	if !ok || key == "" || err != nil || version < 1 {
		return "", 0, fmt.Errorf("want KEY@VERSION, such as %s@1; got %q", assess.DefaultKey, s)
	}
	return key, version, nil
}
