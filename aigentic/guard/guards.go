package guard

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"weak"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Guards puts guards at the three points of a run; it is a hook.Interceptor
// (set it in aigentic.Agent.Interceptors; several agents and any number of
// concurrent runs may share one). Fill it before its first run and do not
// change it after; use it by pointer.
type Guards struct {
	// Input guards check the user's message before the first model call.
	Input []Guard
	// Output guards check the final answer.
	Output []Guard
	// ToolResult guards check each tool's result before the model sees it.
	ToolResult []Guard

	// inputs are the runs' rewritten messages (see rewrites).
	inputs rewrites
}

// InterceptModel implements hook.Interceptor: the input guards on the
// run's first model call, the rewritten message on every call, the
// output guards on the final answer.
func (g *Guards) InterceptModel(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
	if g.inCheck(ctx) {
		return next(ctx, call)
	}
	if len(g.Input) > 0 {
		if err := g.checkInput(ctx, call); err != nil {
			return nil, err
		}
	}
	resp, err := next(ctx, call)
	if err != nil || resp == nil || len(resp.Message.ToolCalls) > 0 || len(call.FollowUp) > 0 || len(g.Output) == 0 {
		// Not a final answer: an error, tool calls, or an answer an
		// inner interceptor asked to have again.
		return resp, err
	}
	text := resp.Message.Content
	out, err := g.apply(ctx, g.Output, Subject{Point: PointOutput, Text: text, Run: call.Run}, "output")
	if err != nil {
		return nil, err
	}
	if out != text {
		answer := *resp
		answer.Message.Content = out
		return &answer, nil
	}
	return resp, nil
}

// checkInput runs the input guards on the run's message at its first
// call and puts what they made of it in every call's request.
func (g *Guards) checkInput(ctx context.Context, call *hook.ModelCall) error {
	msgs := call.Request.Messages
	if call.Call == 1 {
		i := lastUser(msgs)
		if i < 0 {
			return nil
		}
		out, err := g.apply(ctx, g.Input, Subject{Point: PointInput, Text: msgs[i].Content, Run: call.Run}, "input")
		if err != nil {
			return err
		}
		if out != msgs[i].Content {
			g.inputs.remember(call.Run, i, out)
		}
	}
	if i, text, ok := g.inputs.lookup(call.Run); ok && i < len(msgs) {
		msgs = slices.Clone(msgs)
		msgs[i].Content = text
		call.Request.Messages = msgs
	}
	return nil
}

// lastUser is the index of the last user message: the run's own, at its
// first call.
func lastUser(msgs []ai.Message) int {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == ai.RoleUser {
			return i
		}
	}
	return -1
}

// InterceptTool implements hook.Interceptor: the tool-result guards on
// what the tool returned (an error result included: it is text the model
// reads).
func (g *Guards) InterceptTool(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
	res, err := next(ctx, call)
	if err != nil || res == nil || len(g.ToolResult) == 0 || g.inCheck(ctx) {
		return res, err
	}
	text := res.String()
	tc := call.ToolCall
	s := Subject{Point: PointToolResult, Text: text, Run: call.Run, Call: &tc, Untrusted: res.Untrusted, IsError: res.Error}
	out, err := g.apply(ctx, g.ToolResult, s, fmt.Sprintf("tool %q", call.Name))
	if err != nil {
		return nil, err
	}
	if out == text {
		return res, nil
	}
	rewritten := ai.Text(out)
	rewritten.Error, rewritten.Untrusted = res.Error, res.Untrusted
	return rewritten, nil
}

// rewrites remembers each run's rewritten message, so every model call of
// the run sends it, not the original the run's transcript keeps. A run is
// known by its *hook.RunInfo, held weakly: its entry goes when the run is
// collected (runtime.AddCleanup), however it ended.
type rewrites struct {
	mu sync.Mutex
	m  map[weak.Pointer[hook.RunInfo]]rewrite
}

type rewrite struct {
	index int
	text  string
}

func (r *rewrites) remember(run *hook.RunInfo, index int, text string) {
	k := weak.Make(run)
	r.mu.Lock()
	if r.m == nil {
		r.m = map[weak.Pointer[hook.RunInfo]]rewrite{}
	}
	_, known := r.m[k]
	r.m[k] = rewrite{index, text}
	r.mu.Unlock()
	if !known {
		runtime.AddCleanup(run, r.forget, k)
	}
}

func (r *rewrites) forget(k weak.Pointer[hook.RunInfo]) {
	r.mu.Lock()
	delete(r.m, k)
	r.mu.Unlock()
}

func (r *rewrites) lookup(run *hook.RunInfo) (int, string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		return 0, "", false
	}
	rw, ok := r.m[weak.Make(run)]
	return rw.index, rw.text, ok
}

// remembered is the number of runs whose rewrite is remembered (for
// tests).
func (r *rewrites) remembered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}
