package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// One fuzz target per parser of what a client (or an operator) sends.
// `go test` runs their seeds; `go test -fuzz FuzzX ./service` explores:
//
//	go test ./service -run '^$' -fuzz FuzzReadQuery -fuzztime 60s

// FuzzParseBearer: a token is only ever a non-empty run of RFC 6750's
// b64token characters taken from the header, and never longer than it.
func FuzzParseBearer(f *testing.F) {
	for _, s := range []string{"", "Bearer aig_abc", "bearer  x", "Basic dXNlcjpw", "Bearer", "Bearer ", "Bearer a b", "Bearer \x00", strings.Repeat("B", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		token, ok := parseBearer(h)
		if !ok {
			if token != "" {
				t.Fatalf("refused %q but returned %q", h, token)
			}
			return
		}
		if token == "" || len(token) > maxAuthorizationLen || !strings.HasSuffix(h, token) {
			t.Fatalf("parseBearer(%q) = %q", h, token)
		}
		for i := 0; i < len(token); i++ {
			if c := token[i]; c <= ' ' || c >= 0x7f || c == '"' || c == ',' {
				t.Fatalf("token %q holds %q", token, c)
			}
		}
	})
}

// FuzzKeyLookup: no string but the key itself finds its holder, and
// parseKey accepts only the documented shape.
func FuzzKeyLookup(f *testing.F) {
	key, e, err := newKey("")
	if err != nil {
		f.Fatal(err)
	}
	k := &keyring{}
	if err := k.add(roleTenant, "acme", []KeyEntry{e}); err != nil {
		f.Fatal(err)
	}
	f.Add(key)
	f.Add(key[:len(key)-1] + "a")
	f.Add("aig_" + e.ID + "_")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if h := k.lookup(s); (h != nil) != (s == key) {
			t.Fatalf("lookup(%q) = %v", s, h)
		}
		id, err := parseKey(s)
		if err != nil {
			if !errors.Is(err, ErrKeyFormat) || strings.Contains(err.Error(), s) && len(s) > 8 {
				t.Fatalf("parseKey(%q): %v", s, err)
			}
			return
		}
		if len(s) != keyLen || !strings.HasPrefix(s, keyPrefix) || id != s[4:12] || !isBase32(id) {
			t.Fatalf("parseKey(%q) = %q", s, id)
		}
	})
}

// FuzzPublicJobID: only "job_" and 26 base32 characters pass.
func FuzzPublicJobID(f *testing.F) {
	f.Add(newPublicJobID())
	f.Add("job_" + strings.Repeat("A", 26))
	f.Add("1")
	f.Add("job_../../etc/passwd")
	f.Fuzz(func(t *testing.T, s string) {
		if validPublicJobID(s) && (len(s) != jobIDLen || !strings.HasPrefix(s, jobIDPrefix) || strings.ContainsAny(s, "/.%\x00ABC")) {
			t.Fatalf("validPublicJobID(%q)", s)
		}
	})
}

// FuzzParseLastEventID: a step number 0 to 999,999,999, -1 for none, or a
// 400.
func FuzzParseLastEventID(f *testing.F) {
	for _, s := range []string{"", "0", "12", "-1", "1e3", "999999999", "9999999999", " 1", "+1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, err := parseLastEventID(v)
		var he *httpError
		switch {
		case err != nil:
			// The message is fixed: nothing of the value is echoed.
			if !errors.As(err, &he) || he.status != http.StatusBadRequest || he.msg != "Last-Event-ID must be the id of an event this stream sent (a step number)" {
				t.Fatalf("parseLastEventID(%q): %v", v, err)
			}
		case v == "" && n != -1, v != "" && (n < 0 || n > 999_999_999):
			t.Fatalf("parseLastEventID(%q) = %d", v, n)
		}
	})
}

// FuzzReadQuery: any Content-Type and body is a query within its bounds
// or a 400, 413 or 415 whose message is short; never a panic.
func FuzzReadQuery(f *testing.F) {
	for _, c := range [][2]string{
		{"application/json", `{"query":"hello"}`}, {"application/json", `{"query":"a\u0000"}`}, {"application/json", `{"query":1}`},
		{"application/json; charset=utf-8", `{"query":"x"} `}, {"text/plain", `x`}, {"application/json", `{"` + strings.Repeat("k", 200) + `":1}`},
		{"application/json", `[`}, {"application/json", `{"query":"\ud800"}`}, {"", ""}, {"application/json", "{\"query\":\"\xff\xfe\"}"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, ct, body string) {
		if len(body) > 2*maxBodyBytes {
			return
		}
		r := httptest.NewRequest("POST", "/v1/jobs", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		var q queryRequest
		err := readJSON(httptest.NewRecorder(), r, &q)
		if err == nil {
			err = q.validate()
		}
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) || (he.status != 400 && he.status != 413 && he.status != 415) || len(he.msg) > 400 || !utf8.ValidString(he.msg) {
				t.Fatalf("Content-Type %q body %q: %v", ct, body, err)
			}
			return
		}
		if q.Query == "" || len(q.Query) > maxQueryBytes || checkText("query", q.Query) != nil {
			t.Fatalf("accepted query %q", q.Query)
		}
	})
}

// FuzzTrustedProxies: -trusted-proxies is a list of valid prefixes or an
// error of bounded size.
func FuzzTrustedProxies(f *testing.F) {
	for _, s := range []string{"", "10.0.0.0/8", "127.0.0.1,::1", "::ffff:10.0.0.1", "fe80::1%eth0", "1.2.3.4/33", "a,b", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ps, err := parseTrustedProxies(v)
		if err != nil {
			if len(err.Error()) > 200 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		for _, p := range ps {
			if !p.IsValid() || p != p.Masked() {
				t.Fatalf("parseTrustedProxies(%q) gave %v", v, p)
			}
		}
	})
}

// FuzzParseTenants: a tenants file is accepted only with valid IDs and
// every limit in range; never a panic.
func FuzzParseTenants(f *testing.F) {
	_, e, _ := newKey("")
	for _, s := range []string{
		"tenants:\n  a:\n    rate: 2\n", "tenants:\n  a:\n    api_keys: [{id: " + e.ID + ", sha256: " + e.SHA256 + "}]\n",
		"tenants: {}", "tenants:\n  \"a b\": {}\n", "tenants:\n  a:\n    timeout: -1s\n", "tenants:\n  a:\n    rate: .nan\n", "[",
		"tenants:\n  a:\n    api_keys: [{id: " + e.ID + ", sha256: " + e.SHA256 + "}]\n    approver_keys: [" + e.ID + "]\n    proxy_may_approve: true\n",
		"tenants:\n  a:\n    approver_keys: [" + e.ID + "]\n", "tenants:\n  a:\n    approver_keys: x\n", "tenants:\n  a:\n    proxy_may_approve: maybe\n",
		"tenants:\n  a:\n    max_tool_calls: 0\n", "tenants:\n  a:\n    max_tool_calls: 1000\n", "tenants:\n  a:\n    max_tool_calls: 1e3\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		file, err := parseTenants(strings.NewReader(s))
		if err != nil {
			if !errors.Is(err, ErrTenantsFile) {
				t.Fatalf("error not wrapping ErrTenantsFile: %v", err)
			}
			return
		}
		for id, c := range file.Tenants {
			if !tenantIDPattern.MatchString(id) || c.Rate <= 0 || c.Burst <= 0 || c.Timeout <= 0 || c.MaxQueuedJobs <= 0 || c.Workers < 0 ||
				c.MaxToolCalls == nil || *c.MaxToolCalls < 1 || *c.MaxToolCalls > maxMaxToolCalls {
				t.Fatalf("accepted tenant %q: %+v", id, c)
			}
			// Every approver is one of the tenant's own keys.
			for _, k := range c.ApproverKeys {
				if !slices.ContainsFunc(c.APIKeys, func(e KeyEntry) bool { return e.ID == k }) {
					t.Fatalf("tenant %q: approver %q is none of its api_keys", id, k)
				}
			}
		}
	})
}

// FuzzEcho: what an error message quotes of a client's value is short and
// valid UTF-8.
func FuzzEcho(f *testing.F) {
	f.Add(strings.Repeat("é", 100))
	f.Add("\xff\x00abc")
	f.Fuzz(func(t *testing.T, s string) {
		e := echo(s)
		if len(e) > 6*maxEcho+8 || !utf8.ValidString(e) {
			t.Fatalf("echo(%q) = %q", s, e)
		}
	})
}

// FuzzIdempotencyKey: a key is accepted only when 1 to 255 bytes of
// visible ASCII or space (bare, or inside one pair of quotes); an
// accepted key's hash and fingerprint are hex SHA-256.
func FuzzIdempotencyKey(f *testing.F) {
	for _, s := range []string{"", `""`, "a", `"a"`, "8e03978e-40d5-43e8-bc93-6894a57f9324", "a\tb", "é", `"a"b"`, strings.Repeat("k", 255), strings.Repeat("k", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest("POST", "/v1/jobs", nil)
		r.Header["Idempotency-Key"] = []string{v}
		idem, err := idempotencyOf(r, idempotencyJobs, "q")
		key := v
		if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
			key = key[1 : len(key)-1]
		}
		valid := key != "" && len(key) <= maxIdempotencyKeyLen
		for i := 0; i < len(key); i++ {
			if c := key[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
				valid = false
			}
		}
		if valid != (err == nil) {
			t.Fatalf("idempotencyOf(%q): %v", v, err)
		}
		var he *httpError
		if err != nil && (!errors.As(err, &he) || he.status != http.StatusBadRequest || len(he.msg) > 200) {
			t.Fatalf("idempotencyOf(%q): %v, want a short 400", v, err)
		}
		if err == nil && (len(idem.keyHash) != 64 || len(idem.fingerprint) != 64) {
			t.Fatalf("idempotencyOf(%q) = %+v", v, idem)
		}
	})
}

// FuzzBasicPassword: a password comes only from a Basic header that
// decodes to "user:password" with a password, never longer than the
// header allows.
func FuzzBasicPassword(f *testing.F) {
	for _, s := range []string{"", "Basic b3BzOmtleQ==", "basic  b3BzOmtleQ==", "Basic b3Bz", "Basic b3BzOg==", "Bearer x", "Basic !!!", strings.Repeat("B", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		p, ok := parseBasicPassword(h)
		if ok != (p != "") || len(p) > maxAuthorizationLen {
			t.Fatalf("parseBasicPassword(%q) = %q, %v", h, p, ok)
		}
		if ok && !strings.HasPrefix(strings.ToLower(h), "basic ") {
			t.Fatalf("parseBasicPassword(%q) accepted another scheme", h)
		}
	})
}

// FuzzDecisionRequest: a decision is accepted only as "approve" or
// "deny" with a reason of at most maxReasonBytes and no control
// character; anything else is a 4xx, never a panic.
func FuzzDecisionRequest(f *testing.F) {
	for _, s := range []string{`{"decision":"approve"}`, `{"decision":"deny","reason":"no"}`, `{"decision":"maybe"}`, `{}`, `[]`, `{"decision":"approve","reason":"a\u0000"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/v1/jobs/x/approvals/y", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var d decisionRequest
		err := readJSON(httptest.NewRecorder(), r, &d)
		if err == nil {
			err = d.validate()
		}
		var he *httpError
		if err != nil && (!errors.As(err, &he) || he.status < 400 || he.status >= 500) {
			t.Fatalf("body %q: %v", body, err)
		}
		if err == nil && (d.Decision != "approve" && d.Decision != "deny" || len(d.Reason) > maxReasonBytes) {
			t.Fatalf("body %q accepted as %+v", body, d)
		}
	})
}
