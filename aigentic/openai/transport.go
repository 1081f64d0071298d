package openai

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Transport sizes. Many agents share one server: the standard library's
// default keeps only 2 idle connections per host (http.DefaultMaxIdleConnsPerHost),
// so under concurrent load most requests open a new TCP (and TLS)
// connection: 0.78 connections per request for 2,000 concurrent agent
// runs, against 0.17 with this transport (BenchmarkConnectionsPerRequest).
const (
	// MaxIdleConnsPerHost is the idle connections kept per server: enough
	// for the requests of a few thousand concurrent agents to reuse them.
	MaxIdleConnsPerHost = 2048
	// DialTimeout bounds establishing a TCP connection.
	DialTimeout = 10 * time.Second
	// TLSHandshakeTimeout bounds the TLS handshake.
	TLSHandshakeTimeout = 10 * time.Second
	// ResponseHeaderTimeout bounds the wait for the response headers after
	// the request is sent. A non-streamed completion sends its headers only
	// once the whole answer is generated, so it is long: 10 minutes, the
	// OpenAI SDKs' default request timeout. The body (a stream) has no
	// bound here: the agent's per-attempt context bounds a call.
	ResponseHeaderTimeout = 10 * time.Minute
	// IdleConnTimeout closes connections idle this long.
	IdleConnTimeout = 90 * time.Second
)

// NewTransport returns the HTTP transport a [Model] uses unless
// [WithHTTPClient] gives another: the standard library's defaults (proxy
// from the environment, HTTP/2) with connection reuse sized for concurrent
// agents ([MaxIdleConnsPerHost]) and timeouts for each phase before the
// answer starts ([DialTimeout], [TLSHandshakeTimeout],
// [ResponseHeaderTimeout]). It has no whole-request timeout, which would
// cut a long stream: bound calls with the context.
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: DialTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = TLSHandshakeTimeout
	t.ResponseHeaderTimeout = ResponseHeaderTimeout
	t.IdleConnTimeout = IdleConnTimeout
	t.MaxIdleConns = 0 // no limit across hosts; per host below
	t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
	t.ForceAttemptHTTP2 = true
	return t
}

// defaultClient is shared by every Model built without WithHTTPClient, so
// that their connections are pooled together.
var defaultClient = sync.OnceValue(func() *http.Client {
	return &http.Client{Transport: redirectGuard{NewTransport()}, CheckRedirect: noRedirects}
})
