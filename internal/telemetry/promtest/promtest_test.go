package promtest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/internal/telemetry/promtest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestScrapeAndQuery: a real Prometheus scrapes an httptest target and the
// value comes back through /api/v1/query; after Stop the process is gone.
func TestScrapeAndQuery(t *testing.T) {
	reg := prometheus.NewRegistry()
	hits := prometheus.NewCounter(prometheus.CounterOpts{Name: "promtest_hits_total", Help: "Test hits."})
	reg.MustRegister(hits)
	hits.Add(7)
	target := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer target.Close()

	s := promtest.Run(t, promtest.Config{Targets: []string{strings.TrimPrefix(target.URL, "http://")}, Job: "selftest"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	vec, err := s.WaitFor(ctx, `promtest_hits_total{job="selftest"}`, func(v model.Vector) bool { return len(v) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if vec[0].Value != 7 {
		t.Errorf("promtest_hits_total = %v, want 7", vec[0].Value)
	}
	hits.Add(3)
	if _, err := s.WaitFor(ctx, `promtest_hits_total == 10`, func(v model.Vector) bool { return len(v) == 1 }); err != nil {
		t.Fatal(err)
	}

	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.URL + "/-/ready"); err == nil {
		t.Error("prometheus still answers after Stop")
	}
}

// TestStartErrors: a missing binary is ErrNotInstalled; a server that
// refuses its configuration is ErrExited with its own explanation.
func TestStartErrors(t *testing.T) {
	ctx := context.Background()
	t.Setenv("PROMETHEUS_BIN", "no-such-prometheus")
	if _, err := promtest.Start(ctx, t.TempDir(), promtest.Config{Targets: []string{"127.0.0.1:1"}}); !errors.Is(err, promtest.ErrNotInstalled) {
		t.Errorf("missing binary: %v, want ErrNotInstalled", err)
	}
	t.Setenv("PROMETHEUS_BIN", "")
	bin, err := promtest.Binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad-rules.yml")
	if err := os.WriteFile(bad, []byte("groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = promtest.Start(ctx, dir, promtest.Config{Binary: bin, Targets: []string{"127.0.0.1:1"}, RuleFiles: []string{bad}})
	if !errors.Is(err, promtest.ErrExited) || !strings.Contains(err.Error(), "bad-rules.yml") {
		t.Errorf("bad rules: %v, want ErrExited naming the file", err)
	}
}
