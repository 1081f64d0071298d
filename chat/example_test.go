package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/aigentic/window"
)

// noColor is an environment with NO_COLOR set.
func noColor(k string) string {
	if k == "NO_COLOR" {
		return "1"
	}
	return ""
}

// exampleDesk is the program's desk on model and a store in dir (none
// for ""), printing to out, with the default flags: what one process of
// the program has.
func exampleDesk(model ai.Model, dir string, out *strings.Builder) (*desk, error) {
	var store *conversation.FileStore
	if dir != "" {
		var err error
		if store, err = conversation.OpenFileStore(dir, conversation.FileLimits{}); err != nil {
			return nil, err
		}
	}
	cfg := config{user: "ana", dir: dir, window: defaultWindow}
	cfg.Question, cfg.Set = DemoFollowUp, map[string]bool{}
	compactor, err := window.New(windowOptions(cfg.window))
	if err != nil {
		return nil, err
	}
	return &desk{ctx: context.Background(), model: model, cfg: cfg, p: cli.NewPrinter(out, noColor), store: store, compactor: compactor}, nil
}

// The pattern: a chat on a file store, asked in two processes. The second
// starts from what the first stored (the offline model reads only the
// latest message, so its answer does not use it; the model sees it).
func Example_newChatAndAsk() {
	dir, err := os.MkdirTemp("", "chat")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	compactor, err := window.New(window.Options{Window: 2048}) // one for the process
	if err != nil {
		fmt.Println(err)
		return
	}
	process := func(question string) {
		store, err := conversation.OpenFileStore(dir, conversation.FileLimits{})
		if err != nil {
			fmt.Println(err)
			return
		}
		chat, err := newChat(offline.NewModel(), store, "ana", compactor)
		if err != nil {
			fmt.Println(err)
			return
		}
		r, err := ask(context.Background(), chat, question)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s\n  given %d stored messages; sent %d; answer: %s\n", question, len(r.History), len(r.Sent[0].Messages), cli.Clip(r.Answer, 60))
	}
	process(DemoFirst[0])
	process(DemoFollowUp) // a new process: a new store on the same directory
	// Output:
	// Hi, I'm Ana. Where is my order 1042?
	//   given 0 stored messages; sent 2; answer: The lookup_order tool (order_id: "1042") returned: Order 10…
	// Which order did I ask you about before, and who signed for it?
	//   given 4 stored messages; sent 6; answer: To use the lookup_order tool I need the order_id (the order…
}

// Demo 1, run twice: the first process stores two turns, the second
// resumes them; the verdicts read the file.
func Example_resume() {
	dir, err := os.MkdirTemp("", "chat")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	for range 2 {
		var out strings.Builder
		d, err := exampleDesk(offline.NewModel(), dir, &out)
		if err != nil {
			fmt.Println(err)
			return
		}
		if _, err := d.resume(); err != nil {
			fmt.Println(err)
		}
		fmt.Print(strings.ReplaceAll(out.String(), dir, "$DIR"))
	}
	// Output:
	// 1. A conversation that outlives the process (conversation.FileStore)
	// Conversation "ana": $DIR/ana.json, nothing stored yet.
	// [1] You: Hi, I'm Ana. Where is my order 1042?
	//   → lookup_order {"order_id":"1042"}
	//   ← lookup_order: Order 1042: one desk lamp, $49.00, paid; shipped on 3 March with UPS, tracking 1Z999AA10123456784; …
	//   sent: the whole conversation (1 turn), ≈280 tokens (the model counted 318)
	// [1] Agent: The lookup_order tool (order_id: "1042") returned: Order 1042: one desk lamp, $49.00, paid; shipped on 3 March with UPS…
	// [2] You: Show me the tracking log of order 1042, please.
	//   → tracking_log {"order_id":"1042"}
	//   ← tracking_log: Carrier tracking log for order 1042 (24 scans, oldest first… (≈640 tokens)
	//   sent: the whole conversation (2 turns), ≈1011 tokens (the model counted 1083)
	// [2] Agent: The tracking_log tool (order_id: "1042") returned: Carrier tracking log for order 1042 (24 scans, oldest first): 01. 20…
	// ✓ Stored: 2 turns (8 messages) in $DIR/ana.json, read back by a store opened afresh.
	// Run it again: the next process resumes this conversation.
	//   go run ./chat
	//
	// 1. A conversation that outlives the process (conversation.FileStore)
	// Conversation "ana": $DIR/ana.json, 2 turns stored by an earlier run; the latest question: "Show me the tracking log of order 1042, please."
	// [3] You: Which order did I ask you about before, and who signed for it?
	//   ⇣ model call 1: the prompt would not fit: ≈1688 → ≈1096 tokens for a window of 2048 (512 kept for the answer): clipped 1 old tool result, left out the 4 oldest messages
	//   sent: turns 2–3 of 3, ≈1096 tokens (the model counted 1149); left out: turn 1; clipped: the tool results of turn 2
	// [3] Agent: To use the lookup_order tool I need the order_id (the order number, such as 1042). Please tell me the order_id.
	// ✓ Resumed: this run started from the 2 turns an earlier process stored, and the file now holds 3 turns.
	// – The answer does not name S. Haddad, who signed for the parcel according to the earlier turns: this model did not use them (the offline model reads only the latest message; a model that reads the conversation answers from it).
}

// Demo 2: the long conversation in a window of 2,048 tokens.
func Example_longConversation() {
	var out strings.Builder
	d, err := exampleDesk(offline.NewModel(), "", &out)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := d.longConversation(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(out.String())
	// Output:
	// 2. A long conversation in a small context window (window.Compactor)
	// Window: 2048 tokens, 512 kept for the answer: a prompt may take 1536. Each question reads a tracking log of ≈640 tokens.
	// [1] You: Show the tracking log of order 1042.
	//   → tracking_log {"order_id":"1042"}
	//   ← tracking_log: Carrier tracking log for order 1042 (24 scans, oldest first… (≈640 tokens)
	//   sent: the whole conversation (1 turn), ≈890 tokens (the model counted 935)
	// [1] Agent: The tracking_log tool (order_id: "1042") returned: Carrier tracking log for order 1042 (24 scans, oldest first): 01. 20…
	// [2] You: Show the tracking log of order 1043.
	//   ⇣ model call 1: the prompt would not fit: ≈1639 → ≈1117 tokens for a window of 2048 (512 kept for the answer): clipped 1 old tool result
	//   → tracking_log {"order_id":"1043"}
	//   ← tracking_log: Carrier tracking log for order 1043 (24 scans, oldest first… (≈640 tokens)
	//   ⇣ model call 2: the prompt would not fit: ≈2340 → ≈959 tokens for a window of 2048 (512 kept for the answer): left out the 4 oldest messages
	//   sent: turn 2 of 2, ≈913 tokens (the model counted 958); left out: turn 1
	// [2] Agent: The tracking_log tool (order_id: "1043") returned: Carrier tracking log for order 1043 (24 scans, oldest first): 01. 20…
	// [3] You: Show the tracking log of order 1044.
	//   ⇣ model call 1: the prompt would not fit: ≈3041 → ≈1140 tokens for a window of 2048 (512 kept for the answer): clipped 1 old tool result, left out the 4 oldest messages
	//   → tracking_log {"order_id":"1044"}
	//   ← tracking_log: Carrier tracking log for order 1044 (24 scans, oldest first… (≈641 tokens)
	//   ⇣ model call 2: the prompt would not fit: ≈3745 → ≈960 tokens for a window of 2048 (512 kept for the answer): left out the 4 oldest messages
	//   sent: turn 3 of 3, ≈914 tokens (the model counted 959); left out: turns 1–2
	// [3] Agent: The tracking_log tool (order_id: "1044") returned: Carrier tracking log for order 1044 (24 scans, oldest first): 01. 20…
	// [4] You: Show the tracking log of order 1045.
	//   ⇣ model call 1: the prompt would not fit: ≈4447 → ≈1141 tokens for a window of 2048 (512 kept for the answer): clipped 1 old tool result, left out the 8 oldest messages
	//   → tracking_log {"order_id":"1045"}
	//   ← tracking_log: Carrier tracking log for order 1045 (24 scans, oldest first… (≈640 tokens)
	//   ⇣ model call 2: the prompt would not fit: ≈5152 → ≈962 tokens for a window of 2048 (512 kept for the answer): left out the 4 oldest messages
	//   sent: turn 4 of 4, ≈916 tokens (the model counted 959); left out: turns 1–3
	// [4] Agent: The tracking_log tool (order_id: "1045") returned: Carrier tracking log for order 1045 (24 scans, oldest first): 01. 20…
	// [5] You: Show the tracking log of order 1046: who signed for it?
	//   ⇣ model call 1: the prompt would not fit: ≈5846 → ≈1146 tokens for a window of 2048 (512 kept for the answer): clipped 1 old tool result, left out the 12 oldest messages
	//   → tracking_log {"order_id":"1046"}
	//   ← tracking_log: Carrier tracking log for order 1046 (24 scans, oldest first… (≈640 tokens)
	//   ⇣ model call 2: the prompt would not fit: ≈6545 → ≈964 tokens for a window of 2048 (512 kept for the answer): left out the 4 oldest messages
	//   sent: turn 5 of 5, ≈920 tokens (the model counted 963); left out: turns 1–4
	// [5] Agent: The tracking_log tool (order_id: "1046") returned: Carrier tracking log for order 1046 (24 scans, oldest first): 01. 20…
	// ✓ Compacted 8 times in 5 runs (8 hook.Decision steps, By "window"; Stats.Compactions 8), ≈24366 estimated tokens taken off the prompts (Stats.CompactedTokens).
	// ✓ Every request the model answered fit: the largest prompt was ≈1145 tokens (the estimate or the model's count, whichever is larger), within the 1536 the window leaves beside the answer; uncompacted, the largest would have been ≈6545.
	// ✓ The latest question and its tool result were sent whole, and the answer is right: it names M. Ruiz, from the last line of that result.
	// ✓ Nothing was lost: the conversation store holds all 5 turns (20 messages); only what was sent was compacted.
}

// Demo 3: a window of 200 tokens, refused before anything is sent; the
// stored conversation is as it was.
func Example_tooSmall() {
	dir, err := os.MkdirTemp("", "chat")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	var out strings.Builder
	d, err := exampleDesk(offline.NewModel(), dir, &out)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := newChat(d.model, d.store, "ana", d.compactor)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := ask(d.ctx, c, DemoFirst[0]); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := d.tooSmall(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(out.String())
	// Output:
	// 3. A window too small for the instructions and tools (window.ErrWindowTooSmall)
	// Window: 200 tokens, for conversation "ana".
	// [2] You: Is order 1043 on its way?
	// ✓ Refused before anything was sent (no model request; an *aigentic.HaltError wrapping a *window.TooSmallError, errors.Is window.ErrWindowTooSmall):
	//   window: model "offline": its context window of 200 tokens cannot hold the instructions (≈59 tokens), the tool definitions (≈150) and the latest message with what follows it (≈34) with 50 tokens kept for the answer (≈293 in all): set a larger Window, a smaller Reserve, or shorten them
	// ✓ Nothing stored was lost: conversation "ana" holds its 1 turn, as before.
}

// Demo 4: the turns left out, summarised by the offline model (it
// restates what it is given).
func Example_summary() {
	var out strings.Builder
	d, err := exampleDesk(offline.NewModel(), "", &out)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := d.summary(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(out.String())
	// Output:
	// 4. What is left out, summarised (window.ModelSummarizer, opt-in)
	// Window: 2048 tokens; the summary is written by offline.
	// [1] You: Show the tracking log of order 1042.
	//   → tracking_log {"order_id":"1042"}
	//   ← tracking_log: Carrier tracking log for order 1042 (24 scans, oldest first… (≈640 tokens)
	//   sent: the whole conversation (1 turn), ≈890 tokens (the model counted 935)
	// [1] Agent: The tracking_log tool (order_id: "1042") returned: Carrier tracking log for order 1042 (24 scans, oldest first): 01. 20…
	// [2] You: Show the tracking log of order 1043.
	//   ⇣ model call 1: the prompt would not fit: ≈1639 → ≈1117 tokens for a window of 2048 (512 kept for the answer): clipped 1 old tool result
	//   → tracking_log {"order_id":"1043"}
	//   ← tracking_log: Carrier tracking log for order 1043 (24 scans, oldest first… (≈640 tokens)
	//   ⇣ model call 2: the prompt would not fit: ≈2340 → ≈1262 tokens for a window of 2048 (512 kept for the answer): left out the 4 oldest messages, summarised them
	//   sent: turn 2 of 2, ≈1202 tokens (the model counted 1257); left out: turn 1
	// [2] Agent: The tracking_log tool (order_id: "1043") returned: Carrier tracking log for order 1043 (24 scans, oldest first): 01. 20…
	// ✓ A summary was sent in place of turn 1, delimited as data at the start of the first question kept (851 bytes); it begins:
	//     Here is what the material I was given says, restated without additions:
	//     - assistant called tracking_log({"order_id":"1042"})
	//     - 01. 2026-03-03 06:14 Kassel hub: parcel scanned, weight 2.4 kg, seal intact, next stop Dortmund d…
	// ✓ It carries what it replaces: it names the order that turn 1 asked about (1042).
}
