package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

func TestQuestionnaireGet(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, target := range []string{
		"/api/v1/questionnaires/shared-responsibility",
		"/api/v1/questionnaires/shared-responsibility?version=1",
	} {
		t.Run(target, func(t *testing.T) {
			r := a.get(t, target)
			var q struct {
				Key       string `json:"key"`
				Version   int    `json:"version"`
				Title     string `json:"title"`
				Questions []struct {
					Key      string           `json:"key"`
					Title    string           `json:"title"`
					Elements []map[string]any `json:"elements"`
				} `json:"questions"`
				Split struct {
					Layers []struct {
						Key string `json:"key"`
					} `json:"layers"`
					Owners    []string                     `json:"owners"`
					Reference map[string]map[string]string `json:"reference"`
				} `json:"split"`
			}
			decodeJSON(t, r, http.StatusOK, "Questionnaire", &q)
			if q.Key != "shared-responsibility" || q.Version != 1 || q.Title == "" {
				t.Errorf("key, version, title: got %q, %d, %q, want shared-responsibility, 1 and a title", q.Key, q.Version, q.Title)
			}
			var keys []string
			elements := map[string]map[string]any{}
			for _, qu := range q.Questions {
				keys = append(keys, qu.Key)
				for _, el := range qu.Elements {
					elements[qu.Key+"."+el["key"].(string)] = el
				}
			}
			wantKeys := []string{"shared_model", "abuse_cases", "assessments", "monitoring", "incident_response"}
			if !slices.Equal(keys, wantKeys) {
				t.Errorf("questions: got %v, want %v", keys, wantKeys)
			}
			if len(elements) != 22 {
				t.Errorf("elements: got %d, want 22", len(elements))
			}
			for ref, el := range elements {
				for _, field := range []string{"key", "label", "help", "type", "weight", "evidence"} {
					if _, ok := el[field]; !ok {
						t.Errorf("element %s: no %q, want every element to carry it", ref, field)
					}
				}
				if typ := el["type"]; (typ == "multi" || typ == "choice") != (el["options"] != nil) {
					t.Errorf("element %s of type %v: options %v, want options exactly on choice and multi elements", ref, typ, el["options"])
				}
			}
			checks := []struct {
				ref, field string
				want       any
			}{
				{"shared_model.matrix", "type", "matrix"},
				{"shared_model.matrix", "weight", 2.0},
				{"shared_model.documented", "evidence", true},
				{"abuse_cases.malware", "evidence", false},
				{"abuse_cases.malware", "weight", 1.0},
				{"assessments.certifications", "type", "multi"},
				{"assessments.last_independent_audit", "type", "date"},
				{"monitoring.log_retention_days", "unit", "days"},
				{"incident_response.notification_hours", "unit", "hours"},
			}
			for _, c := range checks {
				if got := elements[c.ref][c.field]; got != c.want {
					t.Errorf("%s %s: got %v, want %v", c.ref, c.field, got, c.want)
				}
			}
			var options []string
			for _, o := range elements["assessments.certifications"]["options"].([]any) {
				options = append(options, o.(map[string]any)["key"].(string))
			}
			wantOptions := []string{"soc2_type2", "iso27001", "iso27017", "iso27018", "csa_star_level2", "fedramp", "pci_dss", "other"}
			if !slices.Equal(options, wantOptions) {
				t.Errorf("certifications options: got %v, want %v", options, wantOptions)
			}
			if len(q.Split.Layers) != 8 || len(q.Split.Owners) != 4 {
				t.Errorf("split layers, owners: got %v, %v, want 8 layers and 4 owners", q.Split.Layers, q.Split.Owners)
			}
			for _, s := range []struct{ model, layer, owner string }{
				{"saas", "application", "provider"}, {"saas", "user_activity", "shared"},
				{"paas", "application", "shared"}, {"iaas", "network", "shared"}, {"iaas", "os", "customer"},
				{"iaas", "privileged_actions", "customer"},
			} {
				if got := q.Split.Reference[s.model][s.layer]; got != s.owner {
					t.Errorf("split.reference.%s.%s: got %q, want %q", s.model, s.layer, got, s.owner)
				}
			}
		})
	}
}

func TestQuestionnaireGetRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cases := []struct {
		target string
		status int
		code   string
		field  string
	}{
		{"/api/v1/questionnaires/no-such-questionnaire", http.StatusNotFound, "not_found", ""},
		{"/api/v1/questionnaires/shared-responsibility?version=9", http.StatusNotFound, "not_found", ""},
		{"/api/v1/questionnaires/shared-responsibility?version=0", http.StatusNotFound, "not_found", ""},
		{"/api/v1/questionnaires/shared-responsibility?version=-1", http.StatusNotFound, "not_found", ""},
		{"/api/v1/questionnaires/shared-responsibility?version=x", http.StatusUnprocessableEntity, "invalid", "version"},
		{"/api/v1/questionnaires/shared-responsibility?version=1.0", http.StatusUnprocessableEntity, "invalid", "version"},
		{"/api/v1/questionnaires/shared-responsibility?version=99999999999999999999", http.StatusUnprocessableEntity, "invalid", "version"},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			wantAPIError(t, a.get(t, c.target), c.status, c.code, c.field)
		})
	}
}

// Routes the API does not have answer in JSON too.
func TestAPIUnknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	wantAPIError(t, a.get(t, "/api/v1/no-such-thing"), http.StatusNotFound, "not_found", "")
	r := a.sendJSON(t, http.MethodDelete, "/api/v1/providers", json.RawMessage(`{}`))
	wantAPIError(t, r, http.StatusMethodNotAllowed, "method_not_allowed", "")
}
