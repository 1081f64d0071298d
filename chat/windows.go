package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// LongQuestions are demo 2's conversation: each asks for a tracking log
// (about 640 tokens), so the conversation soon outgrows a small window.
// The last one needs its own log whole: who signed is its last line.
var LongQuestions = []string{
	"Show the tracking log of order 1042.",
	"Show the tracking log of order 1043.",
	"Show the tracking log of order 1044.",
	"Show the tracking log of order 1045.",
	"Show the tracking log of order 1046: who signed for it?",
}

// tooSmallWindow is demo 3's window, in tokens: less than the
// instructions and the tool definitions take.
const tooSmallWindow = 200

// longConversation is demo 2: LongQuestions in one conversation (in
// memory) with the program's window. Each turn prints its compactions
// with their figures and what was sent; the verdicts add up the
// compactor's Decisions and Stats and check what reached the model.
func (d *desk) longConversation() (demo, error) {
	d.heading(2, "A long conversation in a small context window (window.Compactor)")
	win := d.window()
	d.p.Line("Window: %d tokens%s, %d kept for the answer: a prompt may take %d. Each question reads a tracking log of ≈%d tokens.",
		win, d.windowSource(win), reserve(win), win-reserve(win), window.Tokens(trackingLog("1042")))
	res := demo{name: "compaction"}
	store := conversation.NewMemoryStore()
	c, err := d.chat(store, "long", d.compactor)
	if err != nil {
		return res, err
	}
	var replies []*Reply
	for i, q := range LongQuestions {
		r, err := ask(d.ctx, c, q)
		if r == nil {
			return res, err
		}
		d.showTurn(i+1, q, r)
		if err != nil {
			return res, err
		}
		replies = append(replies, r)
	}
	stored, err := c.conv.Load(d.ctx)
	if err != nil {
		return res, err
	}
	if now := d.window(); now != win {
		d.p.Line("The server named a smaller window in a context-length error: %d tokens. The compactor keeps to it.", now)
		win = now
	}
	res.shown = d.compactionVerdict(replies, win, len(LongQuestions), stored)
	return res, nil
}

// window is the window the program's compactor keeps to: -window, or a
// smaller one a server named in a context-length error.
func (d *desk) window() int {
	if learned, ok := d.compactor.Learned(d.model.ModelName()); ok && learned < d.cfg.window {
		return learned
	}
	return d.cfg.window
}

// windowSource says where a window other than -window's came from.
func (d *desk) windowSource(win int) string {
	if win == d.cfg.window {
		return ""
	}
	return fmt.Sprintf(" (the server named it in a context-length error; -window said %d)", d.cfg.window)
}

// compactionVerdict says what the compactor did in replies, from its
// Decisions, the runs' Stats and what was sent; true when it compacted,
// every request fit and the conversation is stored whole.
func (d *desk) compactionVerdict(replies []*Reply, win, asked int, stored []ai.Message) bool {
	room := win - reserve(win)
	decisions, compactions, taken, largest, whole, refused := 0, 0, 0, 0, 0, 0
	for _, r := range replies {
		refused += len(r.Refusals)
		compactions += r.Stats.Compactions
		taken += r.Stats.CompactedTokens
		for _, dec := range r.Compactions {
			decisions++
			whole = max(whole, dec.TokensBefore)
		}
		for _, s := range r.Sent {
			if !s.Refused {
				largest = max(largest, s.Tokens, s.Counted)
			}
		}
	}
	ok := true
	switch {
	case decisions == 0 && largest > room:
		d.p.Bad("Nothing was compacted, and a request of ≈%d tokens was sent: over the %d the window leaves beside the answer.", largest, room)
		return false
	case decisions == 0:
		d.p.NotSeen("Nothing was compacted: the conversation fit (the largest request was ≈%d tokens of the %d the window leaves beside the answer); a smaller -window shows it.", largest, room)
		return false
	}
	d.p.Good("Compacted %s in %s (%d hook.Decision steps, By %q; Stats.Compactions %d), ≈%d estimated tokens taken off the prompts (Stats.CompactedTokens).",
		plural(decisions, "time"), plural(len(replies), "run"), decisions, window.DecisionBy, compactions, taken)
	if refused > 0 {
		d.p.Good("The server refused %s as too long; each time the compactor learned the window it named, compacted further and sent the request once more.", plural(refused, "request"))
	}
	if largest <= room {
		d.p.Good("Every request the model answered fit: the largest prompt was ≈%d tokens (the estimate or the model's count, whichever is larger), within the %d the window leaves beside the answer; uncompacted, the largest would have been ≈%d.", largest, room, whole)
	} else {
		d.p.Bad("A request of ≈%d tokens was sent, over the %d the window leaves beside the answer.", largest, room)
		ok = false
	}
	d.latestKept(replies[len(replies)-1])
	if turns(stored) == asked {
		d.p.Good("Nothing was lost: the conversation store holds all %s (%d messages); only what was sent was compacted.", plural(asked, "turn"), len(stored))
	} else {
		d.p.Bad("The conversation store holds %s of the %d asked.", plural(turns(stored), "turn"), asked)
		ok = false
	}
	return ok
}

// signedBy finds who signed for a parcel in a tracking log.
var signedBy = regexp.MustCompile(`(?m)signed for by (.+?)\.?$`)

// latestKept checks, on the last run, that the latest question and its
// tool results were sent whole, and whether the answer used them.
func (d *desk) latestKept(r *Reply) {
	if len(r.Sent) == 0 {
		return
	}
	last := r.Sent[len(r.Sent)-1].Messages
	question := r.Added[0].Content
	var results []ai.Message
	for _, m := range r.Added {
		if m.Role == ai.RoleTool {
			results = append(results, m)
		}
	}
	// The question may follow a note of what was left out: it is whole
	// when it ends the message.
	keptQuestion := slices.ContainsFunc(last, func(m ai.Message) bool { return m.Role == ai.RoleUser && strings.HasSuffix(m.Content, question) })
	keptResults := true
	for _, want := range results {
		keptResults = keptResults && slices.ContainsFunc(last, func(m ai.Message) bool {
			return m.Role == ai.RoleTool && m.ToolCallID == want.ToolCallID && m.Content == want.Content
		})
	}
	switch {
	case !keptQuestion || !keptResults:
		d.p.Bad("The latest question or its tool results were not sent whole.")
		return
	case len(results) == 0:
		d.p.Good("The latest question was sent whole (the model called no tool for it).")
		return
	}
	signer := ""
	if m := signedBy.FindStringSubmatch(results[len(results)-1].Content); m != nil {
		signer = m[1]
	}
	switch {
	case signer != "" && strings.Contains(r.Answer, signer):
		d.p.Good("The latest question and its tool result were sent whole, and the answer is right: it names %s, from the last line of that result.", signer)
	case signer != "":
		d.p.Good("The latest question and its tool result were sent whole.")
		d.p.NotSeen("The answer does not name %s, who signed according to that result: this model did not quote it (%s).", signer, cli.Clip(r.Answer, 40))
	default:
		d.p.Good("The latest question and its tool results were sent whole.")
	}
}

// tooSmall is demo 3: the stored conversation of demo 1 asked again with
// a window smaller than the instructions and the tools. The compactor
// refuses before anything is sent; the store is read before and after.
func (d *desk) tooSmall() (demo, error) {
	opts := windowOptions(tooSmallWindow)
	d.heading(3, "A window too small for the instructions and tools (window.ErrWindowTooSmall)")
	d.p.Line("Window: %d tokens, for conversation %q.", opts.Window, d.cfg.user)
	res := demo{name: "a window too small refused"}
	before, err := stored(d, d.cfg.user)
	if err != nil {
		return res, err
	}
	small, err := window.New(opts)
	if err != nil {
		return res, err
	}
	c, err := d.chat(d.store, d.cfg.user, small)
	if err != nil {
		return res, err
	}
	q := "Is order 1043 on its way?"
	r, err := ask(d.ctx, c, q)
	if r == nil {
		return res, err
	}
	d.showTurn(turns(before)+1, q, r)
	after, lerr := stored(d, d.cfg.user)
	if lerr != nil {
		return res, lerr
	}
	var tse *window.TooSmallError
	var he *aigentic.HaltError
	switch {
	case errors.As(err, &tse) && errors.As(err, &he) && len(r.Sent) == 0:
		d.p.Good("Refused before anything was sent (no model request; an *aigentic.HaltError wrapping a *window.TooSmallError, errors.Is window.ErrWindowTooSmall):")
		d.p.Say("  %s", cli.Redacted(tse))
		res.shown = true
	case err == nil:
		d.p.Bad("The run went through with a window of %d tokens.", opts.Window)
	default:
		d.p.Bad("The run ended otherwise: %s", cli.Redacted(err))
	}
	if sameMessages(before, after) {
		d.p.Good("Nothing stored was lost: conversation %q holds its %s, as before.", d.cfg.user, plural(turns(after), "turn"))
	} else {
		d.p.Bad("The stored conversation changed: %s before, %s after.", plural(turns(before), "turn"), plural(turns(after), "turn"))
		res.shown = false
	}
	return res, nil
}

// sameMessages reports whether a and b hold the same messages.
func sameMessages(a, b []ai.Message) bool {
	return slices.EqualFunc(a, b, func(x, y ai.Message) bool {
		return x.Role == y.Role && x.Content == y.Content && x.ToolCallID == y.ToolCallID &&
			slices.Equal(x.ToolCalls, y.ToolCalls)
	})
}

// summary is demo 4: demo 2's questions again, until a compaction
// leaves turns out, with a summarizer (opt-in: window.ModelSummarizer on
// the program's model): they are sent as a summary, delimited as data.
func (d *desk) summary() (demo, error) {
	opts := windowOptions(d.window())
	opts.Summarizer = window.ModelSummarizer{Model: d.model}
	d.heading(4, "What is left out, summarised (window.ModelSummarizer, opt-in)")
	d.p.Line("Window: %d tokens%s; the summary is written by %s.", opts.Window, d.windowSource(opts.Window), d.model.ModelName())
	res := demo{name: "a summary"}
	summarizing, err := window.New(opts)
	if err != nil {
		return res, err
	}
	c, err := d.chat(conversation.NewMemoryStore(), "summary", summarizing)
	if err != nil {
		return res, err
	}
	var summarized *Reply
	for i, q := range LongQuestions {
		r, err := ask(d.ctx, c, q)
		if r == nil {
			return res, err
		}
		d.showTurn(i+1, q, r)
		if err != nil {
			return res, err
		}
		for _, dec := range r.Compactions {
			if strings.Contains(dec.Reason, "summarised them") && summarized == nil {
				summarized = r
			}
		}
		if summarized != nil {
			break
		}
	}
	if summarized == nil {
		d.p.NotSeen("Nothing was summarised: no compaction left turns out (the window held the conversation, or the summarizer failed: see the lines above).")
		return res, nil
	}
	text, ok := sentSummary(summarized.Sent[len(summarized.Sent)-1].Messages)
	if !ok {
		d.p.Bad("A compaction says it summarised, but no summary was sent.")
		return res, nil
	}
	d.p.Good("What was left out was sent as a summary (%d bytes), delimited as data at the start of the first question kept; it begins:", len(text))
	for _, l := range strings.SplitN(text, "\n", 4)[:min(3, strings.Count(text, "\n")+1)] {
		d.p.Say("    %s", cli.Clip(l, 100))
	}
	res.shown = true
	return res, nil
}

// summaryOpen starts the block a summary is sent in.
var summaryOpen = regexp.MustCompile(`<` + untrusted.Tag + ` source="conversation-summary" boundary="([0-9a-f]+)">\n`)

// sentSummary finds the summary in what was sent: the text of its block.
func sentSummary(msgs []ai.Message) (string, bool) {
	for _, m := range msgs {
		loc := summaryOpen.FindStringSubmatchIndex(m.Content)
		if m.Role != ai.RoleUser || loc == nil {
			continue
		}
		rest := m.Content[loc[1]:]
		end := strings.Index(rest, "\n</"+untrusted.Tag+` boundary="`+m.Content[loc[2]:loc[3]]+`">`)
		if end < 0 {
			return "", false
		}
		return rest[:end], true
	}
	return "", false
}
