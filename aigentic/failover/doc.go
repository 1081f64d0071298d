// Package failover is an [ai.Model] that answers from the first model of an
// ordered list that can: several providers, or several models of one
// provider, each behind its own circuit breaker
// (github.com/sony/gobreaker/v2).
//
//	m, err := failover.New([]ai.Model{primary, fallback},
//		failover.WithBreaker(failover.BreakerSettings{FailureThreshold: 3, OpenTimeout: 30 * time.Second, HalfOpenProbes: 1}))
//	agent := aigentic.Agent{Model: m, Retries: 2, ...}
//
// Within one Generate each model is tried at most once, in order:
//
//   - a transient failure ([ai.IsTransient]: HTTP 408/429/5xx, a network
//     error, a timeout) or an open breaker moves to the next model;
//   - a permanent failure (a bad request, a rejected key: the request is at
//     fault, not the server) is returned at once: another model would
//     reject it too, or worse, answer a request that should have failed;
//   - a failure after part of the answer reached the caller through
//     Request.OnDelta is returned, never restarted on the next model: the
//     caller would see the beginning of two answers ([ErrPartialAnswer]);
//   - the end of the caller's context ends it at once.
//
// The package never retries a model itself: the agent's Retries are the one
// retry layer. When every model failed, Generate returns an [*Error]
// matching [ErrAllFailed] that unwraps to the last model's error, Retry-After
// included, so the retry layer can wait and try the list again.
//
// Which model answered is in the response: Response.Model (the provider's
// name for it, else the model's ModelName) and Response.Provider (its
// gen_ai.provider.name). Every attempt is visible: reported to the
// observers ([WithObserver], [ObserveAttempts]), logged ([WithLogger]), and
// added as an event to the span in the call's context.
//
// # Circuit breakers
//
// Each model has a breaker. It opens after FailureThreshold consecutive
// transient failures of that model; while open the model is not called
// and the attempt fails at once with an [*OpenError] (matching
// [ErrCircuitOpen], transient, with the time it half-opens); after
// OpenTimeout it half-opens and lets HalfOpenProbes requests through:
// that many successes in a row close it, one failure opens it again.
// Permanent failures count as successes (the server answered), and
// cancellations are not counted at all. State and transitions are
// OpenTelemetry metrics (see [WithMeterProvider]).
package failover
