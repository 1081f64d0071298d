package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// options are what tests inject; the zero value is production.
type options struct {
	getenv func(string) string
	// model, when set, serves every tenant instead of the environment's.
	model ai.Model
	// afterTool is called after each tool's effect.
	afterTool func(run *aigentic.AgentRun, tool string)
	// onListen receives the API's address once it listens.
	onListen func(addr string)
	// eventPoll is the SSE poll interval (default 250ms).
	eventPoll time.Duration
}

// run is the service: parse flags, open the database, start the roles,
// and stop cleanly when ctx ends (SIGINT/SIGTERM).
func run(ctx context.Context, args []string, out io.Writer) error {
	// Like every example, a .env in the working directory or this
	// repository's root supplies what the environment does not.
	return cli.WithDotEnv(func() error { return runWith(ctx, args, out, options{}) })
}

func runWith(ctx context.Context, args []string, out io.Writer, o options) error {
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	cfg, err := parseConfig(args, o.getenv, out)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := newService(ctx, cfg, logger, o)
	if err != nil {
		return err
	}
	defer s.db.Close()
	return s.serve(ctx, o.onListen)
}

// newService builds the tenants and their models, opens the database
// (migrating it) and River's client.
func newService(ctx context.Context, cfg config, logger *slog.Logger, o options) (*service, error) {
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	s := &service{cfg: cfg, logger: logger, logLevel: slog.LevelInfo, afterTool: o.afterTool, eventPoll: o.eventPoll, stopping: make(chan struct{})}
	if s.eventPoll <= 0 {
		s.eventPoll = 250 * time.Millisecond
	}
	cfgs, fallback := builtinTenants(), defaultTenantID
	if cfg.tenantsFile != "" {
		var err error
		if cfgs, err = loadTenants(cfg.tenantsFile); err != nil {
			return nil, cli.Usage(err)
		}
		fallback = ""
	}
	settings, err := provider.FromEnv(o.getenv)
	if err != nil {
		return nil, err
	}
	models := map[string]ai.Model{}
	modelFor := func(name string) (ai.Model, error) {
		if o.model != nil {
			name = ""
		}
		if m, ok := models[name]; ok {
			return m, nil
		}
		m := o.model
		if m == nil {
			st := settings
			if name != "" {
				st.Model = name
			}
			var desc string
			if m, desc, err = provider.New(st); err != nil {
				return nil, err
			}
			logger.Info("model", "tenant_model", name, "description", desc)
		}
		models[name] = m
		s.models = append(s.models, m)
		return m, nil
	}
	if s.tenants, err = newTenants(cfgs, cfg.rescueAfter, modelFor); err != nil {
		return nil, cli.Usage(err)
	}
	if s.db, err = openDatabase(ctx, cfg.dbURL, cfg.workers+5); err != nil {
		return nil, err
	}
	s.store = &store{db: s.db.sql, now: time.Now}
	s.admit = &admission{tenants: s.tenants, usage: s.store, fallback: fallback, now: time.Now}
	if s.queue, err = s.db.queue.newClient(s.riverConfig()); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("river client: %w", err)
	}
	if s.telemetry, err = newTelemetry(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// riverConfig is River's client configuration for this process's role.
func (s *service) riverConfig() *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &AskWorker{svc: s})
	var maxTimeout time.Duration
	for _, t := range s.tenants {
		maxTimeout = max(maxTimeout, t.cfg.Timeout)
	}
	c := &river.Config{
		Workers:              workers,
		Logger:               s.logger.With("component", "river"),
		JobTimeout:           maxTimeout,
		RescueStuckJobsAfter: s.cfg.rescueAfter,
		SoftStopTimeout:      s.cfg.softStop,
		FetchPollInterval:    s.cfg.pollInterval,
		FetchCooldown:        min(river.FetchCooldownDefault, s.cfg.pollInterval),
	}
	if s.cfg.works() {
		c.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: s.cfg.workers}}
	}
	return c
}

// serve runs the HTTP server (and River's workers, by role) until ctx
// ends, then shuts down in order: stop accepting and finish in-flight
// requests; stop River softly (running jobs get -shutdown-grace to
// finish, then their contexts are cancelled; they snooze and resume from
// their checkpoints on the next worker).
func (s *service) serve(ctx context.Context, onListen func(string)) error {
	ln, err := net.Listen("tcp", s.cfg.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.addr, err)
	}
	srv := &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	var debug *http.Server
	if s.cfg.debugAddr != "" {
		dln, err := net.Listen("tcp", s.cfg.debugAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen -debug-addr %s: %w", s.cfg.debugAddr, err)
		}
		debug = &http.Server{Handler: debugRoutes(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = debug.Serve(dln) }()
		s.logger.Warn("debug endpoints on", "addr", dln.Addr().String())
	}
	if s.cfg.works() {
		if err := s.queue.Start(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("start river: %w", err)
		}
	}
	s.logger.Info("service started", "role", s.cfg.role, "addr", ln.Addr().String(), "database", s.db.kind, "tenants", len(s.tenants), "rescue_after", s.cfg.rescueAfter)
	var wg sync.WaitGroup
	serveErr := make(chan error, 1)
	wg.Go(func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
	})
	if onListen != nil {
		onListen(ln.Addr().String())
	}
	select {
	case <-ctx.Done():
	case err = <-serveErr:
	}
	s.logger.Info("shutting down: no new requests; finishing in-flight requests and jobs", "grace", s.cfg.softStop)
	close(s.stopping)
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if herr := srv.Shutdown(sctx); herr != nil {
		s.logger.Warn("HTTP shutdown incomplete", "error", herr)
	}
	wg.Wait()
	if debug != nil {
		_ = debug.Close()
	}
	if s.cfg.works() {
		rctx, rcancel := context.WithTimeout(context.Background(), s.cfg.softStop+10*time.Second)
		defer rcancel()
		if rerr := s.queue.Stop(rctx); rerr != nil {
			s.logger.Warn("River did not stop in time; cancelling jobs", "error", rerr)
			cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer ccancel()
			_ = s.queue.StopAndCancel(cctx)
		}
	}
	s.shutdownTelemetry()
	s.logger.Info("stopped")
	return err
}

// debugRoutes are pprof's handlers, served only on -debug-addr.
func debugRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
