package assess_test

import (
	"slices"
	"strings"
	"testing"

	"shareline/internal/assess"
)

const followUpDay = "2026-11-29"

// followUps is assess.FollowUps of a SaaS draft of q with these answers, scored on followUpDay.
func followUps(t *testing.T, q *assess.Questionnaire, answers map[string]assess.Answer) []assess.FollowUp {
	t.Helper()
	s := summarize(q, assess.SaaS, answers, day(t, followUpDay)).Score
	return assess.FollowUps(q, answers, s)
}

// followUpText is the follow-up of one element, failing the test when it has none.
func followUpText(t *testing.T, fus []assess.FollowUp, ref string) string {
	t.Helper()
	for _, f := range fus {
		if assess.Ref(f.Question, f.Element) == ref {
			return f.Text
		}
	}
	t.Fatalf("no follow-up for %s", ref)
	return ""
}

// partlyAnswered answers the built-in questionnaire with every state a follow-up phrases:
// matrix with user_activity unassigned, partial and no statuses, an "other"-only multi, an old
// audit, a short log retention, a slow notification; two elements stay unanswered.
func partlyAnswered(t *testing.T, q *assess.Questionnaire) map[string]assess.Answer {
	t.Helper()
	m := referenceMatrix(assess.SaaS)
	delete(m, userActivity)
	return answersOf(t, q,
		given{ref: "shared_model.matrix", value: matrixOf(m)},
		given{ref: "shared_model.documented", value: status(assess.Yes)},
		given{ref: "shared_model.contractual", value: status(assess.Partial)},
		given{ref: "abuse_cases.app_vulnerabilities", value: status(assess.Yes)},
		given{ref: "abuse_cases.malware", value: status(assess.Partial)},
		given{ref: "abuse_cases.privilege_abuse", value: status(assess.Yes)},
		given{ref: "abuse_cases.abuse_reporting", value: status(assess.StatusNotApplies)},
		given{ref: "assessments.certifications", value: multiOf("other")},
		given{ref: "assessments.last_independent_audit", value: dateOf(day(t, "2025-03-31"))},
		given{ref: "assessments.penetration_test", value: status(assess.No)},
		given{ref: "assessments.findings_remediation", value: status(assess.Yes)},
		given{ref: "monitoring.continuous_monitoring", value: status(assess.Yes)},
		given{ref: "monitoring.privileged_monitoring", value: status(assess.Yes)},
		given{ref: "monitoring.log_retention_days", value: numberOf(180)},
		given{ref: "monitoring.customer_log_access", value: status(assess.Yes)},
		given{ref: "monitoring.assurance_reports", value: status(assess.Yes)},
		given{ref: "incident_response.ir_plan", value: status(assess.Yes)},
		given{ref: "incident_response.ir_tested", value: dateOf(day(t, "2026-09-01"))},
		given{ref: "incident_response.notification_hours", value: numberOf(120)},
		given{ref: "incident_response.disclosure_channel", value: status(assess.Yes)},
		// assessments.last_penetration_test and incident_response.post_incident_report stay unanswered.
	)
}

func TestFollowUpsHeaviestFirst(t *testing.T) {
	q := builtin(t)
	var got []string
	for _, f := range followUps(t, q, partlyAnswered(t, q)) {
		got = append(got, assess.Ref(f.Question, f.Element))
	}
	want := []string{
		// weight × (1 − credit) = 1, in questionnaire order
		"assessments.penetration_test", "assessments.last_penetration_test", "incident_response.post_incident_report",
		// 0.5
		"shared_model.contractual", "abuse_cases.malware", "assessments.certifications",
		"assessments.last_independent_audit", "monitoring.log_retention_days", "incident_response.notification_hours",
		// 2 × (1 − 7/8) = 0.25
		"shared_model.matrix",
	}
	if !slices.Equal(got, want) {
		t.Errorf("FollowUps order:\n got %v\nwant %v", got, want)
	}
}

func TestFollowUpsLeaveOutFullCreditAndNotApplicable(t *testing.T) {
	q := builtin(t)
	fus := followUps(t, q, answersOf(t, q,
		given{ref: "abuse_cases.malware", value: status(assess.Yes)},
		given{ref: "abuse_cases.abuse_reporting", value: status(assess.StatusNotApplies)},
	))
	for _, f := range fus {
		if f.Element == "malware" || f.Element == "abuse_reporting" {
			t.Errorf("FollowUps has %s.%s (%q); want only elements with less than full credit that apply",
				f.Question, f.Element, f.Text)
		}
	}
	if got, want := len(fus), q.ElementCount()-2; got != want {
		t.Errorf("len(FollowUps): got %d, want %d", got, want)
	}
	if fus := followUps(t, q, bestAnswers(t, q, day(t, followUpDay))); len(fus) != 0 {
		t.Errorf("FollowUps of best answers: got %d, want none: %+v", len(fus), fus)
	}
}

func TestFollowUpWording(t *testing.T) {
	q := builtin(t)
	gapped := func(drop ...assess.Layer) assess.Value {
		m := referenceMatrix(assess.SaaS)
		for _, l := range drop {
			delete(m, l)
		}
		return matrixOf(m)
	}
	tests := []struct {
		name  string
		ref   string
		value assess.Value // the zero Value leaves the element unanswered
		wants []string
	}{
		{"unanswered, help is a question", "shared_model.documented", assess.Value{},
			[]string{"We have no answer yet on “The model is published”. Is the shared security model described in documentation the customer can read? Link the page."}},
		{"unanswered, help is a statement", "abuse_cases.malware", assess.Value{},
			[]string{"We have no answer yet on “Malware”. Could you tell us about malware prevention and detection on the infrastructure the provider runs?"}},
		{"unanswered date", "assessments.last_penetration_test", assess.Value{},
			[]string{"Could you give us the date of the most recent third-party penetration test?"}},
		{"unanswered number with unit", "monitoring.log_retention_days", assess.Value{},
			[]string{"Could you tell us how long the provider keeps security logs (in days)?"}},
		{"unanswered number whose help names the unit", "incident_response.notification_hours", assess.Value{},
			[]string{"Could you tell us the committed time, in hours, to notify affected customers of an incident?"}},
		{"unanswered multi", "assessments.certifications", assess.Value{},
			[]string{"Could you tell us about independent certifications", "(for example SOC 2 Type II, ISO/IEC 27001 or ISO/IEC 27017)?"}},
		{"unanswered matrix", "shared_model.matrix", assess.Value{},
			[]string{"For each layer of the stack (physical, hypervisor, network, operating system, application, user activity, user permissions and privileged actions), " +
				"who secures it for this offering: you, the customer or both together?"}},
		{"partial", "abuse_cases.malware", status(assess.Partial),
			[]string{"Your answer on “Malware” was partial: what is missing to meet it in full"}},
		{"no", "assessments.penetration_test", status(assess.No),
			[]string{"You answered no on “Third-party penetration tests”: is it planned, and if so, by when?"}},
		{"date older than a year", "assessments.last_independent_audit", dateOf(day(t, "2025-03-31")),
			[]string{"“Latest independent audit” is dated 2025-03-31, more than a year before this report: is there a more recent one?"}},
		{"date older than two years", "incident_response.ir_tested", dateOf(day(t, "2024-01-10")),
			[]string{"“Plan last exercised” is dated 2024-01-10, more than two years before this report"}},
		{"number below the full band", "monitoring.log_retention_days", numberOf(180),
			[]string{"“Log retention” is 180 days, below the 365 days that earn full credit: can you offer 365 days or more?"}},
		{"number above a lower-is-better band", "incident_response.notification_hours", numberOf(120),
			[]string{"“Time to notify customers” is 120 hours, above the 72 hours that earn full credit: can you commit to 72 hours or fewer?"}},
		{"multi with a partial-credit option only", "assessments.certifications", multiOf("other"),
			[]string{"You listed only “Other” under “Certifications and attestations”, which earns partial credit: " +
				"would SOC 2 Type II, ISO/IEC 27001 or ISO/IEC 27017 apply to this offering as well, and can you share the evidence?"}},
		{"multi with nothing listed", "assessments.certifications", multiOf(),
			[]string{"You listed nothing under “Certifications and attestations”: what applies to this offering, for example SOC 2 Type II"}},
		{"matrix with unassigned layers", "shared_model.matrix", gapped(osLayer, userActivity),
			[]string{"“Responsibility for each layer” leaves 2 layers without an owner: operating system and user activity. Who secures each of them for this offering?"}},
		{"matrix with one unassigned layer", "shared_model.matrix", gapped(userActivity),
			[]string{"leaves one layer without an owner: user activity. Who secures it for this offering?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gs []given
			if tt.value.IsSet() {
				gs = append(gs, given{ref: tt.ref, value: tt.value})
			}
			text := followUpText(t, followUps(t, q, answersOf(t, q, gs...)), tt.ref)
			for _, w := range tt.wants {
				if !strings.Contains(text, w) {
					t.Errorf("follow-up:\n got %q\nwant it to contain %q", text, w)
				}
			}
		})
	}
}

func TestFollowUpCarriesItsElement(t *testing.T) {
	q := builtin(t)
	fus := followUps(t, q, answersOf(t, q, given{ref: "shared_model.contractual", value: status(assess.Partial)}))
	i := slices.IndexFunc(fus, func(f assess.FollowUp) bool { return f.Element == "contractual" })
	if i < 0 {
		t.Fatal("no follow-up for shared_model.contractual")
	}
	got := fus[i]
	want := assess.FollowUp{Question: "shared_model", Element: "contractual", QuestionTitle: "Shared security model",
		ElementLabel: "Customer duties are in the contract", Weight: 1, Credit: 0.5, Text: got.Text}
	if got != want {
		t.Errorf("follow-up:\n got %+v\nwant %+v", got, want)
	}
}

// customQuestionnaire has a two-layer split with its own names and a multi and a choice
// element of its own, none of which the built-in questionnaire has.
const customQuestionnaire = `{"key":"vendor-custom","version":1,"title":"Vendor custom",
	"split":{"layers":[{"key":"edge","label":"Edge routers","retain":"Watch the edge."},
		{"key":"data","label":"Data stores","retain":"Guard your data."}],
		"owners":["provider","customer","not_applicable"],
		"reference":{"saas":{"edge":"provider","data":"customer"},"paas":{"edge":"provider","data":"customer"},
			"iaas":{"edge":"customer","data":"customer"}}},
	"questions":[{"key":"controls","title":"Controls","elements":[
		{"key":"split","label":"Who runs what","type":"matrix"},
		{"key":"frameworks","label":"Frameworks followed","type":"multi","help":"The frameworks the provider follows.",
			"options":[{"key":"nist","label":"NIST CSF"},{"key":"cis","label":"CIS Controls"},
				{"key":"homegrown","label":"Home-grown","credit":0.25}]},
		{"key":"tiers","label":"Support tier","type":"choice",
			"options":[{"key":"basic","label":"Basic","credit":0},{"key":"plus","label":"Plus","credit":0.5}]}]}]}`

func TestFollowUpsFollowTheQuestionnaire(t *testing.T) {
	q, err := assess.ParseQuestionnaire([]byte(customQuestionnaire))
	if err != nil {
		t.Fatalf("ParseQuestionnaire: %v", err)
	}
	unanswered := followUps(t, q, nil)
	checks := []struct{ name, ref, want string }{
		{"matrix layers and owners come from the split", "controls.split",
			"For each layer of the stack (edge routers and data stores), who secures it for this offering: you or the customer?"},
		{"multi examples are the options that earn the most", "controls.frameworks",
			"Could you tell us about the frameworks the provider follows (for example NIST CSF or CIS Controls)?"},
	}
	for _, c := range checks {
		if got := followUpText(t, unanswered, c.ref); got != "We have no answer yet on "+quoted(q, c.ref)+". "+c.want {
			t.Errorf("%s:\n got %q\nwant it to end %q", c.name, got, c.want)
		}
	}
	answered := followUps(t, q, answersOf(t, q,
		given{ref: "controls.split", value: matrixOf(map[assess.Layer]assess.Owner{"edge": assess.ProviderOwns})},
		given{ref: "controls.frameworks", value: multiOf("homegrown")},
		given{ref: "controls.tiers", value: assess.Value{Type: assess.TypeChoice, Choice: "basic"}},
	))
	for ref, want := range map[string]string{
		"controls.split": "“Who runs what” leaves one layer without an owner: data stores. Who secures it for this offering?",
		// No evidence asked for this element: the question does not ask for it.
		"controls.frameworks": "You listed only “Home-grown” under “Frameworks followed”, which earns partial credit: " +
			"would NIST CSF or CIS Controls apply to this offering as well?",
		"controls.tiers": "You chose “Basic” for “Support tier”, which earns no credit: would Plus apply instead?",
	} {
		if got := followUpText(t, answered, ref); got != want {
			t.Errorf("%s:\n got %q\nwant %q", ref, got, want)
		}
	}
	// The best option earns only half: choosing it leaves nothing better to suggest.
	best := followUps(t, q, answersOf(t, q, given{ref: "controls.tiers", value: assess.Value{Type: assess.TypeChoice, Choice: "plus"}}))
	if got, want := followUpText(t, best, "controls.tiers"),
		"Your answer on “Support tier” earns part of its credit: what is missing to meet it in full?"; got != want {
		t.Errorf("best option of partial credit:\n got %q\nwant %q", got, want)
	}
}

// quoted is an element's label in the quotation marks follow-ups put around it.
func quoted(q *assess.Questionnaire, ref string) string {
	question, key, _ := strings.Cut(ref, ".")
	_, el, _ := q.Element(question, key)
	return "“" + el.Label + "”"
}

func TestScoreElement(t *testing.T) {
	q := builtin(t)
	s := summarize(q, assess.SaaS, nil, day(t, followUpDay)).Score
	if es, ok := s.Element("assessments", "certifications"); !ok || es.Answered || es.Weight != 1 {
		t.Errorf("Score.Element: got %+v, %v; want the unanswered element", es, ok)
	}
	if _, ok := s.Element("assessments", "nothing"); ok {
		t.Error("Score.Element of an unknown element: got ok, want not found")
	}
}
