package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
)

// traceFile is a trace file's name: its time and run ID change every run.
var traceFile = regexp.MustCompile(`trace_\d{14}_run_[0-9a-f]+\.txt`)

// runExample runs the program offline with args, tracing into a
// temporary directory, and prints its output with the directory as $DIR
// and each trace file's time and run ID as NNN.
func runExample(args ...string) {
	dir, err := os.MkdirTemp("", "multi-agent-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	var out bytes.Buffer
	err = runWith(context.Background(), append([]string{"-trace-dir", dir}, args...), &out, system{getenv: offlineEnv})
	text := bytes.ReplaceAll(out.Bytes(), []byte(dir), []byte("$DIR"))
	fmt.Print(traceFile.ReplaceAllString(string(text), "trace_NNN.txt"))
	if err != nil {
		fmt.Println(err)
	}
}

// The coordinator asks the researcher, hands its findings to the writer,
// and answers with the writer's text; the verdict is computed from what
// it did.
func Example() {
	runExample()
	// Output:
	// Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).
	// Request: Research what our notes say about cancellation and sub-agents, then write a short summary for the team.
	// → coordinator delegates to researcher: Research what our notes say about cancellation and sub-agents
	//     → search_notes {"query":"cancellation and sub-agents"}
	//     ← search_notes: 3 note(s) found: - Sub-agents (sub-agents.md): A coordinator offers each sub-agent to its model as …
	// ← researcher answered (1087 characters): The search_notes tool (query: "cancellation and sub-agents") returned: 3 note(s…
	// → coordinator delegates to writer: Research what our notes say about cancellation and sub-agents, then write a short summary…
	// ← writer answered (685 characters): Here is what the material I was given says, restated without additions: - Sub-a…
	//
	// Answer (at most 8 lines; the whole text is in the coordinator's trace):
	//   Here is what the material I was given says, restated without additions:
	//   - Sub-agents (sub-agents.md): A coordinator offers each sub-agent to its model as a tool named after the agen…
	//   - Cancellation (cancellation.md): Every run takes its context from its session. Cancelling the session, or it…
	//   - Limits (limits.md): MaxLLMCalls bounds the model calls of every run, 20 by default; each sub-agent has a li…
	//
	// Verdict (from what the coordinator did):
	// ✓ The coordinator delegated to the researcher, which answered (1087 characters).
	// ✓ The coordinator delegated to the writer after the researcher answered; the writer answered (685 characters).
	// ✓ The writer's task carried the researcher's answer whole.
	// ✓ The answer is the writer's text.
	// ✓ The team stayed within its budget: 6 of 8 model calls.
	//
	// Stats of the coordinator and its sub-agents together: 6 LLM calls, 3046+1019 tokens, 2 delegations (0 failed), 0 retries.
	// Trace files, one per run:
	//   coordinator  3 LLM calls, 2 tool calls, success: $DIR/trace_NNN.txt
	//   Researcher   2 LLM calls, 1 tool call, success: $DIR/trace_NNN.txt
	//   Writer       1 LLM call, 0 tool calls, success: $DIR/trace_NNN.txt
}

// -runaway: every agent's model calls a tool on every answer, and the
// team's budget stops the whole run tree.
func Example_runaway() {
	runExample("-runaway")
	// Output:
	// Model: the built-in offline model (OPENAI_API_KEY and OPENAI_BASE_URL are unset).
	// Every agent's model will call a tool on every answer (-runaway).
	// Request: Research what our notes say about cancellation and sub-agents, then write a short summary for the team.
	// → coordinator delegates to researcher: look again
	//     → search_notes {"query":"cancellation"}
	//     ← search_notes: 1 note(s) found: - Cancellation (cancellation.md): Every run takes its context from its session. Ca…
	//     → search_notes {"query":"cancellation"}
	//     ← search_notes: 1 note(s) found: - Cancellation (cancellation.md): Every run takes its context from its session. Ca…
	//     → search_notes {"query":"cancellation"}
	//     ← search_notes: 1 note(s) found: - Cancellation (cancellation.md): Every run takes its context from its session. Ca…
	// ✗ researcher failed; the coordinator gets the error as a tool result: sub-agent "Researcher" stopped before finishing: aigentic: MaxLLMCalls limit reached: 4 of 4 model calls made, 3 tool c…
	// → coordinator delegates to researcher: look again
	//     → search_notes {"query":"cancellation"}
	//     ← search_notes: 1 note(s) found: - Cancellation (cancellation.md): Every run takes its context from its session. Ca…
	// ✗ researcher failed; the coordinator gets the error as a tool result: sub-agent "Researcher" stopped before finishing: aigentic: budget exceeded: Budget.MaxLLMCalls of agent "coordinator": …
	//
	// ✓ The team's budget stopped the whole run tree: 8 of 8 model calls (Budget.MaxLLMCalls of agent "coordinator", shared by its sub-agents).
	//   Without it, the agents' own MaxLLMCalls (coordinator 6, Researcher 4, Writer 2) would have allowed up to 26 model calls (52 requests with retries) at one delegation per coordinator call, and more when a model asks for several at once.
	//   The work done is kept: 6 messages in the coordinator's transcript, 0 tool calls pending.
	//
	// Verdict (from what the coordinator did):
	// – The coordinator delegated to the researcher, which failed: its findings are not shown (the coordinator got the error as a tool result).
	// – The coordinator never delegated to the writer before the run stopped: the hand-off is not shown.
	// ✓ The team's budget held: it stopped the run tree at 8 of 8 model calls.
	//
	// Stats of the coordinator and its sub-agents together: 8 LLM calls, 2893+1297 tokens, 2 delegations (2 failed), 0 retries.
	// Trace files, one per run:
	//   coordinator  2 LLM calls, 2 tool calls, error: $DIR/trace_NNN.txt
	//   Researcher   4 LLM calls, 3 tool calls, error: $DIR/trace_NNN.txt
	//   Researcher   2 LLM calls, 1 tool call, error: $DIR/trace_NNN.txt
}
