package main

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// options are what tests inject; the zero value is production.
type options struct {
	getenv func(string) string
	// model, when set, serves every tenant instead of the environment's.
	model ai.Model
	// afterTool is called after each tool's effect.
	afterTool func(run *aigentic.AgentRun, tool string)
	// addWorkers, when set, registers more River workers (the
	// benchmarks' no-op job).
	addWorkers func(*river.Workers)
	// onListen receives the API's address once it listens.
	onListen func(addr string)
	// eventPoll is the SSE poll interval (default 250ms).
	eventPoll time.Duration
	// now is the clock of admission and the refusal log (default time.Now).
	now func() time.Time
}

// run is the service: parse flags, open the database, start the roles,
// and stop cleanly when ctx ends (SIGINT/SIGTERM). `service keygen ...`
// makes an API key instead (keygen.go).
func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "keygen" {
		return runKeygen(args[1:], out)
	}
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
	logger := newLogger(out, slog.LevelInfo)
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
	if o.now == nil {
		o.now = time.Now
	}
	if err := secret.RegisterPattern(keyPattern); err != nil { // the service's own keys are secrets too
		return nil, err
	}
	s := &service{cfg: cfg, logger: logger, logLevel: slog.LevelInfo, afterTool: o.afterTool, addWorkers: o.addWorkers, eventPoll: o.eventPoll,
		stopping: make(chan struct{}), now: o.now}
	if s.eventPoll <= 0 {
		s.eventPoll = 250 * time.Millisecond
	}
	file, demo := builtinTenants(), true
	if cfg.tenantsFile != "" {
		var err error
		if file, err = loadTenants(cfg.tenantsFile); err != nil {
			return nil, cli.Usage(err)
		}
		demo = false
	}
	settings, err := provider.FromEnv(o.getenv)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(file.Tenants))
	for id := range file.Tenants {
		ids = append(ids, id)
	}
	if s.telemetry, err = newTelemetry(ctx, ids...); err != nil {
		return nil, err
	}
	s.metrics = newServiceMetrics(s.telemetry.MeterProvider)
	s.refusals = newRefusalLog(logger, s.metrics.refused, s.now)
	fail := func(err error) (*service, error) {
		s.close()
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
		// Every model behind a circuit breaker (breaker.go).
		fm, err := withBreaker(m, s.telemetry.MeterProvider, logger)
		if err != nil {
			return nil, err
		}
		s.breakers = append(s.breakers, fm)
		models[name] = fm
		s.models = append(s.models, fm)
		return fm, nil
	}
	if s.tenants, err = newTenants(file.Tenants, cfg.rescueAfter, cfg.workers, modelFor); err != nil {
		return fail(cli.Usage(err))
	}
	keys, err := file.keyring()
	if err != nil {
		return fail(cli.Usage(err))
	}
	s.auth = &authenticator{keys: keys, tenants: s.tenants, proxies: cfg.trustedProxies}
	if demo {
		s.auth.demo = s.tenants[defaultTenantID]
	}
	if s.db, err = openDatabase(ctx, cfg.dbURL, min(s.totalWorkers(), 100)+5); err != nil {
		return fail(err)
	}
	for _, w := range s.db.warnings {
		logger.Warn("database migration incomplete", "error", w)
	}
	s.store = &store{db: s.db.sql, now: s.now, postgres: s.db.kind == dbPostgres}
	if s.queue, err = s.db.queue.newClient(s.riverConfig()); err != nil {
		return fail(fmt.Errorf("river client: %w", err))
	}
	s.admit = &admission{queue: s.queue, reads: s.db.sql, kind: s.db.kind, now: s.now, idempotencyWindow: cfg.idempotencyWindow}
	if err := s.registerGauges(); err != nil {
		return fail(fmt.Errorf("metrics: %w", err))
	}
	if cfg.serves() {
		if s.ui, err = s.queue.uiHandler(logger.With("component", "riverui"), riverUIPrefix); err != nil {
			return fail(fmt.Errorf("river UI: %w", err))
		}
	}
	return s, nil
}

// close releases what newService made when it fails half-way: the
// database, the breakers' metric callbacks, the telemetry providers.
func (s *service) close() {
	if s.db != nil {
		s.db.Close()
	}
	for _, b := range s.breakers {
		_ = b.Close()
	}
	if s.metrics != nil && s.metrics.gaugeReg != nil {
		_ = s.metrics.gaugeReg.Unregister()
	}
	if s.telemetry != nil {
		s.shutdownTelemetry()
	}
}

// riverConfig is River's client configuration for this process's role.
func (s *service) riverConfig() *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &AskWorker{svc: s})
	river.AddWorker(workers, &PruneWorker{svc: s})
	if s.addWorkers != nil {
		s.addWorkers(workers)
	}
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
		// A completed job is kept as long as its Idempotency-Key counts,
		// so that a retry within the window can still GET it; the
		// service's own rows of a job River deleted are pruned after the
		// same retention (prune.go).
		CompletedJobRetentionPeriod: s.cfg.rowRetention(),
	}
	if s.cfg.works() {
		c.Queues = s.riverQueues()
		// River runs periodic jobs on the elected leader among the
		// processes that work jobs.
		c.PeriodicJobs = []*river.PeriodicJob{prunePeriodicJob()}
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
	if s.auth.demo != nil {
		if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
			ln.Close()
			return cli.Usagef("-addr %s: without -tenants the service is a local demo with no API keys (one tenant, open to anyone who can connect), so it listens only on a loopback address such as 127.0.0.1:8080; give -tenants with keys to serve a network", s.cfg.addr)
		}
	}
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: maxHeaderBytes, ErrorLog: slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn)}
	var debug *http.Server
	if s.cfg.debugAddr != "" {
		dln, err := net.Listen("tcp", s.cfg.debugAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen -debug-addr %s: %w", s.cfg.debugAddr, err)
		}
		debug = &http.Server{Handler: loopbackOnly(debugRoutes()), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = debug.Serve(dln) }()
		s.logger.Warn("debug endpoints on", "addr", dln.Addr().String())
	}
	if s.cfg.works() {
		if err := s.queue.Start(ctx); err != nil {
			ln.Close()
			return fmt.Errorf("start river: %w", err)
		}
	}
	uiCtx, stopUI := context.WithCancel(context.WithoutCancel(ctx))
	defer stopUI()
	if s.ui != nil {
		// River's UI caches counts in the background until stopUI.
		if err := s.ui.Start(uiCtx); err != nil {
			ln.Close()
			return fmt.Errorf("start River's UI: %w", err)
		}
	}
	s.logger.Info("service started", "role", s.cfg.role, "addr", ln.Addr().String(), "database", s.db.kind, "tenants", len(s.tenants),
		"keys", s.auth.keys.len(), "local_demo", s.auth.demo != nil, "trusted_proxies", len(s.cfg.trustedProxies), "rescue_after", s.cfg.rescueAfter)
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
	stopUI()
	for _, b := range s.breakers {
		_ = b.Close()
	}
	s.shutdownTelemetry()
	s.logger.Info("stopped")
	return err
}

// debugRoutes are pprof's handlers, served only on -debug-addr (a
// loopback address, config.go). /debug/pprof/cmdline is not served: the
// command line may hold a -db URL's password. Every other handler is
// registered by name (pprof.Index would answer any name under the
// prefix), the named runtime profiles through pprof.Handler.
// loopbackOnly refuses, with 421, a request whose Host is not a loopback
// name (loopbackHost): the profiler listens on loopback and has no login,
// so a web page could otherwise reach it by DNS rebinding.
func loopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "misdirected request: this server answers only to a loopback Host (localhost, 127.0.0.1, [::1])", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func debugRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/{$}", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	for _, name := range debugProfiles {
		mux.Handle("GET /debug/pprof/"+name, pprof.Handler(name))
	}
	return mux
}

// debugProfiles are the runtime's named profiles (runtime/pprof's
// predefined ones) served on -debug-addr.
var debugProfiles = []string{"allocs", "block", "goroutine", "heap", "mutex", "threadcreate"}
