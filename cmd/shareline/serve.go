package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"

	"shareline/internal/assess"
	"shareline/internal/postgres"
	"shareline/internal/server"
)

func migrate(ctx context.Context, args []string, c console) error {
	cfg, err := parseConfig("migrate", args, c)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, c.stdout, true)
	if err != nil {
		return err
	}
	db.Close(context.WithoutCancel(ctx))
	return nil
}

func serve(ctx context.Context, args []string, c console) error {
	stdout, stderr := c.stdout, c.stderr
	cfg, err := parseConfig("serve", args, c)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	questionnaires, err := assess.Questionnaires()
	if err != nil {
		return fmt.Errorf("built-in questionnaires: %w", err)
	}
	db, err := openDatabase(ctx, cfg, stderr, cfg.Migrate)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))

	store := postgres.New(db.pool, questionnaires)
	if err := bootstrapAdmin(ctx, store, cfg, stdout); err != nil {
		return err
	}
	go maintain(ctx, store, log)
	// Expired sessions are deleted by the maintenance loop below rather than by the store's own
	// goroutine, whose stop races with its start.
	sessions := pgxstore.NewWithCleanupInterval(db.pool, 0)
	opts := server.Options{
		Store: store, Questionnaires: questionnaires, Log: log, Sessions: sessions,
		SecureCookies: cfg.SecureCookies, TrustProxy: cfg.TrustProxy,
	}
	if cfg.MetricsAddr != "" {
		reg := metricsRegistry(db.pool)
		opts.Metrics = server.NewMetrics(reg)
		if err := serveMetrics(ctx, cfg.MetricsAddr, reg, stderr); err != nil {
			return err
		}
	}
	srv := server.New(opts)
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	fmt.Fprintf(stdout, "Shareline is serving on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// maintain keeps stored scores current (once at start-up and again whenever the day changes,
// since date credits depend on the day) and deletes expired sessions every hour.
func maintain(ctx context.Context, store *postgres.Store, log *slog.Logger) {
	var last assess.Date
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for i := 0; ; i++ {
		if i%60 == 0 {
			if _, err := store.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
				log.Error("deleting expired sessions", "err", err)
			}
		}
		if today := assess.DateOf(time.Now()); today != last {
			n, err := store.RefreshScores(ctx, today)
			if err != nil && ctx.Err() == nil {
				log.Error("refreshing stored scores", "err", err, "refreshed", n)
			} else {
				last = today
				if n > 0 {
					log.Info("refreshed stored scores for the new day", "evaluations", n, "as_of", today.String())
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
