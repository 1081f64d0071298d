package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// The local demo has no keys: a request whose Host is not a loopback name
// (what a DNS-rebinding web page sends) is refused on every route,
// before the route runs; loopback names, with or without a port, are
// served.
func TestLocalDemoRefusesForeignHost(t *testing.T) {
	model := aitest.NewScripted()
	ts := startService(t, model)
	_, port, _ := strings.Cut(strings.TrimPrefix(ts.url, "http://"), ":")
	send := func(method, path, host, body string) response {
		t.Helper()
		req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		return ts.send(t, req)
	}
	for _, host := range []string{"rebind.attacker.example:" + port, "rebind.attacker.example", "127.0.0.1.attacker.example:" + port,
		"localhost.attacker.example", "10.0.0.1:" + port, "[::1].example"} {
		for _, route := range [][2]string{{"POST", "/v1/jobs"}, {"GET", "/metrics"}, {"GET", riverUIPrefix + "/"}, {"GET", "/healthz"}, {"GET", "/nope"}} {
			body := ""
			if route[0] == "POST" {
				body = `{"query":"hi"}`
			}
			r := send(route[0], route[1], host, body)
			if r.status != http.StatusMisdirectedRequest || !strings.Contains(str(r.body["error"]), "local demo") {
				t.Errorf("Host %s %s %s: %d %s, want 421 naming the local demo", host, route[0], route[1], r.status, r.raw)
			}
		}
	}
	if n := len(model.Requests()); n != 0 {
		t.Fatalf("refused requests reached the model %d times", n)
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port, "[::1]", "127.0.0.1"} {
		if r := send("GET", "/healthz", host, ""); r.status != http.StatusOK {
			t.Errorf("Host %s: %d %s, want 200", host, r.status, r.raw)
		}
	}
	if r := send("POST", "/v1/jobs", "localhost:"+port, `{"query":"hi"}`); r.status != http.StatusAccepted {
		t.Errorf("POST /v1/jobs with Host localhost: %d %s", r.status, r.raw)
	}
}

// With -tenants every request needs a key, and the service may sit behind
// any name: Host is not checked.
func TestServiceWithKeysServesAnyHost(t *testing.T) {
	tenants, _ := writeTenants(t, twoTenants)
	ts := startService(t, aitest.NewScripted(), "-tenants", tenants)
	req, err := http.NewRequest("GET", ts.url+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "api.example.com"
	if r := ts.send(t, req); r.status != http.StatusOK {
		t.Fatalf("Host api.example.com with -tenants: %d %s", r.status, r.raw)
	}
}
