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

	"shareline/internal/app"
	"shareline/internal/assess"
	"shareline/internal/filestore"
	"shareline/internal/mail"
	"shareline/internal/postgres"
	"shareline/internal/questionnaires"
	"shareline/internal/server"
	"shareline/internal/sessionstore"
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
	db, err := openDatabase(ctx, cfg, stderr, cfg.Migrate)
	if err != nil {
		return err
	}
	defer db.Close(context.WithoutCancel(ctx))

	uc, store, err := openApp(ctx, db)
	if err != nil {
		return err
	}
	if err := bootstrapAdmin(ctx, uc, cfg, stdout); err != nil {
		return err
	}
	go maintain(ctx, uc, store, log)
	if err := useFiles(ctx, uc, cfg, log); err != nil {
		return err
	}
	if cfg.Mail != nil {
		log.Info("security notices and request links are also sent by email", "smtp", cfg.Mail.Addr(), "from", cfg.Mail.From)
		sender := mail.New(*cfg.Mail)
		uc.UseMailer(sender)
		go uc.RunNoticeMail(ctx, sender, app.MailOptions{BaseURL: cfg.BaseURL}, log)
	}
	// Expired sessions are deleted by the maintenance loop below rather than by the store's own
	// goroutine, whose stop races with its start. The table keeps a SHA-256 of each token only.
	sessions := sessionstore.New(pgxstore.NewWithCleanupInterval(db.pool, 0))
	opts := server.Options{
		App: uc, Log: log, Sessions: sessions,
		SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.proxies(log), BaseURL: cfg.BaseURL,
		API: server.APIOptions{CORSOrigins: cfg.CORSOrigins, RateLimit: cfg.APIRateLimit},
	}
	if cfg.MetricsAddr != "" {
		reg := metricsRegistry(db.pool)
		opts.Metrics = server.NewMetrics(reg)
		if _, err := serveMetrics(ctx, cfg, reg, log); err != nil {
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

// openApp builds the use cases on the database (the one place that wires app to postgres) and
// stores the built-in questionnaires, each version once.
func openApp(ctx context.Context, db *database) (*app.App, *postgres.Store, error) {
	builtin, err := questionnaires.Builtin()
	if err != nil {
		return nil, nil, err
	}
	store := postgres.New(db.pool)
	uc := app.New(store, nil)
	if err := uc.SeedQuestionnaires(ctx, builtin); err != nil {
		return nil, nil, err
	}
	return uc, store, nil
}

// maintain keeps stored scores current (once at start-up and again whenever the day changes,
// since date credits depend on the day) and deletes expired sessions every hour.
func maintain(ctx context.Context, uc *app.App, store *postgres.Store, log *slog.Logger) {
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
			n, err := uc.RefreshScores(ctx)
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

// useFiles keeps evidence files in the configured S3 bucket, else in the database.
func useFiles(ctx context.Context, uc *app.App, cfg Config, log *slog.Logger) error {
	if cfg.Files == nil {
		uc.UseFiles(nil, cfg.MaxUpload)
		log.Info("evidence files are kept in the database", "max_upload", assess.Bytes(cfg.MaxUpload))
		return nil
	}
	s3, err := filestore.NewS3(ctx, *cfg.Files)
	if err != nil {
		return err
	}
	uc.UseFiles(s3, cfg.MaxUpload)
	log.Info("evidence files are kept in an S3 bucket", "store", cfg.Files.String(), "max_upload", assess.Bytes(cfg.MaxUpload))
	return nil
}
