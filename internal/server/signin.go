package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

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
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, templates.SignInPage(templates.SignInForm{Next: q.Get("next"), Notice: signInNotices[q.Get("done")]}))
}

// handleSignIn checks a password. A malformed email is refused beside its field (422) before
// anything is checked; otherwise, whatever is wrong (no such account, a deactivated one, a
// wrong password) the answer is the same message, and takes about the same time.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	email := strings.TrimSpace(r.PostForm.Get("email"))
	view := templates.SignInForm{Email: clipInput(email, auth.MaxEmailLength), Next: r.PostForm.Get("next")}
	u, err := s.app.SignIn(ctx, email, r.PostForm.Get("password"), clientAddr(r))
	var tooMany *app.TooManySignIns
	var busy *app.SignInBusy
	var ve *assess.ValidationError
	switch {
	case errors.As(err, &tooMany):
		wait := int(tooMany.RetryAfter.Seconds())
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		view.Error = "Too many failed sign-ins from here. Try again in " + waitText(wait) + "."
		s.render(w, r, http.StatusTooManyRequests, templates.SignInPage(view))
		return
	case errors.As(err, &busy):
		w.Header().Set("Retry-After", strconv.Itoa(int(busy.RetryAfter.Seconds())))
		view.Error = "Many people are signing in just now. Try again in a moment."
		s.render(w, r, http.StatusServiceUnavailable, templates.SignInPage(view))
		return
	case errors.As(err, &ve):
		view.Errors = ve.Fields
		s.render(w, r, http.StatusUnprocessableEntity, templates.SignInPage(view))
		return
	case errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, assess.ErrUnavailable):
		view.Error = "The email or password is not right."
		s.render(w, r, http.StatusUnauthorized, templates.SignInPage(view))
		return
	case err != nil:
		s.error(w, r, err)
		return
	}
	if u.TOTPEnabled {
		// The password was right; the session holds only who is half signed in, until the code.
		if err := s.sessions.RenewToken(ctx); err != nil {
			s.error(w, r, err)
			return
		}
		s.sessions.Put(ctx, sessionPendingKey, u.ID)
		s.sessions.Put(ctx, sessionPendingAtKey, s.now().Unix())
		http.Redirect(w, r, "/login/second-factor?next="+url.QueryEscape(localPath(view.Next)), http.StatusSeeOther)
		return
	}
	s.completeSignIn(w, r, u, localPath(view.Next))
}

// completeSignIn starts the session of a user who has proved who they are, and sends them on
// to next: or to set up a second factor first, when one is required of them and they have none.
func (s *Server) completeSignIn(w http.ResponseWriter, r *http.Request, u auth.User, next string) {
	ctx := r.Context()
	required, err := s.app.MFARequirement(ctx)
	if err != nil {
		s.error(w, r, err)
		return
	}
	// A new session token at sign-in, so that a token planted before sign-in is worth nothing.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.error(w, r, err)
		return
	}
	now := s.now().Unix()
	s.sessions.Remove(ctx, sessionPendingKey)
	s.sessions.Remove(ctx, sessionPendingAtKey)
	s.sessions.Put(ctx, sessionUserKey, u.ID)
	s.sessions.Put(ctx, sessionEpochKey, u.SessionEpoch)
	s.sessions.Put(ctx, sessionSeenKey, now)
	s.sessions.Put(ctx, sessionSignedInKey, now)
	s.sessions.Put(ctx, sessionAddrKey, clientAddr(r))
	s.sessions.Put(ctx, sessionAgentKey, clipInput(r.UserAgent(), maxAgentLength))
	if required.Applies(u.Role) && !u.TOTPEnabled {
		s.sessions.Put(ctx, sessionMFASetupKey, true)
		next = "/account/two-step"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// clipInput shortens what was typed to at most n bytes, on a character boundary, for showing
// back or keeping beside a session.
func clipInput(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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

// waitText says a wait in words: seconds under two minutes, else minutes.
func waitText(seconds int) string {
	switch {
	case seconds <= 1:
		return "a second"
	case seconds < 120:
		return strconv.Itoa(seconds) + " seconds"
	}
	return strconv.Itoa((seconds+59)/60) + " minutes"
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
