package failover

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// State is a breaker's state, as the metrics' "state" label says it.
type State string

// The states of a breaker.
const (
	// StateClosed: calls go through; failures are counted.
	StateClosed State = "closed"
	// StateOpen: calls fail at once with an *OpenError until the open
	// period ends.
	StateOpen State = "open"
	// StateHalfOpen: up to HalfOpenProbes calls go through as probes.
	StateHalfOpen State = "half_open"
)

// states lists every State, in the order of the state metric.
var states = [...]State{StateClosed, StateOpen, StateHalfOpen}

func stateOf(s gobreaker.State) State {
	switch s {
	case gobreaker.StateOpen:
		return StateOpen
	case gobreaker.StateHalfOpen:
		return StateHalfOpen
	}
	return StateClosed
}

// StateChange is one transition of one model's breaker.
type StateChange struct {
	// Index, Provider and Model name the model, as in [Attempt].
	Index           int
	Provider, Model string
	From, To        State
	// At is the time of the transition on the package's clock.
	At time.Time
	// Until is when the breaker half-opens, when To is StateOpen.
	Until time.Time
}

// BreakerStatus is a model's breaker as [Model.Breakers] reports it.
type BreakerStatus struct {
	Index           int
	Provider, Model string
	State           State
	// Until is when an open breaker half-opens; zero otherwise.
	Until time.Time
	// ConsecutiveFailures is the current run of transient failures
	// (closed state), or of the probes' (half-open).
	ConsecutiveFailures int
}

// target is one model of the list with its breaker.
//
// gobreaker v2.4.0 reads time.Now itself and has no clock hook, so the open
// period is kept here, on the package's clock: gobreaker's own Timeout is
// its minimum (1 ns), and while open the gate below refuses calls without
// asking gobreaker; once the period has passed, the next call (or
// state()) asks gobreaker, which half-opens. Every call into the breaker
// is made under mu, so the gate's check and gobreaker's admission are one
// step and OnStateChange (which gobreaker calls inside them) may write the
// fields below without a lock of its own.
type target struct {
	index          int
	model          ai.Model
	provider, name string // gen_ai.provider.name, ModelName
	m              *Model // the owner: clock, notifications
	mu             sync.Mutex
	cb             *gobreaker.TwoStepCircuitBreaker[struct{}]
	state          State
	until          time.Time     // end of the open period, while open
	pending        []StateChange // transitions not yet reported
	flushing       bool          // a caller is reporting them
	openTimeout    time.Duration
}

func newTarget(m *Model, i int, model ai.Model, s BreakerSettings) *target {
	t := &target{index: i, model: model, provider: ai.ProviderName(model), name: model.ModelName(), m: m,
		state: StateClosed, openTimeout: s.OpenTimeout}
	threshold := uint32(s.FailureThreshold)
	t.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        t.provider + "/" + t.name,
		MaxRequests: uint32(s.HalfOpenProbes),
		Timeout:     time.Nanosecond, // the open period is kept by the gate
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= threshold },
		// The server failed only on a transient error; a permanent one
		// (a bad request, a rejected key) means it answered.
		IsSuccessful: func(err error) bool { return err == nil || !ai.IsTransient(err) },
		// A cancellation says nothing of the server.
		IsExcluded:    func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: t.onStateChange,
	})
	return t
}

// onStateChange runs inside a call into the breaker, under t.mu.
func (t *target) onStateChange(_ string, from, to gobreaker.State) {
	now := t.m.now()
	c := StateChange{Index: t.index, Provider: t.provider, Model: t.name, From: stateOf(from), To: stateOf(to), At: now}
	t.state = c.To
	t.until = time.Time{}
	if c.To == StateOpen {
		t.until = now.Add(t.openTimeout)
		c.Until = t.until
	}
	t.pending = append(t.pending, c)
}

// allow asks the breaker for a call: done reports its outcome; err is an
// *OpenError when the breaker refuses.
func (t *target) allow() (done func(error), err error) {
	t.mu.Lock()
	now := t.m.now()
	if t.state == StateOpen && now.Before(t.until) {
		until := t.until
		t.mu.Unlock()
		return nil, newOpenError(t, StateOpen, until, now)
	}
	report, err := t.cb.Allow()
	st, until := t.state, t.until
	t.mu.Unlock()
	t.flush()
	if err != nil {
		if errors.Is(err, gobreaker.ErrOpenState) {
			st = StateOpen // gobreaker has not seen its 1 ns pass: open for now
		}
		return nil, newOpenError(t, st, until, now)
	}
	return func(err error) {
		t.mu.Lock()
		report(err)
		t.mu.Unlock()
		t.flush()
	}, nil
}

// status reports the breaker as the next call would meet it: an open
// breaker whose period has passed half-opens here.
func (t *target) status() BreakerStatus {
	t.mu.Lock()
	if t.state == StateOpen && !t.m.now().Before(t.until) {
		t.cb.State()
	}
	s := BreakerStatus{Index: t.index, Provider: t.provider, Model: t.name, State: t.state, Until: t.until,
		ConsecutiveFailures: int(t.cb.Counts().ConsecutiveFailures)}
	t.mu.Unlock()
	t.flush()
	return s
}

// flush reports the transitions recorded under the lock, outside it, in
// the order they happened: one caller at a time reports all that are
// pending, and a caller that finds another reporting leaves its own to
// it (so an observer that calls back into the Model does not deadlock).
func (t *target) flush() {
	t.mu.Lock()
	if t.flushing {
		t.mu.Unlock()
		return
	}
	t.flushing = true
	defer func() { // also when an observer panics
		t.flushing = false
		t.mu.Unlock()
	}()
	for len(t.pending) > 0 {
		p := t.pending
		t.pending = nil
		t.mu.Unlock()
		for _, c := range p {
			t.m.stateChanged(c)
		}
		t.mu.Lock()
	}
}
