package report

import (
	"slices"
	"strings"
	"testing"

	"shareline/internal/assess"
)

func TestFollowUpsHeaviestFirst(t *testing.T) {
	r := fullReport(t, "Acme")
	var got []string
	for _, f := range FollowUps(r) {
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
	r := buildReport(t, "Acme", "", assess.SaaS, []input{
		{question: "abuse_cases", element: "malware", value: `"yes"`},
		{question: "abuse_cases", element: "abuse_reporting", value: `"not_applicable"`},
	})
	for _, f := range FollowUps(r) {
		if f.Element == "malware" || f.Element == "abuse_reporting" {
			t.Errorf("FollowUps has %s.%s (%q); want only elements with less than full credit that apply",
				f.Question, f.Element, f.Text)
		}
	}
	if got, want := len(FollowUps(r)), r.Questionnaire.ElementCount()-2; got != want {
		t.Errorf("len(FollowUps) = %d, want %d", got, want)
	}
}

// followUpCases answer one element (value "" leaves it unanswered) and name what its
// follow-up must say.
var followUpCases = []struct {
	name  string
	in    input // value "" leaves the element unanswered
	wants []string
}{
	{"unanswered, help is a question", input{question: "shared_model", element: "documented"},
		[]string{"We have no answer yet on “The model is published”. Is the shared security model described in documentation the customer can read? Link the page."}},
	{"unanswered, help is a statement", input{question: "abuse_cases", element: "malware"},
		[]string{"We have no answer yet on “Malware”. Could you tell us about malware prevention and detection on the infrastructure the provider runs?"}},
	{"unanswered date", input{question: "assessments", element: "last_penetration_test"},
		[]string{"Could you give us the date of the most recent third-party penetration test?"}},
	{"unanswered number with unit", input{question: "monitoring", element: "log_retention_days"},
		[]string{"Could you tell us how long the provider keeps security logs (in days)?"}},
	{"unanswered number whose help names the unit", input{question: "incident_response", element: "notification_hours"},
		[]string{"Could you tell us the committed time, in hours, to notify affected customers of an incident?"}},
	{"unanswered multi", input{question: "assessments", element: "certifications"},
		[]string{"Could you tell us about independent certifications", "(for example SOC 2 Type II, ISO/IEC 27001 or ISO/IEC 27017)?"}},
	{"unanswered matrix", input{question: "shared_model", element: "matrix"},
		[]string{"For each layer of the stack (physical, hypervisor,", "who secures it for this offering"}},
	{"partial", input{question: "abuse_cases", element: "malware", value: `"partial"`},
		[]string{"Your answer on “Malware” was partial: what is missing to meet it in full"}},
	{"no", input{question: "assessments", element: "penetration_test", value: `"no"`},
		[]string{"You answered no on “Third-party penetration tests”: is it planned, and if so, by when?"}},
	{"date older than a year", input{question: "assessments", element: "last_independent_audit", value: `"2025-03-31"`},
		[]string{"“Latest independent audit” is dated 2025-03-31, more than a year before this report: is there a more recent one?"}},
	{"date older than two years", input{question: "incident_response", element: "ir_tested", value: `"2024-01-10"`},
		[]string{"“Plan last exercised” is dated 2024-01-10, more than two years before this report"}},
	{"number below the full band", input{question: "monitoring", element: "log_retention_days", value: `180`},
		[]string{"“Log retention” is 180 days, below the 365 days that earn full credit: can you offer 365 days or more?"}},
	{"number above a lower-is-better band", input{question: "incident_response", element: "notification_hours", value: `120`},
		[]string{"“Time to notify customers” is 120 hours, above the 72 hours that earn full credit: can you commit to 72 hours or fewer?"}},
	{"certifications only other", input{question: "assessments", element: "certifications", value: `["other"]`},
		[]string{"You listed only “Other” under “Certifications and attestations”: which independent certification or attestation covers this offering"}},
	{"certifications none", input{question: "assessments", element: "certifications", value: `[]`},
		[]string{"You listed nothing under “Certifications and attestations”"}},
	{"matrix with unassigned layers", input{question: "shared_model", element: "matrix",
		value: `{"physical":"provider","hypervisor":"provider","network":"provider","application":"shared","user_permissions":"customer","privileged_actions":"customer"}`},
		[]string{"“Responsibility for each layer” leaves 2 layers without an owner: operating system and user activity. Who secures each of them for this offering?"}},
	{"matrix with one unassigned layer", input{question: "shared_model", element: "matrix",
		value: `{"physical":"provider","hypervisor":"provider","network":"provider","os":"provider","application":"shared","user_permissions":"customer","privileged_actions":"customer"}`},
		[]string{"leaves one layer without an owner: user activity. Who secures it for this offering?"}},
}

func TestFollowUpWording(t *testing.T) {
	tests := followUpCases
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inputs []input
			if tt.in.value != "" {
				inputs = []input{tt.in}
			}
			r := buildReport(t, "Acme", "", assess.SaaS, inputs)
			var text string
			for _, f := range FollowUps(r) {
				if f.Question == tt.in.question && f.Element == tt.in.element {
					text = f.Text
				}
			}
			if text == "" {
				t.Fatalf("no follow-up for %s.%s", tt.in.question, tt.in.element)
			}
			for _, w := range tt.wants {
				if !strings.Contains(text, w) {
					t.Errorf("follow-up = %q\nwant it to contain %q", text, w)
				}
			}
		})
	}
}

func TestFollowUpCarriesItsElement(t *testing.T) {
	r := buildReport(t, "Acme", "", assess.SaaS, []input{
		{question: "shared_model", element: "contractual", value: `"partial"`},
	})
	i := slices.IndexFunc(FollowUps(r), func(f FollowUp) bool { return f.Element == "contractual" })
	if i < 0 {
		t.Fatal("no follow-up for shared_model.contractual")
	}
	got := FollowUps(r)[i]
	want := FollowUp{Question: "shared_model", Element: "contractual", QuestionTitle: "Shared security model",
		ElementLabel: "Customer duties are in the contract", Weight: 1, Credit: 0.5, Text: got.Text}
	if got != want {
		t.Errorf("follow-up = %+v, want %+v", got, want)
	}
}
