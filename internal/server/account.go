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
	var ve *assess.ValidationError
	var busy *app.SignInBusy
	switch {
	case errors.As(err, &ve):
		s.renderAccount(w, r, http.StatusUnprocessableEntity, templates.AccountView{Errors: ve.Fields})
		return
	case errors.As(err, &busy):
		w.Header().Set("Retry-After", strconv.Itoa(int(busy.RetryAfter.Seconds())))
		s.renderAccount(w, r, http.StatusServiceUnavailable, templates.AccountView{Errors: map[string]string{"current_password": "could not be checked just now: try again in a moment"}})
		return
	case err != nil:
		s.error(w, r, err)
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
