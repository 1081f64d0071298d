package otelagent_test

import (
	"context"
	"errors"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/otelagent"
)

// observeRun reports a one-step run to o: its start and end.
func observeRun(o *otelagent.Observer) {
	run := runInfo()
	ctx := o.Observe(context.Background(), &hook.RunStart{Run: run})
	o.Observe(ctx, &hook.RunEnd{Run: run, Outcome: "ok"})
}

// useGlobals sets the program's global providers for the test, and puts
// no-op ones back after it.
func useGlobals(t *testing.T, tp trace.TracerProvider, mp metric.MeterProvider) {
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	t.Cleanup(func() {
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
		otel.SetMeterProvider(metricnoop.NewMeterProvider())
	})
}

// New makes spans and metrics with the providers it is given, and with
// the global ones, read when New is called, for a nil one.
func TestNewUsesTheGivenProvidersElseTheGlobalOnes(t *testing.T) {
	tp, sr := spanRecorder(t)
	mp, reader := meterReader(t)
	observeRun(otelagent.New(tp, mp))
	spanTree(sr.Ended()).one(t, "invoke_agent bot")
	if n := collect(t, reader).count(t, "aigentic.runs", map[string]string{"outcome": "ok"}); n != 1 {
		t.Errorf("given providers: aigentic.runs = %v, want 1", n)
	}

	gtp, gsr := spanRecorder(t)
	gmp, greader := meterReader(t)
	useGlobals(t, gtp, gmp)
	observeRun(otelagent.New(nil, nil))
	spanTree(gsr.Ended()).one(t, "invoke_agent bot")
	if n := collect(t, greader).count(t, "aigentic.runs", map[string]string{"outcome": "ok"}); n != 1 {
		t.Errorf("global providers: aigentic.runs = %v, want 1", n)
	}
	if n := len(sr.Ended()); n != 1 {
		t.Errorf("the first provider got %d spans after New(nil, nil), want still 1", n)
	}
}

// For hands back the Observer it made last while the providers stay the
// same (a program has one pair: making one takes locks and allocations),
// and a new one, recording with them, when they change.
func TestForReusesTheObserverOfTheSameProviders(t *testing.T) {
	ctx := context.Background()
	tp, sr := spanRecorder(t)
	tp2, sr2 := spanRecorder(t)
	mp, _ := meterReader(t)
	first := otelagent.For(ctx, tp, mp)
	if first == nil {
		t.Fatal("For returned nil for recording providers")
	}
	if again := otelagent.For(ctx, tp, mp); again != first {
		t.Error("For made a new Observer for the providers of the last one")
	}
	other := otelagent.For(ctx, tp2, mp)
	if other == first {
		t.Fatal("For reused the Observer of another tracer provider")
	}
	observeRun(other)
	if len(sr.Ended()) != 0 || len(sr2.Ended()) != 1 {
		t.Errorf("spans: %d on the first provider, %d on the second; want 0 and 1", len(sr.Ended()), len(sr2.Ended()))
	}
}

// uncomparableTP is a tracer provider of a type == cannot compare (a
// struct holding a map): a provider of a user's own may be one.
type uncomparableTP struct {
	trace.TracerProvider
	tags map[string]string
}

// For compares providers without panicking on a type that cannot be
// compared, and its Observer records with it.
func TestForTakesAnUncomparableProvider(t *testing.T) {
	tp, sr := spanRecorder(t)
	mp, _ := meterReader(t)
	for range 2 {
		o := otelagent.For(context.Background(), uncomparableTP{TracerProvider: tp, tags: map[string]string{"k": "v"}}, mp)
		if o == nil {
			t.Fatal("For returned nil")
		}
		observeRun(o)
	}
	if n := len(spanTree(sr.Ended()).named("invoke_agent bot")); n != 2 {
		t.Fatalf("%d run spans, want 2", n)
	}
}

// freshProcessEnv marks the run of this test binary that
// TestForIsNilWhileTheProgramSetsNoProviders starts: a process where no
// global provider has been set.
const freshProcessEnv = "OTELAGENT_TEST_FRESH_PROCESS"

// For returns nil — the run pays for nothing — when nothing can record:
// explicit no-op providers, or nil ones while the program has set no
// global provider (otel's delegating default) or has set no-op ones; and
// an Observer once the program sets a global tracer provider. The "set
// none" case needs a process where no test has set one yet, so the test
// runs itself again in a new process for it.
func TestForIsNilWhileTheProgramSetsNoProviders(t *testing.T) {
	ctx := context.Background()
	if os.Getenv(freshProcessEnv) == "" {
		if o := otelagent.For(ctx, tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider()); o != nil {
			t.Error("For with explicit no-op providers returned an Observer")
		}
		useGlobals(t, tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider())
		if o := otelagent.For(ctx, nil, nil); o != nil {
			t.Error("For with the global no-op providers returned an Observer")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestForIsNilWhileTheProgramSetsNoProviders$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), freshProcessEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestForIsNilWhileTheProgramSetsNoProviders") {
			t.Fatalf("in a fresh process: %v\n%s", err, out)
		}
		return
	}
	if o := otelagent.For(ctx, nil, nil); o != nil {
		t.Fatal("For returned an Observer while the program has set no provider")
	}
	tp, sr := spanRecorder(t)
	otel.SetTracerProvider(tp)
	o := otelagent.For(ctx, nil, nil)
	if o == nil {
		t.Fatal("For returned nil once the program set a tracer provider")
	}
	observeRun(o)
	spanTree(sr.Ended()).one(t, "invoke_agent bot")
}

// refusingMeterProvider is a meter provider whose meters refuse to make
// the Int64Counter named refuse, returning an error with a no-op one (as
// the metric API asks of an implementation).
type refusingMeterProvider struct {
	metricnoop.MeterProvider
	refuse string
}

func (p *refusingMeterProvider) Meter(string, ...metric.MeterOption) metric.Meter {
	return refusingMeter{refuse: p.refuse}
}

type refusingMeter struct {
	metricnoop.Meter
	refuse string
}

var errRefused = errors.New("instrument refused")

func (m refusingMeter) Int64Counter(name string, opts ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	c, _ := m.Meter.Int64Counter(name, opts...)
	if name == m.refuse {
		return c, errRefused
	}
	return c, nil
}

// errorLog is an otel.ErrorHandler keeping what it is handed until
// closed, then logging it as otel's default handler does: the default
// handler goes on forwarding to the first handler ever set.
type errorLog struct {
	mu     sync.Mutex
	errs   []error
	closed bool
}

func (l *errorLog) Handle(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		log.Print(err)
		return
	}
	l.errs = append(l.errs, err)
}

func (l *errorLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
}

func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

// An instrument the meter provider refuses is reported to otel.Handle —
// that error, once, and nothing for the instruments it made — and the
// Observer still serves runs.
func TestRefusedInstrumentGoesToTheOTelErrorHandler(t *testing.T) {
	prev := otel.GetErrorHandler()
	handled := &errorLog{}
	otel.SetErrorHandler(handled)
	t.Cleanup(func() {
		handled.close()
		otel.SetErrorHandler(prev)
	})

	tp, sr := spanRecorder(t)
	o := otelagent.New(tp, &refusingMeterProvider{refuse: "aigentic.tool.abandoned"})
	if errs := handled.all(); len(errs) != 1 || !errors.Is(errs[0], errRefused) {
		t.Fatalf("errors handled = %v, want [%v]", errs, errRefused)
	}
	observeRun(o)
	spanTree(sr.Ended()).one(t, "invoke_agent bot")
}
