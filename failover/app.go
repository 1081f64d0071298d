package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/failover"
)

const instructions = `You are a helpful assistant. Answer briefly, in one or two sentences.`

// system is what the program takes from its process; tests pass their own.
type system struct {
	getenv func(string) string
	// now is the clock of the breakers' open period.
	now func() time.Time
	// sleep waits d or until ctx ends (then returning ctx's error).
	sleep func(ctx context.Context, d time.Duration) error
}

// run is the program, on the real process.
func run(ctx context.Context, args []string, out io.Writer) error {
	return cli.WithDotEnv(func() error {
		return runWith(ctx, args, out, system{getenv: os.Getenv, now: time.Now, sleep: sleep})
	})
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runWith is the program on the given system.
func runWith(ctx context.Context, args []string, out io.Writer, sys system) error {
	var cfg config
	model, p, err := cli.Start(spec(&cfg), &cfg.Config, args, sys.getenv, out, cfg.check)
	if p == nil {
		return err
	}
	ctx, cancel := cli.WithSessionTimeout(ctx, cfg.Config)
	defer cancel()
	if err := cli.Reachable(ctx, model); err != nil {
		return err // both ends of the list are this server: one line naming it
	}

	d, err := newDemo(model, cfg, sys, p)
	if err != nil {
		return err
	}
	defer d.close()
	return d.play(ctx)
}

// demo is the failover list, the agent on it, and what the requests saw.
type demo struct {
	p       *cli.Printer
	sys     system
	cfg     config
	primary *aitest.Faulty
	list    *failover.Model
	mp      *sdkmetric.MeterProvider
	reader  *sdkmetric.ManualReader
	agent   aigentic.Agent
	session *aigentic.Session

	mu     sync.Mutex
	events []event // of the request in progress: attempts and transitions, in order
	reqs   []request
}

// event is an attempt or a breaker transition.
type event struct {
	attempt *failover.Attempt
	change  *failover.StateChange
}

// request is what one request (one agent run, one model call) saw.
type request struct {
	n            int
	events       []event
	answer       string
	answeredBy   string // provider/model
	retries      int
	primaryCalls int       // aitest.Faulty's count after the request
	start        time.Time // on the demo's clock
}

// newDemo builds the list: the primary is model behind aitest.Faulty,
// which fails its next cfg.failures calls with HTTP 503; the fallback is
// model itself.
func newDemo(model ai.Model, cfg config, sys system, p *cli.Printer) (*demo, error) {
	d := &demo{p: p, sys: sys, cfg: cfg, reader: sdkmetric.NewManualReader()}
	d.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(d.reader))
	outage := make([]error, cfg.failures)
	for i := range outage {
		outage[i] = aitest.StatusError(503, 0)
	}
	d.primary = aitest.Inject(model).FailNext(outage...)
	logger := p.Logger(cfg.Log)
	list, err := failover.New([]ai.Model{d.primary, model},
		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: cfg.failures, OpenTimeout: cfg.openTimeout, HalfOpenProbes: 1}),
		failover.WithClock(sys.now),
		failover.WithMeterProvider(d.mp),
		failover.WithLogger(logger),
		failover.WithStateObserver(func(c failover.StateChange) { d.record(event{change: &c}) }),
	)
	if err != nil {
		d.mp.Shutdown(context.Background())
		return nil, err
	}
	d.list = list
	d.agent = aigentic.Agent{
		Model: list, Name: "assistant", Instructions: instructions,
		Retries: 2, MaxLLMCalls: 2, LogLevel: cfg.Log.Level, Logger: logger,
		// The one retry layer: a whole list that fails is tried again
		// after a backoff (waited on the demo's clock).
		RetryPolicy: &aigentic.RetryPolicy{Sleep: sys.sleep},
	}
	return d, nil
}

func (d *demo) close() {
	d.list.Close()
	d.mp.Shutdown(context.Background())
}

func (d *demo) record(e event) {
	d.mu.Lock()
	d.events = append(d.events, e)
	d.mu.Unlock()
}

// play is the story: the outage, the open breaker, the wait, the probe;
// then the metrics and the verdicts.
func (d *demo) play(ctx context.Context) error {
	d.session = aigentic.NewSession(ctx)
	defer d.session.Cancel()
	d.agent.Session = d.session
	b := d.list.Breakers()
	primary, fallback := b[0].Provider+"/"+b[0].Model, b[1].Provider+"/"+b[1].Model
	d.p.Line("Primary:  %s — %s behind aitest.Faulty, which fails its next %s with HTTP 503 (the outage).", primary, b[0].Model, plural(d.cfg.failures, "call"))
	d.p.Line("Fallback: %s.", fallback)
	d.p.Line("Breakers: open after %s, fail fast for %s, then let 1 probe through.", inARow(d.cfg.failures, "transient failure"), d.cfg.openTimeout)
	d.p.Title("Question: %s", d.cfg.Question)

	n := d.cfg.failures + 1 // the outage, and one request while open
	for i := 1; i <= n; i++ {
		if err := d.ask(ctx, i); err != nil {
			return err
		}
	}
	if st := d.list.Breakers()[0]; st.State == failover.StateOpen {
		wait := st.Until.Sub(d.sys.now())
		d.p.Line("")
		d.p.Line("Waiting %s for the primary's breaker to half-open…", wait.Round(time.Millisecond))
		if err := d.sys.sleep(ctx, wait); err != nil {
			return fmt.Errorf("waiting for the breaker to half-open: %w", err)
		}
	}
	if err := d.ask(ctx, n+1); err != nil {
		return err
	}
	return d.conclude(ctx, primary, fallback)
}

// ask runs the agent once, printing what each model did.
func (d *demo) ask(ctx context.Context, n int) error {
	d.p.Line("")
	d.p.Line("Request %d", n)
	start := d.sys.now()
	rctx := failover.ObserveAttempts(ctx, func(a failover.Attempt) { d.record(event{attempt: &a}) })
	run, err := d.agent.StartContext(rctx, d.cfg.Question)
	if err != nil {
		return err
	}
	answer, err := d.p.Follow(run, nil)
	d.mu.Lock()
	r := request{n: n, events: d.events, answer: answer, retries: run.Stats().Retries, primaryCalls: d.primary.Calls(), start: start}
	d.events = nil
	d.mu.Unlock()
	for _, e := range r.events {
		if e.attempt != nil && e.attempt.Err == nil {
			r.answeredBy = e.attempt.Name()
		}
	}
	d.reqs = append(d.reqs, r)
	d.printEvents(r)
	if err != nil {
		return fmt.Errorf("request %d: %w", n, err)
	}
	return nil
}
