package guard_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/guard"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// decisions records the decisions reported to it, as
// "AGENT BY ACTION on STEP: REASON".
type decisions struct {
	mu    sync.Mutex
	lines []string
}

func (d *decisions) Observe(ctx context.Context, step hook.Step) context.Context {
	if s, ok := step.(*hook.Decision); ok {
		d.mu.Lock()
		d.lines = append(d.lines, s.Run.AgentName+" "+s.By+" "+s.Action+" on "+s.Step+": "+s.Reason)
		d.mu.Unlock()
	}
	return ctx
}

func (d *decisions) String() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.lines, "\n")
}

// agent is an agent on model with guards and a decision recorder.
func agent(model ai.Model, g *guard.Guards, rec *decisions, tools ...aigentic.AgentTool) aigentic.Agent {
	return aigentic.Agent{Name: "support", Model: model, Logger: slog.New(slog.DiscardHandler),
		Interceptors: []aigentic.Interceptor{g}, Observers: []aigentic.Observer{rec}, AgentTools: tools}
}

// textTool returns text, marked untrusted when asked.
func textTool(name, text string, untrusted bool) aigentic.AgentTool {
	return aigentic.AgentTool{Name: name, Description: "Returns a text.", Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
		r := ai.Text(text)
		r.Untrusted = untrusted
		return r, nil
	}}
}

// check is a guard from a function that cannot fail.
func check(name string, f func(s guard.Subject) guard.Verdict) guard.Guard {
	return guard.Guard{Name: name, Check: func(_ context.Context, s guard.Subject) (guard.Verdict, error) { return f(s), nil }}
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

const card = "4111 1111 1111 1111" // Visa's test number
