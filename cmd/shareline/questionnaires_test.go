package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shareline/internal/postgres/postgrestest"
)

// export, import unchanged, import changed (the next version), a refused file naming its line.
func TestQuestionnaireCommands(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": postgrestest.URL(t)}
	cli := func(args ...string) (string, error) {
		var out strings.Builder
		err := run(context.Background(), args, console{env(vars), strings.NewReader(""), &out, io.Discard})
		return out.String(), err
	}
	var out2 strings.Builder
	exported, err := cli("questionnaire", "export", "shared-responsibility@1")
	if err != nil || !strings.Contains(exported, `"key": "shared-responsibility"`) {
		t.Fatalf("export: got %.80q, %v; want the definition", exported, err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	out, err := cli("questionnaire", "import", write("same.json", exported))
	if err != nil || !strings.Contains(out, "unchanged") {
		t.Errorf("import of the export: got %q, %v; want unchanged", out, err)
	}
	changed := strings.Replace(exported, `"title": "Shared responsibility"`, `"title": "Shared responsibility, revised"`, 1)
	out, err = cli("questionnaire", "import", write("changed.json", changed))
	if err != nil || !strings.Contains(out, "published shared-responsibility version 2") {
		t.Errorf("import of a changed definition: got %q, %v; want version 2 published", out, err)
	}
	if out, err := cli("questionnaire", "export", "shared-responsibility@2"); err != nil || !strings.Contains(out, "revised") || !strings.Contains(out, `"version": 2`) {
		t.Errorf("export of version 2: got %.80q, %v", out, err)
	}
	broken := strings.Replace(changed, `"type": "status"`, `"type": "yesno"`, 1)
	if _, err := cli("questionnaire", "import", write("broken.json", broken)); err == nil || !strings.Contains(err.Error(), "/elements/1/type") || !strings.Contains(err.Error(), "line ") {
		t.Errorf("import of a broken file: got %v, want a refusal naming the line and path", err)
	}
	// A file made for another tool: a VSAQ template, read as one and published.
	var errOut strings.Builder
	err = run(context.Background(), []string{"questionnaire", "import", "../../internal/importer/vsaq/testdata/acme.json"},
		console{env(vars), strings.NewReader(""), &out2, &errOut})
	if err != nil || !strings.Contains(out2.String(), "published acme_hosting_security_review version 1") ||
		!strings.Contains(errOut.String(), "read as a Google VSAQ template") || !strings.Contains(errOut.String(), "not carried over: ") {
		t.Errorf("import of a VSAQ template: got %q (errors %q), %v; want it published, its format and notes said", out2.String(), errOut.String(), err)
	}
	if _, err := cli("questionnaire", "export", "nokey"); err == nil || !strings.Contains(err.Error(), "KEY@VERSION") {
		t.Errorf("export without a version: got %v, want KEY@VERSION asked for", err)
	}
	if _, err := cli("questionnaire", "export", "shared-responsibility@9"); err == nil || !strings.Contains(err.Error(), "no questionnaire") {
		t.Errorf("export of a missing version: got %v", err)
	}
	for _, args := range [][]string{{"questionnaire"}, {"questionnaire", "import"}} {
		if _, err := cli(args...); err == nil || !strings.Contains(err.Error(), "KEY@VERSION") {
			t.Errorf("%v: got %v, want the usage", args, err)
		}
	}
}
