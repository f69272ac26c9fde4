package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"shareline/internal/auth"
	"shareline/internal/server/apiclient"
)

// TestGeneratedClientIsCurrent generates the Go client from the served document with
// oapi-codegen, as an integrator would, and checks that it is the committed one: a document
// change must come with `go generate ./internal/server/apiclient`, so that the scenario below
// runs against what the document says today.
func TestGeneratedClientIsCurrent(t *testing.T) {
	t.Parallel()
	served := newAppOn(t, nil).get(t, "/api/v1/openapi.json")
	wantStatus(t, served, http.StatusOK)
	dir := t.TempDir()
	doc := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(doc, served.body, 0o600); err != nil {
		t.Fatal(err)
	}
	// The committed configuration, writing into the temporary directory instead.
	settings, err := os.ReadFile("apiclient/oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "oapi-codegen.yaml")
	settings = bytes.Replace(settings, []byte("output: client.gen.go"), []byte("output: "+filepath.Join(dir, "client.gen.go")), 1)
	if err := os.WriteFile(config, settings, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", config, doc)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go tool oapi-codegen on the served document: %v\n%s", err, b)
	}
	got, err := os.ReadFile(filepath.Join(dir, "client.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("apiclient/client.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Errorf("apiclient/client.gen.go is not what oapi-codegen makes of the served document: run go generate ./internal/server/apiclient")
	}
}

// TestGeneratedClientScenario drives the API through the generated client over HTTP: providers
// of each service model, an answer of every type, a conflict, complete and reassess, compare,
// every file format, and archiving and restoring a provider. Every exchange is also checked
// against the document (validateAPI).
func TestGeneratedClientScenario(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	srv := httptest.NewServer(a.h)
	t.Cleanup(srv.Close)
	token := a.bearer(t, auth.Evaluator).Get("Authorization")
	c, err := apiclient.NewClientWithResponses(srv.URL, apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", token)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	word := tag(t)
	want := func(what string, got, status int, body []byte) {
		t.Helper()
		if got != status {
			t.Fatalf("%s: got %d, want %d; body: %.400s", what, got, status, body)
		}
	}

	health, err := c.GetHealthWithResponse(ctx)
	if err != nil || health.JSON200 == nil || health.JSON200.Status != "ok" {
		t.Fatalf("health: %v %+v", err, health)
	}
	q, err := c.GetQuestionnaireWithResponse(ctx, "shared-responsibility", nil)
	if err != nil {
		t.Fatal(err)
	}
	want("questionnaire", q.StatusCode(), 200, q.Body)

	providers := map[apiclient.ServiceModel]apiclient.Provider{}
	for _, model := range []apiclient.ServiceModel{apiclient.Saas, apiclient.Paas, apiclient.Iaas} {
		offering := "Offering of " + string(model)
		r, err := c.CreateProviderWithResponse(ctx, nil, apiclient.ProviderInput{Name: "Client " + string(model) + " " + word, ServiceModel: model, Offering: &offering})
		if err != nil {
			t.Fatal(err)
		}
		want("create "+string(model), r.StatusCode(), 201, r.Body)
		if r.HTTPResponse.Header.Get("Location") != "/api/v1/providers/"+r.JSON201.Id {
			t.Errorf("create %s: Location %q", model, r.HTTPResponse.Header.Get("Location"))
		}
		providers[model] = *r.JSON201
	}
	list, err := c.ListProvidersWithResponse(ctx, &apiclient.ListProvidersParams{Q: &word})
	if err != nil {
		t.Fatal(err)
	}
	want("list", list.StatusCode(), 200, list.Body)
	if list.JSON200.Total != 3 {
		t.Errorf("list: total %d, want 3", list.JSON200.Total)
	}

	// An answer of every type the questionnaire has, on the SaaS provider's evaluation.
	start, err := c.CreateEvaluationWithResponse(ctx, providers[apiclient.Saas].Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	want("start", start.StatusCode(), 201, start.Body)
	evID := start.JSON201.Id
	types := map[apiclient.AnswerType]bool{}
	var statusRef string
	for _, question := range q.JSON200.Questions {
		for _, el := range question.Elements {
			var v apiclient.AnswerValue
			switch el.Type {
			case apiclient.AnswerTypeStatus:
				err = v.FromAnswerValue1("yes")
			case apiclient.AnswerTypeChoice:
				err = v.FromAnswerValue1((*el.Options)[0].Key)
			case apiclient.AnswerTypeText:
				err = v.FromAnswerValue1("Answered through the generated client.")
			case apiclient.AnswerTypeDate:
				err = v.FromAnswerValue1("2026-03-31")
			case apiclient.AnswerTypeNumber:
				err = v.FromAnswerValue2(365)
			case apiclient.AnswerTypeMulti:
				err = v.FromAnswerValue3([]string{(*el.Options)[0].Key})
			case apiclient.AnswerTypeMatrix:
				split := apiclient.Split{}
				for layer, owner := range q.JSON200.Split.Reference["saas"] {
					split[layer] = owner
				}
				err = v.FromSplit(split)
			}
			if err != nil {
				t.Fatal(err)
			}
			base := 0
			r, err := c.SaveAnswerWithResponse(ctx, evID, question.Key+"."+el.Key, nil, apiclient.AnswerInput{Value: &v, BaseVersion: &base})
			if err != nil {
				t.Fatal(err)
			}
			want("save "+question.Key+"."+el.Key, r.StatusCode(), 200, r.Body)
			if r.JSON200.Version != 1 || r.HTTPResponse.Header.Get("ETag") != `"v1"` {
				t.Errorf("save %s.%s: version %d, ETag %s; want 1 and \"v1\"", question.Key, el.Key, r.JSON200.Version, r.HTTPResponse.Header.Get("ETag"))
			}
			types[el.Type] = true
			if el.Type == apiclient.AnswerTypeStatus && statusRef == "" {
				statusRef = question.Key + "." + el.Key
			}
		}
	}
	if len(types) < 5 {
		t.Errorf("answered types %v, want every type the questionnaire has (five or more)", types)
	}

	// A save from a stale version is a conflict carrying the stored answer.
	first := statusRef
	var again apiclient.AnswerValue
	_ = again.FromAnswerValue1("no")
	zero := 0
	conflict, err := c.SaveAnswerWithResponse(ctx, evID, first, nil, apiclient.AnswerInput{Value: &again, BaseVersion: &zero})
	if err != nil {
		t.Fatal(err)
	}
	want("stale save", conflict.StatusCode(), 409, conflict.Body)
	if conflict.JSON409.Error.Current == nil || conflict.JSON409.Error.Current.Version != 1 {
		t.Errorf("stale save: current %+v, want the stored answer at version 1", conflict.JSON409.Error.Current)
	}

	yes := true
	done, err := c.CompleteEvaluationWithResponse(ctx, evID, nil, apiclient.CompleteEvaluationJSONRequestBody{Confirm: &yes})
	if err != nil {
		t.Fatal(err)
	}
	want("complete", done.StatusCode(), 200, done.Body)
	if done.JSON200.Status != "completed" || done.JSON200.Score.Overall == nil {
		t.Errorf("complete: status %s, overall %v; want completed with a score", done.JSON200.Status, done.JSON200.Score.Overall)
	}
	again2, err := c.ReassessEvaluationWithResponse(ctx, evID, nil)
	if err != nil {
		t.Fatal(err)
	}
	want("reassess", again2.StatusCode(), 201, again2.Body)
	if again2.JSON201.ReassessedFrom == nil || *again2.JSON201.ReassessedFrom != evID || again2.HTTPResponse.Header.Get("Location") == "" {
		t.Errorf("reassess: reassessed_from %v, Location %q", again2.JSON201.ReassessedFrom, again2.HTTPResponse.Header.Get("Location"))
	}

	ids := apiclient.CompareIDs{providers[apiclient.Saas].Id, providers[apiclient.Paas].Id}
	cmp, err := c.CompareProvidersWithResponse(ctx, &apiclient.CompareProvidersParams{Ids: ids})
	if err != nil {
		t.Fatal(err)
	}
	want("compare", cmp.StatusCode(), 200, cmp.Body)
	if len(cmp.JSON200.Providers) != 1 || len(cmp.JSON200.Excluded) != 1 {
		t.Errorf("compare: %d compared, %d excluded; want the evaluated one compared and the other listed apart", len(cmp.JSON200.Providers), len(cmp.JSON200.Excluded))
	}

	files := map[string]func() (*http.Response, []byte, error){}
	for _, f := range []apiclient.GetReportParamsFormat{apiclient.GetReportParamsFormatPdf, apiclient.GetReportParamsFormatXlsx, apiclient.GetReportParamsFormatCsv, apiclient.GetReportParamsFormatJson} {
		files["report."+string(f)] = func() (*http.Response, []byte, error) {
			r, err := c.GetReportWithResponse(ctx, evID, f)
			if err != nil {
				return nil, nil, err
			}
			if f == apiclient.GetReportParamsFormatJson && (r.JSON200 == nil || r.JSON200.Format != "shareline-report") {
				t.Errorf("report.json: did not decode as the Report schema")
			}
			return r.HTTPResponse, r.Body, nil
		}
	}
	for _, f := range []apiclient.ExportPortfolioParamsFormat{apiclient.ExportPortfolioParamsFormatCsv, apiclient.ExportPortfolioParamsFormatXlsx} {
		files["portfolio."+string(f)] = func() (*http.Response, []byte, error) {
			r, err := c.ExportPortfolioWithResponse(ctx, f)
			if err != nil {
				return nil, nil, err
			}
			return r.HTTPResponse, r.Body, nil
		}
	}
	for _, f := range []apiclient.CompareProvidersFileParamsFormat{apiclient.CompareProvidersFileParamsFormatCsv, apiclient.CompareProvidersFileParamsFormatXlsx, apiclient.CompareProvidersFileParamsFormatPdf} {
		files["compare."+string(f)] = func() (*http.Response, []byte, error) {
			r, err := c.CompareProvidersFileWithResponse(ctx, f, &apiclient.CompareProvidersFileParams{Ids: ids})
			if err != nil {
				return nil, nil, err
			}
			return r.HTTPResponse, r.Body, nil
		}
	}
	for name, get := range files {
		res, body, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want(name, res.StatusCode, 200, body)
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || len(body) == 0 {
			t.Errorf("%s: Content-Disposition %q, %d bytes; want an attachment with content", name, cd, len(body))
		}
	}

	clientArchive(t, c, word, providers[apiclient.Saas], providers[apiclient.Paas])
}

// clientArchive archives a provider with an evaluation through the generated client, under
// If-Match, and checks that it leaves the list and comparisons, refuses a change, and comes back
// on restore.
func clientArchive(t *testing.T, c *apiclient.ClientWithResponses, word string, evaluated, other apiclient.Provider) {
	t.Helper()
	ctx := context.Background()
	read, err := c.GetProviderWithResponse(ctx, evaluated.Id, nil)
	if err != nil || read.StatusCode() != 200 {
		t.Fatalf("get provider: %v %d", err, read.StatusCode())
	}
	tag := read.HTTPResponse.Header.Get("ETag")
	archived, err := c.ArchiveProviderWithResponse(ctx, evaluated.Id, &apiclient.ArchiveProviderParams{IfMatch: &tag})
	if err != nil {
		t.Fatal(err)
	}
	if archived.StatusCode() != 200 || archived.JSON200 == nil || archived.JSON200.ArchivedAt == nil || archived.JSON200.ArchivedBy == nil {
		t.Fatalf("archive: %d %.300s; want 200 with archived_at and archived_by", archived.StatusCode(), archived.Body)
	}
	if archived.JSON200.DraftEvaluation == nil {
		t.Errorf("archive: draft_evaluation null, want the reassessment kept")
	}
	yes := true
	list, err := c.ListProvidersWithResponse(ctx, &apiclient.ListProvidersParams{Q: &word})
	if err != nil || list.JSON200 == nil || list.JSON200.Total != 2 {
		t.Errorf("list after archiving: %v %.300s; want total 2", err, list.Body)
	}
	gone, err := c.ListProvidersWithResponse(ctx, &apiclient.ListProvidersParams{Q: &word, Archived: &yes})
	if err != nil || gone.JSON200 == nil || gone.JSON200.Total != 1 || gone.JSON200.Providers[0].Id != evaluated.Id {
		t.Errorf("archived list: %v %.300s; want the archived one alone", err, gone.Body)
	}
	cmp, err := c.CompareProvidersWithResponse(ctx, &apiclient.CompareProvidersParams{Ids: apiclient.CompareIDs{evaluated.Id, other.Id}})
	if err != nil || cmp.StatusCode() != 422 || cmp.JSON422 == nil || cmp.JSON422.Error.Fields == nil ||
		!strings.Contains((*cmp.JSON422.Error.Fields)["ids"], "is archived") {
		t.Errorf("compare with the archived one: %v %d %.300s; want 422 naming it in fields.ids", err, cmp.StatusCode(), cmp.Body)
	}
	draft := archived.JSON200.DraftEvaluation.Id
	refused, err := c.CompleteEvaluationWithResponse(ctx, draft, nil, apiclient.CompleteEvaluationJSONRequestBody{Confirm: &yes})
	if err != nil || refused.StatusCode() != 409 || refused.JSON409 == nil || refused.JSON409.Error.Code != "conflict" {
		t.Errorf("complete the archived provider's draft: %v %d %.300s; want 409 conflict", err, refused.StatusCode(), refused.Body)
	}
	restored, err := c.RestoreProviderWithResponse(ctx, evaluated.Id, nil)
	if err != nil || restored.StatusCode() != 200 || restored.JSON200 == nil || restored.JSON200.ArchivedAt != nil {
		t.Fatalf("restore: %v %d %.300s; want 200 with archived_at null", err, restored.StatusCode(), restored.Body)
	}
	list, err = c.ListProvidersWithResponse(ctx, &apiclient.ListProvidersParams{Q: &word})
	if err != nil || list.JSON200 == nil || list.JSON200.Total != 3 {
		t.Errorf("list after restoring: %v %.300s; want total 3", err, list.Body)
	}
}
