package mcptools

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

// tail keeps the last max bytes written to it — a server's standard error
// and log notifications — in a ring, never more, however much the server
// writes. It is safe for concurrent use.
type tail struct {
	mu    sync.Mutex
	buf   []byte
	next  int // where the next byte goes once buf is full
	full  bool
	total int64
}

func newTail(max int) *tail { return &tail{buf: make([]byte, 0, max)} }

// Write keeps the end of p; it never fails.
func (t *tail) Write(p []byte) (int, error) {
	n := len(p)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += int64(n)
	max := cap(t.buf)
	if max == 0 {
		return n, nil
	}
	if len(p) >= max {
		t.buf = append(t.buf[:0], p[len(p)-max:]...)
		t.next, t.full = 0, true
		return n, nil
	}
	for len(p) > 0 {
		if !t.full {
			room := max - len(t.buf)
			k := min(room, len(p))
			t.buf = append(t.buf, p[:k]...)
			p = p[k:]
			if len(t.buf) == max {
				t.full, t.next = true, 0
			}
			continue
		}
		k := copy(t.buf[t.next:], p)
		p = p[k:]
		t.next = (t.next + k) % max
	}
	return n, nil
}

// String returns what is kept, oldest first, from the first whole line
// when bytes were dropped, as valid UTF-8 and redacted.
func (t *tail) String() string {
	t.mu.Lock()
	var s string
	if t.full {
		s = string(t.buf[t.next:]) + string(t.buf[:t.next])
	} else {
		s = string(t.buf)
	}
	dropped := t.total > int64(len(s))
	t.mu.Unlock()
	if dropped {
		if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
			s = s[i+1:]
		}
	}
	return secret.Redact(strings.ToValidUTF8(s, "\uFFFD"))
}

// Total is how many bytes were written in all.
func (t *tail) Total() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

// lastLine is the last non-empty line of s, control characters replaced,
// cut to its last n bytes on a UTF-8 boundary: what an error quotes.
func lastLine(s string, n int) string {
	s = strings.TrimRight(s, "\r\n\t ")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > n {
		s = s[len(s)-n:]
		for len(s) > 0 && !utf8.RuneStart(s[0]) {
			s = s[1:]
		}
		s = "…" + s
	}
	return s
}
