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
//     [*LimitError] keeps the transcript and usage.
//   - Cancellation: a [Session]'s context, Session.Cancel, AgentRun.Cancel
//     and Wait(timeout) stop a run during a model call, a backoff or a
//     tool; no goroutine outlives its run.
//   - [Trace] writes one redacted text file per run; logs go through
//     log/slog at Agent.LogLevel, redacted, tagged with agent, session and
//     run ids.
//
// A minimal run:
//
//	agent := aigentic.Agent{Model: offline.NewModel(), AgentTools: []aigentic.AgentTool{tool}}
//	answer, err := agent.Execute("What is 2 + 2?")
package aigentic
