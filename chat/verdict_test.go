package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// The verdicts given failing outcomes: each table starts from an outcome
// whose checks all hold (✓, shown), then breaks one thing; the verdict
// must then not say ✓ for what broke, must say why (✗ or –), and must
// not count the demo as shown.

// holds reports whether v says ✓ on a line that starts with prefix.
func holds(v verdict, prefix string) bool {
	return slices.ContainsFunc(v.Notes, func(n cli.Note) bool { return n.Mark == cli.Held && strings.HasPrefix(n.Text, prefix) })
}

// says reports whether v has a line of mark m that starts with prefix.
func says(v verdict, m cli.Mark, prefix string) bool {
	return slices.ContainsFunc(v.Notes, func(n cli.Note) bool { return n.Mark == m && strings.HasPrefix(n.Text, prefix) })
}

func (v verdict) String() string {
	var b strings.Builder
	for _, n := range v.Notes {
		fmt.Fprintf(&b, "\n  %s %s", [...]string{" ", " ", "✓", "✗", "–"}[n.Mark], n.Text)
	}
	return fmt.Sprintf("shown %t:%s", v.shown, b.String())
}

// turn is one turn of the conversation: the question about order id,
// a tracking_log call and its result, and the answer.
func turn(id string, question, answer string) []ai.Message {
	call := ai.ToolCall{ID: "call_" + id, Name: "tracking_log", Arguments: `{"order_id":"` + id + `"}`}
	return []ai.Message{
		{Role: ai.RoleUser, Content: question},
		{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{call}},
		{Role: ai.RoleTool, ToolCallID: call.ID, Content: trackingLog(id)},
		{Role: ai.RoleAssistant, Content: answer},
	}
}

// conversationOf is n turns, about orders 1042, 1043, …
func conversationOf(n int) []ai.Message {
	var msgs []ai.Message
	for i := range n {
		id := fmt.Sprint(1042 + i)
		msgs = append(msgs, turn(id, "Show the tracking log of order "+id+".", "Here it is.")...)
	}
	return msgs
}

// sysMsg is the instructions as sent.
var sysMsg = ai.Message{Role: ai.RoleSystem, Content: instructions}

// lastRun is demo 2's last run as it goes right: its question about
// order 1046, the log's result, an answer naming who signed; the first
// request compacted, the second sent the question and the result whole.
func lastRun() *Reply {
	added := turn("1046", LongQuestions[4], signerOf("1046")+" signed for it.")
	return &Reply{
		Answer:  added[3].Content,
		History: conversationOf(4),
		Added:   added,
		Sent: []Request{
			{Call: 1, Messages: []ai.Message{sysMsg, added[0]}, Tokens: 1100},
			{Call: 2, Messages: append([]ai.Message{sysMsg}, added[:3]...), Tokens: 950, Counted: 990},
		},
		Compactions: []hook.Decision{{By: window.DecisionBy, Step: "model call 2", TokensBefore: 6545, TokensAfter: 964}},
		Stats:       aigentic.Stats{Compactions: 1, CompactedTokens: 5581},
	}
}

func TestCompactionVerdict(t *testing.T) {
	const win, asked = 2048, 5 // room: 1536 tokens
	for _, c := range []struct {
		name   string
		change func(r *Reply, stored *[]ai.Message)
		not    []string // the ✓ lines that must not be said
		why    string   // the ✗ or – line that must be
	}{
		{"a request over the room", func(r *Reply, _ *[]ai.Message) { r.Sent[1].Tokens = 1537 },
			[]string{"Every request the model answered fit"}, "✗A request of ≈1537 tokens was sent, over the 1536"},
		{"the model counted more than the room", func(r *Reply, _ *[]ai.Message) { r.Sent[0].Counted = 1700 },
			[]string{"Every request the model answered fit"}, "✗A request of ≈1700 tokens was sent"},
		{"the question clipped", func(r *Reply, _ *[]ai.Message) {
			r.Sent[1].Messages[1].Content = LongQuestions[4][:20]
		}, []string{"The latest question"}, "✗The latest question or its tool results were not sent whole."},
		{"its result clipped", func(r *Reply, _ *[]ai.Message) {
			r.Sent[1].Messages[3].Content = r.Added[2].Content[:200] + " [clipped] "
		}, []string{"The latest question"}, "✗The latest question or its tool results were not sent whole."},
		{"its result left out", func(r *Reply, _ *[]ai.Message) { r.Sent[1].Messages = r.Sent[1].Messages[:3] },
			[]string{"The latest question"}, "✗The latest question or its tool results were not sent whole."},
		{"nothing sent in the last run", func(r *Reply, _ *[]ai.Message) { r.Sent = nil },
			[]string{"The latest question"}, "✗The latest question was not sent"},
		{"a turn lost from the store", func(_ *Reply, stored *[]ai.Message) { *stored = conversationOf(4) },
			[]string{"Nothing was lost"}, "✗The conversation store holds 4 turns of the 5 asked."},
		{"a turn too many in the store", func(_ *Reply, stored *[]ai.Message) { *stored = conversationOf(6) },
			[]string{"Nothing was lost"}, "✗The conversation store holds 6 turns of the 5 asked."},
		{"nothing compacted, a request over the room", func(r *Reply, _ *[]ai.Message) {
			r.Compactions, r.Sent[1].Tokens = nil, 1600
		}, []string{"Compacted", "Every request"}, "✗Nothing was compacted, and a request of ≈1600 tokens"},
		{"nothing compacted", func(r *Reply, _ *[]ai.Message) { r.Compactions = nil },
			[]string{"Compacted", "Every request"}, "–Nothing was compacted: the conversation fit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, stored := lastRun(), conversationOf(5)
			if v := compactionVerdict([]*Reply{r}, win, asked, stored); !v.shown || !holds(v, "Every request the model answered fit") ||
				!holds(v, "The latest question and its tool result were sent whole, and the answer is right") || !holds(v, "Nothing was lost") {
				t.Fatalf("the outcome before the change: %v", v)
			}
			c.change(r, &stored)
			v := compactionVerdict([]*Reply{r}, win, asked, stored)
			checkFailing(t, v, c.not, c.why)
		})
	}
	// A request the server refused as too long does not count as sent.
	r := lastRun()
	r.Sent = append([]Request{{Call: 1, Tokens: 3000, Refused: true}}, r.Sent...)
	if v := compactionVerdict([]*Reply{r}, win, asked, conversationOf(5)); !v.shown || !holds(v, "Every request the model answered fit: the largest prompt was ≈1100 tokens") {
		t.Errorf("a refused request counted: %v", v)
	}
}

// checkFailing checks that v is not shown, says none of the ✓ lines
// not, and says why: a line of the mark why starts with ("✗" or "–"),
// then the text it starts with.
func checkFailing(t *testing.T, v verdict, not []string, why string) {
	t.Helper()
	if v.shown {
		t.Errorf("counted as shown: %v", v)
	}
	for _, n := range not {
		if holds(v, n) {
			t.Errorf("says ✓ %q…: %v", n, v)
		}
	}
	m, text := cli.Failed, strings.TrimPrefix(why, "✗")
	if strings.HasPrefix(why, "–") {
		m, text = cli.NotShown, strings.TrimPrefix(why, "–")
	}
	if !says(v, m, text) {
		t.Errorf("does not say %q: %v", why, v)
	}
}

func TestTooSmallVerdict(t *testing.T) {
	tse := &window.TooSmallError{Model: "offline", Window: 200, Reserve: 50, Instructions: 59, Tools: 150, Latest: 34}
	halt := &aigentic.HaltError{Step: "model call 1", Err: tse}
	before := conversationOf(2)
	for _, c := range []struct {
		name   string
		r      *Reply
		err    error
		after  []ai.Message
		not    []string
		why    string
		stored bool // whether "Nothing stored was lost" holds
	}{
		{"a request sent before the refusal", &Reply{Sent: []Request{{Call: 1, Tokens: 293}}}, halt, before,
			[]string{"Refused before anything was sent"}, "✗Refused, but only after 1 request went to the model", true},
		{"the run went through", &Reply{Sent: []Request{{Call: 1}}}, nil, before,
			[]string{"Refused"}, "✗The run went through with a window of 200 tokens.", true},
		{"another error", &Reply{}, &aigentic.HaltError{Step: "model call 1", Err: errors.New("the guard said no")}, before,
			[]string{"Refused"}, "✗The run ended otherwise: ", true},
		{"not a halt", &Reply{}, fmt.Errorf("wrapped: %w", tse), before,
			[]string{"Refused"}, "✗The run ended otherwise: wrapped: window:", true},
		{"a turn added to the store", &Reply{}, halt, conversationOf(3),
			[]string{"Nothing stored was lost"}, "✗The stored conversation changed: 2 turns before, 3 turns after.", false},
		{"a turn lost from the store", &Reply{}, halt, conversationOf(1),
			[]string{"Nothing stored was lost"}, "✗The stored conversation changed: 2 turns before, 1 turn after.", false},
		{"a message changed in the store", &Reply{}, halt, append(conversationOf(1), turn("1043", "Show the tracking log of order 1043.", "Changed.")...),
			[]string{"Nothing stored was lost"}, "✗The stored conversation changed: 2 turns before, 2 turns after.", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if v := tooSmallVerdict(&Reply{}, halt, 200, "ana", before, conversationOf(2)); !v.shown ||
				!holds(v, "Refused before anything was sent") || !holds(v, `Nothing stored was lost: conversation "ana" holds its 2 turns`) {
				t.Fatalf("the outcome before the change: %v", v)
			}
			v := tooSmallVerdict(c.r, c.err, 200, "ana", before, c.after)
			checkFailing(t, v, c.not, c.why)
			if got := holds(v, "Nothing stored was lost"); got != c.stored {
				t.Errorf("\"Nothing stored was lost\" holds: %t, want %t: %v", got, c.stored, v)
			}
		})
	}
}

func TestResumeVerdict(t *testing.T) {
	// A later run: two turns stored, one question asked.
	later := func() resumed {
		before := conversationOf(2)
		q := turn("1044", DemoFollowUp, "You asked about orders 1042 and 1043.")
		return resumed{path: "/d/ana.json", again: "go run ./chat", before: before, after: append(slices.Clone(before), q...),
			asked: 1, replies: []*Reply{{History: before, Added: q, Answer: q[3].Content}}}
	}
	if v := resumeVerdict(later()); !v.shown || !holds(v, "Resumed: this run started from the 2 turns an earlier process stored, and the file now holds 3 turns.") {
		t.Fatalf("the outcome before the change: %v", v)
	}
	for _, c := range []struct {
		name   string
		change func(o *resumed)
		why    string
	}{
		{"not given the stored turns", func(o *resumed) { o.replies[0].History = nil },
			"✗Not resumed: the run was given 0 turns of the 2 turns stored; the file holds 3 turns."},
		{"given only part of them", func(o *resumed) { o.replies[0].History = conversationOf(1) },
			"✗Not resumed: the run was given 1 turn of the 2 turns stored"},
		{"the new turn not stored", func(o *resumed) { o.after = o.before },
			"✗Not resumed: the run was given 2 turns of the 2 turns stored; the file holds 2 turns."},
		{"the store lost a turn", func(o *resumed) { o.after = conversationOf(2)[4:] },
			"✗Not resumed: "},
		{"a question not answered", func(o *resumed) { o.asked = 2 },
			"✗1 question of 2 questions answered."},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := later()
			c.change(&o)
			checkFailing(t, resumeVerdict(o), []string{"Resumed", "Stored"}, c.why)
		})
	}

	// A first run: nothing stored before, two questions asked.
	first := func() resumed {
		after := conversationOf(2)
		return resumed{path: "/d/ana.json", again: "go run ./chat -dir /d", after: after, asked: 2,
			replies: []*Reply{{Added: after[:4]}, {History: after[:4], Added: after[4:]}}}
	}
	if v := resumeVerdict(first()); !v.shown || !holds(v, "Stored: 2 turns (8 messages) in /d/ana.json, read back by a store opened afresh.") ||
		!says(v, cli.Said, "  go run ./chat -dir /d") {
		t.Fatalf("the first run before the change: %v", v)
	}
	o := first()
	o.after = o.after[:4]
	checkFailing(t, resumeVerdict(o), []string{"Stored", "Resumed"}, "✗The store holds 1 turn after 2 questions asked.")

	// Whether the answer used the earlier turns is said, either way.
	o = later()
	signers := earlierSigners(o.before, o.replies[0].Added)
	if len(signers) == 0 {
		t.Fatal("the earlier turns name no signer")
	}
	o.offline = true
	if v := resumeVerdict(o); !v.shown || !says(v, cli.NotShown, "The answer does not name "+strings.Join(signers, " or ")) ||
		!strings.Contains(v.String(), "the offline model reads only the latest message") || holds(v, "The answer names") {
		t.Errorf("an answer that does not use the earlier turns: %v", v)
	}
	o.replies[0].Answer = "You asked about order 1043; " + signers[len(signers)-1] + " signed for it."
	if v := resumeVerdict(o); !holds(v, "The answer names who signed for the parcel according to the earlier turns' tool results") {
		t.Errorf("an answer that uses them: %v", v)
	}
}

// summarised is demo 4's run with a summary of text in place of the
// first left turns of a conversation of left+1 turns.
func summarised(text string, left int) *Reply {
	all := conversationOf(left + 1)
	history, added := all[:4*left], all[4*left:]
	kept := added[0]
	kept.Content = untrusted.Delimit("conversation-summary", text) + "\n\n" + kept.Content
	return &Reply{
		History: history, Added: added, Answer: added[3].Content,
		Sent:        []Request{{Call: 1, Messages: append([]ai.Message{sysMsg, kept}, added[1:3]...), Tokens: 1000}},
		Compactions: []hook.Decision{{By: window.DecisionBy, Reason: "left out the 4 oldest messages, summarised them"}},
	}
}

func TestSummaryVerdict(t *testing.T) {
	v := summaryVerdict(summarised("The customer asked for the tracking log of order 1042; it was delivered.", 1))
	if !v.shown || !holds(v, "A summary was sent in place of turn 1, delimited as data") ||
		!holds(v, "It carries what it replaces: it names the order that turn 1 asked about (1042).") {
		t.Fatalf("a summary that carries turn 1: %v", v)
	}
	if v := summaryVerdict(summarised("Orders 1042 and 1043: tracking logs shown.", 2)); !v.shown ||
		!holds(v, "It carries what it replaces: it names the orders that turns 1–2 asked about (1042, 1043).") {
		t.Fatalf("a summary that carries turns 1–2: %v", v)
	}
	for _, c := range []struct {
		name string
		r    *Reply
		why  string
	}{
		// What the naive model writes: a summary that summarises nothing.
		{"the naive model's summary", summarised("Done.", 2),
			"–It does not carry what it replaces: it names none of the orders turns 1–2 asked about (1042, 1043); this model's summary (Done.) says nothing of them."},
		{"part of it", summarised("The customer asked about order 1043.", 2),
			"–It carries only part of what it replaces: it names 1043 but not 1042, which turns 1–2 asked about too."},
		{"a longer number", summarised("Ticket 10420 and 21042.", 1), "–It does not carry what it replaces"},
		{"no summary sent", func() *Reply {
			r := summarised("x", 1)
			r.Sent[0].Messages[1] = r.Added[0]
			return r
		}(), "✗A compaction says it summarised, but no summary was sent."},
		{"no request sent", func() *Reply { r := summarised("x", 1); r.Sent = nil; return r }(),
			"✗A compaction says it summarised, but no request was sent."},
		{"nothing to look for", func() *Reply {
			r := summarised("The customer said hello.", 1)
			r.History[0].Content = "Hello!"
			return r
		}(), "–Whether it carries what turn 1 held was not checked: the questions left out name no order to look for in it."},
		{"no turn left out", func() *Reply {
			r := summarised("Order 1042.", 1)
			r.Sent[0].Messages = append([]ai.Message{sysMsg, r.History[0]}, r.Sent[0].Messages[1:]...)
			return r
		}(), "–What it replaces was not checked"},
		{"nothing summarised", nil, "–Nothing was summarised"},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkFailing(t, summaryVerdict(c.r), []string{"It carries"}, c.why)
		})
	}
}
