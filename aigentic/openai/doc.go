// Package openai is the OpenAI model provider of aigentic: an [ai.Model] on
// the Chat Completions API, built on the official SDK
// (github.com/openai/openai-go/v3). It works unchanged against any
// OpenAI-compatible server — Ollama, vLLM, LM Studio — through a base URL.
//
//	m, err := openai.New("gpt-4o-mini", os.Getenv("OPENAI_API_KEY"))
//	if err != nil { ... }          // configuration errors, up front
//	resp, err := m.Generate(ctx, ai.Request{Messages: msgs, Tools: tools})
//
// # Configuration
//
// The API key is the apiKey argument or, when it is empty and requests go
// to OpenAI's own API, OPENAI_API_KEY (read once, in [NewModel]). The
// base URL is [WithBaseURL], or else OPENAI_BASE_URL from the environment
// (read once, in [NewModel]), or else https://api.openai.com/v1. A base URL
// without a key is a local server: no Authorization header is sent at all
// (OPENAI_API_KEY is not read for it). No key and no base URL is a
// configuration error ([ErrNoAPIKey]). Unlike the SDK's NewClient, no other
// OPENAI_* variable (organization, project, admin key, custom headers) is
// picked up from the environment: what is sent is what the options say.
//
// [New] validates the configuration and returns the error at once.
// [NewModel] always returns a model; a configuration error is then returned,
// as a permanent *ai.ModelError, by every Generate and Ping.
//
// # Mapping
//
// ai.Message roles map to the API's system, user, assistant (with
// tool_calls) and tool (with tool_call_id) messages; a tool message with
// IsError gets "Error: " before its content, since the API has no error
// flag. Each ai.Tool is a function tool whose parameters are its
// InputSchema, or {"type":"object","properties":{}} when it has none. The
// answer is choices[0]: content (or the refusal, when there is no content),
// every tool call with its ID, name and raw arguments, usage
// (prompt_tokens and completion_tokens) and finish_reason. A tool call's ID
// and name are passed on as received, empty ones included: the agent makes
// IDs unique in the run's transcript (servers that send none, or repeat
// one) and answers a call without a valid name with an error result the
// model sees, streamed or not. The finish reason is normalized: "tool_calls"
// for an answer with tool calls that a server ended with "stop" or nothing
// (Gemini's OpenAI-compatible endpoint streams them so), "stop" for one
// without calls. A request that cannot be valid (no messages, an unknown
// role, a nameless tool) is a permanent [ErrInvalidRequest] error before
// any HTTP request.
//
// # Finish reasons that are not answers
//
// "length" (the output token limit) returns a permanent *ai.ModelError
// wrapping an *ai.TruncatedError: errors.Is(err, ai.ErrOutputTruncated),
// and errors.As gives the partial text (Partial) and the tool calls that
// were cut (ToolCalls), which the agent never runs. "content_filter"
// returns one wrapping an *ai.ContentFilterError naming the filter
// (ai.ErrContentFiltered): Azure OpenAI's filtered categories when the
// answer lists them, else "content_filter". A caller that accepts truncated
// text takes it from TruncatedError.Partial (see its documentation).
//
// # Errors and retries
//
// The SDK's own retries are off: the agent's Retries setting is the only
// retry layer, and one Generate is exactly one HTTP request. Every failure
// is a *ai.ModelError with Provider "openai":
//
//   - Every error a server reports — an HTTP error status, or in-band in
//     a 2xx answer — goes through one table: a server's X-Should-Retry
//     header; then the error code (insufficient_quota,
//     context_length_exceeded, invalid_api_key, model_not_found,
//     content_filter, exceed_context_size_error, INVALID_ARGUMENT ... are
//     permanent; rate_limit_exceeded, overloaded_error, server_error,
//     RESOURCE_EXHAUSTED ... transient); then phrases of the message that
//     settle it whatever the status (a quota, a context length:
//     permanent); then the status (408, 409, 425, 429 and 5xx but 501
//     transient, other 4xx permanent); then the error type; then "rate
//     limit" or "overloaded" in the message. An in-band error that says
//     nothing else is transient. The provider's message is kept in
//     Message, and the ModelError's Code is the error code, or its type
//     when the code is absent or a number. 401 and 403 also match
//     [ErrUnauthorized]; RetryAfter comes from retry-after-ms or
//     Retry-After.
//   - In-band errors ([ErrInBandError]): a 200 whose body is an
//     {"error": ...} object (or string), an {"error": ...} SSE event or an
//     "event: error" mid-stream, vLLM's {"object": "error", "message",
//     "code": 400}, a chunk with "error_type"/"error_message" fields. A
//     chunk whose "error" is null is a normal chunk. Error bodies that are
//     not OpenAI's shape are read too: vLLM's object, Gemini's
//     [{"error": {...}}] array, {"error": "text"}, FastAPI's {"detail"}; a
//     non-JSON body (a proxy's) gives a short plain-text Message, HTML none.
//   - Only the first [MaxErrorBody] bytes (1 MiB) of an HTTP error body
//     are read; a longer one is cut, the error matches [ErrErrorBodyCut]
//     and its Message says so.
//   - Network failures — connection refused or reset, timeouts, DNS — are
//     transient and match [ErrUnreachable] when no HTTP answer arrived. A
//     body cut short (unexpected EOF) is transient too.
//   - A 200 whose JSON is malformed, or that holds no choices, is transient
//     ([ErrMalformedResponse]): it is what a proxy or an overloaded server
//     cutting a body short produces, and the retry budget bounds it. A 200
//     that is not JSON at all (an HTML page: a wrong base URL) is permanent.
//   - A stream that ends before the choice's finish_reason arrives, cleanly
//     or not, is transient ([ErrTruncatedStream]); the partial text is not
//     returned as an answer. A stream is complete once its finish_reason
//     and its usage (always asked for) have arrived: the rest ([DONE], the
//     end of the body) is read for at most a quarter of a second of
//     silence, so that the connection can be reused, and a server that
//     sends neither — proxies that hold the connection open — is cut there.
//     A server that never sends the usage gets one second of silence after
//     the finish_reason. Waits count silence, not total time: servers that
//     repeat finish_reason on every chunk still stream the whole answer.
//   - When the caller's context ends, the error wraps ctx.Err(), so
//     errors.Is(err, context.Canceled) or context.DeadlineExceeded holds; a
//     deadline is transient (an attempt timeout), a cancellation permanent.
//
// The API key never appears in an error: messages are built by this
// package, every text taken from a server or a transport error is redacted
// (keys shorter than 4 characters are placeholders and are not), an
// underlying error whose text holds the key is replaced by a redacted
// stand-in that still answers errors.Is, and the SDK's *openai.Error,
// reachable with errors.As for its response headers, is a copy whose
// request carries no Authorization header and which prints only its status
// line. The package logs nothing.
//
// # Streaming
//
// When ai.Request.OnDelta is set, Generate streams (with
// stream_options.include_usage), calls OnDelta with each content fragment
// on the calling goroutine, and still returns the whole response: text,
// tool calls assembled from their deltas, usage (the last reported: some
// servers send a running total) and finish reason. A server that answers a
// streaming request with one JSON document is read as a non-streamed
// answer, its text passed to OnDelta at once.
//
// Tool-call deltas are assembled by index, or, when a server sends none,
// as continuations of the last call. Servers that stream parallel calls at
// one index (Ollama) are told apart by one rule: a delta bringing a new
// non-empty ID, or a name after a call whose arguments are already
// complete JSON, starts a new call. Names are never concatenated: a call
// keeps the first non-empty name it gets.
//
// The events are decoded by this package on the SDK's SSE decoder, not by
// the SDK's stream or its ChatCompletionAccumulator: the stream takes any
// chunk with an "error" key — null included — for a failure, and the
// accumulator sums usage and rejects changing chunk ids, both of which
// compatible servers send.
//
// # HTTP client
//
// Without [WithHTTPClient], every Model shares one client on
// [NewTransport]: the standard library's defaults with
// [MaxIdleConnsPerHost] idle connections per host (the default 2 makes
// concurrent agents open a connection for most requests: 0.78 per request
// for 2,000 concurrent runs against 0.17, BenchmarkConnectionsPerRequest)
// and timeouts for dialing, the TLS handshake and the response headers,
// but none for the whole request, which would cut a long stream.
//
// # Ping
//
// [Model.Ping] sends GET {base}/models/{model}. A 2xx is reachable and
// authorized. A 401/403 is a permanent error matching [ErrUnauthorized];
// no HTTP answer is a transient error matching [ErrUnreachable]. A 404
// whose error code is "model_not_found" (OpenAI's answer for an unknown
// model) is a permanent error: the model is not usable. Any other 404 means
// the server does not implement GET /models/{id} — vLLM and LM Studio only
// list models, and model names with a slash do not survive the path — so it
// counts as reachable and authorized (the route answered after any auth
// check the server has), and the PingResult's Detail says the model was not
// verified.
//
// Package openaitest provides a fake OpenAI-compatible server, backed by
// any ai.Model, for tests.
package openai
