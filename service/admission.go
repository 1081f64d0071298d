package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"
)

// Why a request is refused. Each is wrapped by a *RefusalError.
var (
	// ErrUnknownTenant: the X-Tenant-ID names no tenant (HTTP 403).
	ErrUnknownTenant = errors.New("unknown tenant")
	// ErrRateLimited: the tenant's request rate is exceeded (HTTP 429 with
	// Retry-After).
	ErrRateLimited = errors.New("request rate exceeded")
	// ErrBudgetExhausted: the tenant's daily token budget is used up (HTTP
	// 429 with Retry-After: the next UTC midnight).
	ErrBudgetExhausted = errors.New("daily token budget used up")
)

// RefusalError is a request refused at admission, before any model call
// or tool: a client condition, logged at Info and not an error of the
// service.
type RefusalError struct {
	Tenant string
	// Reason is ErrUnknownTenant, ErrRateLimited or ErrBudgetExhausted.
	Reason error
	// Detail is the message for the client.
	Detail string
	// RetryAfter is when trying again may succeed (0: not applicable).
	RetryAfter time.Duration
}

func (e *RefusalError) Error() string { return e.Detail }
func (e *RefusalError) Unwrap() error { return e.Reason }

// Status is the HTTP status of the refusal: 403 for an unknown tenant,
// 429 otherwise.
func (e *RefusalError) Status() int {
	if errors.Is(e.Reason, ErrUnknownTenant) {
		return http.StatusForbidden
	}
	return http.StatusTooManyRequests
}

// usageReader reads a tenant's tokens used on a UTC day ("2006-01-02").
type usageReader interface {
	tokensUsed(ctx context.Context, tenant, day string) (int64, error)
}

// admission decides, when a request arrives, whether it may run. It never
// stops a run once admitted: limits that would bite mid-run (after a tool
// acted) are checked here instead.
type admission struct {
	tenants map[string]*tenant
	usage   usageReader
	// fallback serves requests without X-Tenant-ID ("" : the header is
	// required).
	fallback string
	now      func() time.Time
}

// lookup is the tenant a request names in its X-Tenant-ID header (the
// fallback tenant when it names none), or a *RefusalError: 403, saying
// whether the header was missing or named an unknown tenant.
func (a *admission) lookup(tenantHeader string) (*tenant, error) {
	id := tenantHeader
	if id == "" {
		id = a.fallback
	}
	if t, ok := a.tenants[id]; ok {
		return t, nil
	}
	detail := fmt.Sprintf("unknown tenant %q (send a configured tenant ID in X-Tenant-ID)", id)
	if id == "" {
		detail = "missing X-Tenant-ID header"
	}
	return nil, &RefusalError{Tenant: id, Reason: ErrUnknownTenant, Detail: detail}
}

// admit returns the request's tenant, or a *RefusalError, or an error
// reading the usage. The budget is checked before the rate, so a request
// refused for its budget does not use up a rate token.
func (a *admission) admit(ctx context.Context, tenantHeader string) (*tenant, error) {
	t, err := a.lookup(tenantHeader)
	if err != nil {
		return nil, err
	}
	now := a.now().UTC()
	if b := t.cfg.DailyTokenBudget; b > 0 {
		used, err := a.usage.tokensUsed(ctx, t.id, now.Format(time.DateOnly))
		if err != nil {
			return nil, fmt.Errorf("read token usage: %w", err)
		}
		if used >= b {
			midnight := now.Truncate(24 * time.Hour).Add(24 * time.Hour)
			return nil, &RefusalError{Tenant: t.id, Reason: ErrBudgetExhausted, RetryAfter: midnight.Sub(now),
				Detail: fmt.Sprintf("tenant %q has used its daily token budget: %d of %d tokens today (UTC); it resets at 00:00 UTC", t.id, used, b)}
		}
	}
	res := t.limiter.ReserveN(now, 1)
	if !res.OK() {
		return nil, &RefusalError{Tenant: t.id, Reason: ErrRateLimited, RetryAfter: time.Second,
			Detail: fmt.Sprintf("tenant %q: request rate exceeded (burst %d)", t.id, t.cfg.Burst)}
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return nil, &RefusalError{Tenant: t.id, Reason: ErrRateLimited, RetryAfter: d,
			Detail: fmt.Sprintf("tenant %q: request rate exceeded (%g requests/s, burst %d); retry after %s", t.id, t.cfg.Rate, t.cfg.Burst, d.Round(time.Millisecond))}
	}
	return t, nil
}

// retryAfterSeconds is a Retry-After header value: whole seconds, at
// least 1 (RFC 9110 section 10.2.3).
func retryAfterSeconds(d time.Duration) string {
	return fmt.Sprint(int64(math.Max(1, math.Ceil(d.Seconds()))))
}
