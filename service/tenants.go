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
	"golang.org/x/time/rate"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// defaultTenantID is the built-in tenant that serves requests without an
// X-Tenant-ID header when no -tenants file is given.
const defaultTenantID = "default"

// TenantConfig is one tenant's limits (Pattern 3), as written in the
// tenants file (YAML, or JSON, which YAML reads too).
type TenantConfig struct {
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
	// Burst how many may come at once (golang.org/x/time/rate's token
	// bucket). Defaults 5 and 10.
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
	// DailyTokenBudget is the model tokens (input + output) the tenant's
	// runs may use per UTC day; a request that arrives after it is used up
	// is refused. 0: no budget.
	DailyTokenBudget int64 `yaml:"daily_token_budget"`
}

// tenantsFile is the file's shape: {"tenants": {"<id>": TenantConfig}}.
type tenantsFile struct {
	Tenants map[string]TenantConfig `yaml:"tenants"`
}

// builtinTenants is what runs without -tenants.
func builtinTenants() map[string]TenantConfig {
	return map[string]TenantConfig{defaultTenantID: {MaxLLMCalls: 10, Retries: 2, Timeout: 30 * time.Second, Rate: 5, Burst: 10, DailyTokenBudget: 1_000_000}}
}

var tenantIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ErrTenantsFile is wrapped by every error about the tenants file.
var ErrTenantsFile = errors.New("tenants file")

// loadTenants reads a tenants file; unknown keys are refused, so a typo
// does not silently leave a limit at its default.
func loadTenants(path string) (map[string]TenantConfig, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTenantsFile, err)
	}
	return parseTenants(bytes.NewReader(b))
}

func parseTenants(r io.Reader) (map[string]TenantConfig, error) {
	var f tenantsFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTenantsFile, err)
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
			name     string
			negative bool
		}{
			{"max_llm_calls", c.MaxLLMCalls < 0}, {"retries", c.Retries < 0}, {"timeout", c.Timeout < 0},
			{"rate", c.Rate < 0}, {"burst", c.Burst < 0}, {"daily_token_budget", c.DailyTokenBudget < 0},
		} {
			if f.negative {
				return nil, fmt.Errorf("%w: tenant %q: %s is negative; want 0 (the default) or more", ErrTenantsFile, id, f.name)
			}
		}
		f.Tenants[id] = c
	}
	return f.Tenants, nil
}

func (c TenantConfig) withDefaults() TenantConfig {
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Rate == 0 {
		c.Rate = 5
	}
	if c.Burst == 0 {
		c.Burst = 10
	}
	return c
}

// tenant is a known tenant at run time: its limits, its model and its
// request rate limiter (one per process; with several API processes each
// admits up to the rate).
type tenant struct {
	id      string
	cfg     TenantConfig
	model   ai.Model
	limiter *rate.Limiter
}

// newTenants builds the tenants; modelFor gives each its model. Every
// timeout must be below rescueAfter.
func newTenants(cfgs map[string]TenantConfig, rescueAfter time.Duration, modelFor func(name string) (ai.Model, error)) (map[string]*tenant, error) {
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
		out[id] = &tenant{id: id, cfg: c, model: m, limiter: rate.NewLimiter(rate.Limit(c.Rate), c.Burst)}
	}
	return out, nil
}
