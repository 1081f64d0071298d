// Package offline is the built-in offline model: a deterministic [ai.Model] that needs no API key and no network, so
// every example runs anywhere. It is not a language model and knows no facts nor any particular tool. From the request
// alone (messages, and the tools' names, descriptions and JSON schemas) it chooses the tools whose words and schemas
// fit the user's message, fills their arguments by the schemas (pattern, enum, format, bounds, the examples' shapes,
// ID-like words, quotes, cues, numbers in the unit asked), asks for a required value it cannot find, chains sub-agents,
// answers from the tool results, and writes the typed answers Request.ResponseFormat asks for. Every value is checked
// against its schema. The rules, weights and limits are in this folder's README.md.
package offline
