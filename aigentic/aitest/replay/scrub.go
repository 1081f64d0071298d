package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/internal/atomicfile"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// keptRequestHeaders are the only request headers a recording keeps: the
// rest (Authorization, the SDK's X-Stainless-* machine and version
// headers, OpenAI-Organization, OpenAI-Project, custom gateway headers)
// are credentials, or change from machine to machine, and matching
// ignores headers anyway.
var keptRequestHeaders = []string{"Content-Type", "Accept"}

// keptResponseHeaders are the response headers a recording keeps: those
// the client reads (the body's type, and the retry and rate-limit
// headers of a 429 or 5xx). Set-Cookie, request ids, organisation and
// processing-time headers are dropped.
var keptResponseHeaders = []string{"Content-Type", "Retry-After", "Retry-After-Ms"}

// keep returns the headers of h named in names, or starting with
// "X-Ratelimit-" when ratelimit is set, each value redacted.
func keep(h http.Header, names []string, ratelimit bool) http.Header {
	out := http.Header{}
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		ok := ratelimit && strings.HasPrefix(ck, "X-Ratelimit-")
		for _, n := range names {
			ok = ok || ck == n
		}
		if !ok {
			continue
		}
		for _, v := range vs {
			out.Add(ck, secret.Redact(v))
		}
	}
	return out
}

// scrub removes from a captured exchange, before it is kept in memory or
// written, everything that must not reach a file: credentials (the
// Authorization header and every other header not kept, a user:password
// in the URL, every registered secret and credential pattern in the URL,
// bodies and headers — see package aigentic/secret), and values that
// change per call (the duration). Request bodies are stored as indented
// JSON, so that a reviewer reads a changed request in a diff.
func scrub(i *cassette.Interaction) error {
	q := &i.Request
	if u, err := url.Parse(q.URL); err == nil {
		u.User = nil
		q.URL = u.String()
	}
	q.URL = secret.Redact(q.URL)
	q.Host = secret.Redact(q.Host)
	q.RemoteAddr, q.RequestURI = "", ""
	q.Form, q.Trailer = nil, nil
	q.Headers = keep(q.Headers, keptRequestHeaders, false)
	q.Body = readable(secret.Redact(q.Body))
	q.ContentLength = int64(len(q.Body))

	s := &i.Response
	s.Headers = keep(s.Headers, keptResponseHeaders, true)
	s.Status = secret.Redact(s.Status)
	redacted := secret.Redact(s.Body)
	if redacted != s.Body && s.ContentLength >= 0 {
		s.ContentLength = int64(len(redacted))
	}
	s.Body = redacted
	s.Trailer = nil
	s.Duration = 0
	return nil
}

// readable indents a JSON body (its keys in the order sent); another body
// is returned as it is.
func readable(b string) string {
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(b), "", "  "); err != nil {
		return b
	}
	return out.String()
}

// leak returns an error naming the first field of c that still holds a
// secret the process knows (never the value), or nil.
func leak(c *cassette.Cassette) error {
	for _, i := range c.Interactions {
		fields := map[string]string{
			"request URL": i.Request.URL, "request host": i.Request.Host, "request body": i.Request.Body,
			"response status": i.Response.Status, "response body": i.Response.Body,
		}
		for k, vs := range i.Request.Headers {
			fields["request header "+k] = strings.Join(vs, ", ")
		}
		for k, vs := range i.Response.Headers {
			fields["response header "+k] = strings.Join(vs, ", ")
		}
		for name, v := range fields {
			if secret.Redact(v) != v {
				return fmt.Errorf("%w: exchange %d, %s; nothing was written", ErrSecretInRecording, i.ID, name)
			}
		}
	}
	return nil
}

// marshal is the recording's encoder: go-vcr's YAML, refused when a
// secret is left in it (a second check after scrub, on what is about to
// be written).
func marshal(v any) ([]byte, error) {
	if c, ok := v.(*cassette.Cassette); ok {
		if err := leak(c); err != nil {
			return nil, err
		}
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	if s := string(data); secret.Redact(s) != s {
		return nil, fmt.Errorf("%w: nothing was written", ErrSecretInRecording)
	}
	return data, nil
}

// fileFS is go-vcr's storage: reads from memory (the bytes checked by
// load), writes through a temporary file renamed into place, so an
// interrupted test never leaves half a recording.
type fileFS struct {
	data map[string][]byte
}

func (f *fileFS) ReadFile(name string) ([]byte, error) {
	if d, ok := f.data[name]; ok {
		return d, nil
	}
	return os.ReadFile(name)
}

func (f *fileFS) IsFileExists(name string) bool {
	if _, ok := f.data[name]; ok {
		return true
	}
	_, err := os.Stat(name)
	return err == nil
}

func (f *fileFS) WriteFile(name string, data []byte) error { return atomicfile.Write(name, data) }
