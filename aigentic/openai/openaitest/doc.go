// Package openaitest provides a fake OpenAI-compatible server for tests: an
// httptest server that answers the Chat Completions API with any ai.Model —
// the offline model, an aitest.Scripted one — and injects the failures a
// real API produces.
//
//	model := aitest.NewScripted(aitest.Reply("hello"))
//	srv := openaitest.NewServer(t, model, openaitest.WithAPIKey("sk-test"))
//	srv.Inject(openaitest.RateLimited(time.Second), openaitest.Status(500))
//	m, err := openai.New("gpt-test", "sk-test", openai.WithBaseURL(srv.URL()))
//	// or: t.Setenv("OPENAI_BASE_URL", srv.URL())
//
// The server serves:
//
//   - POST /v1/chat/completions, streaming (server-sent events, with
//     stream_options.include_usage honoured) and not. The JSON body is
//     translated into an ai.Request, the model's Generate is called with
//     the request's context, and its ai.Response is written in OpenAI's
//     format. A streamed answer sends the model's OnDelta text as it comes,
//     then each tool call split over two chunks (as OpenAI does), the
//     finish reason, the usage chunk and [DONE]. A model error becomes an
//     OpenAI-shaped error: a *ai.ModelError keeps its StatusCode and Code
//     (otherwise 503 when transient, 400 when permanent) and its RetryAfter
//     becomes Retry-After and retry-after-ms.
//   - GET /v1/models/{id} and GET /v1/models, for health checks.
//
// Every route is also served without the /v1 prefix. Like OpenAI, the
// server answers 400 to a body that is not JSON, has no model, or breaks
// the tool-call conversation rule ([ValidateConversation]), and, with
// [WithAPIKey], 401 to a missing or wrong bearer key.
//
// Faults ([Status], [RateLimited], [MalformedJSON], [TruncatedStream],
// [ConnectionReset], [Slow]) are queued with [WithFaults] or
// [Server.Inject]; each chat completion request takes the next one. Every
// chat completion body is recorded ([Server.Requests]) and every HTTP
// request counted ([Server.Hits]), so a test can assert what the client
// sent and that it did not retry on its own.
//
// The server closes on the test's cleanup.
package openaitest
