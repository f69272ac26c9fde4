package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsRegistry holds the Go runtime, process and database pool metrics; the server adds its
// request metrics.
func metricsRegistry(pool *pgxpool.Pool) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gauge := func(name, help string, f func(*pgxpool.Stat) float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "shareline_db_pool_" + name, Help: help},
			func() float64 { return f(pool.Stat()) }))
	}
	gauge("total_conns", "Connections in the pool.", func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) })
	gauge("acquired_conns", "Connections in use.", func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) })
	gauge("idle_conns", "Idle connections.", func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) })
	gauge("max_conns", "Most connections the pool opens.", func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) })
	gauge("acquire_count", "Connections acquired since start.", func(s *pgxpool.Stat) float64 { return float64(s.AcquireCount()) })
	gauge("empty_acquire_count", "Acquires that had to wait for a connection.", func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) })
	gauge("acquire_seconds_total", "Time spent acquiring connections.", func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() })
	return reg
}

// checkMetricsAddr refuses a metrics address that other machines could reach, unless public:
// the listener asks for no account. Host names other than localhost pass here and are checked
// once bound (see serveMetrics).
func checkMetricsAddr(addr string, public bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("SHARELINE_METRICS_ADDR (--metrics-addr) %q: want host:port, such as 127.0.0.1:9090: %v", addr, err)
	}
	if public {
		return nil
	}
	// An empty host is every interface.
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && !ip.Unmap().IsLoopback()) {
		return notLoopback(strconv.Quote(addr))
	}
	return nil
}

func notLoopback(addr string) error {
	return fmt.Errorf("SHARELINE_METRICS_ADDR (--metrics-addr) %s is not a loopback address: the metrics listener asks for no account, "+
		"so it listens on 127.0.0.1 or [::1] only; set SHARELINE_METRICS_PUBLIC=true (--metrics-public) to serve it beyond this machine "+
		"(behind a firewall, or a proxy that checks who scrapes)", addr)
}

// serveMetrics serves /metrics on its own address, kept off the public listener so that no
// account is needed to scrape it, until ctx ends; with cfg.Pprof also Go profiles at
// /debug/pprof/. The address must be loopback unless cfg.MetricsPublic, and then a warning is
// logged. It returns the address it listens on.
func serveMetrics(ctx context.Context, cfg Config, reg *prometheus.Registry, log *slog.Logger) (net.Addr, error) {
	if err := checkMetricsAddr(cfg.MetricsAddr, cfg.MetricsPublic); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", cfg.MetricsAddr, err)
	}
	bound, _ := netip.ParseAddrPort(ln.Addr().String())
	if loopback := bound.Addr().Unmap().IsLoopback(); !loopback && !cfg.MetricsPublic {
		ln.Close() // a host name that resolved beyond this machine
		return nil, notLoopback(fmt.Sprintf("%q (bound to %s)", cfg.MetricsAddr, ln.Addr()))
	} else if !loopback {
		log.Warn("the metrics listener is not on loopback: whoever reaches it reads the metrics without an account; keep it behind a firewall",
			"addr", ln.Addr().String(), "pprof", cfg.Pprof)
	}
	srv := &http.Server{Handler: metricsHandler(reg, cfg.Pprof), ReadHeaderTimeout: 5 * time.Second}
	log.Info("metrics on http://"+ln.Addr().String()+"/metrics", "pprof", cfg.Pprof)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	}()
	return ln.Addr(), nil
}

// metricsHandler answers /metrics, and with pprof Go's profiles for finding where time goes.
func metricsHandler(reg *prometheus.Registry, withPprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if withPprof {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return mux
}
