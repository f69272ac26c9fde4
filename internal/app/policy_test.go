package app

import (
	"testing"

	"shareline/internal/auth"
)

func TestCan(t *testing.T) {
	user := func(role auth.Role, active bool) Principal {
		return Principal{User: auth.User{ID: 1, Name: "U", Role: role, Active: active}}
	}
	viewer, evaluator, admin := user(auth.Viewer, true), user(auth.Evaluator, true), user(auth.Admin, true)
	for _, tt := range []struct {
		action                         Action
		anon, viewer, evaluator, admin bool
	}{
		{Read, false, true, true, true},
		{ManageOwnTokens, false, true, true, true},
		{EditProviders, false, false, true, true},
		{StartEvaluations, false, false, true, true},
		{EditAnswers, false, false, true, true},
		{CompleteEvaluations, false, false, true, true},
		{ReassessEvaluations, false, false, true, true},
		{ReopenEvaluations, false, false, false, true},
		{PublishQuestionnaire, false, false, false, true},
		{ManageAccounts, false, false, false, true},
		{ReadAudit, false, false, false, true},
		{Action("made up"), false, false, false, false},
	} {
		t.Run(string(tt.action), func(t *testing.T) {
			r := Resource{ProviderID: 1, EvaluationID: 2}
			for _, c := range []struct {
				who  string
				p    Principal
				want bool
			}{
				{"anonymous", Anonymous("192.0.2.1"), tt.anon},
				{"viewer", viewer, tt.viewer},
				{"evaluator", evaluator, tt.evaluator},
				{"admin", admin, tt.admin},
				{"deactivated admin", user(auth.Admin, false), false},
				{"unknown role", user(auth.Role("owner"), true), false},
			} {
				if got := Can(c.p, tt.action, r); got != c.want {
					t.Errorf("%s: got %v, want %v", c.who, got, c.want)
				}
			}
		})
	}
}

// Every action the product names has a rule: an action missing from the table would be refused
// to everyone, silently.
func TestEveryActionHasARule(t *testing.T) {
	for _, a := range []Action{Read, EditProviders, StartEvaluations, EditAnswers, CompleteEvaluations,
		ReopenEvaluations, ReassessEvaluations, PublishQuestionnaire, ManageOwnTokens, ManageAccounts, ReadAudit} {
		if _, ok := minimumRole[a]; !ok {
			t.Errorf("action %q has no rule", a)
		}
	}
}
