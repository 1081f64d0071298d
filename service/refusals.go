package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"golang.org/x/time/rate"
)

// Refused requests (4xx) are counted, every one, in
// aigentic.service.requests.refused{reason, tenant, http.route} — each
// label from a fixed set: the reasons above, the configured tenants (none
// for a request that did not authenticate), the route patterns — and
// logged at Info (a client condition, not a fault of the service) at most
// refusalLogRate lines per second with a burst of refusalLogBurst; a line
// after a quiet spell says how many were left out. An attacker sending
// 900 kB headers or a flood of bad keys thus adds a few lines a second to
// the log, each of bounded size.
const (
	refusalLogRate  = 5
	refusalLogBurst = 20
)

// refusalLog counts and logs refusals.
type refusalLog struct {
	logger  *slog.Logger
	counter metric.Int64Counter
	now     func() time.Time

	mu         sync.Mutex
	limiter    *rate.Limiter
	suppressed int64
}

func newRefusalLog(logger *slog.Logger, counter metric.Int64Counter, now func() time.Time) *refusalLog {
	return &refusalLog{logger: logger, counter: counter, now: now, limiter: rate.NewLimiter(refusalLogRate, refusalLogBurst)}
}

// record counts a refusal and logs it if the log's rate allows. detail is
// the message the client got (built from bounded parts).
func (l *refusalLog) record(r *http.Request, status int, reason, tenant, detail string, extra ...slog.Attr) {
	route := routeOf(r)
	attrs := []attribute.KeyValue{attribute.String("reason", reason), attribute.String("http.route", route),
		attribute.Int("http.response.status_code", status)}
	if tenant != "" {
		attrs = append(attrs, attribute.String("tenant", tenant))
	}
	l.counter.Add(context.WithoutCancel(r.Context()), 1, metric.WithAttributes(attrs...))

	l.mu.Lock()
	ok := l.limiter.AllowN(l.now(), 1)
	var suppressed int64
	if ok {
		suppressed, l.suppressed = l.suppressed, 0
	} else {
		l.suppressed++
	}
	l.mu.Unlock()
	if !ok {
		return
	}
	fields := append([]slog.Attr{slog.Int("status", status), slog.String("reason", reason), slog.String("route", route),
		slog.String("client", clientIP(r)), slog.String("detail", detail)}, extra...)
	if tenant != "" {
		fields = append(fields, slog.String("tenant", tenant))
	}
	if suppressed > 0 {
		fields = append(fields, slog.Int64("refusals_not_logged", suppressed))
	}
	l.logger.LogAttrs(r.Context(), slog.LevelInfo, "request refused", fields...)
}

// clientIP is the address the connection came from (not a header: a
// client cannot choose it), or "unknown".
func clientIP(r *http.Request) string {
	if ip, ok := remoteAddr(r); ok {
		return ip.String()
	}
	return "unknown"
}

// remoteAddr parses r.RemoteAddr (set by net/http from the connection).
func remoteAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}
