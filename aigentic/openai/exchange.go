package openai

import (
	"io"
	"mime"
	"net/http"
	"strings"
)

// exchange is what the middleware saw of the one HTTP exchange of a call.
type exchange struct {
	optional []string // the optional request fields sent, for a rejection
	host     string   // the server's host:port, for an unreachable one
	sent     bool     // the request reached the transport
	answered bool     // a response (any status) came back
	status   int
	header   http.Header
	cut      *cappedBody // the error body, when it was capped
	res      *http.Response
}

// middleware records the exchange; it runs on the calling goroutine.
func (x *exchange) middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	x.sent = true
	if req.URL != nil {
		x.host = req.URL.Host // never the userinfo: that is not part of Host
	}
	res, err := next(req)
	if res != nil {
		x.answered = true
		x.status = res.StatusCode
		x.header = res.Header.Clone()
		x.res = res
		if res.StatusCode >= 400 && res.Body != nil {
			// The SDK reads an error body whole: cap it first.
			x.cut = &cappedBody{rc: res.Body, left: MaxErrorBody}
			res.Body = x.cut
		}
	}
	return res, err
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
	mt, _, err := mime.ParseMediaType(x.header.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(x.header.Get("Content-Type")))
	}
	return mt
}

func isJSONType(mt string) bool {
	return mt == "" || strings.Contains(mt, "json")
}
