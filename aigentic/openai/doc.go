// Package openai is the OpenAI model provider of aigentic: an [ai.Model] on
// the Chat Completions API or the Responses API, built on the official SDK
// (github.com/openai/openai-go/v3). It works unchanged against any
// OpenAI-compatible server — Ollama, vLLM, LM Studio, llama.cpp, DeepSeek,
// Gemini, Groq, Mistral, OpenRouter — through a base URL, sending each
// server family what it accepts.
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
// # Server families
//
// Servers differ in the optional request fields they accept and in what
// they need sent back. [NewModel] detects the [Family] from the base URL's
// host ([DetectFamily]: OpenAI, Azure, DeepSeek, Gemini, Groq, Mistral,
// OpenRouter by domain, Ollama and LM Studio by port, any other server
// [FamilyCompatible]); [WithFamily] sets it (vLLM, llama.cpp, LocalAI).
// Each family's [Rules] say: whether a streamed request carries
// stream_options.include_usage (not to Groq or Mistral, which refuse it);
// the output cap's name (max_completion_tokens to OpenAI, Azure and Groq —
// OpenAI's reasoning models refuse max_tokens — max_tokens to the others,
// which older vLLM needs); whether an assistant message's reasoning goes
// back as reasoning_content (DeepSeek's thinking mode requires it, OpenAI
// refuses it); whether a typed answer's schema goes as response_format
// json_schema or into the instructions (DeepSeek, LocalAI); whether
// tool-call IDs are rewritten into the 9 letters and digits Mistral
// requires ([ShortToolCallID]). [WithStreamUsage], [WithTokenCapField],
// [WithReasoningContent] and [WithStructuredOutput] override a rule. When
// a server refuses an optional field anyway (HTTP 400 or 422 naming it),
// the error holds a [*RejectedFieldError] ([ErrRejectedField]) naming the
// field and the option that stops sending it.
//
// # Mapping
//
// ai.Message roles map to the API's system, user, assistant (with
// tool_calls) and tool (with tool_call_id) messages; a tool message with
// IsError gets "Error: " before its content, since the API has no error
// flag. Each ai.Tool is a function tool whose parameters are its
// InputSchema, or {"type":"object","properties":{}} when it has none. The
// answer is choices[0]: content, every tool call with its ID, name and raw
// arguments, the reasoning (reasoning_content or reasoning) in
// ai.Message.Reasoning, usage (prompt and completion tokens, the reasoning
// tokens of completion_tokens_details, the cached tokens of
// prompt_tokens_details or DeepSeek's prompt_cache_hit_tokens) and
// finish_reason. What a server needs back verbatim is kept in ai.Opaque,
// marked with its origin ("openai/chat/<family>") and sent back only to a
// server of that family: the fields of a tool call this package does not
// read (Gemini's extra_content.google.thought_signature) and OpenRouter's
// reasoning_details. A tool call's ID and name are passed on as received,
// empty ones included: the agent makes IDs unique in the run's transcript
// (servers that send none, or repeat one) and answers a call without a
// valid name with an error result the model sees, streamed or not. A call
// repeated in the same answer — the same ID with the same arguments, sent
// whole after its pieces, twice in one chunk, at another index — is kept
// once. The finish reason is normalized: "tool_calls" for an answer with
// tool calls that a server ended with "stop" or nothing (Gemini's
// OpenAI-compatible endpoint streams them so), "stop" for one without
// calls. A request that cannot be valid (no messages, an unknown role, a
// nameless tool, a strict schema strict mode cannot express) is a
// permanent [ErrInvalidRequest] error before any HTTP request.
//
// # Typed answers
//
// ai.Request.ResponseFormat asks for a JSON answer matching a schema: sent
// as response_format {type: "json_schema", json_schema: {name, schema,
// strict}} (the Responses API's text.format), or described in a system
// message for families that do not take it. With Strict, the schema is
// first made what OpenAI's strict mode accepts ([StrictSchema]: every
// property required, optional ones nullable, additionalProperties false),
// or refused with an error naming what strict mode cannot express
// ([ErrStrictSchema]).
//
// # Finish reasons that are not answers
//
// "length" returns a permanent *ai.ModelError wrapping an
// *ai.TruncatedError: errors.Is(err, ai.ErrOutputTruncated), and errors.As
// gives the partial text (Partial), the tool calls that were cut
// (ToolCalls), which the agent never runs, the cap the request sent
// (MaxOutputTokens, 0 for none) and the usage; its message names the limit
// it can have been with the counts — the cap sent, or with none the
// server's context window or default cap. Partial is always text: a tool
// call in the model's template markup that the cut left unparsed
// ("<tool_call>\n{\"name", as llama.cpp passes it on) is moved to
// Markup. "content_filter" returns one wrapping an *ai.ContentFilterError
// naming the filter (ai.ErrContentFiltered): Azure OpenAI's filtered
// categories when the answer lists them, else "content_filter". A refusal
// (message.refusal, streamed as delta.refusal) returns one wrapping an
// *ai.RefusalError (ai.ErrRefused). "error" (OpenRouter: the provider
// failed mid-answer) and vLLM's "abort" are a transient [ErrAnswerFailed]:
// the partial answer is discarded. A caller that accepts truncated text
// takes it from TruncatedError.Partial (see its documentation).
//
// # Errors and retries
//
// The SDK's own retries are off: the agent's Retries setting is the only
// retry layer, and one Generate is exactly one HTTP request. Every failure
// is a *ai.ModelError with Provider "openai":
//
//   - Every error a server reports — an HTTP error status, or in-band in
//     a 2xx answer — goes through one table: a server's X-Should-Retry
//     header; then a message saying the server could not parse the body
//     (llama.cpp's 500 "json.exception.parse_error": permanent); then the
//     error code (insufficient_quota,
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
//     Retry-After. Groq's 400 "tool_use_failed" — the model's malformed
//     tool call, its failed_generation in the body — also holds an
//     *ai.ToolUseFailedError (ai.ErrToolUseFailed), over HTTP or in a
//     stream, so that a run loop can give the model another turn.
//   - An answer in the other API's shape — a Responses API object or
//     event answering a Chat Completions request, or a chat completion
//     answering a Responses API request — is permanent ([ErrWrongAPI]),
//     its message naming what came.
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
//     and its Message says so. A server's error message longer than
//     [MaxErrorMessage] (4 KiB) is cut in the Message, on a UTF-8
//     boundary, and marked; the code and the structured errors are read
//     from the whole of it.
//   - A success body is read to a cap — [DefaultMaxResponseBody] (16 MiB)
//     for a JSON answer, [DefaultMaxStreamBody] (128 MiB) for a stream's
//     total; [WithMaxResponseBody], [WithMaxStreamBody] — and cut there
//     while it is read: a permanent error matching [ErrResponseTooLarge].
//     So is one stream event line over 32 MiB (openai-go's SSE line limit),
//     whose message names the per-event limit.
//   - A redirect (HTTP 3xx) is not followed: a permanent error matching
//     [ErrRedirected], whose message gives the status and where the
//     Location points, as scheme and host only (its path and query may
//     hold a token).
//   - Network failures — connection refused or reset, timeouts, DNS — are
//     transient and match [ErrUnreachable] when no HTTP answer arrived; the
//     message names the server's host and port ("cannot reach the server
//     at 127.0.0.1:8080: connection refused"). A server that took the
//     request and sent nothing before a transport timeout was reached: the
//     message says it "did not answer in time" (still [ErrUnreachable]).
//     A body cut short (unexpected EOF) is transient too.
//   - A 200 whose JSON is malformed, or that holds no choices, is transient
//     ([ErrMalformedResponse]): it is what a proxy or an overloaded server
//     cutting a body short produces, and the retry budget bounds it. A 200
//     that is not JSON at all (an HTML page, a body with no Content-Type: a
//     wrong base URL), is empty, only whitespace or JSON null, or answers a
//     streaming request with no Content-Type and no event is permanent, and
//     the message says which. A server-controlled value quoted in an error
//     (a Content-Type, a redirect's host) is redacted, in any letter case,
//     and cut to 200 bytes, marked "…".
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
//     A deadline that passed while the server held the request says so
//     ("did not answer before the deadline").
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
// stream_options.include_usage where the family takes it), calls OnDelta with each content fragment
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
// but none for the whole request, which would cut a long stream. It
// follows no redirect ([ErrRedirected]), nor does a client given with
// [WithHTTPClient] unless it sets its own CheckRedirect.
//
// # Ping
//
// [Model.Ping] sends GET {base}/models/{model}. A 2xx naming the model is
// reachable, authorized and verified; one naming another model is
// reachable but unverified. A 401/403 is a permanent error matching
// [ErrUnauthorized]; no HTTP answer is a transient error matching
// [ErrUnreachable]. A 404 whose error code is "model_not_found" (OpenAI's
// answer for an unknown model) is a permanent error: the model is not
// usable. Any other 404 means the server does not implement GET
// /models/{id} — vLLM, LM Studio and llama.cpp's llama-server only list
// models, and model names with a slash do not survive the path — so it
// counts as reachable and authorized (the route answered after any auth
// check the server has), and Ping looks the model up in GET {base}/models:
// listed is verified; not listed, or no list, sets PingResult.Unverified,
// with a Detail saying why (llama-server serves any model name with the
// one it loaded, so a typo would otherwise pass).
//
// # The Responses API
//
// [WithAPI] chooses the API: [ChatCompletionsAPI] (POST
// {base}/chat/completions, what compatible servers implement),
// [ResponsesAPI] (POST {base}/responses), or [AutoAPI], the default: the
// Responses API for OpenAI's models only it serves (o3-pro, the codex and
// computer-use models) on OpenAI's own API, Chat Completions otherwise.
// The Responses API driver maps the same ai.Request: messages become input
// items (function_call and function_call_output for tool calls and
// results), tools function tools (strict false), a typed answer
// text.format, the cap max_output_tokens. It is stateless — store false —
// and for reasoning models (o-series, gpt-5, codex) asks for
// include ["reasoning.encrypted_content"]: the reasoning items come back
// whole in the assistant message's ai.Opaque (origin
// "openai/responses/<family>") and are sent back, before the calls they
// came with, on the next request, as OpenAI requires without storage. A
// streamed answer passes response.output_text.delta to OnDelta and maps
// the response of the last event (response.completed, .incomplete,
// .failed) as a non-streamed one; an "error" event, a failed response's
// error and HTTP errors go through the same table as Chat Completions';
// an incomplete response is an *ai.TruncatedError (max_output_tokens) or
// *ai.ContentFilterError; a stream that ends before its last event is a
// transient [ErrTruncatedStream].
//
// Package openaitest provides a fake OpenAI-compatible server, backed by
// any ai.Model, for tests.
package openai
