package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// defaultTenantID is the built-in tenant of the local demo: without a
// -tenants file it serves every request, with no key, on a loopback
// address only (see auth.go).
const defaultTenantID = "default"

// Defaults of a tenant's limits (TenantConfig.withDefaults).
const (
	defaultTimeout       = 30 * time.Second
	defaultRate          = 5
	defaultBurst         = 10
	defaultMaxQueuedJobs = 100
	// defaultApprovalWindow: how long a job waits for a person to decide
	// an approval before it counts as denied (approval_window).
	defaultApprovalWindow = 24 * time.Hour
	// maxApprovalWindow bounds approval_window: a job parked longer holds
	// its queue place and token reservation that long.
	maxApprovalWindow = 30 * 24 * time.Hour
	// defaultMaxToolCalls is max_tool_calls' default: a support answer
	// needs a few lookups and at most a ticket or refund, so 20 leaves room
	// for a long turn while a model asking for thousands is stopped.
	defaultMaxToolCalls = 20
	// maxMaxToolCalls bounds max_tool_calls: past it a tenant's runs are
	// effectively unbounded (every call may change the world).
	maxMaxToolCalls = 1000
	// reservationShare: a run reserves 1/reservationShare of the daily
	// budget unless run_token_reservation says otherwise.
	reservationShare = 10
)

// TenantConfig is one tenant's keys and limits (Pattern 3), as written in
// the tenants file (YAML, or JSON, which YAML reads too).
type TenantConfig struct {
	// APIKeys are the hashes of the tenant's keys (`service keygen
	// -tenant <id>` prints one). Several keys let a client rotate without
	// downtime: add the new one, move the client, remove the old one. A
	// tenant with none is reached only through a trusted proxy.
	APIKeys []KeyEntry `yaml:"api_keys"`
	// Model overrides OPENAI_MODEL for this tenant's runs; the offline
	// model ignores it. Empty: the process's model.
	Model string `yaml:"model"`
	// MaxLLMCalls bounds each run's model calls (aigentic.Agent.MaxLLMCalls).
	MaxLLMCalls int `yaml:"max_llm_calls"`
	// Retries is how many more attempts a transient model or tool failure
	// gets inside a run (aigentic.Agent.Retries).
	Retries int `yaml:"retries"`
	// Timeout bounds one run: a POST /v1/runs request, or one attempt of a
	// job (River's per-job timeout). Default 30s; it must stay below
	// -rescue-after.
	Timeout time.Duration `yaml:"timeout"`
	// Rate is the requests per second admitted (runs and jobs together),
	// Burst how many may come at once: a token bucket kept in the database,
	// so every API process draws from the same one. Defaults 5 and 10.
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
	// DailyTokenBudget is the model tokens (input + output) the tenant's
	// runs may use per UTC day. 0: no budget.
	DailyTokenBudget int64 `yaml:"daily_token_budget"`
	// RunTokenReservation is what each admitted run or job reserves from
	// the day's budget until it ends, and the most tokens it may use
	// (aigentic.Budget.MaxTotalTokens). A request is admitted while the
	// day's used plus reserved tokens are below the budget. Default:
	// a tenth of DailyTokenBudget.
	RunTokenReservation int64 `yaml:"run_token_reservation"`
	// Workers is how many of the tenant's jobs one worker process runs at
	// once (its River queue's MaxWorkers). Default: -workers.
	Workers int `yaml:"workers"`
	// MaxQueuedJobs caps the tenant's jobs not yet finished (queued,
	// scheduled, retryable, running); POST /v1/jobs past it is 429.
	// Default 100.
	MaxQueuedJobs int `yaml:"max_queued_jobs"`
	// ApprovalWindow is how long a job that reached a tool needing
	// approval (issue_refund) waits for POST /v1/jobs/{id}/approvals/{id}:
	// unanswered by then, the call is denied — the runtime's rule for a
	// live run's approval (aigentic.Agent.ApprovalTimeout). The job holds
	// no worker meanwhile, but keeps its place under max_queued_jobs and
	// its token reservation. Default 24h, at most 720h (30 days).
	ApprovalWindow time.Duration `yaml:"approval_window"`
	// ApproverKeys are the ids (the 8 characters after "aig_") of the
	// tenant's api_keys that may decide its jobs' approvals; every other
	// key may read them but gets 403 deciding. A key that created a job
	// may never decide that job's approvals (four-eyes), approver or not.
	// Each id must name one of this tenant's api_keys. Empty: no key may
	// decide (approvers.go).
	ApproverKeys []string `yaml:"approver_keys"`
	// ProxyMayApprove lets requests from a trusted proxy (X-Tenant-ID)
	// decide approvals. The service cannot tell the proxy's users apart,
	// so the proxy then answers for both rules — only approvers decide,
	// never the person who asked. Default false.
	ProxyMayApprove bool `yaml:"proxy_may_approve"`
	// MaxToolCalls bounds the tool calls of one run (POST /v1/runs) or one
	// job, across all its attempts (aigentic.Budget.MaxToolCalls; a
	// resumed job counts the calls its checkpoint recorded). Default
	// defaultMaxToolCalls (20), 1 to maxMaxToolCalls (1000); nil until
	// withDefaults, so an explicit 0 is refused rather than read as the
	// default or as no limit.
	MaxToolCalls *int `yaml:"max_tool_calls"`
}

// tenantsFile is the file's shape.
type tenantsFile struct {
	// AdminKeys may call the admin endpoints (`service keygen -admin`).
	AdminKeys []KeyEntry `yaml:"admin_keys"`
	// MetricsKeys may only read GET /metrics (`service keygen -metrics`),
	// for Prometheus' scrape configuration.
	MetricsKeys []KeyEntry `yaml:"metrics_keys"`
	// Tenants maps tenant IDs to their keys and limits.
	Tenants map[string]TenantConfig `yaml:"tenants"`
}

// builtinTenants is what runs without -tenants: the local demo's tenant.
func builtinTenants() *tenantsFile {
	c := TenantConfig{MaxLLMCalls: 10, Retries: 2, Timeout: defaultTimeout, Rate: defaultRate, Burst: defaultBurst, DailyTokenBudget: 1_000_000}
	return &tenantsFile{Tenants: map[string]TenantConfig{defaultTenantID: c.withDefaults()}}
}

// tenantIDPattern is what a tenant ID may be, in the file and in an
// X-Tenant-ID header from a trusted proxy.
var tenantIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ErrTenantsFile is wrapped by every error about the tenants file.
var ErrTenantsFile = errors.New("tenants file")

// maxTenantsFileBytes bounds the tenants file.
const maxTenantsFileBytes = 1 << 20

// loadTenants reads a tenants file; unknown keys are refused, so a typo
// does not silently leave a limit at its default.
func loadTenants(path string) (*tenantsFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTenantsFile, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTenantsFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTenantsFile, err)
	}
	if len(b) > maxTenantsFileBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrTenantsFile, maxTenantsFileBytes)
	}
	return parseTenants(bytes.NewReader(b))
}

// yamlQuoted is a value the YAML decoder quotes in its errors.
var yamlQuoted = regexp.MustCompile("`[^`]*`")

// parseTenants decodes and checks a tenants file: tenant IDs, each
// field's range, and every key entry (a keyring is built to check them).
func parseTenants(r io.Reader) (*tenantsFile, error) {
	var f tenantsFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		// The decoder quotes what it could not read: a file named by
		// mistake (a key file, /etc/shadow) must not reach a log.
		return nil, fmt.Errorf("%w: %s", ErrTenantsFile, yamlQuoted.ReplaceAllString(err.Error(), "`…`"))
	}
	if len(f.Tenants) == 0 {
		return nil, fmt.Errorf("%w: no tenants (want a \"tenants:\" map of tenant IDs to limits)", ErrTenantsFile)
	}
	for id, c := range f.Tenants {
		if !tenantIDPattern.MatchString(id) {
			return nil, fmt.Errorf("%w: tenant ID %q: use 1-64 letters, digits, '.', '_' or '-'", ErrTenantsFile, id)
		}
		c = c.withDefaults()
		for _, f := range []struct {
			name string
			bad  bool
			want string
		}{
			{"max_llm_calls", c.MaxLLMCalls < 0 || c.MaxLLMCalls > 10_000, "0 (no limit) to 10000"},
			{"retries", c.Retries < 0 || c.Retries > 100, "0 to 100"},
			{"timeout", c.Timeout < 0 || c.Timeout > 24*time.Hour, "0 (the default, 30s) to 24h"},
			{"rate", c.Rate < 0 || c.Rate > 1e6 || c.Rate != c.Rate, "0 (the default, 5) to 1000000 requests/s"},
			{"burst", c.Burst < 0 || c.Burst > 1_000_000, "0 (the default, 10) to 1000000"},
			{"daily_token_budget", c.DailyTokenBudget < 0, "0 (no budget) or more"},
			{"run_token_reservation", c.RunTokenReservation < 0, "0 (the default: a tenth of the budget) or more"},
			{"workers", c.Workers < 0 || c.Workers > 10_000, "0 (the default, -workers) to 10000"},
			{"max_queued_jobs", c.MaxQueuedJobs < 0 || c.MaxQueuedJobs > 1_000_000, "0 (the default, 100) to 1000000"},
			{"approval_window", c.ApprovalWindow < time.Second || c.ApprovalWindow > maxApprovalWindow, "0 (the default, 24h) or 1s to 720h"},
			{"max_tool_calls", *c.MaxToolCalls < 1 || *c.MaxToolCalls > maxMaxToolCalls, "1 to 1000 (omit it for the default, 20)"},
		} {
			if f.bad {
				return nil, fmt.Errorf("%w: tenant %q: %s is out of range; want %s", ErrTenantsFile, id, f.name, f.want)
			}
		}
		if err := checkApprovers(id, c); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrTenantsFile, err)
		}
		f.Tenants[id] = c
	}
	if _, err := f.keyring(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTenantsFile, err)
	}
	if _, err := queueNames(f.Tenants); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTenantsFile, err)
	}
	return &f, nil
}

// keyring is every key of the file.
func (f *tenantsFile) keyring() (*keyring, error) {
	k := &keyring{}
	if err := k.add(roleAdmin, "", f.AdminKeys); err != nil {
		return nil, err
	}
	if err := k.add(roleMetrics, "", f.MetricsKeys); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(f.Tenants))
	for id := range f.Tenants {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := k.add(roleTenant, id, f.Tenants[id].APIKeys); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (c TenantConfig) withDefaults() TenantConfig {
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.Rate == 0 {
		c.Rate = defaultRate
	}
	if c.Burst == 0 {
		c.Burst = defaultBurst
	}
	if c.MaxQueuedJobs == 0 {
		c.MaxQueuedJobs = defaultMaxQueuedJobs
	}
	if c.ApprovalWindow == 0 {
		c.ApprovalWindow = defaultApprovalWindow
	}
	if c.MaxToolCalls == nil {
		n := defaultMaxToolCalls
		c.MaxToolCalls = &n
	}
	if c.RunTokenReservation == 0 && c.DailyTokenBudget > 0 {
		c.RunTokenReservation = max(1, c.DailyTokenBudget/reservationShare)
	}
	return c
}

// tenant is a known tenant at run time: its limits, its model and its
// River queue.
type tenant struct {
	id    string
	cfg   TenantConfig
	model ai.Model
	// queue is the tenant's River queue (queues.go).
	queue string
	// workers is cfg.Workers, or -workers when that is 0.
	workers int
	// approvers are cfg.ApproverKeys, as a set.
	approvers map[string]bool
}

// newTenants builds the tenants; modelFor gives each its model. Every
// timeout must be below rescueAfter.
func newTenants(cfgs map[string]TenantConfig, rescueAfter time.Duration, workers int, modelFor func(name string) (ai.Model, error)) (map[string]*tenant, error) {
	queues, err := queueNames(cfgs)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(cfgs))
	for id := range cfgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make(map[string]*tenant, len(cfgs))
	for _, id := range ids {
		c := cfgs[id].withDefaults()
		if c.Timeout >= rescueAfter {
			return nil, fmt.Errorf("-rescue-after %s must be longer than tenant %q's run timeout %s, or River would rescue jobs still running", rescueAfter, id, c.Timeout)
		}
		m, err := modelFor(c.Model)
		if err != nil {
			return nil, fmt.Errorf("tenant %q: %w", id, err)
		}
		w := c.Workers
		if w == 0 {
			w = workers
		}
		approvers := make(map[string]bool, len(c.ApproverKeys))
		for _, k := range c.ApproverKeys {
			approvers[k] = true
		}
		out[id] = &tenant{id: id, cfg: c, model: m, queue: queues[id], workers: w, approvers: approvers}
	}
	return out, nil
}

// toolCallBudget is the tenant's max_tool_calls (defaultMaxToolCalls when
// the config did not go through withDefaults).
func (t *tenant) toolCallBudget() int {
	if t.cfg.MaxToolCalls == nil {
		return defaultMaxToolCalls
	}
	return *t.cfg.MaxToolCalls
}
