package promtest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// Run starts a Prometheus for test t (storage in t.TempDir()) and stops it
// at cleanup, logging its output when t failed. A missing binary skips t
// with the way to install it — except under CI=true, where it fails t:
// CI installs the package, so the test must run there.
func Run(t testing.TB, cfg Config) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, t.TempDir(), cfg)
	if errors.Is(err, ErrNotInstalled) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; .ci/run installs it", err)
		}
		t.Skipf("%v; .ci/run installs it", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("prometheus output:\n%s", s.Output())
		}
	})
	return s
}
