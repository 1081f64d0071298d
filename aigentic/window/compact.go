package window

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"unicode/utf8"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

// runState is what the compactor keeps about one run between its model
// calls. A run's model calls are sequential, so one call's pass owns it.
type runState struct {
	// ratio corrects the estimate: the tokens the last response's usage
	// reported per estimated token sent, at least 1 (see Options).
	ratio float64
	// shrink is a window guessed for this run from a context-length
	// error that named no size; 0 when none.
	shrink int

	// The compaction so far, sticky for the run so that what is sent
	// keeps a stable start (prompt caches, the summary): messages
	// [head, cut) are left out (but the user message opening cut's turn),
	// tool results before clipBelow are clipped.
	cut, clipBelow int
	// summary covers what was left out up to sumCut (with the user
	// message sumUser, -1 for none, kept then); block is it as sent,
	// delimited as data (once: its boundary stays the same).
	summary, block  string
	sumCut, sumUser int

	// seen and seenSig identify the transcript the state belongs to: its
	// length and last message at the previous call.
	seen    int
	seenSig uint64
}

// layout locates what a compaction must keep in a transcript: the leading
// system messages msgs[:head], and msgs[tail:] — the user's latest
// message, or the latest tool calls and their results when the model made
// some after it.
type layout struct{ n, head, lastUser, tail int }

func layoutOf(msgs []ai.Message) layout {
	l := layout{n: len(msgs)}
	for l.head < l.n && msgs[l.head].Role == ai.RoleSystem {
		l.head++
	}
	l.lastUser = -1
	for i := l.n - 1; i >= l.head; i-- {
		if msgs[i].Role == ai.RoleUser {
			l.lastUser = i
			break
		}
	}
	l.tail = max(l.lastUser, l.head)
	for i := l.n - 1; i > l.lastUser && i >= l.head; i-- {
		if msgs[i].Role == ai.RoleAssistant && len(msgs[i].ToolCalls) > 0 {
			l.tail = i
			break
		}
	}
	return l
}

// pass is one model call's compaction: the transcript, the estimates and
// the limits.
type pass struct {
	c    *Compactor
	st   *runState
	msgs []ai.Message
	lay  layout
	// base and content are each message's estimate and its content's;
	// clipped its estimate clipped, once known (0 until then).
	base, content, clipped []int
	// fixed is the request's framing, tools and system messages.
	fixed, tools int
	window       int
	reserve      int
	room, goal   int
	// hashes[k] identifies msgs[head:k) (see prefixHashes); nil until
	// needed.
	hashes []uint64
}

// scaled is n estimated tokens corrected by the run's ratio.
func (p *pass) scaled(n int) int { return int(math.Ceil(float64(n) * p.st.ratio)) }

// clippable reports whether message i is a tool result to clip.
func (p *pass) clippable(i, clipBelow int, tailClip bool) bool {
	if p.msgs[i].Role != ai.RoleTool || p.content[i] <= p.c.opts.ClipAbove {
		return false
	}
	return i < clipBelow || tailClip && i >= p.lay.tail
}

// cost is message i's estimate, clipped or not.
func (p *pass) cost(i, clipBelow int, tailClip bool) int {
	if !p.clippable(i, clipBelow, tailClip) {
		return p.base[i]
	}
	if p.clipped[i] == 0 {
		p.clipped[i] = p.base[i] - p.content[i] + Tokens(clipMiddle(p.msgs[i].Content, p.c.clipBytes()))
	}
	return p.clipped[i]
}

// opener is the user message kept for a cut inside a turn: the last user
// message before cut, when msgs[cut] is not one; -1 otherwise.
func (p *pass) opener(cut int) int {
	if cut <= p.lay.head || cut >= p.lay.n || p.msgs[cut].Role == ai.RoleUser {
		return -1
	}
	for i := cut - 1; i >= p.lay.head; i-- {
		if p.msgs[i].Role == ai.RoleUser {
			return i
		}
	}
	return -1
}

// dropped is the number of messages a cut leaves out.
func (p *pass) dropped(cut int) int {
	n := cut - p.lay.head
	if p.opener(cut) >= 0 {
		n--
	}
	return n
}

// total is the estimate, unscaled, of what is sent for a compaction.
func (p *pass) total(cut, clipBelow int, tailClip bool, prefix string) int {
	t := p.fixed + Tokens(prefix)
	if u := p.opener(cut); u >= 0 {
		t += p.cost(u, clipBelow, tailClip)
	}
	for i := cut; i < p.lay.n; i++ {
		t += p.cost(i, clipBelow, tailClip)
	}
	return t
}

// prefix is the text put before the first user message kept: what was
// left out, and its summary.
func (p *pass) prefix(cut int, block string) string {
	n := p.dropped(cut)
	if n <= 0 {
		return ""
	}
	if block == "" {
		return fmt.Sprintf("[%d earlier messages of this conversation were left out to fit the model's context window.]\n\n", n)
	}
	return fmt.Sprintf("[%d earlier messages of this conversation were left out to fit the model's context window. A summary of them:]\n%s\n\n",
		n, block)
}

// summaryAllowance is the estimate a summary's prefix is given when a cut
// is chosen, before the summary is written.
func (p *pass) summaryAllowance() int {
	if p.c.opts.Summarizer == nil {
		return Tokens(p.prefix(p.lay.head+2, ""))
	}
	return p.c.opts.SummaryTokens + Tokens(untrusted.Notice) + 64
}

// build returns what is sent: the system messages, the opener, the
// messages from cut on, clipped, the prefix on the first user message.
// It returns p.msgs itself when nothing changes.
func (p *pass) build(cut, clipBelow int, tailClip bool, prefix string) []ai.Message {
	changed := cut > p.lay.head || prefix != ""
	for i := cut; i < p.lay.n && !changed; i++ {
		changed = p.clippable(i, clipBelow, tailClip)
	}
	if !changed {
		return p.msgs
	}
	out := make([]ai.Message, 0, p.lay.head+1+p.lay.n-cut)
	out = append(out, p.msgs[:p.lay.head]...)
	add := func(i int) {
		m := p.msgs[i]
		if p.clippable(i, clipBelow, tailClip) {
			m.Content = clipMiddle(m.Content, p.c.clipBytes())
		}
		if prefix != "" && m.Role == ai.RoleUser {
			m.Content, prefix = prefix+m.Content, ""
		}
		out = append(out, m)
	}
	if u := p.opener(cut); u >= 0 {
		add(u)
	}
	for i := cut; i < p.lay.n; i++ {
		add(i)
	}
	return out
}

// compaction is what one pass decided.
type compaction struct {
	sent            []ai.Message
	before, after   int // scaled estimates
	sentRaw         int // unscaled estimate of sent
	clipped, cut    int // results newly clipped, messages newly left out
	tailClipped     bool
	summarized      bool
	summaries       int // summarizer calls
	summaryErr      error
	changed, forced bool
}

// run compacts p.msgs: nothing when what the state already leaves out
// fits the room (unless force); else clip old large tool results, then
// leave out the oldest messages (summarised when a Summarizer is set),
// down to the goal; as a last resort clip the latest results too. It
// fails with a *TooSmallError when even that does not fit.
func (p *pass) run(ctx context.Context, model string, force bool) (*compaction, error) {
	st, lay := p.st, p.lay
	st.cut = min(max(st.cut, lay.head), lay.tail)
	res := &compaction{forced: force, before: p.scaled(p.total(lay.head, 0, false, ""))}
	prefix := p.prefix(st.cut, st.block)
	cur := p.total(st.cut, st.clipBelow, false, prefix)
	if p.window <= 0 || (!force && p.scaled(cur) <= p.room) {
		res.sent, res.sentRaw, res.after = p.build(st.cut, st.clipBelow, false, prefix), cur, p.scaled(cur)
		return res, nil
	}
	if force {
		p.room = min(p.room, p.scaled(cur)-1)
		p.goal = min(p.goal, int(float64(p.room)*p.c.opts.Target))
	}
	// 0. Leave out what an earlier run of this conversation left out
	// (Session.History): what is sent keeps the start it had then, and
	// its summary is reused.
	if k, _, ok := p.c.mem.remembered(p, st.cut, lay.lastUser); ok {
		if err := p.advance(ctx, res, k); err != nil {
			return nil, err
		}
		prefix = p.prefix(st.cut, st.block)
		cur = p.total(st.cut, st.clipBelow, false, prefix)
	}
	// When that fits, it is enough: the cut moves on only when the room
	// is used up.
	needed := force || p.scaled(cur) > p.room
	// 1. Clip the large tool results the model has already answered to,
	// oldest first.
	for i := max(st.clipBelow, st.cut); needed && i < lay.tail && p.scaled(cur) > p.goal; i++ {
		if p.clippable(i, i+1, false) {
			cur -= p.base[i] - p.cost(i, i+1, false)
			res.clipped++
			st.clipBelow = i + 1
		}
	}
	// 2. Leave out the oldest messages: the first cut that reaches the
	// goal — whole turns first, then the oldest calls of the latest turn
	// — else all that may be left out.
	if needed && p.scaled(cur) > p.goal && st.cut < lay.tail {
		if err := p.advance(ctx, res, p.search()); err != nil {
			return nil, err
		}
		prefix = p.prefix(st.cut, st.block)
		cur = p.total(st.cut, st.clipBelow, false, prefix)
	}
	// 3. Last resort: leave out all that may be (a summary longer than
	// its allowance), then clip the latest tool results as well.
	if p.scaled(cur) > p.room && st.cut < lay.tail {
		if err := p.advance(ctx, res, lay.tail); err != nil {
			return nil, err
		}
		prefix = p.prefix(st.cut, st.block)
		cur = p.total(st.cut, st.clipBelow, false, prefix)
	}
	tailClip := false
	if p.scaled(cur) > p.room {
		if t := p.total(st.cut, st.clipBelow, true, prefix); t < cur {
			cur, tailClip, res.tailClipped = t, true, true
		}
	}
	if p.scaled(cur) > p.room && st.block != "" {
		// The summary does not fit: send the note instead.
		if t := p.total(st.cut, st.clipBelow, tailClip, p.prefix(st.cut, "")); t < cur {
			prefix, cur = p.prefix(st.cut, ""), t
		}
	}
	if p.scaled(cur) > p.room {
		return nil, &TooSmallError{Model: model, Window: p.window, Reserve: p.reserve,
			Instructions: p.scaled(p.fixed - p.tools), Tools: p.scaled(p.tools),
			Latest: p.scaled(cur - p.fixed)}
	}
	res.changed = res.clipped > 0 || res.cut > 0 || res.tailClipped
	res.sent, res.sentRaw, res.after = p.build(st.cut, st.clipBelow, tailClip, prefix), cur, p.scaled(cur)
	return res, nil
}

// advance moves the cut to next, summarising what it leaves out.
func (p *pass) advance(ctx context.Context, res *compaction, next int) error {
	if next <= p.st.cut {
		return nil
	}
	res.cut += p.dropped(next) - p.dropped(p.st.cut)
	if err := p.summarize(ctx, res, next); err != nil {
		return err
	}
	p.st.cut = next
	return nil
}

// search returns the first cut after the state's that brings the prompt
// to the goal: a user message (whole turns) up to the latest one, then an
// assistant message of the latest turn (its oldest calls, each with its
// results); the tail when none does.
func (p *pass) search() int {
	st, lay := p.st, p.lay
	allow := p.summaryAllowance()
	suffix := make([]int, lay.n+1)
	for i := lay.n - 1; i >= 0; i-- {
		suffix[i] = suffix[i+1] + p.cost(i, st.clipBelow, false)
	}
	for c := st.cut + 1; c < lay.tail; c++ {
		role := p.msgs[c].Role
		if c <= lay.lastUser && role != ai.RoleUser || c > lay.lastUser && role != ai.RoleAssistant {
			continue
		}
		t := p.fixed + allow + suffix[c]
		if u := p.opener(c); u >= 0 {
			t += p.cost(u, st.clipBelow, false)
		}
		if p.scaled(t) <= p.goal {
			return c
		}
	}
	return lay.tail
}

// clipMiddle shortens s to about n bytes: its start (two thirds) and its
// end (one third) — where an untrusted block closes — around a note of
// what was left out. Cuts fall on rune boundaries.
func clipMiddle(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head, tail := n*2/3, n/3
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	t := len(s) - tail
	for t < len(s) && !utf8.RuneStart(s[t]) {
		t++
	}
	return fmt.Sprintf("%s\n[… %d bytes left out to fit the context window …]\n%s", s[:head], t-head, s[t:])
}

// sig identifies a message cheaply: its role, sizes and first bytes.
func sig(m ai.Message) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%d|%d|%s|", m.Role, len(m.Content), len(m.ToolCalls), m.ToolCallID)
	h.Write([]byte(m.Content[:min(len(m.Content), 32)]))
	return h.Sum64()
}
