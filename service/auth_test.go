package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

const twoTenants = `
tenants:
  acme:
    rate: 1000
    burst: 1000
  globex:
    rate: 1000
    burst: 1000
`

// req builds a request to ts with headers (pairs name, value; a name
// given twice is sent twice).
func (ts *testService) req(t *testing.T, method, path, body string, headers ...string) response {
	t.Helper()
	r, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return ts.send(t, r)
}

// Issue 19's first attack: the tenant was whoever the client said. Now a
// key decides; every way of not having the right one gets the same 401,
// so nothing tells which tenants or key ids exist; X-Tenant-ID from a
// client is refused; another tenant's job is a 404 exactly like a missing
// one, for reads, event streams and cancels; job ids are random.
func TestAuthentication(t *testing.T) { authTest(t) }

// The same on PostgreSQL, where the public ids and their tenants live.
func TestAuthenticationOnPostgres(t *testing.T) { authTest(t, "-db", postgresURL(t)) }

func authTest(t *testing.T, args ...string) {
	model := aitest.NewScripted(aitest.Reply("acme's answer").After(time.Hour), aitest.Reply("acme's answer").After(time.Hour))
	tenants, keys := writeTenants(t, twoTenants)
	ts := startService(t, model, append([]string{"-tenants", tenants}, args...)...)
	acme, globex := keys["acme"], keys["globex"]

	// Every credential that is not a tenant key: one answer.
	acmeID := acme[len(keyPrefix) : len(keyPrefix)+keyIDLen]
	wrongSecret := keyPrefix + acmeID + "_" + strings.Repeat("a", keySecretLen)
	unknownID := keyPrefix + "zzzzzzzz" + acme[len(keyPrefix)+keyIDLen:]
	var first *response
	for name, h := range map[string][]string{
		"wrong secret of a real key id": {"Authorization", "Bearer " + wrongSecret},
		"unknown key id":                {"Authorization", "Bearer " + unknownID},
		"malformed key":                 {"Authorization", "Bearer hunter2"},
		"another scheme":                {"Authorization", "Basic " + acme},
		"a key too long":                {"Authorization", "Bearer " + strings.Repeat("a", 4000)},
		"lower-case scheme, wrong key":  {"Authorization", "bearer " + wrongSecret},
	} {
		r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, h...)
		if r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="aigentic", error="invalid_token"` {
			t.Fatalf("%s: %d %q %s", name, r.status, r.header.Get("WWW-Authenticate"), r.raw)
		}
		if first == nil {
			first = &r
		} else if r.raw != first.raw {
			t.Fatalf("%s: answer %s differs from %s", name, r.raw, first.raw)
		}
	}
	if r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`); r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="aigentic"` || r.raw != first.raw {
		t.Fatalf("no key: %d %q %s", r.status, r.header.Get("WWW-Authenticate"), r.raw)
	}
	// X-Tenant-ID from a client that is not a trusted proxy: refused, with
	// or without a key, whether or not the tenant exists.
	for _, tenant := range []string{"acme", "nobody"} {
		for _, key := range []string{"", globex} {
			h := []string{"X-Tenant-ID", tenant}
			if key != "" {
				h = append(h, "Authorization", "Bearer "+key)
			}
			if r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, h...); r.status != 400 || !strings.Contains(str(r.body["error"]), "only from a trusted proxy") {
				t.Fatalf("X-Tenant-ID %s (key %v): %d %s", tenant, key != "", r.status, r.raw)
			}
		}
	}
	// Two headers: which one counts must not depend on the reader.
	if r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, "Authorization", "Bearer "+acme, "Authorization", "Bearer "+globex); r.status != 400 || !strings.Contains(r.raw, "more than one Authorization header") {
		t.Fatalf("two Authorization headers: %d %s", r.status, r.raw)
	}
	if r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, "X-Tenant-ID", "acme", "X-Tenant-ID", "globex"); r.status != 400 || !strings.Contains(r.raw, "more than one X-Tenant-ID header") {
		t.Fatalf("two X-Tenant-ID headers: %d %s", r.status, r.raw)
	}

	// acme's jobs: random ids, not River's sequential ones.
	a1 := ts.do(t, "POST", "/v1/jobs", acme, "", `{"query":"acme's secret order"}`)
	a2 := ts.do(t, "POST", "/v1/jobs", acme, "", `{"query":"another"}`)
	id1, id2 := str(a1.body["id"]), str(a2.body["id"])
	if a1.status != 202 || !regexp.MustCompile(`^job_[a-z2-7]{26}$`).MatchString(id1) || id1 == id2 || a1.header.Get("Location") != "/v1/jobs/"+id1 {
		t.Fatalf("job ids %q %q (Location %q): want two random job_ ids", id1, id2, a1.header.Get("Location"))
	}
	if r := ts.do(t, "GET", jobPath(id1), acme, "", ""); r.status != 200 || r.body["tenant"] != "acme" {
		t.Fatalf("acme reads its job: %d %s", r.status, r.raw)
	}
	// globex: acme's job is not there, exactly as a job that does not exist.
	missing := "job_" + strings.Repeat("a", 26)
	for _, c := range []struct{ method, suffix string }{{"GET", ""}, {"GET", "/events"}, {"POST", "/cancel"}} {
		theirs := ts.do(t, c.method, jobPath(id1, c.suffix), globex, "", "")
		none := ts.do(t, c.method, jobPath(missing, c.suffix), globex, "", "")
		if theirs.status != 404 || theirs.raw != none.raw || strings.Contains(theirs.raw, id1) {
			t.Fatalf("%s %s of another tenant's job: %d %s; of a missing job: %d %s", c.method, c.suffix, theirs.status, theirs.raw, none.status, none.raw)
		}
	}
	if r := ts.do(t, "GET", jobPath(id1), acme, "", ""); r.body["state"] == "cancelled" {
		t.Fatalf("globex cancelled acme's job: %s", r.raw)
	}

	// Roles: a tenant key is not an admin key, and the other way round.
	if r := ts.do(t, "GET", "/v1/admin/tenants", acme, "", ""); r.status != 403 {
		t.Fatalf("tenant key on an admin endpoint: %d %s", r.status, r.raw)
	}
	if r := ts.do(t, "GET", "/v1/admin/tenants", "", "", ""); r.status != 401 {
		t.Fatalf("no key on an admin endpoint: %d %s", r.status, r.raw)
	}
	// A metrics key reads /metrics only: the tenants' list (and River's
	// UI, which shows jobs' arguments) needs the admin role.
	for _, path := range []string{"/v1/admin/tenants", riverUIPrefix + "/", riverUIPrefix + "/api/jobs"} {
		if r := ts.do(t, "GET", path, keys["_metrics"], "", ""); r.status != 403 || strings.Contains(r.raw, `"tenant":"acme"`) {
			t.Fatalf("metrics key on GET %s: %d %s, want 403", path, r.status, r.raw)
		}
	}
	if r := ts.do(t, "POST", "/v1/jobs", keys["_admin"], "", `{"query":"hi"}`); r.status != 403 {
		t.Fatalf("admin key on a tenant endpoint: %d %s", r.status, r.raw)
	}
	if r := ts.do(t, "GET", "/v1/admin/tenants", keys["_admin"], "", ""); r.status != 200 || !strings.Contains(r.raw, `"tenant":"acme"`) {
		t.Fatalf("admin key: %d %s", r.status, r.raw)
	}
	// GET /metrics: a metrics or admin key; tenants' keys and nobody else.
	for _, c := range []struct {
		key    string
		status int
	}{{"", 401}, {acme, 403}, {keys["_metrics"], 200}, {keys["_admin"], 200}} {
		if r := ts.do(t, "GET", "/metrics", c.key, "", ""); r.status != c.status {
			t.Fatalf("GET /metrics with key %v: %d, want %d", c.key != "", r.status, c.status)
		}
	}
	// The log names who acted by key id, never the key.
	if logs := ts.logs.String(); strings.Contains(logs, acme) || strings.Contains(logs, acme[len(keyPrefix)+keyIDLen+1:]) {
		t.Fatal("a key reached the log")
	}
}

// Rotation: a tenant with two keys is served on either.
func TestKeyRotation(t *testing.T) {
	old, oldEntry, _ := newKey("old")
	next, nextEntry, _ := newKey("new")
	yaml := "tenants:\n  acme:\n    api_keys:\n" +
		"      - {id: " + oldEntry.ID + ", sha256: " + oldEntry.SHA256 + ", name: old}\n" +
		"      - {id: " + nextEntry.ID + ", sha256: " + nextEntry.SHA256 + ", name: new}\n"
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := startService(t, aitest.NewScripted(aitest.Reply("a"), aitest.Reply("b")), "-tenants", p)
	for _, key := range []string{old, next} {
		if r := ts.do(t, "POST", "/v1/runs", key, "", `{"query":"hi"}`); r.status != 200 {
			t.Fatalf("key %s: %d %s", key[:12], r.status, r.raw)
		}
	}
}

// A trusted proxy (and only one) names the tenant in X-Tenant-ID; a name
// that is no tenant gets the same 401 as a wrong key.
func TestTrustedProxy(t *testing.T) {
	tenants, keys := writeTenants(t, twoTenants)
	ts := startService(t, aitest.NewScripted(aitest.Reply("via the proxy")), "-tenants", tenants, "-trusted-proxies", "127.0.0.1/32,::1")
	r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, "X-Tenant-ID", "acme")
	if r.status != 202 {
		t.Fatalf("trusted proxy: %d %s", r.status, r.raw)
	}
	if got := ts.do(t, "GET", jobPath(r.body["id"]), keys["acme"], "", ""); got.status != 200 {
		t.Fatalf("the proxy's job is acme's: %d %s", got.status, got.raw)
	}
	bad := ts.do(t, "POST", "/v1/jobs", "aig_zzzzzzzz_"+strings.Repeat("a", keySecretLen), "", `{"query":"hi"}`)
	for _, name := range []string{"nobody", "ACME", strings.Repeat("x", 2000), "ac me", "acme/.."} {
		r := ts.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, "X-Tenant-ID", name)
		if r.status != 401 || r.raw != bad.raw {
			t.Fatalf("X-Tenant-ID %.20q from the proxy: %d %s, want the bad key's %s", name, r.status, r.raw, bad.raw)
		}
	}
	if r := ts.req(t, "GET", "/v1/admin/tenants", "", "X-Tenant-ID", "acme"); r.status != 401 {
		t.Fatalf("a proxy's X-Tenant-ID on an admin endpoint: %d %s", r.status, r.raw)
	}
	other := startService(t, aitest.NewScripted(), "-tenants", tenants, "-trusted-proxies", "10.0.0.0/8")
	if r := other.req(t, "POST", "/v1/jobs", `{"query":"hi"}`, "X-Tenant-ID", "acme"); r.status != 400 {
		t.Fatalf("X-Tenant-ID from an address outside -trusted-proxies: %d %s", r.status, r.raw)
	}
}

// Without -tenants there are no keys: the service serves loopback only.
func TestLocalDemoListensOnLoopbackOnly(t *testing.T) {
	cfg, err := parseConfig([]string{"-addr", "0.0.0.0:0", "-db", "sqlite://" + filepath.Join(t.TempDir(), "x.db")}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newService(t.Context(), cfg, newLogger(&bytes.Buffer{}, nil), options{model: aitest.NewScripted()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.db.Close()
	err = s.serve(t.Context(), nil)
	var ue *cli.UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("demo on 0.0.0.0: %v, want a usage error about loopback", err)
	}
}

// `service keygen` prints a key once and the entry to store; the service
// accepts the key with that entry, and the entry is the key's SHA-256.
func TestKeygen(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"keygen", "-tenant", "acme", "-name", "ci"}, &out); err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`(?m)^aig_[a-z2-7]{8}_[a-z2-7]{52}$`).FindString(out.String())
	hash := regexp.MustCompile(`sha256: ([0-9a-f]{64})`).FindStringSubmatch(out.String())
	if key == "" || hash == nil {
		t.Fatalf("keygen printed:\n%s", out.String())
	}
	if sum := sha256.Sum256([]byte(key)); hex.EncodeToString(sum[:]) != hash[1] {
		t.Fatal("the printed hash is not the key's SHA-256")
	}
	_, entry, _ := strings.Cut(out.String(), "Add its hash to the tenants file:\n\n")
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, []byte(entry), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := startService(t, aitest.NewScripted(aitest.Reply("hi")), "-tenants", p)
	if r := ts.do(t, "POST", "/v1/runs", key, "", `{"query":"hi"}`); r.status != 200 {
		t.Fatalf("the new key: %d %s\nfile:\n%s", r.status, r.raw, entry)
	}
	for _, args := range [][]string{{"keygen"}, {"keygen", "-tenant", "a b"}, {"keygen", "-admin", "-metrics"}, {"keygen", "-tenant", "a", "x"}} {
		var ue *cli.UsageError
		if err := run(t.Context(), args, &bytes.Buffer{}); !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	out.Reset()
	if err := run(t.Context(), []string{"keygen", "-admin"}, &out); err != nil || !strings.Contains(out.String(), "admin_keys:\n  - id: ") {
		t.Fatalf("keygen -admin: %v\n%s", err, out.String())
	}
}

// The keyring: an unknown id and a wrong secret are both nil; a key of
// another shape is never hashed against a stored entry.
func TestKeyring(t *testing.T) {
	key, e, err := newKey("x")
	if err != nil {
		t.Fatal(err)
	}
	k := &keyring{}
	if err := k.add(roleTenant, "acme", []KeyEntry{e}); err != nil {
		t.Fatal(err)
	}
	if h := k.lookup(key); h == nil || h.tenant != "acme" || h.id != e.ID {
		t.Fatalf("lookup of the key: %+v", h)
	}
	for _, bad := range []string{"", key[:len(key)-1], key + "a", strings.ToUpper(key), key[:len(key)-1] + "b", "aig_" + strings.Repeat("a", 8) + key[12:]} {
		if bad == key {
			continue
		}
		if h := k.lookup(bad); h != nil {
			t.Errorf("lookup(%q) = %+v, want nil", bad, h)
		}
	}
}

// Job ids a client sees cannot be guessed from another: 2,000 fresh ids
// are distinct and every one of their first 25 characters (125 of the 128
// random bits) takes many values — a counter or a timestamp would leave
// the leading characters fixed.
func TestPublicJobIDsAreRandom(t *testing.T) {
	const n = 2000
	seen := map[string]bool{}
	values := make([]map[byte]bool, jobIDLen)
	for i := range values {
		values[i] = map[byte]bool{}
	}
	for range n {
		id := newPublicJobID()
		if !validPublicJobID(id) || seen[id] {
			t.Fatalf("id %q: malformed or repeated", id)
		}
		seen[id] = true
		for i := len(jobIDPrefix); i < jobIDLen; i++ {
			values[i][id[i]] = true
		}
	}
	for i := len(jobIDPrefix); i < jobIDLen-1; i++ {
		// 32 equally likely characters in 2,000 draws: fewer than 24 of
		// them appear with a chance below C(32,9)·(23/32)^2000 ≈ 1e-279.
		if len(values[i]) < 24 {
			t.Fatalf("character %d of the ids took %d values in %d ids: not random", i, len(values[i]), n)
		}
	}
}

func TestRoleWithArticle(t *testing.T) {
	for role, want := range map[string]string{"admin": "an admin", "metrics": "a metrics", "tenant": "a tenant"} {
		if got := withArticle(role); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", role, got, want)
		}
	}
}
