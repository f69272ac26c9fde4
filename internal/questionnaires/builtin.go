// Package questionnaires holds the questionnaires shipped in the binary, as the JSON files they
// are stored from. They are seeded into the database at start-up; from then on a questionnaire
// is read from the database like any other.
package questionnaires

import (
	"embed"
	"fmt"
	"io/fs"

	"shareline/internal/assess"
)

//go:embed *.json
var files embed.FS

// Builtin parses and checks every shipped questionnaire. An error means a shipped file is broken.
func Builtin() ([]*assess.Questionnaire, error) {
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, err
	}
	out := make([]*assess.Questionnaire, 0, len(names))
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		q, err := assess.ParseQuestionnaire(data)
		if err != nil {
			return nil, fmt.Errorf("built-in questionnaire %s: %w", name, err)
		}
		out = append(out, q)
	}
	return out, nil
}

// Default is the newest shipped version of the default questionnaire.
func Default() (*assess.Questionnaire, error) {
	all, err := Builtin()
	if err != nil {
		return nil, err
	}
	var best *assess.Questionnaire
	for _, q := range all {
		if q.Key == assess.DefaultKey && (best == nil || q.Version > best.Version) {
			best = q
		}
	}
	if best == nil {
		return nil, fmt.Errorf("built-in questionnaire %s: %w", assess.DefaultKey, assess.ErrNotFound)
	}
	return best, nil
}
