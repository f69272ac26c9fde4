package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// elementForm is what a browser sends for one element: its type, the value fields, and the
// explanation and evidence row left empty.
func elementForm(typ string, values url.Values) url.Values {
	f := url.Values{"type": {typ}, "explanation": {""}, "evidence_url": {""}, "evidence_date": {""}}
	for k, v := range values {
		f[k] = v
	}
	return f
}

// matrixForm is the matrix as a browser sends it: every layer's select, empty unless given.
func matrixForm(owners map[string]string) url.Values {
	f := elementForm("matrix", nil)
	for _, l := range []string{"physical", "hypervisor", "network", "os", "application", "user_activity", "user_permissions", "privileged_actions"} {
		f.Set("value."+l, owners[l])
	}
	return f
}

func answerPath(evaluationID, ref string) string {
	return "/evaluations/" + evaluationID + "/answers/" + ref
}

func TestEvaluationPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "iaas")
	p := parsePage(t, a.get(t, "/evaluations/"+ev.ID), http.StatusOK)

	var refs []string
	for _, n := range p.all(func(n *htmlNode) bool { return strings.HasPrefix(attr(n, "data-testid"), "element-") }) {
		ref := strings.TrimPrefix(attr(n, "data-testid"), "element-")
		refs = append(refs, ref)
		if n.Data != "form" || attr(n, "method") != "post" || attr(n, "action") != answerPath(ev.ID, ref) || attr(n, "data-hx-post") != answerPath(ev.ID, ref) {
			t.Errorf("element %s: got <%s method=%q action=%q hx-post=%q>, want a form posting to %s with and without htmx",
				ref, n.Data, attr(n, "method"), attr(n, "action"), attr(n, "data-hx-post"), answerPath(ev.ID, ref))
		}
	}
	want := []string{
		"shared_model.matrix", "shared_model.documented", "shared_model.contractual",
		"abuse_cases.app_vulnerabilities", "abuse_cases.malware", "abuse_cases.privilege_abuse", "abuse_cases.abuse_reporting",
		"assessments.certifications", "assessments.last_independent_audit", "assessments.penetration_test",
		"assessments.last_penetration_test", "assessments.findings_remediation",
		"monitoring.continuous_monitoring", "monitoring.privileged_monitoring", "monitoring.log_retention_days",
		"monitoring.customer_log_access", "monitoring.assurance_reports",
		"incident_response.ir_plan", "incident_response.ir_tested", "incident_response.notification_hours",
		"incident_response.disclosure_channel", "incident_response.post_incident_report",
	}
	if !slices.Equal(refs, want) {
		t.Errorf("elements: got %q, want every element in questionnaire order, %q", refs, want)
	}
	for _, q := range questionKeys {
		p.one(t, "question-"+q)
		if got := p.textOf(t, "question-score-"+q); got != "0.0" {
			t.Errorf("question-score-%s: got %q, want 0.0", q, got)
		}
	}
	panel := p.one(t, "score-panel")
	if hasAttr(panel, "data-hx-swap-oob") {
		t.Errorf("score panel of the full page: has data-hx-swap-oob, want it only in htmx answers")
	}
	// Nothing is answered: no score, never "0.0 Poor".
	if got := p.textOf(t, "overall-score"); got != "Not assessed" {
		t.Errorf("overall-score: got %q, want Not assessed", got)
	}
	if got := p.textOf(t, "tier"); got != "Not assessed" {
		t.Errorf("tier: got %q, want Not assessed", got)
	}
	// The matrix shows a select per layer, and the IaaS reference beside it.
	matrix := p.one(t, "matrix")
	if n := len(findAll(matrix, func(n *htmlNode) bool { return n.Data == "select" })); n != 8 {
		t.Errorf("matrix selects: got %d, want 8", n)
	}
	if got := text(matrix); !strings.Contains(got, "Reference (IaaS)") {
		t.Errorf("matrix: got %q, want the IaaS reference column", got)
	}
	if got := attr(p.field(t, "value"), "type"); got != "radio" {
		t.Errorf("first value field: got type %q, want the status radios", got)
	}
}

func TestAnswerSaveFormPlain(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	r := a.postForm(t, answerPath(ev.ID, "abuse_cases.malware"), elementForm("status", url.Values{"value": {"yes"}}), false)
	wantStatus(t, r, http.StatusSeeOther)
	if loc, want := r.header.Get("Location"), "/evaluations/"+ev.ID+"?done=saved#el-abuse_cases-malware"; loc != want {
		t.Errorf("Location: got %q, want %q", loc, want)
	}
	got := a.evaluation(t, ev.ID)
	if ans := got.Answers["abuse_cases.malware"]; string(ans.Value) != `"yes"` || ans.Version != 1 || len(ans.Evidence) != 0 {
		t.Errorf("stored answer: got %+v, want \"yes\", version 1, no evidence", ans)
	}
	if got.Score.Overall != 5 {
		t.Errorf("overall: got %v, want 5", got.Score.Overall)
	}

	p := parsePage(t, a.get(t, "/evaluations/"+ev.ID), http.StatusOK)
	form := oneIn(t, p.res, p.root, "element-abuse_cases.malware")
	var checked []string
	for _, n := range findAll(form, func(n *htmlNode) bool {
		return n.Data == "input" && attr(n, "name") == "value" && hasAttr(n, "checked")
	}) {
		checked = append(checked, attr(n, "value"))
	}
	if !slices.Equal(checked, []string{"yes"}) {
		t.Errorf("malware radios: got %v checked, want [yes]", checked)
	}
	if got := p.textOf(t, "overall-score"); got != "5.0" {
		t.Errorf("overall-score after the save: got %q, want 5.0", got)
	}

	t.Run("evidence and explanation from the form", func(t *testing.T) {
		f := elementForm("status", url.Values{"value": {"partial"}, "explanation": {"Linux only."},
			"evidence_url": {"https://acme.example/edr", ""}, "evidence_date": {"2026-01-31", ""}})
		wantStatus(t, a.postForm(t, answerPath(ev.ID, "abuse_cases.malware"), f, false), http.StatusSeeOther)
		ans := a.evaluation(t, ev.ID).Answers["abuse_cases.malware"]
		if string(ans.Value) != `"partial"` || ans.Explanation != "Linux only." || ans.Version != 2 ||
			len(ans.Evidence) != 1 || ans.Evidence[0] != (evidenceOut{URL: "https://acme.example/edr", EffectiveDate: "2026-01-31"}) {
			t.Errorf("stored answer: got %+v, want partial, the explanation, version 2 and one link", ans)
		}
	})
	t.Run("number and multi from the form", func(t *testing.T) {
		wantStatus(t, a.postForm(t, answerPath(ev.ID, "monitoring.log_retention_days"), elementForm("number", url.Values{"value": {"400"}}), false), http.StatusSeeOther)
		wantStatus(t, a.postForm(t, answerPath(ev.ID, "assessments.certifications"), elementForm("multi", url.Values{"value": {"iso27001", "soc2_type2"}}), false), http.StatusSeeOther)
		got := a.evaluation(t, ev.ID).Answers
		if v := string(got["monitoring.log_retention_days"].Value); v != "400" {
			t.Errorf("log_retention_days: got %s, want 400", v)
		}
		if v := compactJSON(t, got["assessments.certifications"].Value); v != `["iso27001","soc2_type2"]` {
			t.Errorf("certifications: got %s, want [\"iso27001\",\"soc2_type2\"]", v)
		}
	})

	t.Run("a refused plain form shows the page with the input kept and the error", func(t *testing.T) {
		before := a.evaluation(t, ev.ID)
		ref := "assessments.last_independent_audit"
		r := a.postForm(t, answerPath(ev.ID, ref), elementForm("date", url.Values{"value": {tomorrow}}), false)
		p := parsePage(t, r, http.StatusUnprocessableEntity)
		form := oneIn(t, p.res, p.root, "element-"+ref)
		oneIn(t, p.res, form, "error-value")
		inputs := findAll(form, func(n *htmlNode) bool { return n.Data == "input" && attr(n, "name") == "value" })
		if len(inputs) != 1 || attr(inputs[0], "value") != tomorrow {
			t.Errorf("date input: want the refused date %s kept", tomorrow)
		}
		if got := text(oneIn(t, p.res, form, "status-"+ref)); !strings.Contains(got, "Not saved") {
			t.Errorf("status: got %q, want Not saved", got)
		}
		wantUnchanged(t, a, ev.ID, before)
	})
}

// wantUnchanged fails when an evaluation's answers or score differ from before.
func wantUnchanged(t *testing.T, a *testApp, evaluationID string, before evaluationOut) {
	t.Helper()
	after := a.evaluation(t, evaluationID)
	if compactJSON(t, []byte(jsonOf(t, after.Answers))) != compactJSON(t, []byte(jsonOf(t, before.Answers))) {
		t.Errorf("answers changed by a refused save:\nbefore %s\nafter  %s", jsonOf(t, before.Answers), jsonOf(t, after.Answers))
	}
	if jsonOf(t, after.Score) != jsonOf(t, before.Score) {
		t.Errorf("score changed by a refused save:\nbefore %s\nafter  %s", jsonOf(t, before.Score), jsonOf(t, after.Score))
	}
}

func TestAnswerSaveFormHTMX(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	ref := "abuse_cases.malware"

	r := a.postForm(t, answerPath(ev.ID, ref), elementForm("status", url.Values{"value": {"yes"}}), true)
	p := parsePage(t, r, http.StatusOK)
	if p.has("element-" + ref) {
		t.Errorf("htmx answer: got the whole element form, want only the fragment")
	}
	if got := p.textOf(t, "status-"+ref); got != "Saved" {
		t.Errorf("save status: got %q, want Saved", got)
	}
	panel := p.one(t, "score-panel")
	if got := attr(panel, "data-hx-swap-oob"); got != "true" {
		t.Errorf("score panel: got data-hx-swap-oob=%q, want true (swapped out of band)", got)
	}
	if got := text(oneIn(t, p.res, panel, "overall-score")); got != "5.0" {
		t.Errorf("overall-score in the fragment: got %q, want 5.0", got)
	}
	if got := text(oneIn(t, p.res, panel, "question-score-abuse_cases")); got != "25.0" {
		t.Errorf("question-score-abuse_cases in the fragment: got %q, want 25.0", got)
	}
	if got := p.textOf(t, "credit-"+ref); got != "credit 1 of 1" {
		t.Errorf("element credit: got %q, want credit 1 of 1", got)
	}
	if n := len(p.all(func(n *htmlNode) bool { return attr(n, "data-hx-swap-oob") == "outerHTML:#credit-abuse_cases-malware" })); n != 1 {
		t.Errorf("credit swapped out of band: got %d wrappers, want 1", n)
	}
	if ans := a.evaluation(t, ev.ID).Answers[ref]; string(ans.Value) != `"yes"` {
		t.Errorf("stored value: got %s, want \"yes\"", ans.Value)
	}

	refusals := []struct {
		name   string
		ref    string
		form   url.Values
		status int
	}{
		{"unknown status", ref, elementForm("status", url.Values{"value": {"maybe"}}), http.StatusUnprocessableEntity},
		{"date in the future", "assessments.last_independent_audit", elementForm("date", url.Values{"value": {tomorrow}}), http.StatusUnprocessableEntity},
		{"negative number", "monitoring.log_retention_days", elementForm("number", url.Values{"value": {"-5"}}), http.StatusUnprocessableEntity},
		{"number that is not one", "monitoring.log_retention_days", elementForm("number", url.Values{"value": {"lots"}}), http.StatusUnprocessableEntity},
		{"unknown owner", "shared_model.matrix", matrixForm(map[string]string{"physical": "nobody"}), http.StatusUnprocessableEntity},
		{"unknown option", "assessments.certifications", elementForm("multi", url.Values{"value": {"soc3"}}), http.StatusUnprocessableEntity},
		{"forged type", ref, elementForm("matrix", url.Values{"value.physical": {"provider"}}), http.StatusUnprocessableEntity},
		{"explanation of 10,001 characters", ref, elementForm("status", url.Values{"value": {"no"}, "explanation": {strings.Repeat("e", 10001)}}), http.StatusUnprocessableEntity},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			before := a.evaluation(t, ev.ID)
			p := parsePage(t, a.postForm(t, answerPath(ev.ID, c.ref), c.form, true), c.status)
			if got := p.textOf(t, "status-"+c.ref); !strings.HasPrefix(got, "Not saved") {
				t.Errorf("save status: got %q, want Not saved and why", got)
			}
			if p.has("score-panel") {
				t.Errorf("a refused save swapped the score panel, want it left as it was")
			}
			wantUnchanged(t, a, ev.ID, before)
		})
	}

	t.Run("unknown element", func(t *testing.T) {
		before := a.evaluation(t, ev.ID)
		r := a.postForm(t, answerPath(ev.ID, "abuse_cases.ransomware"), elementForm("status", url.Values{"value": {"yes"}}), true)
		parsePage(t, r, http.StatusNotFound)
		if got := r.header.Get("HX-Reswap"); got != "none" {
			t.Errorf("HX-Reswap: got %q, want none, so that htmx leaves the page as it is", got)
		}
		wantUnchanged(t, a, ev.ID, before)
	})
	t.Run("unknown evaluation", func(t *testing.T) {
		r := a.postForm(t, answerPath(noSuchID, ref), elementForm("status", url.Values{"value": {"yes"}}), true)
		parsePage(t, r, http.StatusNotFound)
	})
	t.Run("body over 1 MiB", func(t *testing.T) {
		before := a.evaluation(t, ev.ID)
		r := a.postForm(t, answerPath(ev.ID, ref), elementForm("status", url.Values{"value": {"no"}, "explanation": {strings.Repeat("e", 1<<20)}}), true)
		parsePage(t, r, http.StatusRequestEntityTooLarge)
		wantUnchanged(t, a, ev.ID, before)
	})
}

func TestAnswerSaveFormMatrixDeviation(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	r := a.postForm(t, answerPath(ev.ID, "shared_model.matrix"), matrixForm(map[string]string{"application": "customer"}), true)
	p := parsePage(t, r, http.StatusOK)
	if got := p.textOf(t, "status-shared_model.matrix"); got != "Saved" {
		t.Errorf("save status: got %q, want Saved", got)
	}
	if got := p.textOf(t, "deviation-application"); got != "Deviation: Customer instead of Provider" {
		t.Errorf("deviation-application: got %q, want Deviation: Customer instead of Provider", got)
	}
	if got := p.textOf(t, "deviation-physical"); got != "" {
		t.Errorf("deviation-physical: got %q, want no flag for a layer not claimed", got)
	}
	wrapper := p.all(func(n *htmlNode) bool {
		return attr(n, "data-hx-swap-oob") == "outerHTML:#dev-shared_model-matrix-application"
	})
	if len(wrapper) != 1 {
		t.Errorf("deviation flag swapped out of band: got %d wrappers, want 1", len(wrapper))
	}
	if got := p.textOf(t, "deviation-count"); got != "1" {
		t.Errorf("deviation-count: got %q, want 1", got)
	}
	got := a.evaluation(t, ev.ID)
	if v := compactJSON(t, got.Answers["shared_model.matrix"].Value); v != `{"application":"customer"}` {
		t.Errorf("stored matrix: got %s, want only the layer chosen", v)
	}
	if len(got.Deviations) != 1 || got.Deviations[0] != (deviationOut{"application", "customer", "provider"}) {
		t.Errorf("deviations: got %+v, want application customer instead of provider", got.Deviations)
	}

	// The full page flags the deviation beside the layer too.
	page := parsePage(t, a.get(t, "/evaluations/"+ev.ID), http.StatusOK)
	if got := page.textOf(t, "deviation-application"); !strings.Contains(got, "Deviation") {
		t.Errorf("page deviation-application: got %q, want the deviation flagged", got)
	}
	if got := selected(page.one(t, "matrix-application")); got != "customer" {
		t.Errorf("application select: got %q selected, want customer", got)
	}
}

func TestEvaluationSummaryPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	target := "/evaluations/" + ev.ID + "/summary"

	p := parsePage(t, a.get(t, target), http.StatusOK)
	if !p.has("no-deviations") || p.has("deviations") {
		t.Errorf("summary before any claim: want the no-deviations notice and no deviations table")
	}
	if !p.has("retained-from") {
		t.Errorf("summary before the matrix is answered: want the notice that the reference split speaks")
	}
	for _, l := range []string{"user_activity", "user_permissions", "privileged_actions"} {
		p.one(t, "retained-"+l)
	}

	a.workedExample(t, ev.ID)
	a.answer(t, ev.ID, "shared_model.matrix", map[string]any{"value": saasMatrix(map[string]string{"application": "customer"})})
	p = parsePage(t, a.get(t, target), http.StatusOK)
	if got := p.textOf(t, "overall-score"); got != "26.7" {
		t.Errorf("overall-score: got %q, want 26.7 ((83.3 + 50) / 5)", got)
	}
	if got := p.textOf(t, "tier"); got != "Poor" {
		t.Errorf("tier: got %q, want Poor", got)
	}
	table := p.one(t, "question-scores")
	if n := len(findAll(table, func(n *htmlNode) bool { return n.Data == "tr" })); n != 5 {
		t.Errorf("question rows: got %d, want 5", n)
	}
	if n := len(findAll(table, func(n *htmlNode) bool { return n.Data == "svg" })); n != 5 {
		t.Errorf("question bars: got %d, want 5", n)
	}
	for q, want := range map[string]string{"abuse_cases": "83.3", "shared_model": "50.0", "assessments": "0.0"} {
		if got := text(oneIn(t, p.res, table, "question-score-"+q)); got != want {
			t.Errorf("question-score-%s: got %q, want %q", q, got, want)
		}
	}
	devs := p.one(t, "deviations")
	if got := text(devs); !strings.Contains(got, "Application Customer Provider") {
		t.Errorf("deviations table: got %q, want the application row: Customer claimed, Provider the reference", got)
	}
	if p.has("no-deviations") || p.has("retained-from") {
		t.Errorf("summary after a full matrix with a deviation: want neither the no-deviations nor the reference notice")
	}
	retained := p.one(t, "retained")
	if got := text(retained); !strings.Contains(got, "What stays with you") {
		t.Errorf("retained section: got %q, want the heading What stays with you", got)
	}
	for _, l := range []string{"application", "user_activity", "user_permissions", "privileged_actions"} {
		oneIn(t, p.res, retained, "retained-"+l)
	}
	if got := p.textOf(t, "retained-user_permissions"); !strings.Contains(got, "You keep this whatever the provider does") {
		t.Errorf("retained-user_permissions: got %q, want it marked as always kept", got)
	}
	if p.has("retained-physical") {
		t.Errorf("retained-physical shown, want only the layers the customer keeps")
	}
}

// A number field holding something strconv reads as a float but JSON cannot carry is bad input
// like any other: 422, nothing stored.
func TestAnswerSaveFormRefusesNaNAndInfinity(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	ref := "monitoring.log_retention_days"
	for _, v := range []string{"NaN", "Inf", "-Inf", "infinity"} {
		t.Run(v, func(t *testing.T) {
			before := a.evaluation(t, ev.ID)
			p := parsePage(t, a.postForm(t, answerPath(ev.ID, ref), elementForm("number", url.Values{"value": {v}}), true), http.StatusUnprocessableEntity)
			if got := p.textOf(t, "status-"+ref); !strings.HasPrefix(got, "Not saved") {
				t.Errorf("save status: got %q, want Not saved", got)
			}
			wantUnchanged(t, a, ev.ID, before)
		})
	}
}

// A refused evidence link does not hold back the rest of the element: the value and explanation
// are saved, the link stored in the refused row stays as it was, and the refusal is shown on the
// link's field in the server's words until fixed.
func TestAnswerSaveFormKeepsTheRestWhenALinkIsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, ev := a.evaluated(t, "Acme "+tag(t), "saas")
	const ref = "abuse_cases.malware"
	a.answer(t, ev.ID, ref, map[string]any{"value": "partial",
		"evidence": []map[string]string{{"url": "https://acme.example/kept", "effective_date": "2026-01-01"}}})
	form := func(link string) url.Values {
		return url.Values{"type": {"status"}, "value": {"yes"}, "explanation": {"Checked with the vendor."},
			"base_version": {"1"}, "evidence_url": {link, "https://acme.example/new"}, "evidence_date": {"2026-01-01", "2026-02-01"}}
	}
	const want = "want an http or https link, such as https://example.com/security"

	t.Run("htmx", func(t *testing.T) {
		p := parsePage(t, a.postForm(t, answerPath(ev.ID, ref), form("javascript:alert(1)"), true), http.StatusUnprocessableEntity)
		if got := p.textOf(t, "status-"+ref); got != "Saved, except Evidence link 1: "+want {
			t.Errorf("save status: got %q, want it saved except the first link, in the server's words", got)
		}
		if !p.has("score-panel") {
			t.Error("a partly saved element did not update the score panel")
		}
		stored := a.evaluation(t, ev.ID).Answers[ref]
		if v := compactJSON(t, stored.Value); v != `"yes"` || stored.Explanation != "Checked with the vendor." {
			t.Errorf("stored: got %s %q, want the value and explanation saved", v, stored.Explanation)
		}
		if len(stored.Evidence) != 2 || stored.Evidence[0].URL != "https://acme.example/kept" || stored.Evidence[1].URL != "https://acme.example/new" {
			t.Errorf("stored links: got %+v, want the stored one kept in the refused row and the new one added", stored.Evidence)
		}
	})
	t.Run("without JavaScript", func(t *testing.T) {
		f := form("ftp://acme.example/x")
		f.Set("base_version", "2")
		p := parsePage(t, a.postForm(t, answerPath(ev.ID, ref), f, false), http.StatusUnprocessableEntity)
		slots := p.all(func(n *htmlNode) bool { return attr(n, "id") == "err-abuse_cases-malware-evidence-0-url" })
		if len(slots) != 1 {
			t.Fatalf("error slots of the first link: got %d, want 1", len(slots))
		}
		slot := slots[0]
		if got := text(slot); got != want {
			t.Errorf("the link's error: got %q, want %q", got, want)
		}
		link := p.all(func(n *htmlNode) bool {
			return attr(n, "name") == "evidence_url" && attr(n, "aria-describedby") == attr(slot, "id")
		})
		if len(link) != 1 || attr(link[0], "aria-invalid") != "true" || attr(link[0], "value") != "ftp://acme.example/x" {
			t.Errorf("the refused link's field: got %d fields tied to the error (want 1, aria-invalid, keeping what was typed)", len(link))
		}
		if got := a.evaluation(t, ev.ID).Answers[ref].Version; got != 2 {
			t.Errorf("version: got %d, want 2 (nothing else changed, so nothing new was saved)", got)
		}
	})
}
