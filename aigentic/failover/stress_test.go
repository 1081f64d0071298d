package failover_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

// flaky fails every other call with a 503.
type flaky struct {
	fakeModel
	mu sync.Mutex
	n  int
}

func (f *flaky) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	f.mu.Lock()
	f.n++
	odd := f.n%2 == 1
	f.mu.Unlock()
	if odd {
		return nil, aitest.StatusError(503, 0)
	}
	return answer("from "+f.name)(ctx, req)
}

// Callers, a moving clock, Breakers() and metric collection all at once
// (run with -race): every call ends in an answer or an error of the list,
// transitions are reported in a valid order for each model, and the
// gauge always shows exactly one state per model.
func TestConcurrentTransitionsAndMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { mp.Shutdown(context.Background()) })
	clock := newClock()
	var mu sync.Mutex
	last := map[string]failover.State{"a": failover.StateClosed, "b": failover.StateClosed}
	var bad []string
	m := mustNew(t, []ai.Model{&flaky{fakeModel: fakeModel{name: "a", provider: "a"}}, &flaky{fakeModel: fakeModel{name: "b", provider: "b"}}},
		failover.WithClock(clock.Now), failover.WithMeterProvider(mp),
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 2, OpenTimeout: time.Second, HalfOpenProbes: 2}),
		failover.WithStateObserver(func(c failover.StateChange) {
			mu.Lock()
			defer mu.Unlock()
			if c.From != last[c.Model] || c.From == c.To {
				bad = append(bad, c.Model+": "+string(c.From)+">"+string(c.To)+" after "+string(last[c.Model]))
			}
			last[c.Model] = c.To
		}))

	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				resp, err := m.Generate(context.Background(), request)
				if err == nil && resp.Model != "a" && resp.Model != "b" || err != nil && !errors.Is(err, failover.ErrAllFailed) {
					t.Errorf("resp %+v, err %v", resp, err)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			clock.Advance(300 * time.Millisecond)
			m.Breakers()
			var rm metricdata.ResourceMetrics
			if err := reader.Collect(context.Background(), &rm); err != nil {
				t.Error(err)
				return
			}
			for _, sm := range rm.ScopeMetrics {
				for _, mt := range sm.Metrics {
					if g, ok := mt.Data.(metricdata.Gauge[int64]); ok {
						ones := map[string]int64{}
						for _, p := range g.DataPoints {
							v, _ := p.Attributes.Value("gen_ai.request.model")
							ones[v.AsString()] += p.Value
						}
						if ones["a"] != 1 || ones["b"] != 1 {
							t.Errorf("the gauge shows %v states at once", ones)
						}
					}
				}
			}
		}
	}()
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("transitions out of order: %v", bad)
	}
}

// fixed answers at once, the same response each time.
type fixed struct{ name string }

var fixedResponse = &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "ok"}, FinishReason: "stop"}

func (f fixed) ModelName() string                                        { return f.name }
func (f fixed) ProviderName() string                                     { return f.name }
func (fixed) Ping(context.Context) (*ai.PingResult, error)               { return &ai.PingResult{}, nil }
func (fixed) Generate(context.Context, ai.Request) (*ai.Response, error) { return fixedResponse, nil }

// down fails at once with a 503.
type down struct{ fixed }

var errDown = aitest.StatusError(503, 0)

func (down) Generate(context.Context, ai.Request) (*ai.Response, error) { return nil, errDown }

// The cost of the list against models that answer (or fail) at once: the
// model alone; the list whose primary answers; whose primary fails and the
// fallback answers; whose primary's breaker is open.
// go test -run '^$' -bench . -benchmem ./aigentic/failover/
func BenchmarkGenerate(b *testing.B) {
	run := func(name string, m ai.Model) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := m.Generate(context.Background(), request); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	list := func(first ai.Model, s failover.BreakerSettings) *failover.Model {
		m, err := failover.New([]ai.Model{first, fixed{"b"}}, quiet, failover.WithBreaker(s))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		return m
	}
	run("model_alone", fixed{"a"})
	run("primary_answers", list(fixed{"a"}, failover.DefaultBreakerSettings()))
	run("fails_over", list(down{fixed{"a"}}, failover.BreakerSettings{FailureThreshold: 1 << 30, OpenTimeout: time.Minute, HalfOpenProbes: 1}))
	run("breaker_open", list(down{fixed{"a"}}, failover.BreakerSettings{FailureThreshold: 1, OpenTimeout: time.Hour, HalfOpenProbes: 1}))
}
