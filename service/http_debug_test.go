package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// -debug-addr has no login: an address that is not loopback is a usage
// error naming the flag, before anything listens.
func TestDebugAddrMustBeLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:6060", ":6060", "[::]:6060", "192.168.1.5:6060", "debug.internal:6060", "6060"} {
		_, err := parseConfig([]string{"-debug-addr", addr, "-db", "sqlite:///x.db"}, func(string) string { return "" }, io.Discard)
		var ue *cli.UsageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "-debug-addr") || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("-debug-addr %s: %v, want a usage error naming -debug-addr and loopback", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:6060", "localhost:6060", "[::1]:6060", "127.0.0.2:0"} {
		if _, err := parseConfig([]string{"-debug-addr", addr, "-db", "sqlite:///x.db"}, func(string) string { return "" }, io.Discard); err != nil {
			t.Errorf("-debug-addr %s: %v", addr, err)
		}
	}
}

// The debug server answers pprof's index and profiles but not
// /debug/pprof/cmdline: the command line may hold a -db URL's password,
// and no answer of the debug server shows it.
func TestDebugServerHidesTheCommandLine(t *testing.T) {
	const password = "debug-cmdline-password-7f3a"
	args := os.Args
	os.Args = append(append([]string{}, args...), "-db", "postgres://svc:"+password+"@db.internal/aigentic")
	t.Cleanup(func() { os.Args = args })

	ts := startService(t, aitest.NewScripted(), "-debug-addr", "127.0.0.1:0")
	base := "http://" + debugAddrOf(t, ts) + "/debug/pprof/"
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	for _, path := range []string{"", "goroutine?debug=1", "heap?debug=1", "allocs?debug=1", "symbol", "cmdline", "cmdline?debug=1", "Cmdline", "cmdline/"} {
		status, body := get(path)
		if strings.Contains(body, password) {
			t.Errorf("/debug/pprof/%s (%d) shows the command line's password", path, status)
		}
		wantOK := !strings.HasPrefix(strings.ToLower(path), "cmdline")
		if wantOK && status != http.StatusOK {
			t.Errorf("/debug/pprof/%s: %d, want 200", path, status)
		}
		if !wantOK && status != http.StatusNotFound {
			t.Errorf("/debug/pprof/%s: %d, want 404", path, status)
		}
	}
	// A foreign Host (a web page's name resolved to 127.0.0.1: DNS
	// rebinding) is refused, as the local demo refuses it.
	req, err := http.NewRequest("GET", base+"goroutine?debug=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "attacker.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host attacker.example: %d, want 421", resp.StatusCode)
	}
}

// debugAddrOf is the address the service logged for -debug-addr.
func debugAddrOf(t *testing.T, ts *testService) string {
	t.Helper()
	for _, line := range strings.Split(ts.logs.String(), "\n") {
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "debug endpoints on" {
			return rec.Addr
		}
	}
	t.Fatalf("no debug address in the log:\n%s", ts.logs.String())
	return ""
}
