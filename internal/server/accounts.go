package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/templates"
)

// errSelf refuses an admin locking themselves out.
var errSelf = assess.Invalid("user", "you cannot deactivate yourself or change your own role: ask another admin")

func (s *Server) handleUsersPage(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, templates.UsersView{Notice: r.URL.Query().Get("done")})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v templates.UsersView) {
	users, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Users = users
	s.render(w, r, status, templates.UsersPage(v))
}

func (s *Server) handleUserCreateForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	f := r.PostForm
	in := templates.UserInput{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role")}
	u, hash, err := auth.NewUser(in.Email, in.Name, in.Role, f.Get("password"))
	if err == nil {
		u, err = s.store.CreateUser(r.Context(), u, hash, actor(r))
	}
	if errors.Is(err, assess.ErrConflict) {
		err = assess.Invalid("email", "a user with this email already exists")
	}
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
		role, err := auth.CheckRole(r.PostForm.Get("role"))
		if err != nil {
			return auth.User{}, err
		}
		if id == actor(r).UserID {
			return auth.User{}, errSelf
		}
		return s.store.SetUserRole(r.Context(), id, role, actor(r))
	})
}

func (s *Server) handleUserActiveForm(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, func(id int64) (auth.User, error) {
		active := r.PostForm.Get("active") == "true"
		if id == actor(r).UserID && !active {
			return auth.User{}, errSelf
		}
		return s.store.SetUserActive(r.Context(), id, active, actor(r))
	})
}

func (s *Server) handleUserPasswordForm(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, func(id int64) (auth.User, error) {
		password := r.PostForm.Get("password")
		if err := auth.CheckPasswordPolicy(password); err != nil {
			return auth.User{}, err
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return auth.User{}, err
		}
		return s.store.SetUserPassword(r.Context(), id, hash, actor(r))
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
	owner := actor(r).UserID
	if v.All {
		owner = 0
	}
	tokens, err := s.store.ListTokens(r.Context(), owner)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Tokens = tokens
	s.render(w, r, status, templates.TokensPage(v))
}

// handleTokenCreateForm makes a token for the signed-in user and shows it once.
func (s *Server) handleTokenCreateForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	label, err := auth.CheckName("name", r.PostForm.Get("name"), auth.MaxLabelLength)
	var ve *assess.ValidationError
	if errors.As(err, &ve) {
		s.renderTokens(w, r, http.StatusUnprocessableEntity, templates.TokensView{Errors: ve.Fields})
		return
	}
	plain, hash, err := auth.NewToken()
	if err == nil {
		_, err = s.store.CreateToken(r.Context(), actor(r).UserID, label, hash, actor(r))
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderTokens(w, r, http.StatusCreated, templates.TokensView{NewToken: plain})
}

func (s *Server) handleTokenRevokeForm(w http.ResponseWriter, r *http.Request) {
	s.revokeToken(w, r, actor(r).UserID, "/tokens")
}

func (s *Server) handleAnyTokenRevokeForm(w http.ResponseWriter, r *http.Request) {
	s.revokeToken(w, r, 0, "/admin/tokens")
}

// revokeToken ends the token in the URL; ownerID limits it to that user's tokens (0: any).
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, ownerID int64, back string) {
	id, err := pathID(r)
	if err == nil {
		err = s.store.RevokeToken(r.Context(), id, ownerID, actor(r))
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
	entries, total, err := s.store.ListAudit(r.Context(), q)
	if err == nil {
		v.Users, err = s.store.ListUsers(r.Context())
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	v.Entries, v.Total, v.Offset = entries, total, q.Offset
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
