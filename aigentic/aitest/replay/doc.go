// Package replay records a test's HTTP exchanges with a real model server
// once, and replays them on every later run, with no network: an
// http.RoundTripper for aigentic/openai (openai.WithHTTPClient) on
// go-vcr v4 (gopkg.in/dnaeon/go-vcr.v4), whose cassette format — YAML, one
// request and response per exchange — the recordings use.
//
//	func TestAgentOnRecordedModel(t *testing.T) {
//		rec := replay.New(t, "testdata/agent.yaml")
//		model, err := rec.OpenAI() // or openai.New(..., openai.WithHTTPClient(rec.Client()))
//		if err != nil {
//			t.Fatal(err)
//		}
//		agent := aigentic.Agent{Model: model, ...}
//		...
//	}
//
// # Modes: AIGENTIC_RECORD
//
// [EnvMode], AIGENTIC_RECORD, chooses, unless [WithMode] fixes it:
//
//   - unset, "" or "replay" ([ModeReplay], the default): every request is
//     answered from the file; no connection is ever made (the Recorder's
//     real transport refuses, [ErrNetworkRefused]). A missing file fails
//     the test ([ErrNoRecording]); so does a request the file does not
//     hold ([*MismatchError], with a diff), and recorded exchanges the test
//     never requested ([ErrUnplayed]). CI runs this way.
//   - "record" ([ModeRecord]): every request goes to the real server and
//     the file is written anew when the test ends. [Recorder.OpenAI]
//     reaches the server the environment names, as the examples do:
//     OPENAI_API_KEY for OpenAI, OPENAI_BASE_URL (+ OPENAI_MODEL) for any
//     compatible server.
//   - "record-missing" ([ModeRecordMissing]): files that exist are
//     replayed, missing ones recorded.
//
// # What is matched
//
// A request matches a recorded exchange when its method, URL path, query
// and JSON body are the same, the body compared after normalisation: keys
// sorted, white space and number spelling ignored, secrets redacted as in
// the recording, and the fields named by [IgnoreFields] left out. The
// body is everything that decides a model's answer: the model, the
// messages (the instructions, the question, each tool call and result),
// the tools and their schemas, and the parameters (temperature,
// max_completion_tokens, stream, tool_choice, response_format…). Headers,
// the scheme and the host never matter: they carry per-call, per-machine
// and per-key values, and a recording made against one server replays
// for a client pointed at any other. Each exchange answers one request;
// identical requests (a retry) take the recorded exchanges in order.
//
// A request that matches nothing is answered HTTP 400, code
// "replay_mismatch" (a permanent error, so the agent does not retry it),
// and, with [New], fails the test with [MismatchError.Report]: the JSON
// paths that changed, recorded and sent ("messages[0].content: recorded
// …"a precise assistant"…, sent …"a careful assistant"…"), then a unified
// diff of the two bodies against the first exchange not yet replayed.
//
// # Secrets
//
// Before an exchange is kept — in memory, and so in the file — it loses
// every request header but Content-Type and Accept (Authorization,
// OpenAI-Organization/Project, the SDK's X-Stainless-* machine headers,
// gateway headers) and every response header but Content-Type,
// Retry-After, Retry-After-Ms and X-Ratelimit-*; a user:password in the
// URL; and, everywhere else (URL, bodies, kept headers, status), every
// secret package aigentic/secret knows — keys passed to openai.New,
// OPENAI_API_KEY, environment variables named like credentials, values
// given to [WithSecrets] or secret.Register, and sk-…/Bearer/api_key=
// patterns — replaced by "[REDACTED]". Writing checks again: a recording
// that would still hold one is not written ([ErrSecretInRecording]).
// The response is redacted before the client reads it, so a recording run
// sees exactly what its replays will.
// What redaction cannot catch (a secret re-encoded before it reached the
// wire) is listed in package aigentic/secret.
//
// # How bodies are stored
//
// Request bodies are stored as indented JSON (keys as sent), so a
// re-recorded request reads as a line diff in review. Response bodies are
// stored byte for byte as the server sent them. go-vcr reads a response
// whole (io.ReadAll) and keeps it as one string, so it does not keep the
// network's read boundaries; a streamed answer's SSE framing ("data: …"
// lines, blank lines, "data: [DONE]") is in the bytes, so every event
// replays exactly, and the Recorder hands a replayed stream to the client
// one event per Read, as a server that flushes each event does.
//
// # Bad recordings
//
// Replaying first checks the whole file ([Load]): YAML that does not
// parse (hand-edited, cut), a go-vcr format version other than 2, an
// exchange without a response (truncated), a JSON body that does not
// parse, a stream that ends without a finish_reason or [DONE], or an
// exchange of another API (OpenAI's Responses API: …/responses, "input",
// "response.*" objects and events) is a [*RecordingError] naming the file
// and the exchange, and the test fails before any request.
package replay
