package main

import (
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

func TestParseConfig(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := parseConfig(nil, env(nil), io.Discard)
	if err != nil || c.role != roleAll || c.addr != "127.0.0.1:8080" || c.rescueAfter != DefaultRescueAfter ||
		!strings.HasPrefix(c.dbURL, "sqlite://") || !strings.HasSuffix(c.dbURL, "aigentic-examples/service.db") {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, _ = parseConfig(nil, env(map[string]string{"DATABASE_URL": "postgres://u@h/db"}), io.Discard)
	if c.dbURL != "postgres://u@h/db" {
		t.Fatalf("DATABASE_URL not read: %q", c.dbURL)
	}
	c, _ = parseConfig([]string{"-db", "sqlite:///x.db"}, env(map[string]string{"DATABASE_URL": "postgres://u@h/db"}), io.Discard)
	if c.dbURL != "sqlite:///x.db" {
		t.Fatalf("-db does not win over DATABASE_URL: %q", c.dbURL)
	}
	c, err = parseConfig([]string{"-trusted-proxies", "10.0.0.0/8, 192.168.1.5,::1"}, env(nil), io.Discard)
	if err != nil || len(c.trustedProxies) != 3 || c.trustedProxies[1].String() != "192.168.1.5/32" {
		t.Fatalf("-trusted-proxies: %v %v", c.trustedProxies, err)
	}
	// The widest prefixes accepted (minProxyPrefixBits); wider ones are
	// usage errors below.
	if c, err = parseConfig([]string{"-trusted-proxies", "2001:db8::/32,::ffff:10.0.0.0/104"}, env(nil), io.Discard); err != nil || len(c.trustedProxies) != 2 {
		t.Fatalf("-trusted-proxies at the widest prefixes: %v %v", c.trustedProxies, err)
	}
	// An IPv4-mapped prefix is unmapped, as client addresses are: it
	// matches the IPv4 clients it names.
	if p := c.trustedProxies[1]; p.String() != "10.0.0.0/8" || !p.Contains(netip.MustParseAddr("10.1.2.3")) {
		t.Fatalf("-trusted-proxies ::ffff:10.0.0.0/104 is %v, want 10.0.0.0/8", p)
	}
	for _, args := range [][]string{{"-role", "boss"}, {"-db", "mysql://secret@h/db"}, {"-db", "sqlite://"}, {"-rescue-after", "0s"}, {"extra"},
		{"-trusted-proxies", "10.0.0.0/33"}, {"-trusted-proxies", "proxy.internal"}, {"-workers", "0"},
		{"-trusted-proxies", "0.0.0.0/0"}, {"-trusted-proxies", "::/0"}, {"-trusted-proxies", "10.0.0.1,128.0.0.0/1"},
		{"-trusted-proxies", "10.0.0.0/7"}, {"-trusted-proxies", "2001:db8::/31"}, {"-trusted-proxies", "::ffff:0.0.0.0/96"},
		{"-debug-addr", "0.0.0.0:6060"}, {"-max-event-streams", "0"}, {"-max-event-streams", "10001"}} {
		_, err := parseConfig(args, env(nil), io.Discard)
		var ue *cli.UsageError
		if !errors.As(err, &ue) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: %v, want a usage error without the URL's secrets", args, err)
		}
	}
}

func TestTenantsFile(t *testing.T) {
	f, err := parseTenants(strings.NewReader("tenants:\n  a:\n    max_llm_calls: 3\n    timeout: 2s\n    daily_token_budget: 1000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a := f.Tenants["a"]; a.MaxLLMCalls != 3 || a.Timeout != 2*time.Second || a.Rate != 5 || a.Burst != 10 || a.MaxQueuedJobs != 100 || a.RunTokenReservation != 100 {
		t.Fatalf("%+v", a)
	}
	// JSON is YAML too.
	if f, err := parseTenants(strings.NewReader(`{"tenants": {"b": {"rate": 2, "burst": 3}}}`)); err != nil || f.Tenants["b"].Rate != 2 {
		t.Fatalf("json: %+v %v", f, err)
	}
	_, e, _ := newKey("")
	keyEntry := "[{id: " + e.ID + ", sha256: " + e.SHA256 + "}]"
	for name, bad := range map[string]string{
		"typo":              "tenants:\n  a:\n    max_llm_cals: 3\n",
		"empty":             "tenants: {}\n",
		"bad id":            "tenants:\n  \"a b\": {}\n",
		"negative":          "tenants:\n  a:\n    retries: -1\n",
		"too many workers":  "tenants:\n  a:\n    workers: 20000\n",
		"key id":            "tenants:\n  a:\n    api_keys: [{id: ABC, sha256: " + e.SHA256 + "}]\n",
		"key hash":          "tenants:\n  a:\n    api_keys: [{id: " + e.ID + ", sha256: abc}]\n",
		"one key twice":     "admin_keys: " + keyEntry + "\ntenants:\n  a:\n    api_keys: " + keyEntry + "\n",
		"key field unknown": "tenants:\n  a:\n    api_keys: [{id: " + e.ID + ", hash: x}]\n",
	} {
		if _, err := parseTenants(strings.NewReader(bad)); !errors.Is(err, ErrTenantsFile) {
			t.Errorf("%s: %v, want ErrTenantsFile", name, err)
		}
	}
	// A file named by mistake: what the decoder could not read is not
	// quoted back (it could be a key file).
	if _, err := parseTenants(strings.NewReader("s3cret:x:0:0:root:/root:/bin/bash\n")); !errors.Is(err, ErrTenantsFile) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a file that is not a tenants file: %v", err)
	}
	model := func(string) (ai.Model, error) { return aitest.NewScripted(), nil }
	for field, yaml := range map[string]string{"timeout": "timeout: -5s", "rate": "rate: -1", "daily_token_budget": "daily_token_budget: -2", "max_queued_jobs": "max_queued_jobs: -1"} {
		if _, err := parseTenants(strings.NewReader("tenants:\n  a:\n    " + yaml + "\n")); err == nil || !strings.Contains(err.Error(), field+" is out of range") {
			t.Errorf("negative %s: %v, want an error naming the field", field, err)
		}
	}
	// Not a tenants-file error: the built-in tenant has no file. It names
	// the flag to change.
	if _, err := newTenants(map[string]TenantConfig{"a": {Timeout: time.Minute}}, time.Minute, 1, model); err == nil || errors.Is(err, ErrTenantsFile) || !strings.Contains(err.Error(), "-rescue-after 1m0s must be longer") {
		t.Fatalf("timeout not below -rescue-after: %v", err)
	}
	if _, err := loadTenants("tenants.example.yaml"); err != nil {
		t.Fatalf("the example file: %v", err)
	}
}
