package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/templates"
)

// Forgotten passwords (ASVS 2.5.6): /login/forgot asks for a link by email, and answers the same
// whether or not an account uses the address; /login/reset?token= is the link, whose form
// carries the token on (in a hidden field) so that it is in the address only once. Neither page
// sends a Referer, and the request log keeps paths only, never the query with the token.

// signInNotices are what the sign-in page says after a change, by the name in ?done=.
var signInNotices = map[string]string{
	"reset": "Your new password is set and every session of yours was ended. Sign in with it.",
}

// resetsByEmail says whether this server emails reset links; without, the forgot page sends
// people to an admin.
func (s *Server) resetsByEmail() bool { return s.app.ResetsByEmail(s.baseURL) }

// resetURL is the address of a reset link: always on the configured base URL, never on the
// host a request names.
func (s *Server) resetURL(token string) string { return s.baseURL + "/login/reset?token=" + token }

func (s *Server) forgotForm() templates.ForgotPasswordForm {
	return templates.ForgotPasswordForm{ByEmail: s.resetsByEmail(), Minutes: int(auth.ResetLinkLife.Minutes())}
}

func (s *Server) handleForgotPasswordPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	v := s.forgotForm()
	v.Asked = v.ByEmail && r.URL.Query().Get("asked") == "1"
	s.render(w, r, http.StatusOK, templates.ForgotPasswordPage(v))
}

// handleForgotPassword asks for a reset link. Known account or not, the answer is the same
// redirect to the same page; a malformed email is refused beside its field (422), and too many
// asks from one address get 429.
func (s *Server) handleForgotPassword(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	v := s.forgotForm()
	if !v.ByEmail {
		s.render(w, r, http.StatusOK, templates.ForgotPasswordPage(v))
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	v.Email = clipInput(email, auth.MaxEmailLength)
	err := s.app.AskPasswordReset(r.Context(), email, clientAddr(r), s.resetURL, s.log)
	var tooMany *app.TooManyResetAsks
	var ve *assess.ValidationError
	switch {
	case errors.As(err, &tooMany):
		wait := int(tooMany.RetryAfter.Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		v.Error = "Too many reset links were asked for from here. Try again in " + waitText(wait) + ", or ask an admin."
		s.render(w, r, http.StatusTooManyRequests, templates.ForgotPasswordPage(v))
		return
	case errors.As(err, &ve):
		v.Errors = ve.Fields
		s.render(w, r, http.StatusUnprocessableEntity, templates.ForgotPasswordPage(v))
		return
	case err != nil:
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/login/forgot?asked=1", http.StatusSeeOther)
}

// resetLinkProblem answers a reset link that does not work: 410 for one that did (used,
// replaced, expired), 400 for one never made; it reports whether it answered.
func (s *Server) resetLinkProblem(w http.ResponseWriter, r *http.Request, err error) bool {
	var le *auth.ResetLinkError
	if !errors.As(err, &le) {
		return false
	}
	status := http.StatusGone
	if errors.Is(err, auth.ErrResetLinkUnknown) {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, templates.ResetPasswordPage(templates.ResetPasswordForm{Problem: capitalize(le.Error())}))
	return true
}

// handleResetPasswordPage opens a reset link: the form for a new password, or why it does not
// work. Opening it uses nothing, so that a mail scanner that follows links spends none.
func (s *Server) handleResetPasswordPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	token := r.URL.Query().Get("token")
	err := s.app.CheckResetLink(r.Context(), token)
	if s.resetLinkProblem(w, r, err) {
		return
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.ResetPasswordPage(templates.ResetPasswordForm{Token: token}))
}

// handleResetPassword sets the new password through the link, then sends the person to sign in
// with it (and their second factor, if they have one).
func (s *Server) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	f := r.PostForm
	token := f.Get("token")
	var err error
	if f.Get("password") != f.Get("confirm_password") {
		err = s.app.CheckResetLink(r.Context(), token)
		if err == nil {
			err = assess.Invalid("confirm_password", "does not match the new password")
		}
	} else {
		_, err = s.app.ResetPasswordWithLink(r.Context(), token, f.Get("password"), clientAddr(r))
	}
	if s.resetLinkProblem(w, r, err) {
		return
	}
	if s.passwordFormFailed(w, r, err, func(status int, fields map[string]string) {
		s.render(w, r, status, templates.ResetPasswordPage(templates.ResetPasswordForm{Token: token, Errors: fields}))
	}) {
		return
	}
	http.Redirect(w, r, "/login?done=reset", http.StatusSeeOther)
}
