package server_test

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"shareline/internal/app"
	"shareline/internal/postgres/postgrestest"
	"shareline/internal/server"
)

func TestMetricsCountRequestsByRoutePattern(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	store := postgrestest.Store(t)
	uc := app.New(store, func() time.Time { return now })
	srv := server.New(server.Options{App: uc, Now: func() time.Time { return now },
		Log: slog.New(slog.DiscardHandler), Metrics: server.NewMetrics(reg)})
	a := &testApp{h: srv.Handler(), logs: &syncBuffer{}, uc: uc}
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
