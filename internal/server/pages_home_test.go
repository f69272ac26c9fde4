package server_test

import (
	"net/http"
	"strings"
	"testing"
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
