package aigentic

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/otelagent"
	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// newRun validates the agent and prepares a run; parent is set for a
// sub-agent's run.
func (a Agent) newRun(message string, events bool, parent *AgentRun) (*AgentRun, error) {
	//lint:ignore SA1012 nil is newRunContext's documented "bound to the session alone"
	return a.newRunContext(nil, message, events, parent)
}

// checkSettings refuses settings out of range (ErrInvalidAgent).
func (a *Agent) checkSettings() error {
	if ai.IsNil(a.Model) {
		return fmt.Errorf("%w: Model is nil", ErrInvalidAgent)
	}
	if a.Retries < 0 {
		return fmt.Errorf("%w: Retries is %d, want 0 or more", ErrInvalidAgent, a.Retries)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"ToolTimeout", a.ToolTimeout}, {"StopGrace", a.StopGrace}} {
		if d.v < 0 {
			return fmt.Errorf("%w: %s is %s, want 0 (the default) or more", ErrInvalidAgent, d.name, d.v)
		}
	}
	if a.ParallelToolCalls < 0 {
		return fmt.Errorf("%w: ParallelToolCalls is %d, want 0 or 1 (one at a time) or more", ErrInvalidAgent, a.ParallelToolCalls)
	}
	if a.MaxLLMCalls < 0 {
		return fmt.Errorf("%w: MaxLLMCalls is %d, want 0 (default %d) or more", ErrInvalidAgent, a.MaxLLMCalls, DefaultMaxLLMCalls)
	}
	return nil
}

// checkSubAgents checks each sub-agent's settings, as its run will have
// them (inherited from a where it sets none), at every depth.
func (a *Agent) checkSubAgents() error {
	for _, sub := range a.Agents {
		a.inherit(&sub)
		if err := sub.checkSettings(); err != nil {
			return fmt.Errorf("sub-agent %q: %w", sub.Name, err)
		}
		if err := sub.checkSubAgents(); err != nil {
			return fmt.Errorf("sub-agent %q: %w", sub.Name, err)
		}
	}
	return nil
}

// newRunContext is newRun for a run bound to ctx as well as to its
// session (ExecuteContext, StartContext); a nil ctx binds it to the
// session alone.
func (a Agent) newRunContext(ctx context.Context, message string, events bool, parent *AgentRun) (*AgentRun, error) {
	if err := a.checkSettings(); err != nil {
		return nil, err
	}
	if parent == nil {
		// A sub-agent's settings are checked now, not when the model
		// first calls it (its run would then fail as a tool error).
		if err := a.checkSubAgents(); err != nil {
			return nil, err
		}
	}
	if a.Name == "" {
		a.Name = "agent"
	}
	// The run's model-call limit: its own agent's, not RunInfo's, which
	// anyone holding the RunInfo could change.
	a.MaxLLMCalls = cmp.Or(a.MaxLLMCalls, DefaultMaxLLMCalls)
	if err := validateBudgets(&a, nil); err != nil {
		return nil, err
	}
	st := &runState{
		agent:   a,
		parent:  parent,
		budgets: newBudgets(&a, parent),
		done:    make(chan struct{}),
	}
	st.self.runState = st
	r := &st.self
	r.policy = a.RetryPolicy
	if r.policy == nil {
		r.policy = &defaultRetryPolicy
	}
	if err := r.prepareTools(); err != nil {
		return nil, err
	}

	r.session = a.Session
	if r.session == nil || r.session.Context == nil {
		// A session of the run's own, in the run: its id and the run's
		// are made together.
		var sid string
		r.id, sid = newIDs("run", "ses")
		r.ownSession = Session{ID: sid, Context: context.Background()}
		r.session = &r.ownSession
	} else {
		r.id = newID("run")
	}
	r.deriveContext(ctx) // runcontext.go
	r.stoppable = events || parent != nil || r.session.Context.Done() != nil || ctx != nil && ctx.Done() != nil

	r.runLogger()

	switch {
	case parent != nil:
		r.events = parent.events
	case events:
		r.events = &eventQueue{}
		r.events.init(true)
	default:
		r.events = &noEvents
	}
	r.stats.Started = time.Now()
	// Room for the prompt and seven tool turns before the first growth.
	r.messages = make([]ai.Message, 0, 16)
	if a.Instructions != "" {
		r.messages = append(r.messages, ai.Message{Role: ai.RoleSystem, Content: a.Instructions})
	}
	if parent == nil && r.session.History != nil {
		past, err := loadHistory(r.ctx, r.session.History)
		if err != nil {
			r.cancel(nil)
			return nil, &HistoryError{Op: "load", Err: err}
		}
		r.messages = append(r.messages, past...)
	}
	r.historyFrom = len(r.messages)
	r.messages = append(r.messages, ai.Message{Role: ai.RoleUser, Content: message})

	name, provider, err := modelNames(a.Model)
	if err != nil {
		r.cancel(nil)
		return nil, err
	}
	r.info = hook.RunInfo{ID: r.id, AgentName: a.Name, SessionID: r.session.ID, Model: name,
		Provider: provider, Tools: r.aiTools, MaxLLMCalls: a.MaxLLMCalls, Retries: a.Retries,
		Started: r.stats.Started, Logger: &r.logger, Priced: a.Pricing != nil}
	r.info.Reporter = r.handle()
	if parent != nil {
		r.info.Parent = &parent.info
	}
	r.observeRun()
	r.chain()
	r.st.runStart = hook.RunStart{Run: &r.info, Message: message}
	r.ctx = r.observe(hook.NewContext(r.ctx, &r.info), &r.st.runStart)
	return r, nil
}

// prepareTools resolves tools and sub-agents, checks names, and compiles
// schemas once per run.
func (r *AgentRun) prepareTools() error {
	a := &r.agent
	var memTools []AgentTool
	if a.Memory != nil {
		memTools = a.Memory.Tools()
	}
	n := len(a.AgentTools) + len(memTools) + len(a.Agents)
	if n == 0 {
		return nil
	}
	r.tools = make([]AgentTool, 0, n) // a copy: the caller may reuse its slice while the run goes on
	r.tools = append(r.tools, a.AgentTools...)
	r.tools = append(r.tools, memTools...)
	for i := range a.Agents {
		r.tools = append(r.tools, subAgentTool(a.Agents[i]))
	}
	if n <= len(r.toolBuf.schemas) {
		r.schemas, r.aiTools = r.toolBuf.schemas[:n], r.toolBuf.aiTools[:n]
	} else {
		r.schemas = make([]*schema.Validator, n)
		r.aiTools = make([]ai.Tool, n)
	}
	for i := range r.tools {
		t := &r.tools[i]
		if !validToolName(t.Name) {
			return fmt.Errorf("%w: tool name %q: use 1-64 letters, digits, _ or -", ErrInvalidAgent, t.Name)
		}
		for j := 0; j < i; j++ {
			if r.tools[j].Name == t.Name {
				return fmt.Errorf("%w: two tools named %q", ErrInvalidAgent, t.Name)
			}
		}
		if t.Timeout < 0 {
			return fmt.Errorf("%w: tool %q: Timeout is %s, want 0 (Agent.ToolTimeout) or more", ErrInvalidAgent, t.Name, t.Timeout)
		}
		if t.Execute == nil && t.executeRaw == nil {
			return fmt.Errorf("%w: tool %q has no Execute function", ErrInvalidAgent, t.Name)
		}
		sch, err := compiledFor(t)
		if err != nil {
			return fmt.Errorf("%w: tool %q: %w", ErrInvalidAgent, t.Name, err)
		}
		r.schemas[i] = sch
		schema := t.InputSchema
		if schema == nil {
			schema = map[string]any{"type": "object", "properties": map[string]any{}}
		}
		r.aiTools[i] = ai.Tool{Name: t.Name, Description: t.Description, InputSchema: schema, Meta: t.Meta}
	}
	return nil
}

// CaptureContentEnv is the environment variable that, set to "true", adds
// message content to the runs' spans, redacted (otelagent.CaptureContentEnv).
const CaptureContentEnv = otelagent.CaptureContentEnv

// otelObserver is the run's OpenTelemetry observer, or nil when neither
// its agent's tracer records nor its meter measures.
func (r *AgentRun) otelObserver() hook.Observer {
	if o := otelagent.For(r.ctx, r.agent.TracerProvider, r.agent.MeterProvider); o != nil {
		return o
	}
	return nil
}
