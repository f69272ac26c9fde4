package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"shareline/internal/postgres/postgrestest"
)

func TestDemoCommandLoadsThenAppends(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": postgrestest.URL(t)}
	demo := func(args ...string) (string, error) {
		var out strings.Builder
		err := demoCmd(context.Background(), args, console{env(vars), nil, &out, io.Discard})
		return out.String(), err
	}
	out, err := demo("--providers", "40", "--seed", "3")
	if err != nil || !strings.HasPrefix(out, "added 40 providers, ") || !strings.Contains(out, "(seed 3) in ") {
		t.Fatalf("demo --providers 40: got %q, %v; want a line saying what it added and how long it took", out, err)
	}
	if _, err := demo("--providers", "5"); err == nil || !strings.Contains(err.Error(), "--append") {
		t.Errorf("demo on a filled database: got %v, want a refusal pointing to --append", err)
	}
	if out, err := demo("--providers", "5", "--append", "--quiet"); err != nil || !strings.HasPrefix(out, "added 5 providers") {
		t.Errorf("demo --append: got %q, %v; want 5 providers added", out, err)
	}
	if _, err := demo("--providers", "0"); err == nil {
		t.Error("demo --providers 0: got no error, want a refusal")
	}
}
