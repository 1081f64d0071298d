// Package secret knows the secrets the process holds and removes them from
// text the runtime writes: trace files, log records, error strings, events
// and span attributes. It imports nothing else of this module, so both
// aigentic and aigentic/openai (and any provider) can use it without an
// import cycle; aigentic.Redact is the public entry point and calls [Redact].
//
// # What it knows
//
//   - Values registered in code: [Register]. openai.New and openai.NewModel
//     register their API key, whatever its format, so a key passed in code
//     is known from the moment a model is built.
//   - The environment: the values of OPENAI_API_KEY and AIGENTIC_API_KEY
//     are read on every call to [Redact] (so a key set later — by a .env
//     loader, which sets the environment, or by a test — is known at once),
//     and on the first call every variable whose name looks like a
//     credential ([IsSecretName]: …_KEY, …_TOKEN, …_SECRET, …_PASSWORD, …)
//     is registered. Call [RegisterEnviron] after loading a .env file that
//     adds other credentials.
//   - Patterns, whatever their value: OpenAI-style keys (sk-…), bearer
//     tokens, and "authorization: …" / "api_key=…" pairs.
//
// Each registered value is matched verbatim and in the forms it takes when
// written into JSON (escaped once and twice, with and without HTML
// escaping, and with non-ASCII as \uXXXX) and into URLs (query and path
// escaping), so it is caught inside tool arguments, JSON bodies, query
// strings and Authorization headers ("Bearer <key>") alike. Text holding
// JSON escapes of printable ASCII characters ("sk\u002dproj-…", "a\/b",
// once or twice escaped), which any JSON decoder reads as the plain
// characters, is also checked with them decoded, for values and patterns.
//
// Values shorter than [MinLen] (8 bytes) are not registered: a short value
// is far more likely to be an ordinary word or number than a credential,
// and replacing it everywhere would destroy normal text. Real API keys are
// much longer (OpenAI's are over 40 characters).
//
// # What it cannot catch
//
// Redaction is matching, not understanding. It misses a secret that was
// transformed before it reached the text: re-encoded (base64, hex, an
// escaping other than the JSON and URL forms above), re-cased, split across two writes (a streamed ContentEvent
// delta, two log records), cut by a truncation made before redaction,
// spelled with separators, or translated — for example a model asked to
// "repeat the key backwards" or a tool that hashes or summarises its input.
// It also does not know a secret the process never held as a whole string
// (a key assembled inside a tool from parts) unless that tool registers it.
// Keeping secrets out of prompts and tool arguments remains the real
// defence; redaction is the net under it.
//
// Registered values stay registered for the life of the process: there is
// no way to unregister, so a rotated key is still redacted.
package secret
