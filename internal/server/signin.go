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

func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request) {
	if principal(r).Signed() {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, templates.SignInPage(templates.SignInView{Next: r.URL.Query().Get("next")}))
}

// handleSignIn checks a password. Whatever is wrong (no such account, a deactivated one, a
// wrong password) the answer is the same message, and takes about the same time.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	view := templates.SignInView{Email: email, Next: r.PostForm.Get("next")}
	u, err := s.app.SignIn(ctx, email, r.PostForm.Get("password"), clientAddr(r))
	var tooMany *app.TooManySignIns
	switch {
	case errors.As(err, &tooMany):
		wait := int(tooMany.RetryAfter.Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		view.Error = "Too many failed sign-ins. Try again in " + minutes(wait) + "."
		s.render(w, r, http.StatusTooManyRequests, templates.SignInPage(view))
		return
	case errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, assess.ErrUnavailable):
		view.Error = auth.ErrBadCredentials.Error()
		s.render(w, r, http.StatusUnauthorized, templates.SignInPage(view))
		return
	case err != nil:
		s.error(w, r, err)
		return
	}
	// A new session token at sign-in, so that a token planted before sign-in is worth nothing.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.error(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessionUserKey, u.ID)
	s.sessions.Put(ctx, sessionSeenKey, s.now().Unix())
	http.Redirect(w, r, localPath(view.Next), http.StatusSeeOther)
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if err := s.app.SignOut(r.Context(), principal(r)); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`) // the browser forgets what this person saw
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func minutes(seconds int) string {
	m := (seconds + 59) / 60
	if m == 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// parseForm reads a form body of at most 1 MiB.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return errBadForm
	}
	return nil
}
