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
		{SendRequests, false, false, true, true},
		{Respond, false, false, false, false},
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

// TestCanRespondent: a request link reaches the evaluation of its request, to read, answer and
// submit, and nothing else.
func TestCanRespondent(t *testing.T) {
	p := Respondent(Grant{RequestID: 7, EvaluationID: 2, ProviderID: 1, ContactName: "Ada"}, "192.0.2.1")
	own, other := Resource{ProviderID: 1, EvaluationID: 2}, Resource{ProviderID: 1, EvaluationID: 3}
	for _, tt := range []struct {
		action Action
		res    Resource
		want   bool
	}{
		{Read, own, true},
		{EditAnswers, own, true},
		{Respond, own, true},
		{Read, Resource{EvaluationID: 2}, true},
		{Read, other, false},
		{EditAnswers, other, false},
		{Read, Resource{}, false},
		{Read, Resource{ProviderID: 1}, false},
		{Read, Resource{ProviderID: 9, EvaluationID: 2}, false},
		{CompleteEvaluations, own, false},
		{ReassessEvaluations, own, false},
		{SendRequests, own, false},
		{EditProviders, own, false},
		{ManageOwnTokens, Resource{}, false},
		{ReadAudit, Resource{}, false},
	} {
		if got := Can(p, tt.action, tt.res); got != tt.want {
			t.Errorf("%s on %+v: got %v, want %v", tt.action, tt.res, got, tt.want)
		}
	}
	if err := allow(p, CompleteEvaluations, own); err != auth.ErrForbidden {
		t.Errorf("a refused respondent: got %v, want ErrForbidden", err)
	}
	if a := p.Actor(); a.Name != "Ada via request link" || a.UserID != 0 {
		t.Errorf("actor: got %+v, want the contact's name via request link and no user", a)
	}
}
