package failover_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// Bad input at construction: a clear error matching ErrInvalidConfig that
// names what is wrong, never a panic.
func TestNewRejectsBadInput(t *testing.T) {
	ok := newFake("a", "a")
	breaker := func(f, p int, d time.Duration) failover.Option {
		return failover.WithBreaker(failover.BreakerSettings{FailureThreshold: f, OpenTimeout: d, HalfOpenProbes: p})
	}
	tests := []struct {
		name   string
		models []ai.Model
		opts   []failover.Option
		want   string
	}{
		{"no list", nil, nil, "the list of models is empty"},
		{"empty list", []ai.Model{}, nil, "the list of models is empty"},
		{"nil model", []ai.Model{ok, nil}, nil, "models[1] is nil"},
		{"nil pointer", []ai.Model{(*openai.Model)(nil)}, nil, "models[0] is nil"},
		{"empty name", []ai.Model{newFake("a", "")}, nil, "models[0] (*failover_test.fakeModel) has an empty ModelName"},
		{"duplicate", []ai.Model{offline.NewModel(), ok, offline.NewModel()}, nil, "models[0] and models[2] are both offline/offline"},
		{"negative threshold", []ai.Model{ok}, []failover.Option{breaker(-1, 1, time.Second)}, "FailureThreshold is -1: use 1 to 4294967295"},
		{"zero threshold", []ai.Model{ok}, []failover.Option{breaker(0, 1, time.Second)}, "FailureThreshold is 0"},
		{"huge threshold", []ai.Model{ok}, []failover.Option{breaker(1<<40, 1, time.Second)}, "FailureThreshold is 1099511627776"},
		{"zero probes", []ai.Model{ok}, []failover.Option{breaker(1, 0, time.Second)}, "HalfOpenProbes is 0: use 1 to"},
		{"negative probes", []ai.Model{ok}, []failover.Option{breaker(1, -3, time.Second)}, "HalfOpenProbes is -3"},
		{"zero timeout", []ai.Model{ok}, []failover.Option{breaker(1, 1, 0)}, "OpenTimeout is 0s: use a duration greater than 0"},
		{"negative timeout", []ai.Model{ok}, []failover.Option{breaker(1, 1, -time.Second)}, "OpenTimeout is -1s"},
		{"nil option", []ai.Model{ok}, []failover.Option{nil}, "option 0 is nil"},
		{"nil observer", []ai.Model{ok}, []failover.Option{failover.WithObserver(nil)}, "WithObserver(nil)"},
		{"nil state observer", []ai.Model{ok}, []failover.Option{failover.WithStateObserver(nil)}, "WithStateObserver(nil)"},
		{"nil clock", []ai.Model{ok}, []failover.Option{failover.WithClock(nil)}, "WithClock(nil)"},
		{"zero attempt timeout", []ai.Model{ok}, []failover.Option{failover.WithAttemptTimeout(0)}, "WithAttemptTimeout(0s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := failover.New(tt.models, tt.opts...)
			if !errors.Is(err, failover.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) || m != nil {
				t.Fatalf("New: %v, want ErrInvalidConfig with %q", err, tt.want)
			}
		})
	}
}

// The same model twice is fine when the two differ by provider: the
// fault injector in front of one is a provider of its own ("aitest").
func TestSameModelBehindTwoProviders(t *testing.T) {
	m, err := failover.New([]ai.Model{aitest.Inject(offline.NewModel()), offline.NewModel()}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if b := m.Breakers(); b[0].Provider != "aitest" || b[1].Provider != "offline" {
		t.Fatalf("Breakers = %+v", b)
	}
}

// Without WithBreaker the defaults apply: five failures open a breaker.
func TestDefaultBreakerSettings(t *testing.T) {
	d := failover.DefaultBreakerSettings()
	if d.FailureThreshold != 5 || d.OpenTimeout != 30*time.Second || d.HalfOpenProbes != 1 {
		t.Fatalf("defaults = %+v", d)
	}
	primary := newFake("a", "a")
	for range 5 {
		primary.then(status(503))
	}
	m := mustNew(t, []ai.Model{primary, newFake("b", "b")})
	for i := range 5 {
		if s := m.Breakers()[0].State; s != failover.StateClosed {
			t.Fatalf("open after %d failures", i)
		}
		mustAnswer(t, m, "b")
	}
	if s := m.Breakers()[0].State; s != failover.StateOpen {
		t.Fatalf("after 5 failures: %s, want open", s)
	}
}
