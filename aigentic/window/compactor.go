package window

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Options configure a [Compactor]. The zero value looks each model's
// window up in DefaultWindows and never summarises.
type Options struct {
	// Window is the context window in tokens of every model the
	// compactor serves; 0 looks it up by the run's model name in Windows,
	// then DefaultWindows. A model no table knows is compacted only
	// after its server refuses a prompt as too long.
	Window int
	// Windows adds to or overrides DefaultWindows (see Lookup).
	Windows Windows
	// Reserve is the part of the window kept for the answer, in tokens
	// (OpenAI, vLLM and llama.cpp count the answer's max_tokens in the
	// window); 0 means a quarter of the window, at most 4,096.
	Reserve int
	// Target is what a compaction brings the prompt down to, as a
	// fraction of the room (window − reserve), in (0, 1]: the headroom
	// lets the next calls go out without another compaction, and what is
	// sent keeps a stable start. 0 means 0.75.
	Target float64
	// ClipAbove is the size in tokens above which a tool result the
	// model has already answered to is clipped; 0 means 512.
	ClipAbove int
	// ClipTo is about what a clipped result keeps, in tokens: its start
	// and its end; 0 means 128. It must be smaller than ClipAbove.
	ClipTo int
	// Summarizer, when set, summarises the messages left out; nil leaves
	// them out with a one-line note. See ModelSummarizer.
	Summarizer Summarizer
	// SummaryTokens bounds a summary (it is clipped beyond); 0 means 512.
	SummaryTokens int
	// OnCompact, when set, is called with each compaction, on the run's
	// goroutine, after its Decision is reported. It must not block.
	OnCompact func(Compaction)
}

// Compaction describes one compaction of what a model call sends.
type Compaction struct {
	// Run and Call are the run and its model call (1-based).
	Run  *hook.RunInfo
	Call int
	// Window and Reserve are the window and the room kept for the answer,
	// in tokens.
	Window, Reserve int
	// Before is the estimated prompt, in tokens, of the whole transcript;
	// After that of what is sent.
	Before, After int
	// Clipped is the number of tool results newly clipped; Dropped the
	// number of messages newly left out; TailClipped is set when the
	// latest tool results had to be clipped too.
	Clipped, Dropped int
	TailClipped      bool
	// Summarized is set when what was left out was summarised;
	// SummaryErr is the summarizer's failure, if it failed.
	Summarized bool
	SummaryErr error
	// Retry is set when the server refused the prompt as too long and
	// the call is tried again compacted.
	Retry bool
}

// String says what was done, for a person: the Decision's Reason.
func (c Compaction) String() string {
	var parts []string
	if c.Clipped > 0 {
		parts = append(parts, "clipped "+plural(c.Clipped, "old tool result"))
	}
	if c.Dropped > 0 {
		parts = append(parts, "left out the "+plural(c.Dropped, "oldest message"))
	}
	if c.Summarized {
		parts = append(parts, "summarised them")
	}
	if c.SummaryErr != nil {
		parts = append(parts, "summary failed: "+clipMiddle(c.SummaryErr.Error(), 200))
	}
	if c.TailClipped {
		parts = append(parts, "clipped the latest tool results")
	}
	why := "the prompt would not fit"
	if c.Retry {
		why = "the server refused the prompt as too long; trying again"
	}
	return fmt.Sprintf("%s: ≈%d → ≈%d tokens for a window of %d (%d kept for the answer): %s",
		why, c.Before, c.After, c.Window, c.Reserve, strings.Join(parts, ", "))
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// Compactor is an interceptor (hook.Interceptor) that keeps each model
// call's prompt within the model's context window. See the package
// documentation. One Compactor serves any number of agents and runs
// concurrently.
type Compactor struct {
	opts Options

	mu   sync.Mutex
	runs map[*hook.RunInfo]*runState
	mem  memory
}

var _ hook.Interceptor = (*Compactor)(nil)

// New returns a Compactor. It fails with an error wrapping
// ErrInvalidOptions for a negative size, a Target outside (0, 1], a ClipTo
// not smaller than ClipAbove, or a Reserve not smaller than Window.
func New(opts Options) (*Compactor, error) {
	bad := func(format string, args ...any) (*Compactor, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, args...)...)
	}
	for name, v := range map[string]int{"Window": opts.Window, "Reserve": opts.Reserve, "ClipAbove": opts.ClipAbove, "ClipTo": opts.ClipTo, "SummaryTokens": opts.SummaryTokens} {
		if v < 0 {
			return bad("%s is %d; it must be 0 (the default) or more", name, v)
		}
	}
	for name, v := range opts.Windows {
		if v <= 0 {
			return bad("Windows[%q] is %d; a window is a positive number of tokens", name, v)
		}
	}
	if math.IsNaN(opts.Target) || opts.Target < 0 || opts.Target > 1 {
		return bad("Target is %v; it must be in (0, 1], or 0 for the default 0.75", opts.Target)
	}
	if opts.Window > 0 && opts.Reserve >= opts.Window {
		return bad("Reserve %d leaves nothing of Window %d for the prompt", opts.Reserve, opts.Window)
	}
	if opts.Target == 0 {
		opts.Target = 0.75
	}
	if opts.ClipAbove == 0 {
		opts.ClipAbove = 512
	}
	if opts.ClipTo == 0 {
		opts.ClipTo = min(128, opts.ClipAbove/2)
	}
	if opts.ClipTo >= opts.ClipAbove {
		return bad("ClipTo %d must be smaller than ClipAbove %d", opts.ClipTo, opts.ClipAbove)
	}
	if opts.SummaryTokens == 0 {
		opts.SummaryTokens = 512
	}
	return &Compactor{opts: opts, runs: map[*hook.RunInfo]*runState{}}, nil
}

// clipBytes is what a clipped result keeps, in bytes.
func (c *Compactor) clipBytes() int { return c.opts.ClipTo * 4 }

// state returns the run's state, made at its first call. It is dropped
// when ctx — the run's context, which ends when the run ends — ends; a
// ctx that never ends gets a state for this call only.
func (c *Compactor) state(ctx context.Context, run *hook.RunInfo) *runState {
	fresh := &runState{ratio: clampRatio(c.mem.model(runModel(run)).ratio), sumUser: -1}
	if run == nil || ctx.Done() == nil {
		return fresh
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.runs[run]; ok {
		return st
	}
	c.runs[run] = fresh
	context.AfterFunc(ctx, func() {
		c.mu.Lock()
		delete(c.runs, run)
		c.mu.Unlock()
	})
	return fresh
}

// Runs is the number of runs whose state the compactor holds: runs that
// made a model call through it and have not ended.
func (c *Compactor) Runs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.runs)
}

// Learned returns the window a server named for model in a
// context-length error, if one did.
func (c *Compactor) Learned(model string) (int, bool) {
	w := c.mem.model(model).window
	return w, w > 0
}

// window is the window for a run's call: a window a server named wins
// (capped by Options.Window), else Options.Window, else the tables; a
// guess made for the run from a refusal that named no size caps it.
func (c *Compactor) window(run *hook.RunInfo, st *runState) int {
	model := ""
	if run != nil {
		model = run.Model
	}
	w := c.opts.Window
	if l := c.mem.model(model).window; l > 0 {
		if w == 0 || l < w {
			w = l
		}
	} else if w == 0 {
		w, _ = Lookup(c.opts.Windows, model)
	}
	if st.shrink > 0 && (w == 0 || st.shrink < w) {
		w = st.shrink
	}
	return w
}

// newPass prepares a compaction of call's messages for the run's state,
// resetting the state when the transcript is not the one it was made for.
func (c *Compactor) newPass(call *hook.ModelCall, st *runState) *pass {
	msgs := call.Request.Messages
	if st.seen > len(msgs) || st.seen > 0 && sig(msgs[st.seen-1]) != st.seenSig {
		*st = runState{ratio: st.ratio, shrink: st.shrink, sumUser: -1}
	}
	if len(msgs) > 0 {
		st.seen, st.seenSig = len(msgs), sig(msgs[len(msgs)-1])
	}
	p := &pass{c: c, st: st, msgs: msgs, lay: layoutOf(msgs),
		base: make([]int, len(msgs)), content: make([]int, len(msgs)), clipped: make([]int, len(msgs))}
	for i, m := range msgs {
		p.content[i] = Tokens(m.Content)
		p.base[i] = MessageTokens(m)
	}
	p.tools = ToolsTokens(call.Request.Tools)
	p.fixed = PerRequest + p.tools
	for i := 0; i < p.lay.head; i++ {
		p.fixed += p.base[i]
	}
	p.window = c.window(call.Run, st)
	p.reserve = c.opts.Reserve
	if p.reserve == 0 || p.reserve >= p.window {
		p.reserve = min(4096, p.window/4)
	}
	p.room = p.window - p.reserve
	p.goal = int(float64(p.room) * c.opts.Target)
	return p
}

// InterceptModel implements hook.Interceptor: it sends the call's
// messages compacted to fit the window (a new slice: the run's transcript
// is left whole), and on a context-length error from the server compacts
// further and tries once more.
func (c *Compactor) InterceptModel(ctx context.Context, call *hook.ModelCall, next hook.ModelNext) (*ai.Response, error) {
	st := c.state(ctx, call.Run)
	p := c.newPass(call, st)
	res, err := p.run(ctx, runModel(call.Run), false)
	if err != nil {
		return nil, err
	}
	c.report(ctx, call, p, res, false)
	call.Request.Messages = res.sent
	resp, err := next(ctx, call)
	if err == nil {
		c.calibrate(call.Run, st, resp.Usage.InputTokens, res.sentRaw)
		return resp, nil
	}
	var cle *ai.ContextLengthError
	if !errors.As(err, &cle) || ctx.Err() != nil {
		return nil, err
	}
	// The server refused the prompt as too long: learn what it said,
	// compact further, and try once more.
	if cle.Window > 0 {
		c.mem.update(runModel(call.Run), func(f *modelFacts) { f.window = cle.Window })
	}
	if cle.Prompt > 0 && res.sentRaw > 0 {
		c.calibrate(call.Run, st, cle.Prompt, res.sentRaw)
	}
	if cle.Window == 0 {
		st.shrink = max(1, int(float64(p.scaled(res.sentRaw))*0.9))
	}
	call.Request.Messages = p.msgs
	p2 := c.newPass(call, st)
	res2, err2 := p2.run(ctx, runModel(call.Run), true)
	if err2 != nil {
		if errors.Is(err2, ErrWindowTooSmall) {
			return nil, fmt.Errorf("%w (the server refused the prompt: %w)", err2, err)
		}
		return nil, err2
	}
	if !res2.changed {
		call.Request.Messages = res.sent
		return nil, err // nothing more to leave out
	}
	c.report(ctx, call, p2, res2, true)
	call.Request.Messages = res2.sent
	resp, err = next(ctx, call)
	if err == nil {
		c.calibrate(call.Run, st, resp.Usage.InputTokens, res2.sentRaw)
	}
	return resp, err
}

// InterceptTool implements hook.Interceptor: tool calls pass through.
func (c *Compactor) InterceptTool(ctx context.Context, call *hook.ToolCall, next hook.ToolNext) (*ai.ToolResult, error) {
	return next(ctx, call)
}

// report makes a compaction a Decision of the run, and calls OnCompact.
func (c *Compactor) report(ctx context.Context, call *hook.ModelCall, p *pass, res *compaction, retry bool) {
	if !res.changed {
		return
	}
	comp := Compaction{Run: call.Run, Call: call.Call, Window: p.window, Reserve: p.reserve,
		Before: res.before, After: res.after, Clipped: res.clipped, Dropped: res.cut,
		TailClipped: res.tailClipped, Summarized: res.summarized, SummaryErr: res.summaryErr, Retry: retry}
	call.Run.Report(ctx, &hook.Decision{Run: call.Run, By: DecisionBy, Step: "model call " + strconv.Itoa(call.Call),
		Action: ActionCompact, Reason: comp.String(), TokensBefore: res.before, TokensAfter: res.after})
	if c.opts.OnCompact != nil {
		c.opts.OnCompact(comp)
	}
}

// The Decision a compaction is reported as.
const (
	// DecisionBy is hook.Decision.By.
	DecisionBy = "window"
	// ActionCompact is hook.Decision.Action.
	ActionCompact = "compact"
)

// calibrate sets the run's and the model's correction from the prompt
// tokens a server counted and the estimate of what was sent.
func (c *Compactor) calibrate(run *hook.RunInfo, st *runState, counted, sentRaw int) {
	if counted <= 0 || sentRaw <= 0 {
		return
	}
	st.ratio = clampRatio(float64(counted) / float64(sentRaw))
	c.mem.update(runModel(run), func(f *modelFacts) { f.ratio = st.ratio })
}

// clampRatio keeps a correction in [1, 4]: usage only ever raises the
// estimate, so a provider that under-reports (cached tokens left out, a
// stub's fixed numbers) cannot make the compactor send too much.
func clampRatio(r float64) float64 {
	if math.IsNaN(r) || r < 1 {
		return 1
	}
	return min(r, 4)
}

func runModel(run *hook.RunInfo) string {
	if run == nil {
		return ""
	}
	return run.Model
}
