package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// Roles a process can take (-role).
const (
	roleAPI    = "api"    // serves HTTP; inserts jobs, works none
	roleWorker = "worker" // works jobs; serves only /healthz, /readyz and /metrics
	roleAll    = "all"    // both, in one process (the default)
)

// DefaultRescueAfter is -rescue-after's default: how long a job may stay
// in River's running state without finishing before River's rescuer hands
// it to another worker. River's own default is an hour; a crashed worker's
// job should not wait that long. It must exceed every tenant's timeout
// (the job's River timeout), or a job still working would be rescued.
const DefaultRescueAfter = 5 * time.Minute

// config is the parsed command line.
type config struct {
	role         string
	addr         string
	debugAddr    string
	tenantsFile  string
	dbURL        string
	rescueAfter  time.Duration
	softStop     time.Duration
	pollInterval time.Duration
	workers      int
	// idempotencyWindow is how long an Idempotency-Key counts.
	idempotencyWindow time.Duration
	// maxEventStreams is each tenant's cap on open event streams.
	maxEventStreams int
	// trustedProxies are the addresses whose X-Tenant-ID is believed.
	trustedProxies []netip.Prefix
}

func (c config) serves() bool { return c.role == roleAPI || c.role == roleAll }
func (c config) works() bool  { return c.role == roleWorker || c.role == roleAll }

// parseConfig reads the flags; DATABASE_URL (through getenv) when -db is
// absent; the default database is a SQLite file under the user's cache
// directory. Errors are *cli.UsageError.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.role, "role", roleAll, "what this process does: api (HTTP only), worker (jobs only) or all")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "HTTP listen address")
	fs.StringVar(&c.debugAddr, "debug-addr", "", "opt-in loopback address for /debug/pprof, e.g. 127.0.0.1:6060 (empty: off); it has no login, so any other address is refused")
	fs.StringVar(&c.tenantsFile, "tenants", "", "tenants file (YAML or JSON); empty: one built-in tenant \"default\"")
	fs.StringVar(&c.dbURL, "db", "", "database: sqlite:///path/to/file.db or postgres://...; default DATABASE_URL, else a SQLite file in the user cache directory")
	fs.DurationVar(&c.rescueAfter, "rescue-after", DefaultRescueAfter, "how long a job may run without finishing before River hands it to another worker (River's RescueStuckJobsAfter); must exceed every tenant timeout")
	fs.DurationVar(&c.softStop, "shutdown-grace", 30*time.Second, "on SIGTERM, how long running jobs may finish before their contexts are cancelled (River's SoftStopTimeout)")
	fs.DurationVar(&c.pollInterval, "poll-interval", time.Second, "how often workers look for new jobs when not notified (River's FetchPollInterval)")
	fs.IntVar(&c.workers, "workers", 10, "jobs of each tenant worked at once by this process (a tenant's workers overrides it)")
	fs.DurationVar(&c.idempotencyWindow, "idempotency-window", 24*time.Hour, "how long an Idempotency-Key of POST /v1/jobs and /v1/runs returns the first request's job or answer (1m to 720h)")
	fs.IntVar(&c.maxEventStreams, "max-event-streams", DefaultMaxEventStreams, "event streams (GET /v1/jobs/{id}/events) one tenant may hold open at once on this process (1 to 10000); more get 429")
	proxies := fs.String("trusted-proxies", "", "comma-separated IP addresses or CIDR prefixes of proxies that authenticate clients and name the tenant in X-Tenant-ID (empty: none; X-Tenant-ID is then refused)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, cli.Usage(err)
	}
	if fs.NArg() > 0 {
		return c, cli.Usagef("unexpected arguments %q", fs.Args())
	}
	switch c.role {
	case roleAPI, roleWorker, roleAll:
	default:
		return c, cli.Usagef("-role %q: want api, worker or all", c.role)
	}
	if c.rescueAfter <= 0 || c.softStop < 0 || c.pollInterval <= 0 || c.workers < 1 || c.workers > 10_000 {
		return c, cli.Usagef("-rescue-after and -poll-interval must be positive, -shutdown-grace not negative, -workers 1 to 10000")
	}
	if c.maxEventStreams < 1 || c.maxEventStreams > 10_000 {
		return c, cli.Usagef("-max-event-streams %d: want 1 to 10000", c.maxEventStreams)
	}
	if c.idempotencyWindow < time.Minute || c.idempotencyWindow > 720*time.Hour {
		return c, cli.Usagef("-idempotency-window %s: want 1m to 720h", c.idempotencyWindow)
	}
	if c.debugAddr != "" && !loopbackAddr(c.debugAddr) {
		return c, cli.Usagef("-debug-addr %s: the profiler has no login, so it listens only on a loopback address such as 127.0.0.1:6060 (reach it through an SSH tunnel or kubectl port-forward)", echo(c.debugAddr))
	}
	var err error
	if c.trustedProxies, err = parseTrustedProxies(*proxies); err != nil {
		return c, cli.Usage(err)
	}
	if c.dbURL == "" {
		c.dbURL = strings.TrimSpace(getenv("DATABASE_URL"))
	}
	if c.dbURL == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return c, cli.Usagef("no -db, no DATABASE_URL, and no user cache directory for the default SQLite file: %v", err)
		}
		c.dbURL = "sqlite://" + filepath.Join(dir, "aigentic-examples", "service.db")
	}
	if _, _, err := splitDatabaseURL(c.dbURL); err != nil {
		return c, cli.Usage(err)
	}
	return c, nil
}

// Database kinds.
const (
	dbSQLite   = "sqlite"
	dbPostgres = "postgres"
)

// splitDatabaseURL returns the kind of database and what its driver
// opens: a file path for SQLite, the URL itself for PostgreSQL. The URL
// is never echoed whole in errors (it may hold a password).
func splitDatabaseURL(u string) (kind, target string, err error) {
	switch {
	case strings.HasPrefix(u, "sqlite://"):
		kind, target = dbSQLite, strings.TrimPrefix(u, "sqlite://")
	case strings.HasPrefix(u, "sqlite:"):
		kind, target = dbSQLite, strings.TrimPrefix(u, "sqlite:")
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return dbPostgres, u, nil
	default:
		scheme, _, _ := strings.Cut(u, ":")
		return "", "", fmt.Errorf("database URL scheme %q: want sqlite:///path/to/file.db or postgres://", scheme)
	}
	if target == "" || strings.ContainsAny(target, "?#") {
		return "", "", fmt.Errorf("sqlite URL needs a file path without ? or # (example: sqlite:///var/lib/aigentic/service.db)")
	}
	return kind, target, nil
}

// loopbackAddr reports whether a listen address (host:port) names only
// loopback: "localhost" or a loopback IP. An empty host (":6060") listens
// on every interface, so it is not.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}
