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
// The API key is the explicit apiKey argument; the package never reads
// OPENAI_API_KEY itself. The base URL is [WithBaseURL], or else
// OPENAI_BASE_URL from the environment (read once, in [NewModel]), or else
// https://api.openai.com/v1. A base URL without a key is a local server:
// no Authorization header is sent at all. No key and no base URL is a
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
// (prompt_tokens and completion_tokens) and finish_reason. Tool calls
// without an ID (from some compatible servers) get "call_<n>". A request
// that cannot be valid (no messages, an unknown role, a nameless tool) is a
// permanent [ErrInvalidRequest] error before any HTTP request.
//
// # Errors and retries
//
// The SDK's own retries are off: the agent's Retries setting is the only
// retry layer, and one Generate is exactly one HTTP request. Every failure
// is a *ai.ModelError with Provider "openai":
//
//   - HTTP 408, 409, 425, 429 and 5xx (but 501) are transient, with the
//     API's message and code and RetryAfter from the retry-after-ms or
//     Retry-After header. A 429 whose code is "insufficient_quota" is
//     permanent: waiting does not add credit. An "x-should-retry" header
//     from the server overrides the status.
//   - Every other 4xx (400, 401, 403, 404, 422, ...) is permanent, with the
//     API's message. 401 and 403 also match [ErrUnauthorized]. The
//     ModelError's Code is the API's error code, or its error type when
//     there is no code; a non-JSON error body (a proxy's) gives a short
//     plain-text Message, HTML none.
//   - Network failures — connection refused or reset, timeouts, DNS — are
//     transient and match [ErrUnreachable] when no HTTP answer arrived. A
//     body cut short (unexpected EOF) is transient too.
//   - A 200 whose JSON is malformed, or that holds no choices, is transient
//     ([ErrMalformedResponse]): it is what a proxy or an overloaded server
//     cutting a body short produces, and the retry budget bounds it. A 200
//     that is not JSON at all (an HTML page: a wrong base URL) is permanent.
//     A 200 holding an {"error": ...} object (some compatible servers) is
//     classified like a stream's error event: transient unless its type is
//     invalid_request_error, authentication_error, permission_error or
//     not_found_error.
//   - A stream that ends before the choice's finish_reason arrives, cleanly
//     or not, is transient ([ErrTruncatedStream]); the partial text is not
//     returned as an answer. A stream that has the finish_reason but no
//     [DONE] marker is complete (some compatible servers omit it); one cut
//     by a transport error is truncated even after it.
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
// tool calls assembled from their deltas by index, usage and finish reason.
// The SDK's ChatCompletionAccumulator is not used: it sums usage across
// chunks (wrong for servers reporting cumulative usage per chunk, such as
// vLLM's continuous usage stats) and rejects chunks whose id changes,
// which some compatible servers do; the assembly here is a few lines and
// also accepts tool-call deltas without an index.
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
