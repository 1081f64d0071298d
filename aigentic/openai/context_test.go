package openai_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

func TestSlowServerAndContext(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
			writeJSON(w, 200, completion("too late", "stop"))
		}
	}
	t.Run("deadline", func(t *testing.T) {
		for _, mode := range []string{"plain", "stream"} {
			api := newFakeAPI(t, slow)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			req := hello
			if mode == "stream" {
				req = streaming(hello)
			}
			// The server answers after 10s unless the request is cancelled:
			// a deadline error proves the call did not wait for it.
			_, err := newModel(t, api.URL()).Generate(ctx, req)
			cancel()
			me := modelError(t, err)
			if !errors.Is(err, context.DeadlineExceeded) || !me.Transient {
				t.Fatalf("%s: %v", mode, err)
			}
		}
	})
	t.Run("deadline mid-stream", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeSSE(w, chunk(`{"content":"thinking"}`, ""))
			<-r.Context().Done()
		})
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		_, err := newModel(t, api.URL()).Generate(ctx, streaming(hello))
		if modelError(t, err); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatal(err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		api := newFakeAPI(t, slow)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := newModel(t, api.URL()).Generate(ctx, hello)
		me := modelError(t, err)
		if !errors.Is(err, context.Canceled) || me.Transient || ai.IsTransient(err) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("already ended", func(t *testing.T) {
		api := newFakeAPI(t, slow)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newModel(t, api.URL()).Generate(ctx, hello)
		if !errors.Is(err, context.Canceled) || api.Hits() != 0 {
			t.Fatalf("%v, hits %d", err, api.Hits())
		}
	})
}
