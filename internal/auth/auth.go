// Package auth is Shareline's accounts domain: users and their roles, password hashing, API
// tokens, TOTP second factors, and the actor that every change is recorded against. Standard
// library, x/crypto and pquerna/otp only.
package auth

import (
	"errors"
	"time"
)

// Role is what a user may do. Roles are ordered: each allows everything the one below it does.
type Role string

// The roles, least to most.
const (
	Viewer    Role = "viewer"    // read and export
	Evaluator Role = "evaluator" // also add and edit providers, start and fill evaluations
	Admin     Role = "admin"     // also manage users and every token
)

// Roles lists the roles, least first.
var Roles = []Role{Viewer, Evaluator, Admin}

func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Evaluator:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether a user with role r may do what needs role need.
func (r Role) Allows(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case Viewer:
		return "Viewer"
	case Evaluator:
		return "Evaluator"
	case Admin:
		return "Admin"
	}
	return string(r)
}

// User is an account. Users are deactivated, never deleted, so that what they did keeps its author.
type User struct {
	ID        int64
	Email     string
	Name      string
	Role      Role
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// SessionEpoch moves on whenever the account's sessions must all end (a password reset, a
	// role change, a deactivation); a session is good only while it carries the current one.
	SessionEpoch int64
	// TOTPEnabled says the user signs in with a TOTP code after their password.
	TOTPEnabled bool
}

// Session is one browser session of a user, as the user sees it in their account.
type Session struct {
	ID         int64
	SignedInAt time.Time
	LastSeenAt time.Time
	RemoteAddr string
	UserAgent  string
	Current    bool // the session the list is shown in
	ExpiresAt  time.Time
}

// Token is an API token's record; the token itself is shown once and only its hash is stored.
type Token struct {
	ID         int64
	UserID     int64
	UserEmail  string
	Label      string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	// ExpiresAt is the end chosen when the token was made; IdleExpiresAt is when it ends if it
	// is not used before, moved on by each use noted (TokenIdle after it).
	ExpiresAt, IdleExpiresAt time.Time
}

// Actor is who makes a request, as recorded in the audit log.
type Actor struct {
	UserID     int64 // 0 for an anonymous request, such as a failed sign-in
	Name       string
	Role       Role
	RemoteAddr string
	Via        string // "session", "token" or "cli"
	// RequestID is the request whose link a provider's contact acts through; 0 for everyone else.
	RequestID int64
}

// ErrUnauthenticated means no valid credentials came with the request.
var ErrUnauthenticated = errors.New("sign-in required")

// ErrForbidden means the credentials are valid but the role does not allow the action.
var ErrForbidden = errors.New("not allowed for your role")

// ErrBadCredentials is the one answer to a failed sign-in, whatever was wrong.
var ErrBadCredentials = errors.New("the email or password is not right")

// AuditEntry is one line of the audit log: who did what, when, from where.
type AuditEntry struct {
	ID           int64
	At           time.Time
	UserID       int64
	Actor        string
	RemoteAddr   string
	Action       string
	ProviderID   int64
	EvaluationID int64
	Summary      string
	// SubjectUserID is the user the entry is about, when that is a user: whose password was
	// changed, whose sessions ended. 0: none.
	SubjectUserID int64
}

// AuditQuery filters the audit log. Zero fields do not filter.
type AuditQuery struct {
	UserID     int64
	ProviderID int64
	SubjectID  int64     // entries about this user (AuditEntry.SubjectUserID)
	Actions    []string  // only these actions (none: all)
	From, To   time.Time // To is exclusive
	Limit      int
	Offset     int
}

// Audit actions.
const (
	ActionProviderAdded          = "provider.added"
	ActionProviderEdited         = "provider.edited"
	ActionProviderArchived       = "provider.archived"
	ActionProviderRestored       = "provider.restored"
	ActionEvaluationStarted      = "evaluation.started"
	ActionAnswerSaved            = "answer.saved"
	ActionAnswerRestored         = "answer.restored"
	ActionEvaluationReassessed   = "evaluation.reassessed"
	ActionQuestionnairePublished = "questionnaire.published"
	ActionEvaluationCompleted    = "evaluation.completed"
	ActionEvaluationReopened     = "evaluation.reopened"
	ActionUserAdded              = "user.added"
	ActionUserRoleChanged        = "user.role_changed"
	ActionUserDeactivated        = "user.deactivated"
	ActionUserReactivated        = "user.reactivated"
	ActionUserPasswordReset      = "user.password_reset"
	ActionTokenCreated           = "token.created"
	ActionTokenRevoked           = "token.revoked"
	ActionSignIn                 = "signin"
	ActionSignInFailed           = "signin.failed"
	ActionSignOut                = "signout"
	ActionSignInFailuresCleared  = "user.signin_failures_cleared"
	ActionPasswordChanged        = "user.password_changed"
	ActionSessionEnded           = "session.ended"
	ActionSessionsEnded          = "sessions.ended"
	ActionTokensRevoked          = "tokens.revoked"
	ActionForbidden              = "access.forbidden"
	ActionTokenFailed            = "token.failed"
	ActionReportDownloaded       = "report.downloaded"
	ActionExportDownloaded       = "export.downloaded"
	ActionTOTPEnabled            = "user.totp_enabled"
	ActionTOTPDisabled           = "user.totp_disabled"
	ActionSecondFactorFailed     = "signin.second_factor_failed"
	ActionRecoveryCodeUsed       = "user.recovery_code_used"
	ActionSettingChanged         = "setting.changed"
	ActionSignInPassword         = "signin.password_accepted"
	ActionReauthenticated        = "user.reauthenticated"
	ActionRequestSent            = "request.sent"
	ActionFileAttached           = "file.attached"
	ActionFileDetached           = "file.detached"
	ActionFileDownloaded         = "file.downloaded"
	ActionRequestRevoked         = "request.revoked"
	ActionRequestReissued        = "request.reissued"
	ActionRequestEmailed         = "request.emailed"
	ActionRequestOpened          = "request.opened"
	ActionRequestSubmitted       = "request.submitted"
	ActionAnswerReviewed         = "answer.reviewed"
	ActionAnswerReplied          = "answer.replied"
)

// CredentialActions are the audit actions that change a user's credentials or sessions: what a
// user is shown about their own account.
var CredentialActions = []string{
	ActionUserPasswordReset, ActionPasswordChanged, ActionPasswordResetByLink, ActionUserRoleChanged, ActionUserDeactivated,
	ActionUserReactivated, ActionTokenCreated, ActionTokenRevoked, ActionTokensRevoked,
	ActionSessionEnded, ActionSessionsEnded, ActionSignInFailuresCleared, ActionTOTPEnabled,
	ActionTOTPDisabled, ActionRecoveryCodeUsed, ActionSecondFactorFailed,
}

// Entry starts an audit entry made by this actor.
func (a Actor) Entry(action, summary string) AuditEntry {
	name := a.Name
	if name == "" {
		name = "anonymous"
	}
	return AuditEntry{UserID: a.UserID, Actor: name, RemoteAddr: a.RemoteAddr, Action: action, Summary: summary}
}
