package server

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/templates"
)

// Two-step sign-in: a TOTP code (or a recovery code) after the password, for users who turned
// it on, and for everyone an admin's setting requires it of.

// pendingUser is the user whose password this session accepted, while the second step may
// still follow.
func (s *Server) pendingUser(r *http.Request) int64 {
	ctx := r.Context()
	at := time.Unix(s.sessions.GetInt64(ctx, sessionPendingAtKey), 0)
	if s.now().Sub(at) > pendingTTL {
		return 0
	}
	return s.sessions.GetInt64(ctx, sessionPendingKey)
}

func (s *Server) handleSecondFactorPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, templates.SecondFactorPage(templates.SecondFactorForm{Next: r.URL.Query().Get("next"), Expired: s.pendingUser(r) == 0}))
}

// handleSecondFactor checks the code of a user whose password was accepted, and signs them in.
func (s *Server) handleSecondFactor(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	view := templates.SecondFactorForm{Next: r.PostForm.Get("next")}
	id := s.pendingUser(r)
	if id == 0 {
		// No password was accepted in this session lately: the code alone proves nothing.
		view.Expired = true
		s.render(w, r, http.StatusUnauthorized, templates.SecondFactorPage(view))
		return
	}
	u, err := s.app.SecondFactor(r.Context(), id, clipInput(r.PostForm.Get("code"), 64), clientAddr(r))
	var tooMany *app.TooManySignIns
	switch {
	case errors.As(err, &tooMany):
		wait := int(tooMany.RetryAfter.Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		view.Error = "Too many wrong codes from here. Try again in " + waitText(wait) + "."
		s.render(w, r, http.StatusTooManyRequests, templates.SecondFactorPage(view))
		return
	case errors.Is(err, app.ErrBadSecondFactor):
		view.Errors = map[string]string{"code": err.Error()}
		s.render(w, r, http.StatusUnauthorized, templates.SecondFactorPage(view))
		return
	case err != nil:
		s.error(w, r, err)
		return
	}
	s.completeSignIn(w, r, u, localPath(view.Next))
}

// handleTwoStepPage shows the user's two-step sign-in: how to turn it on (a new secret, kept in
// the session until a code confirms it), or that it is on, with how to turn it off.
func (s *Server) handleTwoStepPage(w http.ResponseWriter, r *http.Request) {
	s.renderTwoStep(w, r, http.StatusOK, templates.TwoStepView{})
}

func (s *Server) renderTwoStep(w http.ResponseWriter, r *http.Request, status int, v templates.TwoStepView) {
	ctx, p := r.Context(), principal(r)
	v.Enabled = p.User.TOTPEnabled
	v.Required = s.sessions.GetBool(ctx, sessionMFASetupKey) && !p.User.TOTPEnabled
	if !v.Enabled && v.RecoveryCodes == nil {
		// The secret being set up stays the same until it is confirmed, so that a mistyped code
		// does not send the user back to their camera.
		key := auth.TOTPKeyOf(p.User.Email, s.sessions.GetString(ctx, sessionTOTPSetupKey))
		if key.Secret == "" {
			var err error
			if key, err = s.app.NewTOTPKey(ctx, p); err != nil {
				s.error(w, r, err)
				return
			}
		}
		png, err := auth.TOTPQRCode(key.URL)
		if err != nil {
			s.error(w, r, err)
			return
		}
		s.sessions.Put(ctx, sessionTOTPSetupKey, key.Secret)
		v.Secret, v.URL = key.Secret, key.URL
		v.QRCode = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	}
	s.render(w, r, status, templates.TwoStepPage(v))
}

// handleTwoStepEnable turns TOTP on with the secret being set up, given a code of it, and shows
// the recovery codes once.
func (s *Server) handleTwoStepEnable(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	codes, err := s.app.EnableTOTP(ctx, principal(r), s.sessions.GetString(ctx, sessionTOTPSetupKey), clipInput(r.PostForm.Get("code"), 64))
	var ve *assess.ValidationError
	switch {
	case errors.As(err, &ve):
		s.renderTwoStep(w, r, http.StatusUnprocessableEntity, templates.TwoStepView{Errors: ve.Fields})
		return
	case err != nil:
		s.error(w, r, err)
		return
	}
	s.sessions.Remove(ctx, sessionTOTPSetupKey)
	s.sessions.Remove(ctx, sessionMFASetupKey)
	s.render(w, r, http.StatusOK, templates.TwoStepPage(templates.TwoStepView{Enabled: true, RecoveryCodes: codes}))
}

// handleTwoStepDisable turns the user's TOTP off, given their password; not while a setting
// requires it of them.
func (s *Server) handleTwoStepDisable(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx, p := r.Context(), principal(r)
	required, err := s.app.MFARequirement(ctx)
	if err == nil && required.Applies(p.User.Role) {
		err = assess.Invalid("password", "two-step sign-in is required of your role: it cannot be turned off")
	}
	if err == nil {
		err = s.app.DisableTOTP(ctx, p, r.PostForm.Get("password"))
	}
	if s.passwordFormFailed(w, r, err, func(status int, fields map[string]string) {
		s.render(w, r, status, templates.TwoStepPage(templates.TwoStepView{Enabled: true, Errors: fields}))
	}) {
		return
	}
	http.Redirect(w, r, "/account/two-step", http.StatusSeeOther)
}

// handleRecoveryCodes replaces the user's recovery codes with new ones, given their password,
// and shows them once.
func (s *Server) handleRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	codes, err := s.app.RegenerateRecoveryCodes(r.Context(), principal(r), r.PostForm.Get("recovery_password"))
	if s.passwordFormFailed(w, r, err, func(status int, fields map[string]string) {
		if msg, ok := fields["password"]; ok {
			fields = map[string]string{"recovery_password": msg}
		}
		s.render(w, r, status, templates.TwoStepPage(templates.TwoStepView{Enabled: true, Errors: fields}))
	}) {
		return
	}
	s.render(w, r, http.StatusOK, templates.TwoStepPage(templates.TwoStepView{Enabled: true, RecoveryCodes: codes, Regenerated: true}))
}

// handleSecurityPage shows the admin's security settings: who must use two-step sign-in.
func (s *Server) handleSecurityPage(w http.ResponseWriter, r *http.Request) {
	m, err := s.app.MFARequirement(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.SecurityPage(templates.SecurityView{MFARequired: string(m), Notice: r.URL.Query().Get("done") != ""}))
}

func (s *Server) handleSecuritySet(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	err := s.app.SetMFARequirement(r.Context(), principal(r), r.PostForm.Get("mfa_required"))
	var ve *assess.ValidationError
	switch {
	case errors.As(err, &ve):
		s.render(w, r, http.StatusUnprocessableEntity, templates.SecurityPage(templates.SecurityView{MFARequired: r.PostForm.Get("mfa_required"), Errors: ve.Fields}))
		return
	case err != nil:
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/security?done=1", http.StatusSeeOther)
}

// handleUserTwoStepReset turns another user's two-step sign-in off (lost authenticator).
func (s *Server) handleUserTwoStepReset(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, func(id int64) (auth.User, error) {
		return s.app.ResetTOTP(r.Context(), principal(r), id)
	})
}
