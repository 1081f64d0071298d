package failover

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/otelagent"
)

// Model is an ai.Model that answers from the first model of its list that
// can (see the package documentation). It is safe for concurrent use.
//
// Build one per program (or per list of models), not per run: its
// breakers remember the models' health across calls. Close unregisters
// its metrics callback.
type Model struct {
	targets        []*target
	now            func() time.Time
	logger         *slog.Logger
	ownLogger      bool // logger came from WithLogger
	observers      []func(context.Context, Attempt)
	stateObservers []func(StateChange)
	attemptTimeout time.Duration
	meters         *meters
	closeOnce      sync.Once
	closeErr       error
}

var _ ai.Model = (*Model)(nil)

// New returns a failover model over models, tried in the order given.
//
// Errors match [ErrInvalidConfig]: an empty list; a nil model (a nil
// interface or a nil pointer in one); a model with an empty ModelName; two
// models with the same provider and model name (they could not be told
// apart in responses, errors and metrics: the same model behind two
// endpoints needs a ProviderName() string method on one of them that
// names its endpoint); an option's bad value.
func New(models []ai.Model, opts ...Option) (*Model, error) {
	if len(models) == 0 {
		return nil, fmt.Errorf("%w: the list of models is empty: give at least one (a primary, then its fallbacks)", ErrInvalidConfig)
	}
	c := config{breaker: DefaultBreakerSettings(), now: time.Now}
	for i, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: option %d is nil", ErrInvalidConfig, i)
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	m := &Model{now: c.now, logger: c.logger, ownLogger: c.logger != nil, observers: c.observers, stateObservers: c.stateObservers, attemptTimeout: c.attemptTimeout}
	if m.logger == nil {
		m.logger = slog.Default()
	}
	seen := map[string]int{}
	for i, model := range models {
		if ai.IsNil(model) {
			return nil, fmt.Errorf("%w: models[%d] is nil", ErrInvalidConfig, i)
		}
		t := newTarget(m, i, model, c.breaker)
		if t.name == "" {
			return nil, fmt.Errorf("%w: models[%d] (%T) has an empty ModelName", ErrInvalidConfig, i, model)
		}
		key := t.provider + "/" + t.name
		if j, dup := seen[key]; dup {
			return nil, fmt.Errorf("%w: models[%d] and models[%d] are both %s: give one a ProviderName() method naming its endpoint, or drop one", ErrInvalidConfig, j, i, key)
		}
		seen[key] = i
		m.targets = append(m.targets, t)
		// The configured names are a bounded set: the runtime's metrics
		// keep them as label values when a response names them.
		otelagent.AllowProviders(t.provider)
		otelagent.AllowResponseModels(t.name)
	}
	m.meters = newMeters(m, c.mp)
	return m, nil
}

// ModelName implements ai.Model: the first model's name, the model a
// request goes to first (gen_ai.request.model). Response.Model says which
// answered.
func (m *Model) ModelName() string { return m.targets[0].name }

// ProviderName is the first model's gen_ai.provider.name.
// Response.Provider says which provider answered.
func (m *Model) ProviderName() string { return m.targets[0].provider }

// Breakers reports each model's breaker, in the list's order.
func (m *Model) Breakers() []BreakerStatus {
	out := make([]BreakerStatus, len(m.targets))
	for i, t := range m.targets {
		out[i] = t.status()
	}
	return out
}

// Close unregisters the metrics callback; the model still works, without
// a state gauge. It may be called more than once.
func (m *Model) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.meters.close() })
	return m.closeErr
}

// Ping implements ai.Model: it pings the models in order, past their
// breakers, and returns the first success, its Detail naming it; when all
// fail, an [*Error] matching [ErrAllFailed] (or the context's end).
func (m *Model) Ping(ctx context.Context) (*ai.PingResult, error) {
	var attempts []Attempt
	for _, t := range m.targets {
		if err := ctx.Err(); err != nil {
			return nil, &Error{Attempts: attempts, Err: err, between: true}
		}
		res, err := t.model.Ping(ctx)
		if err == nil && res != nil {
			out := *res
			if out.Provider == "" {
				out.Provider = t.provider
			}
			if out.Model == "" {
				out.Model = t.name
			}
			out.Detail = strings.TrimSpace(fmt.Sprintf("failover: model %d of %d (%s/%s) answered; %s", t.index+1, len(m.targets), t.provider, t.name, res.Detail))
			return &out, nil
		}
		if err == nil {
			err = fmt.Errorf("ping returned neither a result nor an error")
		}
		attempts = append(attempts, Attempt{Index: t.index, Provider: t.provider, Model: t.name, Err: err})
	}
	return nil, &Error{Attempts: attempts, Err: attempts[len(attempts)-1].Err, allFailed: true}
}

// Generate implements ai.Model: it tries each model at most once, in
// order, as the package documentation says, and returns the first answer
// with Response.Model and Response.Provider naming the model that gave
// it. A failure is an [*Error].
func (m *Model) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	var attempts []Attempt
	for _, t := range m.targets {
		if err := ctx.Err(); err != nil {
			return nil, &Error{Attempts: attempts, Err: err, between: true}
		}
		a := Attempt{Index: t.index, Provider: t.provider, Model: t.name}
		resp, err := m.try(ctx, t, req, &a)
		a.Err = err
		more := t.index+1 < len(m.targets)
		a.MovedOn = err != nil && more && ctx.Err() == nil && !a.Streamed && ai.IsTransient(err)
		attempts = append(attempts, a)
		m.attempted(ctx, a)
		if err == nil {
			return resp, nil
		}
		switch {
		case ctx.Err() != nil:
			return nil, &Error{Attempts: attempts, Err: err}
		case a.Streamed:
			return nil, &Error{Attempts: attempts, Err: err, partial: true}
		case !ai.IsTransient(err):
			return nil, &Error{Attempts: attempts, Err: err}
		}
	}
	return nil, &Error{Attempts: attempts, Err: attempts[len(attempts)-1].Err, allFailed: true}
}

// try makes one attempt on t through its breaker, filling a's Skipped,
// Streamed and Duration.
func (m *Model) try(ctx context.Context, t *target, req ai.Request, a *Attempt) (resp *ai.Response, err error) {
	done, err := t.allow()
	if err != nil {
		a.Skipped = true
		return nil, err
	}
	var streamed atomic.Bool
	if onDelta := req.OnDelta; onDelta != nil {
		req.OnDelta = func(text string) {
			if text != "" {
				streamed.Store(true)
			}
			onDelta(text)
		}
	}
	actx := ctx
	if m.attemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, m.attemptTimeout)
		defer cancel()
	}
	start := m.now()
	reported := false
	defer func() {
		a.Duration = m.now().Sub(start)
		a.Streamed = streamed.Load()
		if !reported { // a panic: a failure of the model, then the panic goes on
			done(fmt.Errorf("panic in %s/%s: %w", t.provider, t.name, ai.ErrTransient))
		}
	}()
	if m.attemptTimeout > 0 {
		resp, err = generateBounded(actx, t.model, req, t.provider+"/"+t.name)
	} else {
		resp, err = t.model.Generate(actx, req)
	}
	if err == nil && resp == nil {
		err = &ai.ModelError{Provider: t.provider, Message: "the model returned neither a response nor an error"}
	}
	reported = true
	done(err)
	if err != nil {
		return nil, err
	}
	out := *resp
	if out.Model == "" {
		out.Model = t.name
	}
	if out.Provider == "" {
		out.Provider = t.provider
	}
	return &out, nil
}
