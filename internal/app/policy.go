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
)

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
}

// Can is the one policy: whether principal p may do action a to resource r. A user may do what
// their role allows, to any resource, while their account is active; nobody else may do
// anything. Whether the resource's state allows the change (a completed evaluation is locked)
// is the domain's rule, decided in assess, not here.
func Can(p Principal, a Action, r Resource) bool {
	_ = r // every user reaches every resource; grants scoped to one evaluation will not
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
	case !p.Signed() && !p.operator:
		return auth.ErrUnauthenticated
	}
	return auth.ErrForbidden
}
