package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// The API's shapes, as a client reads them.

type providerOut struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Offering     string   `json:"offering"`
	ServiceModel string   `json:"service_model"`
	Website      string   `json:"website"`
	Notes        string   `json:"notes"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
	Score        *float64 `json:"score"`
	Tier         string   `json:"tier"`
	// LatestEvaluation is the current (latest completed) evaluation, which speaks for the provider.
	LatestEvaluation *headOut `json:"current_evaluation"`
	DraftEvaluation  *headOut `json:"draft_evaluation"`
	ArchivedAt       *string  `json:"archived_at"`
	ArchivedBy       *string  `json:"archived_by"`
}

type headOut struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	Score    float64 `json:"score"`
	Tier     string  `json:"tier"`
	Progress float64 `json:"progress"`
	AsOf     string  `json:"as_of"`
}

type listOut struct {
	Providers      []providerOut `json:"providers"`
	Total          int           `json:"total"`
	NextAfter      string        `json:"next_after"`
	PreviousBefore string        `json:"previous_before"`
}

type evidenceOut struct {
	URL           string `json:"url"`
	FileID        string `json:"file_id"`
	Name          string `json:"name"`
	Size          int64  `json:"size"`
	SHA256        string `json:"sha256"`
	EffectiveDate string `json:"effective_date"`
	ValidUntil    string `json:"valid_until"`
}

type answerOut struct {
	Value       json.RawMessage `json:"value"`
	Explanation string          `json:"explanation"`
	Evidence    []evidenceOut   `json:"evidence"`
	Version     int             `json:"version"`
	UpdatedAt   string          `json:"updated_at"`
	Review      *reviewOut      `json:"review"`
	AnsweredBy  *answeredByOut  `json:"answered_by"`
}

type reviewOut struct {
	Verdict string       `json:"verdict"`
	Comment string       `json:"comment"`
	By      *string      `json:"by"`
	Open    bool         `json:"open"`
	Thread  []messageOut `json:"thread"`
}

type messageOut struct {
	Body   string `json:"body"`
	Author string `json:"author"`
	From   string `json:"from"`
}

type answeredByOut struct {
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	RequestID *string `json:"request_id"`
}

type questionScoreOut struct {
	Score    *float64 `json:"score"`
	Progress float64  `json:"progress"`
}

type scoreOut struct {
	Overall        float64                     `json:"overall"`
	Tier           string                      `json:"tier"`
	Progress       float64                     `json:"progress"`
	Evidenced      float64                     `json:"evidenced"`
	Verified       float64                     `json:"verified"`
	AsOf           string                      `json:"as_of"`
	ScoringVersion int                         `json:"scoring_version"`
	Questions      map[string]questionScoreOut `json:"questions"`
}

type deviationOut struct {
	Layer     string `json:"layer"`
	Claimed   string `json:"claimed"`
	Reference string `json:"reference"`
}

type evaluationOut struct {
	ID            string `json:"id"`
	ProviderID    string `json:"provider_id"`
	Status        string `json:"status"`
	Questionnaire struct {
		Key     string `json:"key"`
		Version int    `json:"version"`
	} `json:"questionnaire"`
	CreatedAt    string               `json:"created_at"`
	UpdatedAt    string               `json:"updated_at"`
	Answers      map[string]answerOut `json:"answers"`
	Score        scoreOut             `json:"score"`
	Deviations   []deviationOut       `json:"deviations"`
	Retained     []string             `json:"retained"`
	RetainedFrom string               `json:"retained_from"`
}

type savedOut struct {
	answerOut
	Score scoreOut `json:"score"`
}

// Shortcuts through the API for the state a test starts from.

func (a *testApp) createProvider(t *testing.T, name, model string) providerOut {
	t.Helper()
	var p providerOut
	r := a.sendJSON(t, http.MethodPost, "/api/v1/providers", map[string]string{"name": name, "service_model": model})
	decodeJSON(t, r, http.StatusCreated, "Provider", &p)
	return p
}

func (a *testApp) provider(t *testing.T, id string) providerOut {
	t.Helper()
	var p providerOut
	decodeJSON(t, a.get(t, "/api/v1/providers/"+id), http.StatusOK, "Provider", &p)
	return p
}

// listProviders reads one page of the provider list; query is the raw query string.
func (a *testApp) listProviders(t *testing.T, query string) listOut {
	t.Helper()
	var l listOut
	decodeJSON(t, a.get(t, "/api/v1/providers?"+query), http.StatusOK, "ProviderList", &l)
	return l
}

// countProviders is how many providers have a name containing word.
func (a *testApp) countProviders(t *testing.T, word string) int {
	t.Helper()
	return a.listProviders(t, "q="+url.QueryEscape(word)).Total
}

func (a *testApp) startEvaluation(t *testing.T, providerID string) evaluationOut {
	t.Helper()
	var ev evaluationOut
	decodeJSON(t, a.do(t, http.MethodPost, "/api/v1/providers/"+providerID+"/evaluations", nil, nil), http.StatusCreated, "Evaluation", &ev)
	return ev
}

func (a *testApp) evaluation(t *testing.T, id string) evaluationOut {
	t.Helper()
	var ev evaluationOut
	decodeJSON(t, a.get(t, "/api/v1/evaluations/"+id), http.StatusOK, "Evaluation", &ev)
	return ev
}

func (a *testApp) putAnswer(t *testing.T, evaluationID, ref string, body any) response {
	t.Helper()
	return a.sendJSON(t, http.MethodPut, "/api/v1/evaluations/"+evaluationID+"/answers/"+ref, body)
}

// answer saves an answer that must be accepted and returns what the API answered.
func (a *testApp) answer(t *testing.T, evaluationID, ref string, body any) savedOut {
	t.Helper()
	var s savedOut
	decodeJSON(t, a.putAnswer(t, evaluationID, ref, body), http.StatusOK, "AnswerSaved", &s)
	return s
}

// evaluated creates a provider with an evaluation.
func (a *testApp) evaluated(t *testing.T, name, model string) (providerOut, evaluationOut) {
	t.Helper()
	p := a.createProvider(t, name, model)
	return p, a.startEvaluation(t, p.ID)
}

// saasMatrix is the reference split for SaaS, with any layers replaced.
func saasMatrix(replace map[string]string) map[string]string {
	m := map[string]string{
		"physical": "provider", "hypervisor": "provider", "network": "provider", "os": "provider",
		"application": "provider", "user_activity": "shared", "user_permissions": "customer",
		"privileged_actions": "customer",
	}
	for k, v := range replace {
		m[k] = v
	}
	return m
}

// workedExample answers abuse_cases as QUESTIONNAIRE.md's worked example does: every element
// yes except malware (partial) and abuse_reporting (not applicable), which scores 83.3.
func (a *testApp) workedExample(t *testing.T, evaluationID string) savedOut {
	t.Helper()
	a.answer(t, evaluationID, "abuse_cases.app_vulnerabilities", map[string]any{"value": "yes"})
	a.answer(t, evaluationID, "abuse_cases.malware", map[string]any{"value": "partial"})
	a.answer(t, evaluationID, "abuse_cases.privilege_abuse", map[string]any{"value": "yes"})
	return a.answer(t, evaluationID, "abuse_cases.abuse_reporting", map[string]any{"value": "not_applicable"})
}
