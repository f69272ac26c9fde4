package server

import (
	"errors"
	"net/http"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/templates"
)

// requestJSON is a request as the API shows it. URL is set only in the answer that made the
// link (a new request, a reissue): the link is never shown again.
type requestJSON struct {
	ID           string   `json:"id"`
	EvaluationID string   `json:"evaluation_id"`
	ContactName  string   `json:"contact_name"`
	ContactEmail string   `json:"contact_email"`
	DueDate      string   `json:"due_date"`
	Message      string   `json:"message"`
	Status       string   `json:"status"`
	ExpiresAt    apiTime  `json:"expires_at"`
	SentBy       string   `json:"sent_by"`
	CreatedAt    apiTime  `json:"created_at"`
	OpenedAt     *apiTime `json:"opened_at"`
	SubmittedAt  *apiTime `json:"submitted_at"`
	RevokedAt    *apiTime `json:"revoked_at"`
	EmailedAt    *apiTime `json:"emailed_at"`
	EmailFailed  *apiTime `json:"email_failed_at"`
	URL          string   `json:"url,omitempty"`
	// Email, only beside URL, says whether the link was emailed to the contact: "sent",
	// "failed" (send it yourself) or "off" (no mail server configured).
	Email string `json:"email,omitempty"`
}

func (s *Server) newRequestJSON(req assess.Request) requestJSON {
	return requestJSON{
		ID: idString(req.ID), EvaluationID: idString(req.EvaluationID), ContactName: req.ContactName,
		ContactEmail: req.ContactEmail, DueDate: req.DueDate.String(), Message: req.Message,
		Status: string(req.Status(s.app.Now())), ExpiresAt: apiTime(req.ExpiresAt), SentBy: req.SentBy,
		CreatedAt: apiTime(req.CreatedAt), OpenedAt: apiTimePtr(req.OpenedAt), SubmittedAt: apiTimePtr(req.SubmittedAt),
		RevokedAt: apiTimePtr(req.RevokedAt), EmailedAt: apiTimePtr(req.EmailedAt), EmailFailed: apiTimePtr(req.EmailFailedAt),
	}
}

// linkJSON is a request with the link just made and what became of its email.
func (s *Server) linkJSON(r *http.Request, link app.RequestLink) requestJSON {
	out := s.newRequestJSON(link.Request)
	out.URL, out.Email = s.linkURL(r, link.Token), string(link.Email)
	keepSecretOut(r, "url")
	return out
}

// linkMaker makes the addresses of the links a use case creates while serving r.
func (s *Server) linkMaker(r *http.Request) func(string) string {
	return func(token string) string { return s.linkURL(r, token) }
}

// noteEmail logs why a link's email was not sent.
func (s *Server) noteEmail(r *http.Request, link app.RequestLink) {
	if link.EmailErr != nil {
		s.log.WarnContext(r.Context(), "a request link was not emailed", "request_id", link.Request.ID, "err", link.EmailErr)
	}
}

// linkURL is the address of a request link: on the configured base URL, else on the host the
// request came to (the team's own address for Shareline), https when cookies are secure.
func (s *Server) linkURL(r *http.Request, token string) string {
	if s.baseURL != "" {
		return s.baseURL + "/r/" + token
	}
	scheme := "http"
	if r.TLS != nil || s.secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/r/" + token
}

// handleRequestCreate sends a request for an evaluation: 201 with the link, shown this once.
func (s *Server) handleRequestCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	in, err := decodeObject[assess.RequestInput](w, r, `{"contact_name": "...", "contact_email": "...", "due_date": "YYYY-MM-DD"}`)
	if err != nil {
		s.error(w, r, err)
		return
	}
	link, err := s.app.CreateRequest(r.Context(), principal(r), id, in, s.linkMaker(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.noteEmail(r, link)
	w.Header().Set("Location", "/api/v1/evaluations/"+idString(id)+"/requests")
	writeJSON(w, http.StatusCreated, s.linkJSON(r, link))
}

// handleRequestList lists an evaluation's requests, without their links.
func (s *Server) handleRequestList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.app.Requests(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := make([]requestJSON, 0, len(list))
	for _, req := range list {
		out = append(out, s.newRequestJSON(req))
	}
	writeJSON(w, http.StatusOK, map[string][]requestJSON{"requests": out})
}

func (s *Server) handleRequestRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	req, err := s.app.RevokeRequest(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.newRequestJSON(req))
}

// handleRequestReissue gives a request a new link (the old one stops working): 201 with it.
func (s *Server) handleRequestReissue(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	link, err := s.app.ReissueRequest(r.Context(), principal(r), id, s.linkMaker(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.noteEmail(r, link)
	writeJSON(w, http.StatusCreated, s.linkJSON(r, link))
}

// requestsView is the requests part of the team's evaluation page.
func (s *Server) requestsView(r *http.Request, v app.EvaluationView) (templates.RequestsView, error) {
	list, err := s.app.Requests(r.Context(), principal(r), v.Evaluation.ID)
	if err != nil {
		return templates.RequestsView{}, err
	}
	res := app.Resource{ProviderID: v.Evaluation.ProviderID, EvaluationID: v.Evaluation.ID}
	send := can(r, app.SendRequests, res)
	now := s.app.Now()
	out := templates.RequestsView{
		CanSend:     send && assess.CheckEditable(v.Evaluation) == nil,
		DefaultDate: assess.DateOf(now.AddDate(0, 0, 14)).String(),
	}
	for _, req := range list {
		out.List = append(out.List, templates.RequestRow{
			Request: req, Status: req.Status(now),
			CanRevoke:  send && assess.CheckRevocable(req) == nil,
			CanReissue: send && assess.CheckReissuable(req) == nil,
		})
	}
	return out, nil
}

// renderEvaluationPage renders the team's evaluation page with its requests; change, when set,
// adjusts the view (a link to show once, a refused form).
func (s *Server) renderEvaluationPage(w http.ResponseWriter, r *http.Request, status int, id int64, change func(*templates.EvaluationView)) {
	v, err := s.app.Evaluation(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	tv := s.page(r, v)
	if tv.Requests, err = s.requestsView(r, v); err != nil {
		s.error(w, r, err)
		return
	}
	if change != nil {
		change(&tv)
	}
	s.render(w, r, status, templates.EvaluationPage(tv))
}

// handleRequestCreateForm sends a request from the evaluation page, which then shows the link
// once (201); a refused form comes back with its problems on their fields (422).
func (s *Server) handleRequestCreateForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.error(w, r, err)
		return
	}
	in := assess.RequestInput{ContactName: r.PostForm.Get("contact_name"), ContactEmail: r.PostForm.Get("contact_email"),
		DueDate: r.PostForm.Get("due_date"), Message: r.PostForm.Get("message")}
	link, err := s.app.CreateRequest(r.Context(), principal(r), id, in, s.linkMaker(r))
	var ve *assess.ValidationError
	switch {
	case errors.As(err, &ve):
		s.renderEvaluationPage(w, r, http.StatusUnprocessableEntity, id, func(tv *templates.EvaluationView) {
			rv := &tv.Requests
			rv.Form, rv.FormErrors = in, ve.Fields
		})
	case err != nil:
		s.error(w, r, err)
	default:
		s.showLink(w, r, link)
	}
}

func (s *Server) handleRequestRevokeForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	req, err := s.app.RevokeRequest(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/evaluations/"+idString(req.EvaluationID)+"?done=revoked#requests-heading", http.StatusSeeOther)
}

// handleRequestReissueForm shows the new link once on the evaluation page.
func (s *Server) handleRequestReissueForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	link, err := s.app.ReissueRequest(r.Context(), principal(r), id, s.linkMaker(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.showLink(w, r, link)
}

// showLink renders the evaluation page with a link just made, shown this once, and whether it
// was emailed.
func (s *Server) showLink(w http.ResponseWriter, r *http.Request, link app.RequestLink) {
	s.noteEmail(r, link)
	s.renderEvaluationPage(w, r, http.StatusCreated, link.Request.EvaluationID, func(tv *templates.EvaluationView) {
		tv.Requests.NewLink = templates.NewLink{URL: s.linkURL(r, link.Token), For: link.Request.ContactName,
			Email: link.Request.ContactEmail, Emailed: string(link.Email)}
	})
}
