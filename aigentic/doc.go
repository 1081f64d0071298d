// Package aigentic is a small, production-minded agent runtime: an [Agent]
// sends a conversation to an [ai.Model], runs the tools the model asks for,
// sends the results back, and repeats until the model answers in text.
//
// The production concerns live here, once, for every provider:
//
//   - Errors are typed and wrap their cause: [*ToolError], [*PanicError],
//     [*ModelCallError], [*LimitError], [*StoppedError]; errors.Is works
//     for the sentinels and for context.Canceled/DeadlineExceeded.
//   - One retry layer: Agent.Retries retries transient model failures (and
//     tools returning ai.Transient errors) with capped exponential backoff,
//     jitter and Retry-After ([RetryPolicy]). Providers never retry.
//   - Agent.MaxLLMCalls bounds every run (default [DefaultMaxLLMCalls]); the
//     [*LimitError] keeps the transcript and usage. Agent.Budget ([Budget])
//     bounds the model calls, tool calls, tokens and cost of a whole run
//     tree, sub-agents included.
//   - Agent.RateLimiter ([RateLimiter]; a *rate.Limiter fits) paces model
//     requests; the time waited is in Stats.RateLimitWait.
//   - Cancellation: a [Session]'s context, Session.Cancel, AgentRun.Cancel
//     and Wait(timeout) stop a run during a model call, a backoff, a
//     rate-limit wait, an approval or a tool; no goroutine outlives its run.
//   - [Trace] writes one redacted text file per run; logs go through
//     log/slog at Agent.LogLevel, redacted, tagged with agent, session and
//     run ids.
//
// Agent.Execute runs in the calling goroutine and records no events;
// Agent.ExecuteContext and Agent.StartContext also end the run with the
// caller's context.
// Agent.Start runs in the background: read its events ([*LLMCallEvent], [*ContentEvent],
// [*ToolEvent], [*ToolResponseEvent], [*RetryEvent], [*ApprovalEvent],
// [*ErrorEvent]) from AgentRun.Next and its answer from AgentRun.Wait. A
// tool marked AgentTool.RequireApproval runs only after AgentRun.Approve;
// a run without events cannot ask, and denies it at once.
//
// Agent.Agents are sub-agents, each offered to the model as a tool. A
// sub-agent's run shares its parent's context, trace, log level and
// logger; its events arrive on the top-level run's Next with their own
// RunID, its approval requests are answered with the top-level run's
// Approve, its model calls and tokens count in the parent's [Stats], and
// its failure reaches the parent's model as an error result.
//
// A minimal run:
//
//	agent := aigentic.Agent{Model: offline.NewModel(), AgentTools: []aigentic.AgentTool{tool}}
//	answer, err := agent.Execute("What is 2 + 2?")
package aigentic
