package openai

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Caps on the body of a success (2xx) answer. A server, or anything
// between it and us, may send more than any model can generate; the body
// is cut while it is read, so memory stays near the cap, and the call
// fails with [ErrResponseTooLarge]. The numbers: OpenAI's largest output
// cap is 128,000 tokens (GPT-5 models, platform.openai.com/docs/models;
// reasoning tokens count in it).
const (
	// DefaultMaxResponseBody caps a JSON answer: a non-streamed Chat
	// Completions or Responses API answer, a Ping's model object, a JSON
	// answer to a streaming request (16 MiB). 128,000 tokens of text are
	// about 0.5 MB (≈4 bytes a token), at most ≈3 MB if every character
	// is escaped as \uXXXX: 16 MiB leaves five times that. The SDK holds a
	// JSON answer whole, and decoding copies it several times, so this cap
	// is kept lower than the stream's.
	DefaultMaxResponseBody = 16 << 20
	// DefaultMaxStreamBody caps the total of an event stream (128 MiB):
	// one SSE event per token, ≈240 bytes each from llama.cpp's
	// llama-server and ≈260–300 from OpenAI (id, model,
	// system_fingerprint, obfuscation) — 128,000 tokens are ≈38 MB.
	// 128 MiB leaves 3.5 times that, for local servers with longer
	// outputs or wordier chunks. A stream is decoded event by event (each
	// at most 32 MiB, the SDK's line limit); only the answer's text is
	// kept.
	DefaultMaxStreamBody = 128 << 20
)

// WithMaxResponseBody caps the bytes read of a JSON success answer
// (default [DefaultMaxResponseBody]); a longer one fails the call with
// [ErrResponseTooLarge]. n must be positive.
func WithMaxResponseBody(n int64) Option {
	return func(c *config) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("max response body %d is not positive", n))
			return
		}
		c.maxBody = n
	}
}

// WithMaxStreamBody caps the total bytes read of a streamed answer
// (default [DefaultMaxStreamBody]); a longer stream fails the call with
// [ErrResponseTooLarge]. n must be positive.
func WithMaxStreamBody(n int64) Option {
	return func(c *config) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("max stream body %d is not positive", n))
			return
		}
		c.maxStream = n
	}
}

// newExchange starts the record of one HTTP exchange, with the cap of its
// success body: the stream's for a streaming request.
func (m *Model) newExchange(sent []string, stream bool) *exchange {
	x := &exchange{optional: sent, stream: stream, limit: m.maxBody, redact: m.redact}
	if stream {
		x.limit = m.maxStream
	}
	return x
}

// limitedBody reads a success body up to a cap: the byte past it fails
// the read with errTooLarge, and nothing more is read.
type limitedBody struct {
	rc   io.ReadCloser
	left int64 // bytes still allowed
	n    int64 // bytes read
	over bool  // the cap was passed
	eof  bool  // the body was read to its end
	text bool  // a byte other than JSON whitespace was read
}

// errTooLarge is the read error of a body past its cap; the exchange
// turns it into the caller's *ai.ModelError.
var errTooLarge = fmt.Errorf("%w: the body passed its cap", ErrResponseTooLarge)

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more than allowed tells a body past the cap
	}
	n, err := b.rc.Read(p)
	if int64(n) > b.left {
		n = int(b.left)
		b.n += int64(n)
		b.left, b.over = 0, true
		return n, errTooLarge
	}
	b.left -= int64(n)
	b.n += int64(n)
	if !b.text && len(bytes.Trim(p[:n], " \t\r\n")) > 0 {
		b.text = true
	}
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

// Close closes the body; one cut at its cap closes its connection.
func (b *limitedBody) Close() error { return b.rc.Close() }

// tooLarge is the error of a success body cut at its cap.
func (m *Model) tooLarge(x *exchange) *ai.ModelError {
	what, opt := "answer", "WithMaxResponseBody"
	if x.stream {
		what, opt = "streamed answer", "WithMaxStreamBody"
	}
	msg := fmt.Sprintf("the %s passed its size limit of %s (openai.%s) and was cut there; the partial answer was discarded", what, byteSize(x.limit), opt)
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: x.status,
		Message:    msg,
		Err:        m.redact.wrap(ErrResponseTooLarge, nil, "%s", msg),
	}
}

// byteSize prints n in MiB or KiB when it is a whole number of them.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// connTrace records, through net/http/httptrace, how far a request got:
// a timeout after the request was written is a server that did not
// answer, not one that could not be reached. A transport that reports no
// trace events (a custom RoundTripper) leaves both false.
type connTrace struct {
	gotConn atomic.Bool // a connection was made or reused
	wrote   atomic.Bool // the whole request was written
}

// maxStreamLine is the longest line of an event stream, its line ending
// included (32 MiB): openai-go's SSE decoder reads lines with a
// bufio.Scanner of that size (bufio.MaxScanTokenSize<<9) and fails a
// longer one with bufio.ErrTooLong. A var so that tests can lower it.
var maxStreamLine = bufio.MaxScanTokenSize << 9

// errEventTooLarge is the read error of a stream line past maxStreamLine.
var errEventTooLarge = fmt.Errorf("%w: a stream event passed its size limit", ErrResponseTooLarge)

// lineLimit fails the read of an event stream when a line passes
// maxStreamLine, before the SDK's decoder does, so that the failure is
// [ErrResponseTooLarge] with its limit named.
type lineLimit struct {
	rc  io.ReadCloser
	max int
	cur int // bytes of the current line
}

func newLineLimit(rc io.ReadCloser) *lineLimit { return &lineLimit{rc: rc, max: maxStreamLine} }

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.rc.Read(p)
	for rest := p[:n]; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			l.cur += len(rest)
			break
		}
		if l.cur+i+1 > l.max {
			l.cur += i + 1
			break
		}
		l.cur, rest = 0, rest[i+1:]
	}
	if l.cur > l.max {
		return 0, errEventTooLarge
	}
	return n, err
}

func (l *lineLimit) Close() error { return l.rc.Close() }

// eventTooLarge is the error of a stream with one event line past
// maxStreamLine.
func (m *Model) eventTooLarge(x *exchange) *ai.ModelError {
	msg := fmt.Sprintf("an event of the streamed answer passed its size limit of %s per event (openai-go's SSE line limit) and was cut there; the partial answer was discarded", byteSize(int64(maxStreamLine)))
	return &ai.ModelError{
		Provider:   providerName,
		StatusCode: x.status,
		Message:    msg,
		Err:        m.redact.wrap(ErrResponseTooLarge, nil, "%s", msg),
	}
}
