package openai_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
)

// Issue 8, input 8: an error answer's body is read to a bounded prefix
// (openai.MaxErrorBody), and the error says it was cut. The input is a
// 256 MiB HTTP 502 body; the heap allocated during the call must stay far
// below it, and the server must not get to write it all.
func TestErrorBodyIsReadToABoundedPrefix(t *testing.T) {
	const size = 256 << 20
	var written atomic.Int64
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		w.WriteHeader(http.StatusBadGateway)
		buf := []byte(strings.Repeat("bad gateway ", 64<<10/12))
		for written.Load() < size {
			n, err := w.Write(buf[:min(int64(len(buf)), size-written.Load())])
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	m := newModel(t, api.URL())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := m.Generate(context.Background(), hello)
	runtime.ReadMemStats(&after)
	me := modelError(t, err)
	if !errors.Is(err, openai.ErrErrorBodyCut) || !strings.Contains(me.Message, "error body cut") || !me.Transient || me.StatusCode != 502 {
		t.Fatalf("error %v: want a transient 502 that says its body was cut", err)
	}
	if !strings.HasPrefix(me.Message, "bad gateway bad gateway") {
		t.Errorf("message %q does not start with the body's text", me.Message)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Fatalf("%d MiB allocated reading a %d MiB error body", alloc>>20, size>>20)
	}
	if n := written.Load(); n >= size {
		t.Fatalf("the server wrote the whole body (%d bytes): it was read to the end", n)
	}
}

// Bodies up to the limit are read whole and not marked cut; one byte more is.
func TestErrorBodyLimitEdge(t *testing.T) {
	for _, extra := range []int{-1, 0, 1} {
		body := apiError("bad", "invalid_request_error", "invalid_value")
		body += strings.Repeat(" ", openai.MaxErrorBody+extra-len(body))
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 400, body) })
		_, err := newModel(t, api.URL()).Generate(context.Background(), hello)
		me := modelError(t, err)
		if cut := errors.Is(err, openai.ErrErrorBodyCut); cut != (extra > 0) {
			t.Errorf("body of limit%+d bytes: cut = %v (%v)", extra, cut, err)
		}
		if extra <= 0 && me.Message != "bad" {
			t.Errorf("body of limit%+d bytes: message %q, want the API's", extra, me.Message)
		}
	}
}
