package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/postgres/postgrestest"
)

// The home page shows the portfolio at a glance: providers by status and tier, drafts in
// progress and the latest changes.
func TestHomePage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	empty := parsePage(t, a.get(t, "/"), http.StatusOK)
	if !empty.has("no-drafts") {
		t.Error("with nothing evaluated, the home page does not say no draft is in progress")
	}

	a.createProvider(t, "Never Evaluated "+tag(t), "iaas")
	_, draft := a.evaluated(t, "Drafting "+tag(t), "saas")
	a.answer(t, draft.ID, "abuse_cases.malware", map[string]any{"value": "yes"})
	_, done := a.evaluated(t, "Completed "+tag(t), "paas")
	a.answer(t, done.ID, "abuse_cases.malware", map[string]any{"value": "partial"})
	complete(t, a, done.ID)

	p := parsePage(t, a.get(t, "/"), http.StatusOK)
	for id, want := range map[string]string{
		"stat-completed": "1", "stat-drafting": "1", "stat-never": "1",
		"tier-count-poor": "1", "tier-count-not_assessed": "2", "tier-count-strong": "0",
	} {
		// A status card reads "1 Completed …"; a tier's row "Poor 1".
		got := strings.Fields(p.textOf(t, id))
		figure := got[0]
		if strings.HasPrefix(id, "tier-count-") {
			figure = got[len(got)-1]
		}
		if figure != want {
			t.Errorf("%s: got %q, want %s", id, strings.Join(got, " "), want)
		}
	}
	rows := p.byTestID("draft-row")
	if len(rows) != 1 || !strings.Contains(text(rows[0]), "Drafting") {
		t.Errorf("drafts in progress: got %d rows, want the one draft", len(rows))
	}
	if n := len(p.byTestID("recent-row")); n != 2 {
		t.Errorf("recent activity: got %d rows, want the draft and the completed evaluation", n)
	}
}

// Requests to providers' contacts past their due day, unanswered and not revoked, are listed
// on the home page; one not yet due or revoked is not.
func TestHomePageListsOverdueRequests(t *testing.T) {
	t.Parallel()
	store := postgrestest.Store(t)
	a := newAppOn(t, store)
	_, draft := a.evaluated(t, "Awaited Cloud "+tag(t), "saas")
	id, err := strconv.ParseInt(draft.ID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	day := func(d int) string { return now.UTC().AddDate(0, 0, d).Format("2006-01-02") }
	for _, in := range []assess.RequestInput{
		{ContactName: "Olive Overdue", ContactEmail: "olive@provider.example", DueDate: day(1)},
		{ContactName: "Nora Notyet", ContactEmail: "nora@provider.example", DueDate: day(30)},
		{ContactName: "Rex Revoked", ContactEmail: "rex@provider.example", DueDate: day(1)},
	} {
		sent, err := a.uc.CreateRequest(ctx, app.CommandLine(), id, in, nil)
		if err != nil {
			t.Fatalf("request to %s: %v", in.ContactName, err)
		}
		if in.ContactName == "Rex Revoked" {
			if _, err := a.uc.RevokeRequest(ctx, app.CommandLine(), sent.Request.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if p := parsePage(t, a.get(t, "/"), http.StatusOK); !p.has("no-overdue") || len(p.byTestID("overdue-row")) != 0 {
		t.Error("before any due date has passed, the home page lists overdue requests")
	}
	later := newAppAt(t, store, now.AddDate(0, 0, 3), true)
	rows := parsePage(t, later.get(t, "/"), http.StatusOK).byTestID("overdue-row")
	if len(rows) != 1 || !strings.Contains(text(rows[0]), "Olive Overdue") || !strings.Contains(text(rows[0]), "Awaited Cloud") {
		var got []string
		for _, r := range rows {
			got = append(got, text(r))
		}
		t.Errorf("overdue requests three days on: got %q, want Olive Overdue's alone, with the provider", got)
	}
}
