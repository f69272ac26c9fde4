package app

import "shareline/internal/auth"

// Action is something a principal may be allowed to do.
type Action string

// The actions. Reading covers every page, report, export and comparison.
const (
	Read                 Action = "read"
	EditProviders        Action = "edit providers"
	StartEvaluations     Action = "start evaluations"
	EditAnswers          Action = "edit answers"
	CompleteEvaluations  Action = "complete evaluations"
	ReopenEvaluations    Action = "reopen evaluations"
	ReassessEvaluations  Action = "reassess evaluations"
	PublishQuestionnaire Action = "publish questionnaires"
	ManageOwnTokens      Action = "manage own tokens"
	ManageAccounts       Action = "manage accounts"
	ReadAudit            Action = "read the audit log"
	SendRequests         Action = "send requests"
	// ReviewAnswers is giving a verdict on an answer: accepted, clarification requested, rejected.
	ReviewAnswers Action = "review answers"
	// Respond is what only a respondent does: submit its answers.
	Respond Action = "respond"
)

// respondentActions are all a respondent may do, and only to the evaluation of its request:
// read it (as the respondent's pages show it, without scores), answer, and submit.
var respondentActions = map[Action]bool{Read: true, EditAnswers: true, Respond: true}

// Resource is what an action is done to: an evaluation (with its provider), a provider, or
// nothing in particular (the zero Resource, for lists and account pages).
type Resource struct {
	ProviderID   int64
	EvaluationID int64
}

// minimumRole is the least role each action needs: viewers read and export; evaluators also
// change providers and evaluations; admins also reopen, manage accounts and read the audit log.
var minimumRole = map[Action]auth.Role{
	Read:                 auth.Viewer,
	ManageOwnTokens:      auth.Viewer,
	EditProviders:        auth.Evaluator,
	StartEvaluations:     auth.Evaluator,
	EditAnswers:          auth.Evaluator,
	CompleteEvaluations:  auth.Evaluator,
	ReassessEvaluations:  auth.Evaluator,
	ReopenEvaluations:    auth.Admin,
	PublishQuestionnaire: auth.Admin,
	ManageAccounts:       auth.Admin,
	ReadAudit:            auth.Admin,
	SendRequests:         auth.Evaluator,
	ReviewAnswers:        auth.Evaluator,
}

// Can is the one policy: whether principal p may do action a to resource r. A user may do what
// their role allows, to any resource, while their account is active; nobody else may do
// anything. Whether the resource's state allows the change (a completed evaluation is locked)
// is the domain's rule, decided in assess, not here.
func Can(p Principal, a Action, r Resource) bool {
	if p.Grant != nil {
		// A request link reaches its own evaluation and nothing else: not the lists (the zero
		// Resource), not another evaluation, not the provider's record.
		return respondentActions[a] && r.EvaluationID == p.Grant.EvaluationID &&
			(r.ProviderID == 0 || r.ProviderID == p.Grant.ProviderID)
	}
	// Every user reaches every resource.
	need, known := minimumRole[a]
	if p.operator {
		return known
	}
	return known && p.Signed() && p.User.Active && p.User.Role.Allows(need)
}

// allow is Can as an error: auth.ErrUnauthenticated for nobody, auth.ErrForbidden otherwise.
func allow(p Principal, a Action, r Resource) error {
	switch {
	case Can(p, a, r):
		return nil
	case !p.Signed() && !p.operator && p.Grant == nil:
		return auth.ErrUnauthenticated
	}
	return auth.ErrForbidden
}
