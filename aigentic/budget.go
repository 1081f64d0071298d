package aigentic

import (
	"fmt"
	"math"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// Budget bounds the usage of a whole run tree: an agent's run and every
// sub-agent run under it draw from one budget, so a coordinator with a
// budget of 10 model calls makes at most 10 model calls with its
// sub-agents together (Agent.MaxLLMCalls, by contrast, counts one agent's
// own calls). A zero field is no limit; the zero Budget limits nothing.
//
// A sub-agent may have a Budget of its own: it then draws from its own and
// from every budget above it, and the first one reached stops it. When its
// own budget runs out, its parent gets the failure as a tool error result
// and goes on; when a budget shared with its parent runs out, the parent
// stops too, at its next step.
//
// A limit is checked before each model call and each tool call, and usage
// is charged when a model response arrives:
//
//   - MaxLLMCalls and MaxToolCalls refuse the call that would go over the
//     limit; reaching MaxLLMCalls with tool calls still asked for leaves
//     them pending, since no model call is left to read their results.
//   - Token and cost limits refuse a model call once the usage has reached
//     them, and end the run as soon as a response takes the usage past
//     them (the response is kept in the transcript and, when it has text,
//     in LimitError.Partial): usage is only known after the call.
//
// Exceeding a limit ends the run with a *LimitError (errors.Is
// ErrBudgetExceeded) naming the limit, its value, what was used, and the
// work done so far.
type Budget struct {
	// MaxLLMCalls bounds the model calls of the run tree (each call counts
	// once, however many attempts its retries took).
	MaxLLMCalls int
	// MaxToolCalls bounds the tool calls executed or answered in the run
	// tree, delegations to sub-agents included.
	MaxToolCalls int
	// MaxInputTokens, MaxOutputTokens and MaxTotalTokens bound the tokens
	// the model reports (ai.Usage): input (prompt), output (completion),
	// and their sum.
	MaxInputTokens  int
	MaxOutputTokens int
	MaxTotalTokens  int
	// MaxCostUSD bounds the estimated cost in US dollars, priced with
	// Agent.Pricing (a sub-agent without its own Pricing uses its
	// parent's). It requires a Pricing: without one the cost is unknown
	// and the run does not start.
	MaxCostUSD float64
}

// Names of the limits a *LimitError reports in Exceeded.
const (
	// LimitMaxLLMCalls is Agent.MaxLLMCalls: one agent's own model calls.
	LimitMaxLLMCalls = "MaxLLMCalls"
	// The Budget limits, shared by a run tree.
	LimitBudgetLLMCalls     = "Budget.MaxLLMCalls"
	LimitBudgetToolCalls    = "Budget.MaxToolCalls"
	LimitBudgetInputTokens  = "Budget.MaxInputTokens"
	LimitBudgetOutputTokens = "Budget.MaxOutputTokens"
	LimitBudgetTotalTokens  = "Budget.MaxTotalTokens"
	LimitBudgetCostUSD      = "Budget.MaxCostUSD"
)

// IsZero reports whether b limits nothing.
func (b Budget) IsZero() bool { return b == Budget{} }

// validate rejects a budget that is negative, not a number, or
// contradictory; pricing is the Pricing its runs will use.
func (b Budget) validate(pricing *Pricing) error {
	ints := []struct {
		name string
		v    int
	}{{"MaxLLMCalls", b.MaxLLMCalls}, {"MaxToolCalls", b.MaxToolCalls}, {"MaxInputTokens", b.MaxInputTokens},
		{"MaxOutputTokens", b.MaxOutputTokens}, {"MaxTotalTokens", b.MaxTotalTokens}}
	for _, f := range ints {
		if f.v < 0 {
			return fmt.Errorf("%w: Budget.%s is %d, want 0 (no limit) or more", ErrInvalidAgent, f.name, f.v)
		}
	}
	if math.IsNaN(b.MaxCostUSD) || math.IsInf(b.MaxCostUSD, 0) || b.MaxCostUSD < 0 {
		return fmt.Errorf("%w: Budget.MaxCostUSD is %v, want 0 (no limit) or a positive number of US dollars", ErrInvalidAgent, b.MaxCostUSD)
	}
	// A part larger than the whole can never be reached: the setting is a
	// mistake (a unit or a digit off), not a limit.
	if t := b.MaxTotalTokens; t > 0 {
		if b.MaxInputTokens > t {
			return fmt.Errorf("%w: Budget.MaxInputTokens (%d) is larger than Budget.MaxTotalTokens (%d) and could never be reached", ErrInvalidAgent, b.MaxInputTokens, t)
		}
		if b.MaxOutputTokens > t {
			return fmt.Errorf("%w: Budget.MaxOutputTokens (%d) is larger than Budget.MaxTotalTokens (%d) and could never be reached", ErrInvalidAgent, b.MaxOutputTokens, t)
		}
	}
	if b.MaxCostUSD > 0 && pricing == nil {
		return fmt.Errorf("%w: Budget.MaxCostUSD is set but the agent has no Pricing, so its cost is unknown; set Agent.Pricing", ErrInvalidAgent)
	}
	if p := pricing; p != nil {
		for _, v := range []float64{p.InputPerMTok, p.OutputPerMTok, p.CachedInputPerMTok} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return fmt.Errorf("%w: Pricing {InputPerMTok: %v, OutputPerMTok: %v, CachedInputPerMTok: %v}: prices must be finite and not negative",
					ErrInvalidAgent, p.InputPerMTok, p.OutputPerMTok, p.CachedInputPerMTok)
			}
		}
	}
	return nil
}

// validateBudgets checks the Budget of a and of every sub-agent under it,
// each with the Pricing its runs will use (its own, or inherited), so a
// bad budget anywhere in the tree fails at Start rather than mid-run.
func validateBudgets(a *Agent, pricing *Pricing) error {
	if a.Pricing != nil {
		pricing = a.Pricing
	}
	if err := a.Budget.validate(pricing); err != nil {
		if a.Name != "" {
			return fmt.Errorf("agent %q: %w", a.Name, err)
		}
		return err
	}
	for i := range a.Agents {
		if err := validateBudgets(&a.Agents[i], pricing); err != nil {
			return err
		}
	}
	return nil
}

// budgetState is one Budget in force and what its run tree has used. It is
// shared by every run under the agent that set it.
type budgetState struct {
	owner  string // the agent whose Budget it is
	limits Budget

	mu       sync.Mutex
	calls    int
	tools    int
	usage    ai.Usage
	costUSD  float64
	exceeded string // the limit that was reached; sticky
}

// budgets is the chain of budgets a run draws from: its own (if any),
// then its parent's, up to the root's.
type budgets []*budgetState

// newBudgets is the chain of a run of agent a under parent (nil for a
// top-level run).
func newBudgets(a *Agent, parent *AgentRun) budgets {
	var chain budgets
	if !a.Budget.IsZero() {
		chain = append(chain, &budgetState{owner: a.Name, limits: a.Budget})
	}
	if parent != nil {
		chain = append(chain, parent.budgets...)
	}
	return chain
}

// A budgetStop says which budget stopped a run, at which usage.
type budgetStop struct {
	state     *budgetState
	limit     string
	max, used float64
}

// stopLocked records limit as reached and describes it; b.mu is held.
func (b *budgetState) stopLocked(limit string) *budgetStop {
	if b.exceeded == "" {
		b.exceeded = limit
	}
	s := &budgetStop{state: b, limit: b.exceeded}
	l := b.limits
	switch s.limit {
	case LimitBudgetLLMCalls:
		s.max, s.used = float64(l.MaxLLMCalls), float64(b.calls)
	case LimitBudgetToolCalls:
		s.max, s.used = float64(l.MaxToolCalls), float64(b.tools)
	case LimitBudgetInputTokens:
		s.max, s.used = float64(l.MaxInputTokens), float64(b.usage.InputTokens)
	case LimitBudgetOutputTokens:
		s.max, s.used = float64(l.MaxOutputTokens), float64(b.usage.OutputTokens)
	case LimitBudgetTotalTokens:
		s.max, s.used = float64(l.MaxTotalTokens), float64(b.usage.InputTokens+b.usage.OutputTokens)
	case LimitBudgetCostUSD:
		s.max, s.used = l.MaxCostUSD, b.costUSD
	}
	return s
}

// spentLocked returns the first usage limit (tokens, cost) reached (at or
// past it, when atOrPast; strictly past it otherwise), or "".
func (b *budgetState) spentLocked(atOrPast bool) string {
	over := func(used, max float64) bool {
		if max <= 0 {
			return false
		}
		if atOrPast {
			return used >= max
		}
		return used > max
	}
	l, u := b.limits, b.usage
	switch {
	case over(float64(u.InputTokens), float64(l.MaxInputTokens)):
		return LimitBudgetInputTokens
	case over(float64(u.OutputTokens), float64(l.MaxOutputTokens)):
		return LimitBudgetOutputTokens
	case over(float64(u.InputTokens+u.OutputTokens), float64(l.MaxTotalTokens)):
		return LimitBudgetTotalTokens
	case over(b.costUSD, l.MaxCostUSD):
		return LimitBudgetCostUSD
	}
	return ""
}

// reserveModelCall takes one model call from every budget of the chain,
// or takes none and says which budget refuses it.
func (c budgets) reserveModelCall() *budgetStop {
	return c.reserve(func(b *budgetState) string {
		if b.limits.MaxLLMCalls > 0 && b.calls >= b.limits.MaxLLMCalls {
			return LimitBudgetLLMCalls
		}
		if l := b.spentLocked(true); l != "" {
			return l
		}
		b.calls++
		return ""
	}, func(b *budgetState) { b.calls-- })
}

// reserve takes one unit from every budget of the chain, or none: take,
// called under each budget's lock, takes the unit and returns "", or
// returns the limit that refuses it; undo gives back what the budgets
// before a refusing one took. A budget already exceeded refuses at once.
func (c budgets) reserve(take func(*budgetState) string, undo func(*budgetState)) *budgetStop {
	for _, b := range c {
		b.mu.Lock()
		var stop *budgetStop
		if b.exceeded != "" {
			stop = b.stopLocked(b.exceeded)
		} else if l := take(b); l != "" {
			stop = b.stopLocked(l)
		}
		b.mu.Unlock()
		if stop != nil {
			c.release(b, undo)
			return stop
		}
	}
	return nil
}

// release undoes a reservation in the budgets of the chain before upto.
func (c budgets) release(upto *budgetState, undo func(*budgetState)) {
	for _, b := range c {
		if b == upto {
			return
		}
		b.mu.Lock()
		undo(b)
		b.mu.Unlock()
	}
}

// reserveToolCall takes one tool call from every budget of the chain, or
// takes none and says which budget refuses it. A budget exceeded anywhere
// in the tree refuses it, so a budget a sub-agent exhausted stops its
// parent before the parent's next tool call.
func (c budgets) reserveToolCall() *budgetStop {
	return c.reserve(func(b *budgetState) string {
		if b.limits.MaxToolCalls > 0 && b.tools >= b.limits.MaxToolCalls {
			return LimitBudgetToolCalls
		}
		b.tools++
		return ""
	}, func(b *budgetState) { b.tools-- })
}

// charge adds a response's usage and cost to every budget of the chain,
// and says which one it took past a limit, if any.
func (c budgets) charge(u ai.Usage, cost float64) *budgetStop {
	var first *budgetStop
	for _, b := range c {
		b.mu.Lock()
		b.usage.InputTokens += u.InputTokens
		b.usage.OutputTokens += u.OutputTokens
		b.costUSD += cost
		if first == nil {
			if l := b.spentLocked(false); l != "" {
				first = b.stopLocked(l)
			}
		}
		b.mu.Unlock()
	}
	return first
}

// noModelCallLeft says which budget of the chain has no model call left.
func (c budgets) noModelCallLeft() *budgetStop {
	for _, b := range c {
		b.mu.Lock()
		var stop *budgetStop
		if b.limits.MaxLLMCalls > 0 && b.calls >= b.limits.MaxLLMCalls {
			stop = b.stopLocked(LimitBudgetLLMCalls)
		}
		b.mu.Unlock()
		if stop != nil {
			return stop
		}
	}
	return nil
}

// budgetError is the *LimitError of a run stopped by a budget, with
// pending the tool calls left unexecuted.
func (r *AgentRun) budgetError(s *budgetStop, pending []ai.ToolCall) error {
	le := r.limitError(pending)
	le.Exceeded, le.Max, le.Used, le.BudgetOwner = s.limit, s.max, s.used, s.state.owner
	return le
}

// Hooks called by the run loop (loop.go). Each returns nil when the run may
// go on, or the *LimitError that ends it.

// budgetBeforeModelCall reserves the next model call.
func (r *AgentRun) budgetBeforeModelCall() error {
	if s := r.budgets.reserveModelCall(); s != nil {
		return r.budgetError(s, nil)
	}
	return nil
}

// budgetAfterResponse charges the response's usage and cost once it is in
// the transcript; calls are the tool calls it asks for.
func (r *AgentRun) budgetAfterResponse(u ai.Usage, calls []ai.ToolCall) error {
	if len(r.budgets) == 0 {
		return nil
	}
	u = u.Bounded() // a server's count: no negative, no sum that wraps
	if s := r.budgets.charge(u, r.agent.Pricing.Cost(u)); s != nil {
		return r.budgetError(s, calls)
	}
	if len(calls) > 0 {
		if s := r.budgets.noModelCallLeft(); s != nil {
			return r.budgetError(s, calls)
		}
	}
	return nil
}

// budgetBeforeToolCall reserves the next tool call; pending are the tool
// calls not yet run, this one first.
func (r *AgentRun) budgetBeforeToolCall(pending []ai.ToolCall) error {
	if s := r.budgets.reserveToolCall(); s != nil {
		return r.budgetError(s, pending)
	}
	return nil
}
