package server

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/auth"
	"shareline/templates"
)

// A provider's contact answers through a request link: GET /r/{token} starts a respondent
// session (its own cookie, apart from the team's session, kept as a SHA-256) and sends the
// browser on to /respond, so that the token is in no later address. Respondent routes read
// only that cookie: the team's session means nothing there, and the respondent cookie means
// nothing on the team's routes.

// respondentCookie names the respondent session's cookie; secureRespondentCookie under Secure
// cookies (a __Host- cookie: Secure, Path=/, no Domain).
const (
	respondentCookie       = "shareline_respondent"
	secureRespondentCookie = "__Host-shareline_respondent"
	// defaultLinkTries is how many request-link openings one client address may make a minute.
	defaultLinkTries = 20
)

// linkToken is the shape of a link's token: 32 bytes in unpadded base64url.
var linkToken = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

var (
	errTooManyLinkTries = errors.New("too many tries of request links from your address: wait a minute, then open the link again")
	errNoRespondent     = errors.New("this page opens from the request link you were sent: open that link again")
)

type respondentKey struct{}

// respondentRequest is the request of the respondent session, as its lookup found it.
func respondentRequest(r *http.Request) assess.Request {
	req, _ := r.Context().Value(respondentKey{}).(assess.Request)
	return req
}

func (s *Server) respondentCookieName() string {
	if s.secure {
		return secureRespondentCookie
	}
	return respondentCookie
}

// limitLinkTries holds each client address to its openings of request links a minute: 429
// with Retry-After past it, and nothing looked up.
func (s *Server) limitLinkTries(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.linkTries == nil {
			next.ServeHTTP(w, r)
			return
		}
		if _, reset, ok := s.linkTries.take(clientAddr(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(int((reset+time.Second-1)/time.Second), 1)))
			s.error(w, r, errTooManyLinkTries)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// handleRequestLink opens a request link: 404 for an unknown one, 410 for one revoked or
// expired, else a respondent session and 303 to /respond.
func (s *Server) handleRequestLink(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	if !linkToken.MatchString(token) {
		s.error(w, r, assess.ErrNotFound)
		return
	}
	session, _, err := s.app.OpenRequest(r.Context(), token, clientAddr(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.respondentCookieName(), Value: session, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(app.RespondentSessionLifetime / time.Second),
	})
	http.Redirect(w, r, "/respond", http.StatusSeeOther)
}

// respondentSession finds the respondent of the request's cookie; without one, 401. A session
// whose link was revoked or has expired gets 410, naming who to ask.
func (s *Server) respondentSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.respondentCookieName())
		if err != nil || !linkToken.MatchString(c.Value) {
			s.error(w, r, errNoRespondent)
			return
		}
		p, req, err := s.app.RespondentSession(r.Context(), c.Value, clientAddr(r))
		switch {
		case assess.IsNotFound(err):
			s.error(w, r, errNoRespondent)
			return
		case err != nil:
			s.error(w, r, err)
			return
		}
		if err := assess.CheckOpenable(req, s.app.Now()); err != nil {
			s.error(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), principalKey{}, p)
		ctx = context.WithValue(ctx, respondentKey{}, req)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireGrant lets a respondent's request through when the policy allows action on the
// evaluation of its request (the use case asks again).
func (s *Server) requireGrant(action app.Action, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := principal(r)
		if p.Grant == nil || !app.Can(p, action, app.Resource{EvaluationID: p.Grant.EvaluationID}) {
			s.error(w, r, auth.ErrForbidden)
			return
		}
		next(w, r)
	})
}

// respondentView is the evaluation as a respondent's page shows it: the questions and their
// answers, editable while the request is open, and of the score only how many elements of
// each question are answered.
func (s *Server) respondentView(r *http.Request, v app.EvaluationView, req assess.Request) templates.EvaluationView {
	tv := s.page(r, v)
	tv.Respondent = true
	editable := tv.CanEdit
	tv.CanEdit = editable && assess.CheckRespondable(req, s.app.Now()) == nil
	tv.CanComplete, tv.CanReopen, tv.CanReassess, tv.CanReview = false, false, false, false
	tv.Pending, tv.ReviewFilter, tv.ReviewCounts = 0, "", nil
	counts := assess.Score{}
	for _, q := range v.Summary.Score.Questions {
		counts.Questions = append(counts.Questions, assess.QuestionScore{Key: q.Key, Answered: q.Answered, Total: q.Total})
	}
	tv.Summary = assess.Summary{Score: counts}
	tv.Evaluation.Score = assess.Score{}
	for ref, st := range tv.Elements {
		// After submitting, an element the team asked about takes answers again, alone.
		st.ReadOnly = !editable || assess.CheckAnswerable(req, s.app.Now(), st.Review) != nil
		// The contact sees no verdict, note or reviewer: only whether a question is open to them.
		st.Review = assess.Review{Open: st.Review.Open}
		st.AnsweredBy = assess.AnsweredBy{}
		tv.Elements[ref] = st
		tv.CanEdit = tv.CanEdit || !st.ReadOnly
	}
	return tv
}

// respondNotices are what the respondent's page says after a change (?done=...).
var respondNotices = map[string]string{
	"saved":     "Saved.",
	"submitted": "Submitted: your answers were sent to the team. Thank you.",
	"replied":   "Your reply was sent to the team.",
	"attached":  "File attached to your answer.",
	"detached":  "File removed from your answer.",
}

func (s *Server) respondPage(r *http.Request, tv templates.EvaluationView, req assess.Request) templates.RespondView {
	tv.Notice = respondNotices[r.URL.Query().Get("done")]
	out := templates.RespondView{EvaluationView: tv, Request: req, Submitted: req.SubmittedAt != nil}
	for _, st := range tv.Elements {
		if st.Review.Open {
			out.Clarifications++
		}
	}
	return out
}

func (s *Server) handleRespondPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.app.Respondent(r.Context(), principal(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.RespondPage(s.respondPage(r, s.respondentView(r, v.EvaluationView, v.Request), v.Request)))
}

// handleRespondAnswerForm saves one element from the respondent's page, as the team's form
// does (the same handler, validation, versions and conflicts).
func (s *Server) handleRespondAnswerForm(w http.ResponseWriter, r *http.Request) {
	s.saveAnswerForm(w, r, principal(r).Grant.EvaluationID, chi.URLParam(r, "ref"), s.respondentAnswerPage(r))
}

// respondentAnswerPage is the respondent's page, as an element's forms return to it.
func (s *Server) respondentAnswerPage(r *http.Request) answerPage {
	req := respondentRequest(r)
	return answerPage{
		view: func(v app.EvaluationView) templates.EvaluationView { return s.respondentView(r, v, req) },
		full: func(tv templates.EvaluationView) templ.Component {
			return templates.RespondPage(s.respondPage(r, tv, req))
		},
		done: "/respond",
	}
}

// handleRespondAnswer saves one element from the API's answer PUT body; the answer comes back
// without any score.
func (s *Server) handleRespondAnswer(w http.ResponseWriter, r *http.Request) {
	in, matched, err := decodeAnswerPut(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p := principal(r)
	saved, _, err := s.app.SaveAnswer(r.Context(), p, p.Grant.EvaluationID, chi.URLParam(r, "ref"), in)
	var vc *assess.VersionConflict
	if matched != nil && errors.As(err, &vc) {
		err = preconditionFailed{vc}
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("ETag", answerTag(saved.Version))
	writeJSON(w, http.StatusOK, map[string]answerJSON{"answer": newRespondentAnswerJSON(saved)})
}

// handleRespondSubmit records that the respondent is done; their side is read-only after.
func (s *Server) handleRespondSubmit(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		s.error(w, r, assess.Invalid("confirm", "tick the box to confirm that your answers are ready"))
		return
	}
	if _, err := s.app.SubmitResponse(r.Context(), principal(r)); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/respond?done=submitted", http.StatusSeeOther)
}
