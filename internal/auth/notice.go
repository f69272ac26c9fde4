package auth

import (
	"slices"
	"time"
)

// ActionRecoveryCodesRegenerated is a user replacing their recovery codes with new ones.
const ActionRecoveryCodesRegenerated = "user.recovery_codes_regenerated"

// NoticeActions are the changes to a user's credentials and sessions that the user is told of
// (ASVS 2.2.3): in the app, on their next page and on their account page, and by email when
// SMTP is configured. Failed sign-ins are left out: anyone can cause them, and the sign-in
// limits answer them.
var NoticeActions = []string{
	ActionPasswordChanged, ActionUserPasswordReset, ActionPasswordResetByLink, ActionTOTPEnabled, ActionTOTPDisabled,
	ActionRecoveryCodesRegenerated, ActionRecoveryCodeUsed, ActionTokenCreated, ActionTokenRevoked,
	ActionTokensRevoked, ActionSessionEnded, ActionSessionsEnded, ActionUserRoleChanged,
	ActionUserReactivated, ActionUserDeactivated,
}

// Noticed reports whether a change recorded as action is told to the user it is about.
func Noticed(action string) bool { return slices.Contains(NoticeActions, action) }

// Notice is one change to a user's credentials or sessions, as told to that user.
type Notice struct {
	ID         int64
	UserID     int64
	At         time.Time
	Action     string
	Actor      string // who made it: the user, an admin, the command line
	RemoteAddr string
	Summary    string // what changed, never a secret
	Seen       bool   // shown to the user already
}

// NoticeTitle is a notice's action in a few words, for a list or an email's subject.
func NoticeTitle(action string) string {
	switch action {
	case ActionPasswordChanged:
		return "Your password was changed"
	case ActionUserPasswordReset:
		return "Your password was reset by an admin"
	case ActionPasswordResetByLink:
		return "Your password was reset with an emailed link"
	case ActionTOTPEnabled:
		return "Two-step sign-in was turned on"
	case ActionTOTPDisabled:
		return "Two-step sign-in was turned off"
	case ActionRecoveryCodesRegenerated:
		return "New recovery codes were made"
	case ActionRecoveryCodeUsed:
		return "A recovery code was used to sign in"
	case ActionTokenCreated:
		return "An API token was created"
	case ActionTokenRevoked, ActionTokensRevoked:
		return "API tokens were revoked"
	case ActionSessionEnded, ActionSessionsEnded:
		return "Sessions were ended"
	case ActionUserRoleChanged:
		return "Your role was changed"
	case ActionUserReactivated:
		return "Your account was reactivated"
	case ActionUserDeactivated:
		return "Your account was deactivated"
	}
	return "Your account was changed"
}
