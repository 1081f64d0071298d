package aigentic_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// errSentinel is what a panicking error wraps: errors.Is must still find it.
var errSentinel = errors.New("sentinel")

// refusal is a panic value that is neither a string nor an error.
type refusal struct{ key string }

func (r refusal) String() string { return "upstream refused key " + r.key }

// panicModel panics with v on every call.
type panicModel struct{ v any }

func (m panicModel) ModelName() string { return "panics" }
func (m panicModel) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Provider: "test", Model: "panics"}, nil
}
func (m panicModel) Generate(context.Context, ai.Request) (*ai.Response, error) {
	panic(m.v)
}

// A *PanicError's Value holds no credential: a tool, a model or an
// interceptor that panics with a message or an error naming a key gives
// a Value redacted like the error's text — an error still matching what
// it wraps — so a program that logs pe.Value leaks nothing.
func TestPanicValueIsRedacted(t *testing.T) {
	const key = "sk-proj-PanicValue0123456789abcdef"
	for _, v := range []any{"upstream refused key " + key, fmt.Errorf("upstream refused key %s: %w", key, errSentinel),
		refusal{key}, []byte("upstream refused key " + key)} {
		for _, source := range []aigentic.PanicSource{aigentic.PanicInTool, aigentic.PanicInInterceptor, aigentic.PanicInModel} {
			agent := aigentic.Agent{Model: aitest.NewScripted(aitest.CallTools(aitest.Call("boom", `{}`)), aitest.Reply("done")),
				Logger: discardLogger()}
			switch source {
			case aigentic.PanicInTool:
				agent.AgentTools = []aigentic.AgentTool{{Name: "boom", Description: "Panics.",
					Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { panic(v) }}}
			case aigentic.PanicInInterceptor:
				agent.Interceptors = []aigentic.Interceptor{hook.Funcs{Model: func(context.Context, *hook.ModelCall, hook.ModelNext) (*ai.Response, error) {
					panic(v)
				}}}
			case aigentic.PanicInModel:
				agent.Model = panicModel{v}
			}
			_, err := agent.Execute("go")
			pe, ok := errors.AsType[*aigentic.PanicError](err)
			if !ok || pe.Source != source {
				t.Fatalf("%s, %T: err = %v, want its *PanicError", source, v, err)
			}
			text := fmt.Sprint(pe.Value)
			if strings.Contains(text, key) || !strings.Contains(text, "upstream refused key [REDACTED]") {
				t.Errorf("%s, %T: Value = %q, want it redacted", source, v, text)
			}
			if e, isErr := pe.Value.(error); isErr && !errors.Is(e, errSentinel) {
				t.Errorf("%s: the redacted error no longer matches what it wraps", source)
			}
		}
	}
}
