// Package ai defines the provider-neutral vocabulary of the aigentic runtime:
// the conversation messages sent to a model, the tools it may call, the
// response it returns, the results tools hand back, and the error kinds that
// tell a transient failure (worth retrying) from a permanent one.
//
// Every model provider — the embedded offline model, the OpenAI provider, the
// test doubles in package aitest, or a user's own — implements [Model].
// Providers never retry on their own: the agent's Retries setting is the one
// retry layer, and it reads the [ModelError] a provider returns to decide.
// An answer that ended for a reason other than a finished reply — a token
// limit, a content filter, a refusal — is an error too, the same for every
// provider: [TruncatedError] ([ErrOutputTruncated]), [ContentFilterError]
// ([ErrContentFiltered]) and [RefusalError] ([ErrRefused]), all permanent.
// A tool call the provider rejected as malformed is the model's mistake,
// not the request's: [ToolUseFailedError] ([ErrToolUseFailed]) lets a run
// loop give the model another turn.
//
// What a model returns beyond its text and calls is kept with the message:
// its reasoning ([Message].Reasoning) and what the provider needs back
// verbatim on later requests ([Opaque], on a message or a tool call: a
// Gemini thought signature, encrypted reasoning items).
package ai
