// Package window keeps what a run sends to its model within the model's
// context window.
//
//	c, err := window.New(window.Options{})      // windows from DefaultWindows
//	agent.Interceptors = append(agent.Interceptors, c)
//
// A [Compactor] is an interceptor (package aigentic/hook) around each
// model call. It knows the model's window — Options.Window, else the
// run's model name looked up in Options.Windows and [DefaultWindows],
// and, once a server has refused a prompt as too long naming its size
// (llama.cpp's n_ctx, "maximum context length is N tokens"), that size —
// and keeps Options.Reserve of it for the answer.
//
// # When
//
// Before each call it estimates the prompt: the run's last reported usage
// covers the messages that response saw, and the messages since are
// counted with [Tokens] (about 4 bytes of ASCII a token, one token for any
// other character, plus each message's framing), scaled by the tokens per
// estimated token that usage showed (never below 1: a provider that
// under-reports cannot make it send more). When the prompt and the reserve
// would not fit the window, it compacts what is sent, down to
// Options.Target of the room so that the next calls fit too.
//
// # How
//
// In this order, each step only as far as needed:
//
//  1. Clip the large tool results (over Options.ClipAbove tokens) the
//     model has already answered to, oldest first: each keeps its start
//     and its end around a note of what was left out.
//  2. Leave out the oldest messages: whole turns first (a user message
//     and everything up to the next one), then the oldest tool calls of
//     the current turn, each call always with its results. The first user
//     message kept starts with a note of how many messages were left out,
//     or, with Options.Summarizer set (opt-in: [ModelSummarizer] uses a
//     model of your choice), with their summary, delimited as data
//     (package aigentic/untrusted). The summary is made once for what is
//     left out and extended as more is: never redone for each call.
//  3. As a last resort, clip the latest tool results too.
//
// It never leaves out the system instructions, the user's latest message,
// or the latest tool calls with their results, and never sends a tool
// result without its call or a call without its results: what it sends is
// a conversation a strict server accepts. What a run has compacted stays
// compacted for its later calls, and the next run of the same
// conversation (a Session.History: package aigentic/conversation) leaves
// out at least what this one did, with the same summary: what is sent
// keeps a stable start (providers' prompt caches), more is left out only
// when the room is used up, and a summary is extended, never redone.
//
// When even the instructions, the tool definitions, the user's latest
// message and the latest tool calls with their results cannot fit beside
// the reserve, the call fails before anything is sent with a
// [*TooSmallError] (errors.Is [ErrWindowTooSmall]); the run ends with an
// *aigentic.HaltError wrapping it, its transcript kept. Nothing loops.
//
// A context-length error from the server (an error wrapping
// *ai.ContextLengthError: see openai.ParseContextLengthError for what the
// OpenAI provider recognises) makes the compactor learn the size the server
// named, compact further and send once more; a second refusal ends the
// call with the server's error.
//
// # What stays whole
//
// Only what is sent is compacted: the compactor gives the call a new
// message slice. The run's transcript (AgentRun.Messages, a durable run's
// checkpoint, the messages a Session.History saves) keeps every message.
//
// # Visible
//
// Each compaction is reported as a *hook.Decision of the run (By
// "window", Action "compact", Reason saying what was done and the
// estimated tokens before and after): the run's log, its trace file, a
// span event and the *aigentic.DecisionEvent show it. Options.OnCompact
// receives the same as a [Compaction].
//
// # State
//
// What the compactor keeps about a run — the estimate's correction, what
// it has left out, the summary — is keyed by the run (its *hook.RunInfo)
// and dropped when the run's context ends, which happens when the run
// ends (context.AfterFunc): no observer to register, nothing to close.
// Across runs it keeps, bounded: per model name, the window a server
// named and the estimate's correction (256 names); per conversation, the
// cuts made at a turn's start with their summaries, keyed by a hash of
// the messages left out (1,024, the oldest forgotten first). The
// summarizer's model calls are not the run's: they are not in its Stats,
// budget, trace or spans.
package window
