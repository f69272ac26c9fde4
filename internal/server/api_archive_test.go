package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// archive and restore call the API's archiving operations with extra headers.
func (a *testApp) archive(t *testing.T, id string, header http.Header) response {
	t.Helper()
	return a.do(t, http.MethodPost, "/api/v1/providers/"+id+"/archive", nil, header)
}

func (a *testApp) restore(t *testing.T, id string, header http.Header) response {
	t.Helper()
	return a.do(t, http.MethodPost, "/api/v1/providers/"+id+"/restore", nil, header)
}

// Archiving by API answers with the provider and its archived_at; the provider leaves the list,
// its search and total, the home page's counts, the portfolio export and comparisons, and is
// listed with archived=true; it is still read by id, with its evaluations; restoring brings
// all of it back.
func TestAPIArchiveHidesAProviderAndRestoreBringsItBack(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	p, ev := a.evaluated(t, "Archived "+word, "saas")
	a.answer(t, ev.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	complete(t, a, ev.ID)
	other := a.createProvider(t, "Kept "+word, "iaas")
	before := a.listProviders(t, "").Total

	var got providerOut
	r := a.archive(t, p.ID, nil)
	decodeJSON(t, r, http.StatusOK, "Provider", &got)
	if got.ArchivedAt == nil || got.ArchivedBy == nil || *got.ArchivedBy != "Test admin" || got.ID != p.ID {
		t.Errorf("archive: archived_at %v by %v, want set, by Test admin", got.ArchivedAt, got.ArchivedBy)
	}
	if r.header.Get("ETag") == "" {
		t.Errorf("archive: no ETag")
	}
	if n := a.listProviders(t, "").Total; n != before-1 {
		t.Errorf("list total after archiving: got %d, want %d", n, before-1)
	}
	if n := a.countProviders(t, word); n != 1 {
		t.Errorf("search for %s after archiving: got %d, want 1 (the kept one)", word, n)
	}
	archived := a.listProviders(t, "archived=true&q="+url.QueryEscape(word))
	if archived.Total != 1 || len(archived.Providers) != 1 || archived.Providers[0].ID != p.ID || archived.Providers[0].ArchivedAt == nil {
		t.Errorf("archived=true: %+v, want the archived one alone, with archived_at", archived)
	}
	wantAPIError(t, a.get(t, "/api/v1/providers?archived=yes"), http.StatusUnprocessableEntity, "invalid", "archived")
	if read := a.provider(t, p.ID); read.ArchivedAt == nil || read.LatestEvaluation == nil || read.LatestEvaluation.ID != ev.ID {
		t.Errorf("read by id: %+v, want it archived with its completed evaluation", read)
	}
	wantStatus(t, a.get(t, "/api/v1/evaluations/"+ev.ID), http.StatusOK)
	wantStatus(t, a.get(t, "/api/v1/evaluations/"+ev.ID+"/report.json"), http.StatusOK)
	var evs struct {
		Evaluations []headOut `json:"evaluations"`
	}
	decodeJSON(t, a.get(t, "/api/v1/providers/"+p.ID+"/evaluations"), http.StatusOK, "EvaluationList", &evs)
	if len(evs.Evaluations) != 1 {
		t.Errorf("its evaluations: got %d, want 1", len(evs.Evaluations))
	}

	e := wantAPIError(t, a.get(t, "/api/v1/compare?ids="+p.ID+","+other.ID), http.StatusUnprocessableEntity, "invalid", "ids")
	if !strings.Contains(e.Error.Fields["ids"], "provider "+p.ID+" (Archived "+word+") is archived") {
		t.Errorf("compare: ids %q, want it to name the archived provider", e.Error.Fields["ids"])
	}
	wantAPIError(t, a.get(t, "/api/v1/compare.csv?ids="+p.ID+","+other.ID), http.StatusUnprocessableEntity, "invalid", "ids")
	export := a.get(t, "/api/v1/exports/portfolio.csv")
	wantStatus(t, export, http.StatusOK)
	if strings.Contains(string(export.body), "Archived "+word) || !strings.Contains(string(export.body), "Kept "+word) {
		t.Errorf("portfolio export after archiving: want the kept provider and not the archived one:\n%.600s", export.body)
	}
	home := parsePage(t, a.get(t, "/"), http.StatusOK)
	if got := strings.Fields(home.textOf(t, "stat-completed"))[0]; got != "0" {
		t.Errorf("home page, completed: got %s, want 0 (the only completed provider is archived)", got)
	}
	if !strings.Contains(home.textOf(t, "archived-link"), "1 archived provider") {
		t.Errorf("home page: %q, want it to say 1 archived provider is not counted", home.textOf(t, "archived-link"))
	}

	decodeJSON(t, a.restore(t, p.ID, nil), http.StatusOK, "Provider", &got)
	if got.ArchivedAt != nil || got.ArchivedBy != nil {
		t.Errorf("restore: archived_at %v, archived_by %v, want both null", got.ArchivedAt, got.ArchivedBy)
	}
	if n := a.listProviders(t, "").Total; n != before {
		t.Errorf("list total after restoring: got %d, want %d", n, before)
	}
	wantStatus(t, a.get(t, "/api/v1/compare?ids="+p.ID+","+other.ID), http.StatusOK)
	if export := a.get(t, "/api/v1/exports/portfolio.csv"); !strings.Contains(string(export.body), "Archived "+word) {
		t.Errorf("portfolio export after restoring: the provider is missing")
	}
	if home := parsePage(t, a.get(t, "/"), http.StatusOK); home.has("archived-link") || strings.Fields(home.textOf(t, "stat-completed"))[0] != "1" {
		t.Errorf("home page after restoring: want 1 completed and no archived link")
	}
}

// Archiving is refused to viewers, under a stale If-Match, twice, and restoring a provider that
// is not archived; an Idempotency-Key replays the first answer. Writes to an archived
// provider's evaluations answer 409 and change nothing.
func TestAPIArchivedProviderRefusesChanges(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	p, done := a.evaluated(t, "Frozen "+word, "paas")
	a.answer(t, done.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	complete(t, a, done.ID)
	var draft evaluationOut
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/evaluations/"+done.ID+"/reassess", nil, nil), http.StatusCreated, "Evaluation", &draft)
	saved := a.answer(t, draft.ID, "abuse_cases.malware", map[string]any{"value": "partial"})

	wantAPIError(t, a.anonymous().archive(t, p.ID, a.bearer(t, "viewer")), http.StatusForbidden, "forbidden", "")
	wantAPIError(t, a.restore(t, p.ID, nil), http.StatusConflict, "conflict", "")
	stale := a.get(t, "/api/v1/providers/"+p.ID).header.Get("ETag")
	a.sendJSON(t, http.MethodPatch, "/api/v1/providers/"+p.ID, map[string]string{"notes": "Changed since."})
	wantAPIError(t, a.archive(t, p.ID, http.Header{"If-Match": {stale}}), http.StatusPreconditionFailed, "precondition_failed", "")
	if got := a.provider(t, p.ID); got.ArchivedAt != nil {
		t.Fatalf("after a refused archive: archived_at %v, want null", *got.ArchivedAt)
	}

	current := a.get(t, "/api/v1/providers/"+p.ID).header.Get("ETag")
	key := http.Header{"Idempotency-Key": {"archive-" + word}, "If-Match": {current}}
	first := a.archive(t, p.ID, key)
	wantStatus(t, first, http.StatusOK)
	replay := a.archive(t, p.ID, key)
	wantStatus(t, replay, http.StatusOK)
	if replay.header.Get("Idempotent-Replayed") != "true" || string(replay.body) != string(first.body) {
		t.Errorf("the same Idempotency-Key again: Idempotent-Replayed %q, same body %v; want the first answer replayed",
			replay.header.Get("Idempotent-Replayed"), string(replay.body) == string(first.body))
	}
	wantAPIError(t, a.archive(t, p.ID, nil), http.StatusConflict, "conflict", "")

	refusals := []struct {
		name string
		do   func() response
	}{
		{"save an answer", func() response {
			return a.putAnswer(t, draft.ID, "abuse_cases.malware", map[string]any{"value": "no", "base_version": saved.Version})
		}},
		{"complete the draft", func() response {
			return a.sendJSON(t, http.MethodPost, "/api/v1/evaluations/"+draft.ID+"/complete", map[string]bool{"confirm": true})
		}},
		{"reopen the completed one", func() response {
			return a.do(t, http.MethodPost, "/api/v1/evaluations/"+done.ID+"/reopen", nil, nil)
		}},
		{"reassess the completed one", func() response {
			return a.do(t, http.MethodPost, "/api/v1/evaluations/"+done.ID+"/reassess", nil, nil)
		}},
		{"start an evaluation", func() response {
			return a.do(t, http.MethodPost, "/api/v1/providers/"+p.ID+"/evaluations", nil, nil)
		}},
		{"edit the provider", func() response {
			return a.do(t, http.MethodPatch, "/api/v1/providers/"+p.ID, strings.NewReader(`{"name":"Renamed `+word+`"}`),
				http.Header{"Content-Type": {"application/merge-patch+json"}})
		}},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			e := wantAPIError(t, c.do(), http.StatusConflict, "conflict", "")
			if !strings.Contains(e.Error.Message, "archived") {
				t.Errorf("message %q, want it to say the provider is archived", e.Error.Message)
			}
		})
	}
	if got := a.evaluation(t, draft.ID); got.Status != "draft" || got.Answers["abuse_cases.malware"].Version != saved.Version {
		t.Errorf("the draft after the refusals: status %s, answer version %d; want draft, version %d", got.Status, got.Answers["abuse_cases.malware"].Version, saved.Version)
	}
	if got := a.evaluation(t, done.ID); got.Status != "completed" {
		t.Errorf("the completed one after the refusals: status %s, want completed", got.Status)
	}
	if got := a.provider(t, p.ID); got.Name != "Frozen "+word || got.DraftEvaluation == nil || got.DraftEvaluation.ID != draft.ID {
		t.Errorf("the provider after the refusals: %+v, want it unchanged", got)
	}

	wantStatus(t, a.restore(t, p.ID, nil), http.StatusOK)
	a.answer(t, draft.ID, "abuse_cases.malware", map[string]any{"value": "no", "base_version": saved.Version})
}

// The provider page offers Archive, with a confirmation, to those who may edit providers; an
// archived provider's page says so and offers Restore; the list shows the archived providers
// under "Archived providers"; an archived provider's evaluation page is read-only.
func TestArchivePages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	word := tag(t)
	p, ev := a.evaluated(t, "Paged "+word, "saas")
	evaluator := a.as(t, "evaluator")
	viewer := a.as(t, "viewer")

	page := parsePage(t, evaluator.get(t, "/providers/"+p.ID), http.StatusOK)
	if !page.has("archive-form") || !page.has("confirm-archive") || page.has("archived-notice") {
		t.Errorf("provider page for an evaluator: want an archive form with a confirmation and no archived notice")
	}
	if confirm := page.one(t, "confirm-archive"); !hasAttr(confirm, "required") {
		t.Errorf("the archive confirmation is not required")
	}
	if page := parsePage(t, viewer.get(t, "/providers/"+p.ID), http.StatusOK); page.has("archive-form") {
		t.Errorf("provider page for a viewer: want no archive form")
	}

	r := evaluator.postForm(t, "/providers/"+p.ID+"/archive", url.Values{"confirm": {"yes"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/providers/"+p.ID+"?done=archived" {
		t.Errorf("after archiving: Location %q", loc)
	}
	page = parsePage(t, evaluator.get(t, "/providers/"+p.ID+"?done=archived"), http.StatusOK)
	for _, id := range []string{"notice", "archived-notice", "restore-form", "confirm-restore"} {
		if !page.has(id) {
			t.Errorf("archived provider's page: no %s", id)
		}
	}
	for _, id := range []string{"archive-form", "edit-provider", "start-evaluation"} {
		if page.has(id) {
			t.Errorf("archived provider's page: %s shown, want it hidden", id)
		}
	}
	if page := parsePage(t, viewer.get(t, "/providers/"+p.ID), http.StatusOK); !page.has("archived-notice") || page.has("restore-form") {
		t.Errorf("archived provider's page for a viewer: want the notice and no restore form")
	}

	list := parsePage(t, evaluator.get(t, "/providers?q="+url.QueryEscape(word)), http.StatusOK)
	if list.has("provider-row") {
		t.Errorf("provider list: the archived provider is listed")
	}
	list = parsePage(t, evaluator.get(t, "/providers?archived=true&q="+url.QueryEscape(word)), http.StatusOK)
	if rows := list.byTestID("provider-row"); len(rows) != 1 || !strings.Contains(text(rows[0]), "Paged "+word) {
		t.Errorf("archived providers: got %d rows, want the archived one", len(rows))
	}
	if opt := selected(list.field(t, "archived")); opt != "true" {
		t.Errorf("archived providers: the Show select has %q selected, want true", opt)
	}
	if r := evaluator.get(t, "/providers?archived=maybe"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("archived=maybe: got %d, want 422", r.status)
	}

	evPage := parsePage(t, evaluator.get(t, "/evaluations/"+ev.ID), http.StatusOK)
	if !evPage.has("archived-notice") || evPage.has("complete-form") || evPage.has("read-only") {
		t.Errorf("archived provider's evaluation page: want the archived notice, no complete form, no role hint")
	}
	for _, in := range evPage.all(func(n *htmlNode) bool { return n.Data == "input" && attr(n, "name") == "value" }) {
		if !hasAttr(in, "disabled") {
			t.Errorf("archived provider's evaluation page: a value input is not disabled")
			break
		}
	}
	r = evaluator.postForm(t, "/evaluations/"+ev.ID+"/answers/abuse_cases.malware", url.Values{"type": {"status"}, "value": {"yes"}}, false)
	if r.status != http.StatusConflict || !strings.Contains(string(r.body), "archived") {
		t.Errorf("saving by form to the archived provider's draft: got %d, want 409 saying it is archived", r.status)
	}

	r = evaluator.postForm(t, "/providers/"+p.ID+"/restore", url.Values{"confirm": {"yes"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	page = parsePage(t, evaluator.get(t, "/providers/"+p.ID+"?done=restored"), http.StatusOK)
	if page.has("archived-notice") || !page.has("archive-form") || !page.has("notice") {
		t.Errorf("restored provider's page: want the notice, the archive form back and no archived notice")
	}
}
