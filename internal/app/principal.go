package app

import "shareline/internal/auth"

// Principal is who acts: today a signed-in user (by session, API token or the command line), or
// nobody (an anonymous request, such as a sign-in attempt). Every use case takes one, asks the
// policy whether it may act, and records it in the audit log.
type Principal struct {
	User       auth.User // zero for an anonymous request
	RemoteAddr string
	Via        string // "session", "token" or "cli"
	operator   bool   // the command line, run by whoever runs the server
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
	return auth.Actor{UserID: p.User.ID, Name: p.User.Name, Role: p.User.Role, RemoteAddr: p.RemoteAddr, Via: p.Via}
}
