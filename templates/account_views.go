package templates

import "time"

// SignInForm is the sign-in page: what was typed (never the password), the one message of a
// failed attempt, and a field's problem (a malformed email) shown beside it.
type SignInForm struct {
	Email  string
	Next   string
	Notice string // what happened before (a password just reset)
	Error  string
	Errors map[string]string
}

// SessionRow is one of a user's own browser sessions.
type SessionRow struct {
	ID                     int64
	SignedInAt, LastSeenAt time.Time
	RemoteAddr, UserAgent  string
	Current                bool
}

// AccountView is a user's own account page: the password form, their sessions, and the latest
// changes to their credentials.
type AccountView struct {
	Name, Email, Role string
	Sessions          []SessionRow
	Events            []AuditRow
	Errors            map[string]string
	Notice            string
}

// describedBy is the id of a field's error message, for aria-describedby, when it has one.
func describedBy(errors map[string]string, field string) string {
	if _, ok := errors[field]; ok {
		return "error-" + field
	}
	return ""
}

// invalid is the aria-invalid value of a field.
func invalid(errors map[string]string, field string) string {
	if _, ok := errors[field]; ok {
		return "true"
	}
	return "false"
}

// SecondFactorForm is the second step of signing in: a TOTP or recovery code.
type SecondFactorForm struct {
	Next    string
	Expired bool // no password was accepted in this session lately: start again
	Error   string
	Errors  map[string]string
}

// TwoStepView is a user's two-step sign-in page: setting TOTP up (Secret, URL and QRCode, a
// data: URL), that it is on, or the recovery codes just made (shown once).
type TwoStepView struct {
	Enabled       bool
	Required      bool // the user must set it up before anything else
	Secret, URL   string
	QRCode        string
	RecoveryCodes []string
	Regenerated   bool // RecoveryCodes replace earlier ones
	Errors        map[string]string
}

// SecurityView is the admin's security settings.
type SecurityView struct {
	MFARequired string // none, admins or everyone
	Notice      bool
	Errors      map[string]string
}

// ConfirmPasswordForm asks for the password again before an admin action; Asked says an action
// was refused for it (rather than the page opened by its address).
type ConfirmPasswordForm struct {
	Next   string
	Asked  bool
	Errors map[string]string
}
