// Package aitest provides test doubles for code built on aigentic: a
// [Scripted] model that replays a fixed list of responses and errors while
// recording every request, and a [Faulty] wrapper that injects failures,
// latency or endless tool calls in front of any model — the offline one,
// OpenAI, or your own.
//
// Both are deterministic and safe for concurrent use.
package aitest
