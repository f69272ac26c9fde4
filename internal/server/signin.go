package server

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/templates"
)

// Sign-in limits: after signinLimit failures within signinWindow, for one account or from one
// client address, further attempts get 429 until the oldest failure leaves the window.
const (
	signinLimit  = 10
	signinWindow = 15 * time.Minute
)

func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := auth.UserFrom(r.Context()); ok {
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
	password := r.PostForm.Get("password")
	view := templates.SignInView{Email: email, Next: r.PostForm.Get("next")}
	addr := clientAddr(r)

	byAccount, byAddr, oldest, err := s.store.SigninFailures(ctx, email, addr, signinWindow)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if byAccount >= signinLimit || byAddr >= signinLimit {
		wait := max(1, int(math.Ceil(time.Until(oldest.Add(signinWindow)).Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		view.Error = "Too many failed sign-ins. Try again in " + minutes(wait) + "."
		s.render(w, r, http.StatusTooManyRequests, templates.SignInPage(view))
		return
	}

	u, hash, err := s.store.FindUserByEmail(ctx, email)
	switch {
	case errors.Is(err, assess.ErrNotFound):
		auth.CheckNoUser(password)
	case err != nil:
		s.error(w, r, err)
		return
	}
	if err != nil || !auth.CheckPassword(hash, password) || !u.Active {
		s.signInFailed(w, r, view, email, addr)
		return
	}

	// A new session token at sign-in, so that a token planted before sign-in is worth nothing.
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.error(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessionUserKey, u.ID)
	s.sessions.Put(ctx, sessionSeenKey, s.now().Unix())
	by := auth.Actor{UserID: u.ID, Name: u.Name, RemoteAddr: addr, Via: "session"}
	if err := errors.Join(s.store.ClearSigninFailures(ctx, email),
		s.store.RecordAudit(ctx, by.Entry(auth.ActionSignIn, u.Email+" signed in"))); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, localPath(view.Next), http.StatusSeeOther)
}

func (s *Server) signInFailed(w http.ResponseWriter, r *http.Request, view templates.SignInView, email, addr string) {
	anon := auth.Actor{RemoteAddr: addr}
	if err := errors.Join(s.store.RecordSigninFailure(r.Context(), email, addr, signinWindow),
		s.store.RecordAudit(r.Context(), anon.Entry(auth.ActionSignInFailed, "failed sign-in as "+email))); err != nil {
		s.error(w, r, err)
		return
	}
	view.Error = auth.ErrBadCredentials.Error()
	s.render(w, r, http.StatusUnauthorized, templates.SignInPage(view))
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	by := actor(r)
	if err := s.store.RecordAudit(r.Context(), by.Entry(auth.ActionSignOut, by.Name+" signed out")); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.error(w, r, err)
		return
	}
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
