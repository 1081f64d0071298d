// Package openaitest provides a fake OpenAI-compatible server for tests: an
// httptest server that answers the Chat Completions API and the Responses
// API with any ai.Model —
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
//   - POST /v1/responses, streaming (the Responses API's events, numbered,
//     from response.created to response.completed or .incomplete) and not
//     (a response object). Input items become the ai.Request's messages,
//     text.format its ResponseFormat; the model's finish reason "length"
//     is an incomplete response (max_output_tokens). A request that
//     includes "reasoning.encrypted_content" gets a reasoning item with
//     encrypted content before each answer, and one that sends a function
//     call back without the reasoning item it came with is answered 400,
//     as OpenAI does when it stores nothing (store: false).
//   - GET /v1/models/{id} and GET /v1/models, for health checks.
//
// Every route is also served without the /v1 prefix. With [WithAPIKey],
// the server answers 401 to a missing or wrong bearer key.
//
// Every chat completion body is validated ([ValidateRequest]) against
// OpenAI's CreateChatCompletionRequest schema — extracted from the
// official openapi.yaml and embedded — with a JSON-schema library, and
// against OpenAI's tool-call conversation rule ([ValidateConversation]);
// every Responses API body ([ValidateResponsesRequest]) against the
// CreateResponse schema and the input's tool-call rule
// ([ValidateResponsesInput]).
// Like OpenAI, the server answers an invalid body with a 400 and an
// OpenAI-shaped error naming the violation. It also records it
// ([Server.Violations]; [Server.Validated] counts the bodies that passed)
// and, at the test's cleanup, fails the test with each one: a client test
// on this server checks every body the client sends. [AllowInvalidRequests]
// turns the failure off for a test that sends bad bodies on purpose.
//
// Faults ([Status], [RateLimited], [MalformedJSON], [TruncatedStream],
// [ConnectionReset], [Slow]) are queued with [WithFaults] or
// [Server.Inject]; each valid request, on either API, takes the next one.
// Two faults replay any answer verbatim: [Events] (a scripted stream, kept
// open with [Fault.HoldOpen]) and [JSONBody] (a status and a JSON body),
// for the shapes compatible servers really send.
//
// [WithQuirks] makes every normal answer reproduce how a compatible server
// departs from OpenAI ([Quirk]): tool calls streamed at one index
// (Ollama), without IDs or all with one ID, "error": null on every chunk,
// the usage on the finish chunk, no [DONE] and a connection held open —
// and what today's servers require or refuse: DeepSeek's reasoning_content
// sent back, Gemini's thought signatures sent back, Mistral's 9-character
// tool-call IDs, stream_options or json_schema refused, llama-server's any
// model name. An example program can then be run against the server
// through OPENAI_BASE_URL.
// Every request body is recorded ([Server.Requests]) and every
// HTTP request counted ([Server.Hits]), so a test can assert what the
// client sent and that it did not retry on its own.
//
// The server closes on the test's cleanup.
package openaitest
