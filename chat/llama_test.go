package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai/openaitest"
)

// llamaRefusal is the body llama.cpp's server (release v0.5.0, commit
// de3ff81) answers a prompt over its context with, status 400, as
// /work/shared/realserver/transcripts/wire-one-call/21-too-long.txt
// recorded it:
//
//	{"error":{"code":400,"message":"request (20030 tokens) exceeds the available context size (2048 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":20030,"n_ctx":2048}}
func llamaRefusal(prompt, nCtx int) string {
	return fmt.Sprintf(`{"error":{"code":400,"message":"request (%d tokens) exceeds the available context size (%d tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":%d,"n_ctx":%d}}`,
		prompt, nCtx, prompt, nCtx)
}

// llamaServer behaves as llama.cpp's server does with a context of nCtx
// tokens: it counts a prompt with its own tokenizer — a token per 3
// bytes, denser than the compactor's estimate of 4 — refuses one over
// nCtx with llama.cpp's status, headers and body, and otherwise answers
// through openaitest's server (which checks every body against OpenAI's
// schema) with a naive model — the first tool offered, then "Done." —
// reporting its own count as the usage.
type llamaServer struct {
	nCtx    int
	backend *openaitest.Server

	mu     sync.Mutex
	counts []int // each chat request's count, negative when refused
}

func newLlamaServer(t *testing.T, nCtx int) (*llamaServer, string) {
	s := &llamaServer{nCtx: nCtx}
	s.backend = openaitest.NewServer(t, &countedModel{aitest.NewNaive(aitest.NaiveOptions{})})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL + "/v1"
}

type countKey struct{}

func (s *llamaServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		s.backend.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n := promptTokens(body)
	s.mu.Lock()
	if n > s.nCtx {
		s.counts = append(s.counts, -n)
	} else {
		s.counts = append(s.counts, n)
	}
	s.mu.Unlock()
	if n > s.nCtx {
		w.Header().Set("Server", "llama.cpp")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, llamaRefusal(n, s.nCtx))
		return
	}
	r2 := r.Clone(context.WithValue(r.Context(), countKey{}, n))
	r2.Body, r2.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	s.backend.ServeHTTP(w, r2)
}

// promptTokens is the server's count of a chat completion body: 10 for
// the template, 6 a message, a token per 3 bytes of each content and tool
// call, and of the tools' JSON.
func promptTokens(body []byte) int {
	var req struct {
		Messages []struct {
			Content   *string `json:"content"`
			ToolCalls []struct {
				Function struct{ Name, Arguments string } `json:"function"`
			} `json:"tool_calls"`
		} `json:"messages"`
		Tools json.RawMessage `json:"tools"`
	}
	if json.Unmarshal(body, &req) != nil {
		return 0
	}
	per3 := func(n int) int { return (n + 2) / 3 }
	n := 10 + per3(len(req.Tools))
	for _, m := range req.Messages {
		n += 6
		if m.Content != nil {
			n += per3(len(*m.Content))
		}
		for _, tc := range m.ToolCalls {
			n += 6 + per3(len(tc.Function.Name)+len(tc.Function.Arguments))
		}
	}
	return n
}

// refusals is the number of requests refused; retriedOnce reports whether
// every refusal was followed by a request the server answered.
func (s *llamaServer) refusals() (n int, retriedOnce bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	retriedOnce = true
	for i, c := range s.counts {
		if c < 0 {
			n++
			retriedOnce = retriedOnce && i+1 < len(s.counts) && s.counts[i+1] > 0
		}
	}
	return n, retriedOnce
}

// countedModel is a model whose usage is the server's count.
type countedModel struct{ ai.Model }

func (m *countedModel) Generate(ctx context.Context, req ai.Request) (*ai.Response, error) {
	resp, err := m.Model.Generate(ctx, req)
	if n, ok := ctx.Value(countKey{}).(int); ok && err == nil {
		resp.Usage.InputTokens = n
	}
	return resp, err
}

// Against a server that holds 2,048 tokens while the program is told
// 8,192, as a llama.cpp server started with a small -c is: the first
// prompt over 2,048 is refused with llama.cpp's context-length error; the
// compactor learns the size it names, compacts and sends the request once
// more, and keeps to that size for the chats after; every run ends with
// an answer and the program says what happened. (The model behind the
// server is the naive one: its summary says nothing, so demo 4 is not
// shown.)
func TestLlamaContextLengthError(t *testing.T) {
	srv, url := newLlamaServer(t, 2048)
	env := map[string]string{"OPENAI_BASE_URL": url, "OPENAI_MODEL": "tiny-qwen"}
	out, err := runApp(t, t.Context(), testutil.Getenv(env), "-dir", t.TempDir(), "-window", "8192")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	// Refused once, in demo 1: demo 2 shares its compactor, which knows
	// the size by then, and demo 4's is made for that size.
	refused, once := srv.refusals()
	if refused != 1 || !once {
		t.Fatalf("%d refusals; each followed by an answered request: %t\n%s", refused, once, out)
	}
	mustContain(t, out,
		"✗ the server refused the prompt: request exceeds the model's context window: ",
		" prompt tokens, window 2048",
		": the server refused the prompt as too long; trying again: ≈",
		"Window: 2048 tokens (the server named it in a context-length error; -window said 8192), 512 kept for the answer: a prompt may take 1536.",
		"✓ Every request the model answered fit: ",
		"within the 1536 the window leaves beside the answer",
		"– Shown: 3 of 4; not shown: 4 (a summary).")
	mustNotContain(t, out, "\n✗ The", "\n✗ A request", "\n✗ Nothing")
}
