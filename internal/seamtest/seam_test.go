package seamtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is an observer of our own: one line per step, prefixed with the
// agent whose run it belongs to.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) add(s hook.Step, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, s.RunInfo().AgentName+": "+fmt.Sprintf(format, args...))
}

func (r *recorder) Observe(ctx context.Context, step hook.Step) context.Context {
	switch s := step.(type) {
	case *hook.RunStart:
		r.add(s, "run start %q", s.Message)
	case *hook.RunEnd:
		r.add(s, "run end %s", s.Outcome)
	case *hook.ModelStart:
		r.add(s, "model %d.%d start", s.Call, s.Attempt)
	case *hook.ModelEnd:
		r.add(s, "model %d.%d end err=%t retry=%t", s.Call, s.Attempt, s.Err != nil, s.WillRetry)
	case *hook.Content:
		r.add(s, "content %q", s.Text)
	case *hook.ToolStart:
		r.add(s, "tool %s start known=%t", s.Call.Name, s.Tool != nil)
	case *hook.ToolAttempt:
		r.add(s, "tool %s attempt %d", s.Call.Name, s.Attempt)
	case *hook.ToolAttemptEnd:
		r.add(s, "tool %s attempt %d end err=%t", s.Call.Name, s.Attempt, s.Err != nil)
	case *hook.ToolEnd:
		r.add(s, "tool %s end error_result=%t %q", s.Call.Name, s.Err == nil && s.Result.Error, s.Result.String())
	case *hook.SubAgentStart:
		r.add(s, "sub-agent %s start", s.Child.AgentName)
	case *hook.SubAgentEnd:
		r.add(s, "sub-agent %s end calls=%d", s.Child.AgentName, s.ChildStats.LLMCalls)
	default:
		r.add(step, "%T", step)
	}
	return ctx
}

var errPolicy = errors.New("policy: no third model call")

// policy is an interceptor of our own: it rewrites what a tool returns
// before the model sees it, and refuses the coordinator's third model call.
type policy struct{}

func (policy) InterceptModel(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
	if call.Run.AgentName == "coordinator" && call.Call == 3 {
		return nil, errPolicy
	}
	return next(ctx, call)
}

func (policy) InterceptTool(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
	res, err := next(ctx, call)
	if err != nil || !strings.Contains(res.String(), "INTERNAL") {
		return res, err
	}
	return &ai.ToolResult{Content: []ai.ToolContent{{Type: "text", Content: strings.ReplaceAll(res.String(), "INTERNAL", "[withheld]")}}, Error: res.Error}, nil
}

// An observer and an interceptor of our own see and steer every step of a
// run with a sub-agent, a retry and a tool error; the interceptor's veto
// ends the run with a typed error that keeps the work done.
func TestObserverAndInterceptorFromOutside(t *testing.T) {
	rec := &recorder{}
	lookup := aigentic.AgentTool{
		Name: "lookup", Description: "Look a thing up.",
		Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) {
			return ai.ErrorText("not found in INTERNAL index"), nil
		},
	}
	coordinator := aitest.Inject(aitest.NewScripted(
		aitest.CallTools(aitest.Call("lookup", `{}`)),
		aitest.Step{Response: &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "Let me ask the helper.",
			ToolCalls: []ai.ToolCall{aitest.Call("helper", `{"input":"find it"}`)}}}},
		aitest.Reply("never sent"),
	)).FailNext(aitest.StatusError(503, 0))
	helper := aitest.NewScripted(aitest.Reply("helped"))
	agent := aigentic.Agent{
		Name: "coordinator", Model: coordinator, Retries: 1,
		RetryPolicy:  &aigentic.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }},
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		AgentTools:   []aigentic.AgentTool{lookup},
		Agents:       []aigentic.Agent{{Name: "helper", Description: "Helps.", Model: helper}},
		Observers:    []aigentic.Observer{rec},
		Interceptors: []aigentic.Interceptor{policy{}},
	}
	run, err := agent.Start("find the thing")
	if err != nil {
		t.Fatal(err)
	}
	for range run.Next() {
	}
	_, err = run.Wait(0)

	var he *aigentic.HaltError
	if !errors.As(err, &he) || !errors.Is(err, aigentic.ErrHalted) || !errors.Is(err, errPolicy) {
		t.Fatalf("err = %v, want a *HaltError wrapping errPolicy", err)
	}
	if he.Step != "model call 3" || he.Partial != "Let me ask the helper." {
		t.Fatalf("halt step %q, partial %q", he.Step, he.Partial)
	}
	var results []string
	for _, m := range he.Transcript {
		if m.Role == ai.RoleTool {
			results = append(results, m.Content)
		}
	}
	if got := strings.Join(results, " | "); got != "not found in [withheld] index | helped" {
		t.Fatalf("tool results in the kept transcript: %q", got)
	}
	want := []string{
		`coordinator: run start "find the thing"`,
		`coordinator: model 1.1 start`,
		`coordinator: model 1.1 end err=true retry=true`,
		`coordinator: model 1.2 start`,
		`coordinator: model 1.2 end err=false retry=false`,
		`coordinator: tool lookup start known=true`,
		`coordinator: tool lookup attempt 1`,
		`coordinator: tool lookup attempt 1 end err=false`,
		`coordinator: tool lookup end error_result=true "not found in [withheld] index"`,
		`coordinator: model 2.1 start`,
		`coordinator: model 2.1 end err=false retry=false`,
		`coordinator: content "Let me ask the helper."`,
		`coordinator: tool helper start known=true`,
		`coordinator: tool helper attempt 1`,
		`helper: run start "find it"`,
		`coordinator: sub-agent helper start`,
		`helper: model 1.1 start`,
		`helper: model 1.1 end err=false retry=false`,
		`helper: content "helped"`,
		`helper: run end ok`,
		`coordinator: sub-agent helper end calls=1`,
		`coordinator: tool helper attempt 1 end err=false`,
		`coordinator: tool helper end error_result=false "helped"`,
		`coordinator: run end halted`,
	}
	if got := strings.Join(rec.lines, "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("steps:\n%s\n\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// The runtime's own observers saw the same steps.
	if st := run.Stats(); st.LLMCalls != 3 || st.Retries != 1 || st.ToolCalls != 2 || st.ToolErrors != 1 {
		t.Fatalf("stats = %+v", st)
	}
}
