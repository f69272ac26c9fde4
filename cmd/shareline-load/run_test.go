package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"shareline/internal/assess"
)

// fakeServer answers the routes the tool uses as Shareline does, checking credentials and
// every saved answer against the questionnaire; /compare is missing. It records the session
// cookies the pages were asked with.
func fakeServer(t *testing.T) (*httptest.Server, *sessionsSeen) {
	t.Helper()
	m, err := defaultAnswerMaker()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	signIns := 0
	seen := &sessionsSeen{cookies: map[string]bool{}}
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.PostFormValue("email") != "admin@localhost" || r.PostFormValue("password") != "a long password" {
			w.WriteHeader(http.StatusOK) // the form again, with an error
			return
		}
		signIns++
		http.SetCookie(w, &http.Cookie{Name: "shareline_session", Value: fmt.Sprintf("s3ss10n-%d", signIns)})
		http.Redirect(w, r, "/providers", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /api/v1/providers", func(w http.ResponseWriter, r *http.Request) {
		var page struct {
			Providers []map[string]any `json:"providers"`
			Total     int              `json:"total"`
			NextAfter string           `json:"next_after"`
		}
		page.Total, page.NextAfter = 30, "a-key"
		for i := range 30 {
			p := map[string]any{"id": fmt.Sprint(i + 1), "name": fmt.Sprintf("Acme Cloud %d", i), "service_model": "paas"}
			switch i % 3 {
			case 1: // completed, and reassessed: a new draft
				p["current_evaluation"] = map[string]any{"id": fmt.Sprint(100 + i)}
				p["draft_evaluation"] = map[string]any{"id": fmt.Sprint(200 + i)}
			case 2:
				p["draft_evaluation"] = map[string]any{"id": fmt.Sprint(200 + i)}
			}
			page.Providers = append(page.Providers, p)
		}
		json.NewEncoder(w).Encode(page)
	})
	mux.HandleFunc("PUT /api/v1/evaluations/{id}/answers/{ref}", func(w http.ResponseWriter, r *http.Request) {
		var in assess.AnswerInput
		question, element, _ := strings.Cut(r.PathValue("ref"), ".")
		if !strings.HasPrefix(r.PathValue("id"), "2") {
			http.Error(w, "a completed evaluation is locked", http.StatusConflict)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if _, err := m.q.NewAnswer(question, element, in, m.today); err != nil {
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	})
	for _, path := range []string{"GET /providers", "GET /evaluations/{id}", "GET /evaluations/{id}/report", "GET /evaluations/{id}/report.pdf", "GET /api/v1/providers/export.csv"} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>page</html>") })
	}
	srv := httptest.NewServer(requireCredentials(mux, seen))
	t.Cleanup(srv.Close)
	return srv, seen
}

// requireCredentials lets API calls through with the token and pages with a session, as
// Shareline does, recording the sessions.
func requireCredentials(next http.Handler, seen *sessionsSeen) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/api/")
		switch {
		case r.URL.Path == "/login":
		case api && r.Header.Get("Authorization") != "Bearer shl_tok":
			http.Error(w, "want the token", http.StatusUnauthorized)
			return
		case !api && !strings.HasPrefix(r.Header.Get("Cookie"), "shareline_session=s3ss10n-"):
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		case !api:
			seen.add(r.Header.Get("Cookie"))
		}
		next.ServeHTTP(w, r)
	})
}

type sessionsSeen struct {
	mu      sync.Mutex
	cookies map[string]bool
}

func (s *sessionsSeen) add(c string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cookies[c] = true
}

func TestRunDrivesEveryScenarioAndReportsErrors(t *testing.T) {
	srv, seen := fakeServer(t)
	var out, log strings.Builder
	args := []string{"--url", srv.URL, "--email", "admin@localhost", "--requests", "30", "--clients", "4"}
	err := run(context.Background(), args, env(map[string]string{"SHARELINE_TOKEN": "shl_tok", "SHARELINE_PASSWORD": "a long password"}), &out, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	text := out.String()
	for _, want := range []string{
		"| write-floor | skipped: the floors need --database-url |",
		"| save-answer | 4 | 30 | 0 |", "| list-page | 4 | 30 | 0 |", "| list-page-deep | 4 | 30 | 0 |", "| list-page-offset | 4 | 30 | 0 |",
		"| list-page-search | 4 | 30 | 0 |", "| evaluation-page | 4 | 30 | 0 |", "| report-page | 4 | 30 | 0 |",
		"| report-pdf | 4 | 30 | 0 |", "| compare-page | 4 | 30 | 30 |", "| portfolio-csv | 1 | 3 | 0 |",
		"- compare-page: GET /compare?ids=", "404 Not Found",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if len(seen.cookies) != 4 {
		t.Errorf("sessions the pages were asked with: got %d, want 4 (one per client)", len(seen.cookies))
	}
}

func TestRunFailsWhenItCannotSetUp(t *testing.T) {
	srv, _ := fakeServer(t)
	for name, args := range map[string][]string{
		"wrong password": {"--url", srv.URL, "--email", "admin@localhost", "--password", "wrong"},
		"wrong token":    {"--url", srv.URL, "--token", "shl_nope"},
		"no credentials": {"--url", srv.URL},
		"no server":      {"--url", "http://127.0.0.1:1", "--token", "shl_tok"},
		"bad scenario":   {"--url", srv.URL, "--token", "shl_tok", "--scenarios", "nonesuch"},
	} {
		err := run(context.Background(), append(args, "--requests", "1"), env(nil), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%s: got no error, want a setup failure", name)
		}
	}
}

func TestSelectScenariosTakesNamesAndTheirVariants(t *testing.T) {
	all := []scenario{{name: "save-answer"}, {name: "list-page"}, {name: "list-page-deep"}, {name: "report-page"}, {name: "report-pdf"}}
	got, err := selectScenarios(all, "list-page, report-pdf")
	if err != nil || names(got) != "list-page, list-page-deep, report-pdf" {
		t.Errorf("select list-page, report-pdf: got %q, %v", names(got), err)
	}
	if got, _ := selectScenarios(all, ""); len(got) != len(all) {
		t.Errorf("select nothing: got %d scenarios, want all %d", len(got), len(all))
	}
}

func TestAnswersAreValidForEveryElementAndModel(t *testing.T) {
	m, err := defaultAnswerMaker()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, model := range assess.ServiceModels {
		for i := range 400 {
			ref, body, err := m.answer(i, model)
			if err != nil {
				t.Fatal(err)
			}
			var in assess.AnswerInput
			if err := json.Unmarshal(body, &in); err != nil {
				t.Fatalf("answer %d: %s: %v", i, body, err)
			}
			question, element, _ := strings.Cut(ref, ".")
			if _, err := m.q.NewAnswer(question, element, in, m.today); err != nil {
				t.Errorf("answer %d to %s: %s: %v", i, ref, body, err)
			}
			seen[ref+" "+string(in.Value)] = true
		}
	}
	if len(seen) < 3*len(m.refs) {
		t.Errorf("distinct element values: got %d, want several per element (%d elements)", len(seen), len(m.refs))
	}
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}
