package ai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sentinel kinds. Every error a provider returns is, through errors.Is,
// either ErrTransient (worth retrying) or ErrPermanent (retrying cannot help).
var (
	// ErrTransient marks a failure that may succeed if tried again: a network
	// error, an attempt timeout, HTTP 408/429/5xx, an overloaded provider.
	ErrTransient = errors.New("transient error")
	// ErrPermanent marks a failure that will fail again: a bad request,
	// a rejected key, an unknown model.
	ErrPermanent = errors.New("permanent error")
)

// ModelError is the error a provider returns for a failed model call.
// It never holds an API key or an Authorization header.
type ModelError struct {
	// Provider names the provider, e.g. "openai".
	Provider string
	// StatusCode is the HTTP status, or 0 when there was no HTTP answer.
	StatusCode int
	// Code is the provider's error code, e.g. "rate_limit_exceeded".
	Code string
	// Message is the provider's human-readable message.
	Message string
	// Transient reports whether retrying may succeed.
	Transient bool
	// RetryAfter is the wait the provider asked for; 0 when it asked none.
	RetryAfter time.Duration
	// Err is the underlying cause, if any.
	Err error
}

// Error implements error.
func (e *ModelError) Error() string {
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteString(": ")
	}
	kind := "permanent"
	if e.Transient {
		kind = "transient"
	}
	b.WriteString(kind)
	b.WriteString(" error")
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.StatusCode)
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" " + t)
		}
		b.WriteString(")")
	}
	if e.Code != "" {
		b.WriteString(" [" + e.Code + "]")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *ModelError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrTransient) and errors.Is(err, ErrPermanent)
// follow the Transient field.
func (e *ModelError) Is(target error) bool {
	switch target {
	case ErrTransient:
		return e.Transient
	case ErrPermanent:
		return !e.Transient
	}
	return false
}

// TransientError marks any error — a tool's, a custom provider's — as worth
// retrying. Build one with [Transient].
type TransientError struct {
	Err error
	// RetryAfter is the wait asked for; 0 lets the backoff decide.
	RetryAfter time.Duration
}

// Error implements error.
func (e *TransientError) Error() string { return e.Err.Error() }

// Unwrap returns the marked error.
func (e *TransientError) Unwrap() error { return e.Err }

// Is reports true for ErrTransient.
func (e *TransientError) Is(target error) bool { return target == ErrTransient }

// Transient marks err as transient, so the agent retries the failed step
// (within its Retries budget). A tool returning Transient(err) opts into the
// same retry the model calls get. A nil err gives nil.
func Transient(err error) error {
	if err == nil {
		return nil
	}
	return &TransientError{Err: err}
}

// TransientAfter is [Transient] with a requested wait before the next try.
func TransientAfter(err error, retryAfter time.Duration) error {
	if err == nil {
		return nil
	}
	return &TransientError{Err: err, RetryAfter: retryAfter}
}

// IsTransient reports whether err is worth retrying.
//
// Explicit kinds win ([ModelError], [TransientError], ErrPermanent). Then
// network failures (net.Error, connection reset or refused, unexpected EOF)
// and context.DeadlineExceeded (an attempt timeout) count as transient, and
// context.Canceled does not. A caller must check its own context first: a
// deadline of the whole run is not worth retrying even though an attempt's
// deadline is.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var me *ModelError
	if errors.As(err, &me) {
		return me.Transient
	}
	if errors.Is(err, ErrTransient) {
		return true
	}
	if errors.Is(err, ErrPermanent) || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// RetryAfterOf returns the wait err asks for before the next attempt, if any.
func RetryAfterOf(err error) (time.Duration, bool) {
	var me *ModelError
	if errors.As(err, &me) && me.RetryAfter > 0 {
		return me.RetryAfter, true
	}
	var te *TransientError
	if errors.As(err, &te) && te.RetryAfter > 0 {
		return te.RetryAfter, true
	}
	return 0, false
}

// IsTransientStatus reports whether an HTTP status is worth retrying:
// 408 Request Timeout, 409 Conflict, 425 Too Early, 429 Too Many Requests,
// 500, 502, 503, 504 and 529 (overloaded). Every other 4xx is permanent.
func IsTransientStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout, 529:
		return true
	}
	return false
}

// ParseRetryAfter reads the wait a server asked for from the headers:
// "retry-after-ms" (milliseconds, as OpenAI sends) first, then
// "Retry-After" as delay-seconds or an HTTP date (relative to now).
// It returns false when neither is present and valid.
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
