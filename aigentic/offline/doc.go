// Package offline is the built-in offline model: a deterministic
// [ai.Model] that needs no API key and no network, so every example runs
// on any machine. It is not a language model and holds no knowledge; it
// knows nothing of particular tools or examples. From the request alone —
// the messages, and the tools' names, descriptions and JSON schemas — it:
//
//   - chooses the tool whose name and description share words with the
//     user's message (after stopwords and stemming), or whose properties
//     find values in it; one per clause when the message asks several
//     things, once per value when it lists several; sub-agents ({"input"})
//     one after the other, in the order the message names them;
//   - fills each argument by its schema: pattern, enum, format (date,
//     date-time, email, uri, uuid), type and bounds, the shape of the
//     examples in the description ("like ABC-123") or in "examples",
//     ID-like words (#1042, ord_7f3a, "order 1043"), quoted text, numbers
//     with their unit ("3 days"), booleans, arrays and nested objects —
//     every value checked against the schema;
//   - asks for a required value it cannot find, rather than call with junk;
//   - answers from the tool results (quoting errors), then stops;
//   - writes Request.ResponseFormat's typed answers: JSON of the schema,
//     drawn from the request and the results.
//
// Usage is estimated as one token per four characters of JSON. The rules,
// their weights and their limits are in this folder's README.md.
package offline
