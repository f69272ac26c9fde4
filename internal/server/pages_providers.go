package server

import (
	"errors"
	"net/http"

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/templates"
)

// handleHome shows the portfolio at a glance.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	o, err := s.app.Overview(r.Context(), principal(r))
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.HomePage(o))
}

func (s *Server) handleProvidersPage(w http.ResponseWriter, r *http.Request) {
	view := templates.ProvidersView{}
	status := http.StatusOK
	q, err := providerQuery(r.URL.Query())
	if err != nil {
		// A hand-edited URL: show the first page and say what was wrong with it.
		status, view.Error = http.StatusUnprocessableEntity, s.publicMessage(r, err, http.StatusUnprocessableEntity)
		q = assess.ProviderQuery{}
	}
	if view.Selected, err = providerIDs(r.URL.Query(), "sel"); err != nil {
		status, view.Error = http.StatusUnprocessableEntity, s.publicMessage(r, err, http.StatusUnprocessableEntity)
	}
	view.Page, err = s.app.Providers(r.Context(), principal(r), q)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if view.Questionnaires, err = s.app.QuestionnaireKeys(r.Context(), principal(r)); err != nil {
		s.error(w, r, err)
		return
	}
	view.Query = q
	if view.Query.Limit == 0 {
		view.Query.Limit = assess.DefaultPageSize
	}
	view.CanAdd = can(r, app.EditProviders, app.Resource{})
	s.render(w, r, status, templates.ProvidersPage(view))
}

func (s *Server) handleProviderNewPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, templates.ProviderFormPage(templates.ProviderFormView{}))
}

func (s *Server) handleProviderEditPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.app.Provider(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p := v.Provider
	in := assess.ProviderInput{Name: p.Name, Offering: p.Offering, ServiceModel: string(p.ServiceModel), Website: p.Website, Notes: p.Notes}
	s.render(w, r, http.StatusOK, templates.ProviderFormPage(templates.ProviderFormView{ID: id, Input: in}))
}

// providerForm reads the provider fields of a submitted form.
func providerForm(w http.ResponseWriter, r *http.Request) (assess.ProviderInput, error) {
	if err := parseForm(w, r); err != nil {
		return assess.ProviderInput{}, err
	}
	return assess.ProviderInput{
		Name: r.PostForm.Get("name"), Offering: r.PostForm.Get("offering"),
		ServiceModel: r.PostForm.Get("service_model"), Website: r.PostForm.Get("website"),
		Notes: r.PostForm.Get("notes"),
	}, nil
}

func (s *Server) handleProviderCreateForm(w http.ResponseWriter, r *http.Request) {
	s.saveProviderForm(w, r, 0)
}

func (s *Server) handleProviderUpdateForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.saveProviderForm(w, r, id)
}

// saveProviderForm adds (id 0) or updates a provider from the form; a refused form comes back
// with the person's input and each field's problem.
func (s *Server) saveProviderForm(w http.ResponseWriter, r *http.Request, id int64) {
	in, err := providerForm(w, r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var p assess.Provider
	if id == 0 {
		p, err = s.app.CreateProvider(r.Context(), principal(r), in)
	} else {
		p, err = s.app.UpdateProvider(r.Context(), principal(r), id, in)
	}
	if errors.Is(err, assess.ErrNameTaken) {
		err = assess.Invalid("name", "%s", assess.ErrNameTaken.Error())
		w.Header().Set("X-Shareline-Conflict", "name")
		s.renderProviderForm(w, r, http.StatusConflict, id, in, err)
		return
	}
	var ve *assess.ValidationError
	if errors.As(err, &ve) {
		s.renderProviderForm(w, r, http.StatusUnprocessableEntity, id, in, err)
		return
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/providers/"+idString(p.ID), http.StatusSeeOther)
}

func (s *Server) renderProviderForm(w http.ResponseWriter, r *http.Request, status int, id int64, in assess.ProviderInput, err error) {
	var ve *assess.ValidationError
	errors.As(err, &ve)
	s.render(w, r, status, templates.ProviderFormPage(templates.ProviderFormView{ID: id, Input: in, Errors: ve.Fields}))
}

func (s *Server) handleProviderPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.app.Provider(r.Context(), principal(r), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	res := app.Resource{ProviderID: id}
	active := assess.CheckActive(v.Provider) == nil
	s.render(w, r, http.StatusOK, templates.ProviderPage(templates.ProviderView{
		Provider: v.Provider, Evaluations: v.Evaluations, Current: v.Current, Draft: v.Draft,
		CanEdit:    active && can(r, app.EditProviders, res),
		CanStart:   active && can(r, app.StartEvaluations, res) && assess.CheckStartable(v.Evaluations) == nil,
		CanArchive: can(r, app.EditProviders, res) && assess.CheckArchivable(v.Provider) == nil,
		CanRestore: can(r, app.EditProviders, res) && assess.CheckRestorable(v.Provider) == nil,
		Notice:     providerNotices[r.URL.Query().Get("done")],
	}))
}

// providerNotices are what the provider page says after a change it was sent back to.
var providerNotices = map[string]string{
	"archived": "Archived: the provider is hidden from the lists, the portfolio, exports and comparisons. Its evaluations are kept, read-only, until it is restored.",
	"restored": "Restored: the provider is listed, counted and compared again, and its evaluations can change again.",
}
