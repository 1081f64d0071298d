// Package ai defines the provider-neutral vocabulary of the aigentic runtime:
// the conversation messages sent to a model, the tools it may call, the
// response it returns, the results tools hand back, and the error kinds that
// tell a transient failure (worth retrying) from a permanent one.
//
// Every model provider — the embedded offline model, the OpenAI provider, the
// test doubles in package aitest, or a user's own — implements [Model].
// Providers never retry on their own: the agent's Retries setting is the one
// retry layer, and it reads the [ModelError] a provider returns to decide.
// An answer that ended for a reason other than a finished reply — the
// output token limit, a content filter — is an error too, the same for
// every provider: [TruncatedError] ([ErrOutputTruncated]) and
// [ContentFilterError] ([ErrContentFiltered]), both permanent.
package ai
