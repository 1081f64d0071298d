package main

import (
	"fmt"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
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
	res.shown = d.tell(compactionVerdict(replies, win, len(LongQuestions), stored))
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
	res.shown = d.tell(tooSmallVerdict(r, err, opts.Window, d.cfg.user, before, after))
	return res, nil
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
	res.shown = d.tell(summaryVerdict(summarized))
	return res, nil
}
