package main

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// The demos' verdicts: each is a function of what happened — the
// replies, the store read back, the run's error — and returns what it
// found; it prints nothing (desk.tell prints it). They stand apart from
// the pattern (chat.go) and from the demos that run it, so that a test
// can give each a failing outcome and see that it does not say ✓.

// verdict is what a demo's checks found: its lines, in order, and
// whether the demo's pattern was shown. shown is set by each verdict, not
// derived from the lines: a demo whose pattern held is shown even when a
// line says what the model did not do beside it.
type verdict struct {
	cli.Verdict
	shown bool
}

// tell prints v and returns whether its pattern was shown.
func (d *desk) tell(v verdict) bool {
	d.p.Verdict(v.Verdict)
	return v.shown
}

// resumed is what demo 1 saw: the conversation stored before the run and
// as a store opened afresh read it after, the questions asked and their
// replies.
type resumed struct {
	// path is the conversation's file; again the command that runs the
	// program again on it.
	path, again   string
	before, after []ai.Message
	asked         int
	replies       []*Reply
	// offline is set when the model is the built-in offline model, which
	// reads only the latest message.
	offline bool
}

// resumeVerdict says whether the run stored its turns (a first run) or
// started from those an earlier process stored (a later one), from the
// store read before and after and what the first run was given; and
// whether the answer used the earlier turns.
func resumeVerdict(o resumed) verdict {
	var v verdict
	added := turns(o.after) - turns(o.before)
	given := 0
	if len(o.replies) > 0 {
		given = turns(o.replies[0].History)
	}
	switch {
	case len(o.replies) != o.asked:
		v.Add(cli.Failed, "%s of %s answered.", plural(len(o.replies), "question"), plural(o.asked, "question"))
		return v
	case len(o.before) == 0 && added == o.asked:
		v.Add(cli.Held, "Stored: %s (%d messages) in %s, read back by a store opened afresh.", plural(turns(o.after), "turn"), len(o.after), o.path)
		v.Add(cli.Said, "Run it again: the next process resumes this conversation.")
		v.Add(cli.Said, "  %s", o.again)
		v.shown = true
		return v
	case len(o.before) == 0:
		v.Add(cli.Failed, "The store holds %s after %s asked.", plural(turns(o.after), "turn"), plural(o.asked, "question"))
		return v
	case given == turns(o.before) && added == o.asked:
		v.Add(cli.Held, "Resumed: this run started from the %s an earlier process stored, and the file now holds %s.",
			plural(turns(o.before), "turn"), plural(turns(o.after), "turn"))
		v.shown = true
	default:
		v.Add(cli.Failed, "Not resumed: the run was given %s of the %s stored; the file holds %s.",
			plural(given, "turn"), plural(turns(o.before), "turn"), plural(turns(o.after), "turn"))
		return v
	}
	// Whether the model used them is the model's doing: said, not assumed.
	last := o.replies[len(o.replies)-1]
	signers := earlierSigners(o.before, last.Added)
	switch {
	case len(signers) == 0:
	case slices.ContainsFunc(signers, func(s string) bool { return strings.Contains(last.Answer, s) }):
		v.Add(cli.Held, "The answer names who signed for the parcel according to the earlier turns' tool results (%s): the model read them.", strings.Join(signers, ", "))
	default:
		why := ""
		if o.offline {
			why = " (the offline model reads only the latest message; a model that reads the conversation answers from it)"
		}
		v.Add(cli.NotShown, "The answer does not name %s, who signed for the parcel according to the earlier turns: this model did not use them%s.", strings.Join(signers, " or "), why)
	}
	return v
}

// earlierSigners are who signed for a parcel according to the tool
// results of the stored conversation, less those the new run's own tool
// results name: what an answer can only take from the earlier turns.
func earlierSigners(before, added []ai.Message) []string {
	var now strings.Builder
	for _, m := range added {
		if m.Role == ai.RoleTool {
			now.WriteString(m.Content)
		}
	}
	var out []string
	for _, m := range before {
		if m.Role != ai.RoleTool {
			continue
		}
		if s := signedBy.FindStringSubmatch(m.Content); s != nil && !strings.Contains(now.String(), s[1]) && !slices.Contains(out, s[1]) {
			out = append(out, s[1])
		}
	}
	return out
}

// compactionVerdict says what the compactor did in replies (the runs of
// asked questions, with a window of win tokens), from its Decisions, the
// runs' Stats and what was sent; shown when it compacted, every request
// fit, the latest question and its results were sent whole and the
// conversation is stored whole.
func compactionVerdict(replies []*Reply, win, asked int, stored []ai.Message) verdict {
	var v verdict
	if len(replies) == 0 {
		v.Add(cli.Failed, "No question was answered.")
		return v
	}
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
	switch {
	case decisions == 0 && largest > room:
		v.Add(cli.Failed, "Nothing was compacted, and a request of ≈%d tokens was sent: over the %d the window leaves beside the answer.", largest, room)
		return v
	case decisions == 0:
		v.Add(cli.NotShown, "Nothing was compacted: the conversation fit (the largest request was ≈%d tokens of the %d the window leaves beside the answer); a smaller -window shows it.", largest, room)
		return v
	}
	ok := true
	v.Add(cli.Held, "Compacted %s in %s (%d hook.Decision steps, By %q; Stats.Compactions %d), ≈%d estimated tokens taken off the prompts (Stats.CompactedTokens).",
		plural(decisions, "time"), plural(len(replies), "run"), decisions, window.DecisionBy, compactions, taken)
	if refused > 0 {
		v.Add(cli.Held, "The server refused %s as too long; each time the compactor learned the window it named, compacted further and sent the request once more.", plural(refused, "request"))
	}
	if largest <= room {
		v.Add(cli.Held, "Every request the model answered fit: the largest prompt was ≈%d tokens (the estimate or the model's count, whichever is larger), within the %d the window leaves beside the answer; uncompacted, the largest would have been ≈%d.", largest, room, whole)
	} else {
		v.Add(cli.Failed, "A request of ≈%d tokens was sent, over the %d the window leaves beside the answer.", largest, room)
		ok = false
	}
	ok = latestKept(&v, replies[len(replies)-1]) && ok
	if turns(stored) == asked {
		v.Add(cli.Held, "Nothing was lost: the conversation store holds all %s (%d messages); only what was sent was compacted.", plural(asked, "turn"), len(stored))
	} else {
		v.Add(cli.Failed, "The conversation store holds %s of the %d asked.", plural(turns(stored), "turn"), asked)
		ok = false
	}
	v.shown = ok
	return v
}

// signedBy finds who signed for a parcel in a tracking log.
var signedBy = regexp.MustCompile(`(?m)signed for by (.+?)\.?$`)

// latestKept checks, on the last run r, that the latest question and its
// tool results were sent whole in its last request, and whether the
// answer used them; it adds what it found to v and returns false when
// they were not sent whole (or nothing was sent).
func latestKept(v *verdict, r *Reply) bool {
	if len(r.Sent) == 0 || len(r.Added) == 0 {
		v.Add(cli.Failed, "The latest question was not sent: the last run sent no request.")
		return false
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
		v.Add(cli.Failed, "The latest question or its tool results were not sent whole.")
		return false
	case len(results) == 0:
		v.Add(cli.Held, "The latest question was sent whole (the model called no tool for it).")
		return true
	}
	signer := ""
	if m := signedBy.FindStringSubmatch(results[len(results)-1].Content); m != nil {
		signer = m[1]
	}
	switch {
	case signer != "" && strings.Contains(r.Answer, signer):
		v.Add(cli.Held, "The latest question and its tool result were sent whole, and the answer is right: it names %s, from the last line of that result.", signer)
	case signer != "":
		v.Add(cli.Held, "The latest question and its tool result were sent whole.")
		v.Add(cli.NotShown, "The answer does not name %s, who signed according to that result: this model did not quote it (%s).", signer, cli.Clip(r.Answer, 40))
	default:
		v.Add(cli.Held, "The latest question and its tool results were sent whole.")
	}
	return true
}

// tooSmallVerdict says whether a run with a window of win tokens, too
// small for the chat, was refused before anything was sent (r and err
// are the run's), and whether conversation user, stored before it and
// read after, is as it was.
func tooSmallVerdict(r *Reply, err error, win int, user string, before, after []ai.Message) verdict {
	var v verdict
	var tse *window.TooSmallError
	var he *aigentic.HaltError
	refused := errors.As(err, &tse)
	switch {
	case refused && errors.As(err, &he) && len(r.Sent) == 0:
		v.Add(cli.Held, "Refused before anything was sent (no model request; an *aigentic.HaltError wrapping a *window.TooSmallError, errors.Is window.ErrWindowTooSmall):")
		v.Add(cli.Detail, "  %s", cli.Redacted(tse))
		v.shown = true
	case refused && len(r.Sent) > 0:
		v.Add(cli.Failed, "Refused, but only after %s went to the model: %s", plural(len(r.Sent), "request"), cli.Redacted(tse))
	case err == nil:
		v.Add(cli.Failed, "The run went through with a window of %d tokens.", win)
	default:
		v.Add(cli.Failed, "The run ended otherwise: %s", cli.Redacted(err))
	}
	if sameMessages(before, after) {
		v.Add(cli.Held, "Nothing stored was lost: conversation %q holds its %s, as before.", user, plural(turns(after), "turn"))
	} else {
		v.Add(cli.Failed, "The stored conversation changed: %s before, %s after.", plural(turns(before), "turn"), plural(turns(after), "turn"))
		v.shown = false
	}
	return v
}

// sameMessages reports whether a and b hold the same messages.
func sameMessages(a, b []ai.Message) bool {
	return slices.EqualFunc(a, b, func(x, y ai.Message) bool {
		return x.Role == y.Role && x.Content == y.Content && x.ToolCallID == y.ToolCallID &&
			slices.Equal(x.ToolCalls, y.ToolCalls)
	})
}

// orderIn finds the orders a question names: "order 1042", "order #1042".
var orderIn = regexp.MustCompile(`(?i)\border\s*#?\s*(\d+)`)

// summaryVerdict says whether r, the first run whose compaction said it
// summarised (nil when none did), sent a summary of the turns its last
// request left out: delimited as data, and naming what those turns hold
// (the orders their questions name). A summary that names none of them
// summarises nothing the demo can see, and is said so, not shown.
func summaryVerdict(r *Reply) verdict {
	var v verdict
	if r == nil {
		v.Add(cli.NotShown, "Nothing was summarised: no compaction left turns out (the window held the conversation, or the summarizer failed: see the lines above).")
		return v
	}
	if len(r.Sent) == 0 {
		v.Add(cli.Failed, "A compaction says it summarised, but no request was sent.")
		return v
	}
	text, ok := sentSummary(r.Sent[len(r.Sent)-1].Messages)
	if !ok {
		v.Add(cli.Failed, "A compaction says it summarised, but no summary was sent.")
		return v
	}
	questions, sent, _ := sentTurns(r, len(r.Sent)-1)
	left := missing(sent, len(questions))
	var asked, named, unnamed []string // orders the turns left out asked about; those the summary names, those it does not
	for _, n := range left {
		for _, o := range orderIn.FindAllStringSubmatch(questions[n-1], -1) {
			if slices.Contains(asked, o[1]) {
				continue
			}
			asked = append(asked, o[1])
			if regexp.MustCompile(`\b` + o[1] + `\b`).MatchString(text) {
				named = append(named, o[1])
			} else {
				unnamed = append(unnamed, o[1])
			}
		}
	}
	if len(left) == 0 {
		v.Add(cli.Held, "A summary was sent, delimited as data at the start of the first question kept (%d bytes).", len(text))
		v.Add(cli.NotShown, "What it replaces was not checked: every turn's question was sent, so no turn was left out whole.")
		return v
	}
	v.Add(cli.Held, "A summary was sent in place of %s, delimited as data at the start of the first question kept (%d bytes); it begins:", turnList(left), len(text))
	for _, l := range strings.SplitN(text, "\n", 4)[:min(3, strings.Count(text, "\n")+1)] {
		v.Add(cli.Detail, "    %s", cli.Clip(l, 100))
	}
	switch {
	case len(asked) == 0:
		v.Add(cli.NotShown, "Whether it carries what %s held was not checked: the questions left out name no order to look for in it.", turnList(left))
	case len(unnamed) == 0:
		what := "the order"
		if len(named) > 1 {
			what = "the orders"
		}
		v.Add(cli.Held, "It carries what it replaces: it names %s that %s asked about (%s).", what, turnList(left), strings.Join(named, ", "))
		v.shown = true
	case len(named) == 0:
		v.Add(cli.NotShown, "It does not carry what it replaces: it names none of the orders %s asked about (%s); this model's summary (%s) says nothing of them.",
			turnList(left), strings.Join(unnamed, ", "), cli.Clip(text, 40))
	default:
		v.Add(cli.NotShown, "It carries only part of what it replaces: it names %s but not %s, which %s asked about too.",
			strings.Join(named, ", "), strings.Join(unnamed, ", "), turnList(left))
	}
	return v
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
