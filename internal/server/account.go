package server

import (
	"errors"
	"net/http"
	"strconv"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/templates"
)

// The account page: every user changes their own password there, and sees and ends their own
// sessions and the latest changes to their credentials.

func (s *Server) handleAccountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, templates.AccountView{Notice: accountNotices[r.URL.Query().Get("done")]})
}

// accountNotices are the confirmations the page shows after a change, by the name in ?done=.
var accountNotices = map[string]string{
	"password": "Your password was changed. Every other session of yours was ended.",
	"session":  "The session was ended.",
	"sessions": "Every other session of yours was ended.",
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, v templates.AccountView) {
	ctx, p := r.Context(), principal(r)
	sessions, err := s.app.Sessions(ctx, p, s.currentSessionKey(ctx))
	if err != nil {
		s.error(w, r, err)
		return
	}
	events, err := s.app.SecurityEvents(ctx, p)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Name, v.Email, v.Role = p.User.Name, p.User.Email, p.User.Role.Label()
	for _, x := range sessions {
		v.Sessions = append(v.Sessions, templates.SessionRow{ID: x.ID, SignedInAt: x.SignedInAt, LastSeenAt: x.LastSeenAt,
			RemoteAddr: x.RemoteAddr, UserAgent: x.UserAgent, Current: x.Current})
	}
	for _, e := range events {
		v.Events = append(v.Events, templates.AuditRow{At: e.At, Actor: e.Actor, RemoteAddr: e.RemoteAddr, Action: e.Action, Summary: e.Summary})
	}
	s.render(w, r, status, templates.AccountPage(v))
}

// handleAccountPasswordForm changes the user's own password, given the current one.
func (s *Server) handleAccountPasswordForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	f := r.PostForm
	err := error(nil)
	if f.Get("new_password") != f.Get("confirm_password") {
		err = assess.Invalid("confirm_password", "does not match the new password")
	} else {
		err = s.app.ChangePassword(r.Context(), principal(r), f.Get("current_password"), f.Get("new_password"), s.currentSessionKey(r.Context()))
	}
	if s.passwordFormFailed(w, r, err, func(status int, fields map[string]string) {
		if msg, ok := fields["password"]; ok {
			fields = map[string]string{"current_password": msg}
		}
		s.renderAccount(w, r, status, templates.AccountView{Errors: fields})
	}) {
		return
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
}

// handleAccountSessionEnd ends one of the user's own sessions.
func (s *Server) handleAccountSessionEnd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.app.EndSession(r.Context(), principal(r), id)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=session", http.StatusSeeOther)
}

// handleAccountSessionsEnd ends every session of the user's but this one.
func (s *Server) handleAccountSessionsEnd(w http.ResponseWriter, r *http.Request) {
	if _, err := s.app.EndOtherSessions(r.Context(), principal(r), s.currentSessionKey(r.Context())); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=sessions", http.StatusSeeOther)
}

// handleConfirmPasswordPage asks for the password again before an admin action.
func (s *Server) handleConfirmPasswordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, templates.ConfirmPasswordPage(templates.ConfirmPasswordForm{Next: r.URL.Query().Get("next")}))
}

// handleConfirmPassword checks the password again and notes when, in the session.
func (s *Server) handleConfirmPassword(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	view := templates.ConfirmPasswordForm{Next: r.PostForm.Get("next")}
	err := s.app.Reauthenticate(r.Context(), principal(r), r.PostForm.Get("password"))
	if s.passwordFormFailed(w, r, err, func(status int, fields map[string]string) {
		view.Errors = fields
		s.render(w, r, status, templates.ConfirmPasswordPage(view))
	}) {
		return
	}
	s.sessions.Put(r.Context(), sessionReauthKey, s.now().Unix())
	http.Redirect(w, r, localPath(view.Next), http.StatusSeeOther)
}

// passwordFormFailed answers a form that checked the user's own password, when that failed:
// a field's problem (422), too many wrong passwords (429) or every check slot busy (503) are
// shown on the form by show; anything else is an error page. It reports whether it answered.
func (s *Server) passwordFormFailed(w http.ResponseWriter, r *http.Request, err error, show func(status int, fields map[string]string)) bool {
	var ve *assess.ValidationError
	var busy *app.SignInBusy
	var tooMany *app.TooManySignIns
	switch {
	case err == nil:
		return false
	case errors.As(err, &ve):
		show(http.StatusUnprocessableEntity, ve.Fields)
	case errors.As(err, &tooMany):
		wait := int(tooMany.RetryAfter.Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		show(http.StatusTooManyRequests, map[string]string{"password": "too many wrong passwords from here: try again in " + waitText(wait)})
	case errors.As(err, &busy):
		w.Header().Set("Retry-After", strconv.Itoa(int(busy.RetryAfter.Seconds())))
		show(http.StatusServiceUnavailable, map[string]string{"password": "could not be checked just now: try again in a moment"})
	default:
		s.error(w, r, err)
	}
	return true
}
