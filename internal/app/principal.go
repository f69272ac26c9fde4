package app

import "shareline/internal/auth"

// Principal is who acts: today a signed-in user (by session, API token or the command line), or
// nobody (an anonymous request, such as a sign-in attempt). Every use case takes one, asks the
// policy whether it may act, and records it in the audit log.
type Principal struct {
	User       auth.User // zero for an anonymous request
	RemoteAddr string
	Via        string // "session", "token", "cli" or "request link"
	operator   bool   // the command line, run by whoever runs the server
	// Grant, for a provider's contact who opened a request link, is the one request (and so
	// the one evaluation) the principal reaches; User is then zero.
	Grant *Grant
}

// Grant is what a respondent session reaches: one request for one evaluation.
type Grant struct {
	RequestID, EvaluationID, ProviderID int64
	ContactName                         string
}

// ViaLink is how the audit log and the answers' history name a respondent.
const ViaLink = "request link"

// Respondent is the principal of a provider's contact in a session opened from a request link.
func Respondent(g Grant, remoteAddr string) Principal {
	return Principal{RemoteAddr: remoteAddr, Via: ViaLink, Grant: &g}
}

// CommandLine is the operator at the command line: whoever can run the binary against the
// database may do anything, and is recorded as "command line".
func CommandLine() Principal {
	return Principal{User: auth.User{Name: "command line", Role: auth.Admin, Active: true}, Via: "cli", operator: true}
}

// Anonymous is the principal of a request that carries no credentials.
func Anonymous(remoteAddr string) Principal { return Principal{RemoteAddr: remoteAddr} }

// Signed reports whether the principal is a user.
func (p Principal) Signed() bool { return p.User.ID != 0 }

// Actor is the principal as the audit log records it.
func (p Principal) Actor() auth.Actor {
	if p.Grant != nil {
		return auth.Actor{Name: p.Grant.ContactName + " via " + ViaLink, RemoteAddr: p.RemoteAddr, Via: ViaLink,
			RequestID: p.Grant.RequestID}
	}
	return auth.Actor{UserID: p.User.ID, Name: p.User.Name, Role: p.User.Role, RemoteAddr: p.RemoteAddr, Via: p.Via}
}
