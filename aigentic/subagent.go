package aigentic

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// subAgentTool exposes sub as a tool taking {"input": "..."}.
func subAgentTool(sub Agent) AgentTool {
	name := toolNameFor(sub.Name)
	desc := sub.Description
	if desc == "" {
		desc = "Delegate a task to the " + sub.Name + " agent and get its answer."
	}
	return AgentTool{
		Name:        name,
		Description: desc,
		InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"input": map[string]any{"type": "string", "description": "The task or question for the " + sub.Name + " agent, with the context it needs."},
			},
			"required":             []any{"input"},
			"additionalProperties": false,
		},
		Execute: func(run *AgentRun, args map[string]any) (*ai.ToolResult, error) {
			input, _ := args["input"].(string)
			return run.delegate(sub, input)
		},
	}
}

// toolNameFor turns an agent name into a tool name.
func toolNameFor(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "agent"
	}
	s := b.String()
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// inherit gives sub what it does not set of its own from its parent
// agent a: the settings a sub-agent's run shares with its parent's.
func (a *Agent) inherit(sub *Agent) {
	if sub.Model == nil {
		sub.Model = a.Model
	}
	if sub.Trace == nil {
		sub.Trace = a.Trace
	}
	sub.LogLevel = a.LogLevel
	if sub.Logger == nil {
		sub.Logger = a.Logger
	}
	if sub.RetryPolicy == nil {
		sub.RetryPolicy = a.RetryPolicy
	}
	if sub.RateLimiter == nil {
		sub.RateLimiter = a.RateLimiter
	}
	if sub.ApprovalTimeout == 0 {
		sub.ApprovalTimeout = a.ApprovalTimeout
	}
	if sub.Pricing == nil {
		sub.Pricing = a.Pricing
	}
	if sub.TracerProvider == nil {
		sub.TracerProvider = a.TracerProvider
	}
	if sub.MeterProvider == nil {
		sub.MeterProvider = a.MeterProvider
	}
	if sub.Observers == nil {
		sub.Observers = a.Observers
	}
	if sub.Interceptors == nil {
		sub.Interceptors = a.Interceptors
	}
}

// delegate runs a sub-agent inside this run's context: in the tool call's
// context when a tool call is in progress, so the sub-agent's run is part
// of it (its OpenTelemetry span nests under the call's).
func (r *AgentRun) delegate(sub Agent, input string) (*ai.ToolResult, error) {
	r.agent.inherit(&sub)
	sub.Session = &Session{ID: r.session.ID, Context: r.Context()}
	child, err := sub.newRun(input, false, r.handle())
	if err != nil {
		return ai.ErrorText(fmt.Sprintf("sub-agent %q cannot run: %v", sub.Name, err)), nil
	}
	ctx := sub.Session.Context
	r.note(ctx, &hook.SubAgentStart{Run: &r.info, Child: &child.info})
	child.loop()
	r.note(ctx, &hook.SubAgentEnd{Run: &r.info, Child: &child.info, ChildStats: child.Stats(), Err: child.err})
	if child.err != nil {
		if r.ctx.Err() != nil {
			return nil, child.err
		}
		if he, ok := errors.AsType[*HaltError](child.err); ok {
			// An interceptor (a guard) stopped the sub-agent: it stops the
			// whole run, as it would have stopped this one. Handed to the
			// model as a tool error, the refusal could be routed around.
			return nil, subAgentHalt{&HaltError{Step: fmt.Sprintf("sub-agent %q, %s", sub.Name, he.Step), Err: he.Err,
				Transcript: r.transcript(), Partial: r.partial()}}
		}
		if le, ok := errors.AsType[*LimitError](child.err); ok {
			return ai.ErrorText(handoff(sub.Name, le)), nil
		}
		return ai.ErrorText(fmt.Sprintf("sub-agent %q failed: %v", sub.Name, child.err)), nil
	}
	return ai.Text(child.result), nil
}

// subAgentHalt carries a sub-agent's halt out of its tool call to
// attempts, which ends the run with it. Only delegate makes one: a *HaltError
// any other tool returns is that tool's failure (*ToolError).
type subAgentHalt struct{ *HaltError }

// handoff is what a coordinator is told of a sub-agent stopped at a limit:
// the limit, what the sub-agent did — each tool it called and what came
// back, the calls it left pending — and its partial answer, so the
// coordinator can use the work (at most about 6 KiB).
func handoff(name string, le *LimitError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sub-agent %q stopped before finishing: %v.", name, le)
	calls := map[string]ai.ToolCall{}
	for _, m := range le.Transcript {
		for _, tc := range m.ToolCalls {
			calls[tc.ID] = tc
		}
	}
	first := true
	for _, m := range le.Transcript {
		if m.Role != ai.RoleTool {
			continue
		}
		if first {
			b.WriteString("\nWhat it did:")
			first = false
		}
		status := "returned"
		if m.IsError {
			status = "failed"
		}
		fmt.Fprintf(&b, "\n- %s %s: %s", m.Name, clipText(calls[m.ToolCallID].Arguments, 200), status+": "+clipText(m.Content, 600))
		if b.Len() > 5<<10 {
			b.WriteString("\n- … (more calls not shown)")
			break
		}
	}
	for _, tc := range le.Pending {
		fmt.Fprintf(&b, "\nPending, not run: %s %s", tc.Name, clipText(tc.Arguments, 200))
	}
	if le.Partial != "" {
		b.WriteString("\nIts partial answer: " + clipText(le.Partial, 1500))
	}
	return b.String()
}
