package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"shareline/internal/assess"
	"shareline/internal/postgres"
	"shareline/internal/server"
)

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, stdout, true)
	if err != nil {
		return err
	}
	db.Close(context.WithoutCancel(ctx))
	return nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig("serve", args, getenv, stderr)
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

	srv := server.New(server.Options{Store: postgres.New(db.pool, questionnaires), Questionnaires: questionnaires, Log: log})
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
