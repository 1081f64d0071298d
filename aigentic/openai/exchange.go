package openai

import (
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"strings"
)

// exchange is what the middleware saw of the one HTTP exchange of a call.
type exchange struct {
	optional []string // the optional request fields sent, for a rejection
	host     string   // the server's host:port, for an unreachable one
	from     string   // the request's scheme://host, for a redirect
	sent     bool     // the request reached the transport
	answered bool     // a response (any status) came back
	status   int
	header   http.Header
	cut      *cappedBody // the error body, when it was capped
	res      *http.Response

	stream   bool         // a streaming request: limit caps the stream
	limit    int64        // the cap of a success body; 0: the default
	body     *limitedBody // the success body, as read
	redirect string       // a 3xx's Location, as scheme://host
	trace    *connTrace   // how far the request got
	redact   redactor     // applied to the Content-Type before it is parsed
	events   int          // SSE events with data, of a stream
}

// middleware records the exchange; it runs on the calling goroutine.
func (x *exchange) middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	x.sent = true
	if req.URL != nil {
		x.host = req.URL.Host // never the userinfo: that is not part of Host
		x.from = origin(req.URL)
	}
	x.trace = &connTrace{}
	t := x.trace
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { t.gotConn.Store(true) },
		WroteRequest: func(w httptrace.WroteRequestInfo) { t.wrote.Store(w.Err == nil) },
	}))
	res, err := next(req)
	if res != nil {
		x.answered = true
		x.status = res.StatusCode
		x.header = res.Header.Clone()
		switch {
		case res.StatusCode >= 300 && res.StatusCode < 400:
			// Not followed (noRedirects): say where it pointed, and end
			// the exchange here, before the SDK reads the body as an
			// answer.
			x.redirect = redirectTarget(req.URL, res.Header.Get("Location"))
			if res.Body != nil {
				_ = res.Body.Close()
			}
			return nil, errRedirectAnswer
		case res.StatusCode >= 400 && res.Body != nil:
			// The SDK reads an error body whole: cap it first.
			x.cut = &cappedBody{rc: res.Body, left: MaxErrorBody}
			res.Body = x.cut
		case res.Body != nil:
			// A success body: cut at its cap while it is read.
			limit := x.limit
			if limit <= 0 {
				limit = DefaultMaxResponseBody
				if x.stream {
					limit = DefaultMaxStreamBody
				}
				x.limit = limit
			}
			x.body = &limitedBody{rc: res.Body, left: limit}
			res.Body = x.body
		}
		x.res = res
	}
	return res, err
}

// tooLarge reports whether the success body passed its cap.
func (x *exchange) tooLarge() bool { return x != nil && x.body != nil && x.body.over }

// emptyBody reports a success body read to its end with nothing in it but
// whitespace: no JSON value, no SSE event.
func (x *exchange) emptyBody() bool {
	return x != nil && x.body != nil && x.body.eof && !x.body.text
}

// notStream reports a body sent with no Content-Type to a streaming
// request, read to its end without a single SSE event: a JSON document or
// a page, not a stream cut short.
func (x *exchange) notStream() bool {
	return x != nil && x.body != nil && x.body.eof && x.events == 0 && x.contentType() == ""
}

// waiting reports a request written in full that no answer came back to:
// the server was reached and did not answer.
func (x *exchange) waiting() bool {
	return x != nil && !x.answered && x.trace != nil && x.trace.wrote.Load()
}

// cappedBody reads at most left bytes of an error body and then reports
// io.EOF, recording whether more was there.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
	cut  bool
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		if !b.cut {
			var one [1]byte
			if n, _ := io.ReadFull(b.rc, one[:]); n > 0 {
				b.cut = true
			}
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close closes the body; a cut body's connection is closed, not drained.
func (b *cappedBody) Close() error { return b.rc.Close() }

// wasCut reports whether the error body was longer than MaxErrorBody.
func (x *exchange) wasCut() bool { return x != nil && x.cut != nil && x.cut.cut }

func (x *exchange) contentType() string {
	if x == nil || x.header == nil {
		return ""
	}
	// Redacted before it is lower-cased, which would hide the key from
	// the redactor; callers clip it before quoting it.
	h := x.redact.clean(x.header.Get("Content-Type"))
	mt, _, err := mime.ParseMediaType(h)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(h))
	}
	return mt
}

func isJSONType(mt string) bool {
	return mt == "" || strings.Contains(mt, "json")
}
