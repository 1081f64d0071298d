package failover

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"go.opentelemetry.io/otel/metric"
)

// The breaker settings used when [WithBreaker] is not given.
const (
	// DefaultFailureThreshold: five consecutive transient failures open a
	// breaker (gobreaker's own default trips after more than five).
	DefaultFailureThreshold = 5
	// DefaultOpenTimeout: an open breaker half-opens after 30 s.
	DefaultOpenTimeout = 30 * time.Second
	// DefaultHalfOpenProbes: a half-open breaker lets one request through.
	DefaultHalfOpenProbes = 1
)

// BreakerSettings configure the circuit breaker of every model of the
// list. Every field must be set: [WithBreaker] refuses a zero or negative
// one (leave WithBreaker out for the defaults).
type BreakerSettings struct {
	// FailureThreshold is the run of consecutive transient failures of
	// one model that opens its breaker: 1 to math.MaxUint32.
	FailureThreshold int
	// OpenTimeout is how long an open breaker fails fast before it
	// half-opens: greater than 0.
	OpenTimeout time.Duration
	// HalfOpenProbes is how many requests a half-open breaker lets
	// through: that many successes in a row close it, one failure opens
	// it again. 1 to math.MaxUint32.
	HalfOpenProbes int
}

// DefaultBreakerSettings are the settings used without [WithBreaker].
func DefaultBreakerSettings() BreakerSettings {
	return BreakerSettings{FailureThreshold: DefaultFailureThreshold, OpenTimeout: DefaultOpenTimeout, HalfOpenProbes: DefaultHalfOpenProbes}
}

func (s BreakerSettings) check() error {
	switch {
	case s.FailureThreshold < 1 || uint64(s.FailureThreshold) > math.MaxUint32:
		return fmt.Errorf("%w: BreakerSettings.FailureThreshold is %d: use 1 to %d consecutive failures", ErrInvalidConfig, s.FailureThreshold, uint64(math.MaxUint32))
	case s.OpenTimeout <= 0:
		return fmt.Errorf("%w: BreakerSettings.OpenTimeout is %s: use a duration greater than 0, such as 30s", ErrInvalidConfig, s.OpenTimeout)
	case s.HalfOpenProbes < 1 || uint64(s.HalfOpenProbes) > math.MaxUint32:
		return fmt.Errorf("%w: BreakerSettings.HalfOpenProbes is %d: use 1 to %d requests", ErrInvalidConfig, s.HalfOpenProbes, uint64(math.MaxUint32))
	}
	return nil
}

// Option configures a [Model] in [New].
type Option func(*config) error

type config struct {
	breaker        BreakerSettings
	mp             metric.MeterProvider
	logger         *slog.Logger
	observers      []func(context.Context, Attempt)
	stateObservers []func(StateChange)
	now            func() time.Time
	attemptTimeout time.Duration
}

// WithBreaker sets the breakers' settings (default
// [DefaultBreakerSettings]). A setting out of range is an error of New
// matching [ErrInvalidConfig].
func WithBreaker(s BreakerSettings) Option {
	return func(c *config) error {
		if err := s.check(); err != nil {
			return err
		}
		c.breaker = s
		return nil
	}
}

// WithMeterProvider sets where the breakers' metrics ([MetricState],
// [MetricTransitions]) go; nil (the default) is the global provider,
// otel.GetMeterProvider() (which forwards to a provider set later).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) error { c.mp = mp; return nil }
}

// WithLogger sets the logger of attempts that move on and breaker
// transitions. Nil (the default) logs an attempt inside an aigentic run
// with the run's logger (its agent's Logger and level, and the run's
// ids), and the rest with slog.Default(). Errors are logged
// redacted (aigentic/secret) and cut to 512 bytes. Pass a logger with
// slog.DiscardHandler to log nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithObserver adds fn, called after every attempt of every Generate —
// the model that answered included — in the goroutine that called
// Generate, with its context. fn must not block. A nil fn is an error.
func WithObserver(fn func(context.Context, Attempt)) Option {
	return func(c *config) error {
		if fn == nil {
			return fmt.Errorf("%w: WithObserver(nil)", ErrInvalidConfig)
		}
		c.observers = append(c.observers, fn)
		return nil
	}
}

// WithStateObserver adds fn, called on every breaker transition, in the
// order of the transitions, one at a time, after the breaker's lock is
// released — from the goroutine of a call that caused a transition or of
// another call reporting at the same time. fn must not block. A nil fn is
// an error.
func WithStateObserver(fn func(StateChange)) Option {
	return func(c *config) error {
		if fn == nil {
			return fmt.Errorf("%w: WithStateObserver(nil)", ErrInvalidConfig)
		}
		c.stateObservers = append(c.stateObservers, fn)
		return nil
	}
}

// WithClock sets the clock of the breakers' open period and of
// Attempt.Duration (default time.Now). Tests pass a fake one, so a breaker
// half-opens when the test moves the clock, not after a real wait. A nil
// clock is an error.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("%w: WithClock(nil)", ErrInvalidConfig)
		}
		c.now = now
		return nil
	}
}

// WithAttemptTimeout bounds each model's attempt by d, so a model that
// hangs fails (transiently: context.DeadlineExceeded) and the next one is
// tried within the same Generate; one that ignores its context is
// abandoned [AbandonGrace] later. Without it a hung model holds the call
// until the caller's context ends (Agent's RetryPolicy.AttemptTimeout
// bounds the whole Generate, all models together). d must be > 0.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithAttemptTimeout(%s): use a duration greater than 0", ErrInvalidConfig, d)
		}
		c.attemptTimeout = d
		return nil
	}
}
