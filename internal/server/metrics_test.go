package server_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

func TestMetricsCountRequestsByRoutePattern(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	store := postgrestest.Store(t)
	srv := server.New(server.Options{Store: store, Questionnaires: questionnaires(t), Now: func() time.Time { return now },
		Log: slog.New(slog.DiscardHandler), Metrics: server.NewMetrics(reg)})
	a := &app{h: srv.Handler(), logs: &syncBuffer{}, store: store}
	a.header = a.signIn(t, a.addUser(t, "viewer"))
	wantStatus(t, a.get(t, "/providers"), http.StatusOK)
	wantStatus(t, a.get(t, "/providers/12345"), http.StatusNotFound)
	wantStatus(t, a.get(t, "/providers/67890"), http.StatusNotFound)

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "shareline_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			counts[labels["method"]+" "+labels["route"]+" "+labels["status"]] += m.GetCounter().GetValue()
		}
	}
	if counts["GET /providers 200"] != 1 {
		t.Errorf("GET /providers 200: got %v, want 1 (all: %v)", counts["GET /providers 200"], counts)
	}
	if counts["GET /providers/{id} 404"] != 2 {
		t.Errorf("GET /providers/{id} 404: got %v, want 2 counted under the pattern, not per id (all: %v)", counts["GET /providers/{id} 404"], counts)
	}
}
