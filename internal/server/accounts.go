package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/templates"
)

func (s *Server) handleUsersPage(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, templates.UsersView{Notice: r.URL.Query().Get("done")})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v templates.UsersView) {
	users, err := s.app.Users(r.Context(), principal(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Users, v.Roles = userRows(users), roleOptions()
	s.render(w, r, status, templates.UsersPage(v))
}

func (s *Server) handleUserCreateForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	f := r.PostForm
	in := templates.UserInput{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role")}
	u, err := s.app.CreateUser(r.Context(), principal(r), app.UserInput{Email: in.Email, Name: in.Name, Role: in.Role, Password: f.Get("password")})
	var ve *assess.ValidationError
	if errors.As(err, &ve) {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, templates.UsersView{Input: in, Errors: ve.Fields})
		return
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=Added+"+u.Email, http.StatusSeeOther)
}

// userChange applies one admin change to the user in the URL and returns to the list.
func (s *Server) userChange(w http.ResponseWriter, r *http.Request, change func(id int64) (auth.User, error)) {
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	u, err := change(id)
	var ve *assess.ValidationError
	if errors.As(err, &ve) {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, templates.UsersView{Errors: ve.Fields})
		return
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=Updated+"+u.Email, http.StatusSeeOther)
}

func (s *Server) handleUserRoleForm(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, func(id int64) (auth.User, error) {
		return s.app.SetRole(r.Context(), principal(r), id, r.PostForm.Get("role"), r.PostForm.Get("revoke_tokens") != "")
	})
}

func (s *Server) handleUserActiveForm(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, func(id int64) (auth.User, error) {
		return s.app.SetActive(r.Context(), principal(r), id, r.PostForm.Get("active") == "true")
	})
}

func (s *Server) handleUserPasswordForm(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, func(id int64) (auth.User, error) {
		return s.app.ResetPassword(r.Context(), principal(r), id, r.PostForm.Get("password"), r.PostForm.Get("revoke_tokens") != "")
	})
}

// handleUserSignInFailuresClear forgets the failed sign-ins of an account, so that whoever they
// slowed down may sign in again at once.
func (s *Server) handleUserSignInFailuresClear(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, func(id int64) (auth.User, error) {
		return s.app.ClearSignInFailures(r.Context(), principal(r), id)
	})
}

// Tokens: every user manages their own; admins see and revoke everyone's.

func (s *Server) handleTokensPage(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, templates.TokensView{})
}

func (s *Server) handleAllTokensPage(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, templates.TokensView{All: true})
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, v templates.TokensView) {
	tokens, err := s.app.Tokens(r.Context(), principal(r), v.All)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.DefaultDays, v.MaxDays, v.IdleDays = auth.DefaultTokenDays, auth.MaxTokenDays, int(auth.TokenIdle.Hours()/24)
	if v.Days == "" {
		v.Days = strconv.Itoa(auth.DefaultTokenDays)
	}
	now := s.app.Now()
	for _, t := range tokens {
		row := templates.TokenRow{ID: t.ID, UserEmail: t.UserEmail, Label: t.Label, CreatedAt: t.CreatedAt,
			LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt, ExpiresAt: t.ExpiresAt, IdleExpiresAt: t.IdleExpiresAt}
		if e := t.Expiry(now); e != nil && e.Idle {
			row.Expired = "expired: unused since " + templates.Stamp(t.IdleExpiresAt.Add(-auth.TokenIdle))
		} else if e != nil {
			row.Expired = "expired " + templates.Stamp(t.ExpiresAt)
		}
		v.Tokens = append(v.Tokens, row)
	}
	s.render(w, r, status, templates.TokensPage(v))
}

// handleTokenCreateForm makes a token for the signed-in user and shows it once.
func (s *Server) handleTokenCreateForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	days := r.PostForm.Get("expires_in_days")
	plain, t, err := s.app.CreateToken(r.Context(), principal(r), 0, r.PostForm.Get("name"), days)
	var ve *assess.ValidationError
	if errors.As(err, &ve) {
		s.renderTokens(w, r, http.StatusUnprocessableEntity, templates.TokensView{Errors: ve.Fields, Days: days})
		return
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderTokens(w, r, http.StatusCreated, templates.TokensView{NewToken: plain, NewTokenExpires: t.ExpiresAt})
}

func (s *Server) handleTokenRevokeForm(w http.ResponseWriter, r *http.Request) {
	s.revokeToken(w, r, false, "/tokens")
}

func (s *Server) handleAnyTokenRevokeForm(w http.ResponseWriter, r *http.Request) {
	s.revokeToken(w, r, true, "/admin/tokens")
}

// revokeToken ends the token in the URL: one of the user's own, or any (an admin's page).
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, any bool, back string) {
	id, err := pathID(r)
	if err == nil {
		err = s.app.RevokeToken(r.Context(), principal(r), id, any, "")
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// handleAuditPage lists the audit log, filtered by user, provider and days.
func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request) {
	v := templates.AuditView{Filter: templates.AuditFilter{
		User: r.URL.Query().Get("user"), Provider: r.URL.Query().Get("provider"),
		From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to"),
	}}
	q, err := auditQuery(v.Filter, r.URL.Query().Get("offset"))
	status := http.StatusOK
	var ve *assess.ValidationError
	if errors.As(err, &ve) {
		status, v.Errors, q = http.StatusUnprocessableEntity, ve.Fields, auth.AuditQuery{}
	}
	q.Limit = 100
	entries, total, err := s.app.Audit(r.Context(), principal(r), q)
	var users []auth.User
	if err == nil {
		users, err = s.app.Users(r.Context(), principal(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, templates.AuditRow{At: e.At, Actor: e.Actor, RemoteAddr: e.RemoteAddr, Action: e.Action, Summary: e.Summary, ProviderID: e.ProviderID, EvaluationID: e.EvaluationID})
	}
	v.Users, v.Total, v.Offset = userRows(users), total, q.Offset
	s.render(w, r, status, templates.AuditPage(v))
}

func auditQuery(f templates.AuditFilter, offset string) (auth.AuditQuery, error) {
	var q auth.AuditQuery
	var errs []error
	num := func(field, raw string, dst *int64) {
		if raw == "" {
			return
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, assess.Invalid(field, "want an id"))
		}
		*dst = n
	}
	day := func(field, raw string, dst *time.Time, plus int) {
		if raw == "" {
			return
		}
		d, err := assess.ParseDate(raw)
		if err != nil {
			errs = append(errs, assess.Invalid(field, "%s", err.Error()))
			return
		}
		*dst = d.Time().AddDate(0, 0, plus)
	}
	var off int64
	num("user", f.User, &q.UserID)
	num("provider", f.Provider, &q.ProviderID)
	num("offset", offset, &off)
	day("from", f.From, &q.From, 0)
	day("to", f.To, &q.To, 1) // the "to" day is included
	q.Offset = int(off)
	return q, assess.JoinInvalid(errs...)
}

func userRows(users []auth.User) []templates.UserRow {
	out := make([]templates.UserRow, 0, len(users))
	for _, u := range users {
		out = append(out, templates.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Active: u.Active})
	}
	return out
}

func roleOptions() []templates.Option {
	out := make([]templates.Option, 0, len(auth.Roles))
	for _, r := range auth.Roles {
		out = append(out, templates.Option{Value: string(r), Label: r.Label()})
	}
	return out
}
