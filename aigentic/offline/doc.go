// Package offline provides the built-in offline model: a deterministic,
// rule-based implementation of [ai.Model] that needs no API key and no
// network. Every example of this repository runs on it when OPENAI_API_KEY
// is not set, so an agent with tools can be run end to end on any machine.
//
//	agent := aigentic.Agent{Model: offline.NewModel(), AgentTools: tools}
//
// It is not a language model. It is a small planner that reads the
// conversation and the offered tools' names, descriptions and JSON schemas,
// and follows fixed rules. The same request always gets the same response.
// It holds no knowledge: every fact in its answers comes from the
// conversation or from tool results. Nothing in it knows about particular
// tools or examples; all of its tables are general (English stopwords,
// a small synonym table, number words, ~80 world cities and their IANA time
// zones).
//
// # What one Generate call does
//
// The model looks at the last user message and at the assistant and tool
// messages after it, and does one of four things.
//
// Choose tools, when no tool was called yet for the message. Each tool is
// scored: a word of its name (split on _ - and camelCase) found in the
// message scores 3 (1 for generic words such as "get" or "list"), a word of
// its description 1 (3 at most in all), after stopwords are dropped and
// words are stemmed ("multiplied"/"multiply", "researcher"/"research") and
// expanded with a small synonym table ("remember" → save/store/memory,
// "recall" → get/fetch, "forget" → clear, "plus"/"times" →
// calculator/arithmetic, "time" → clock). A question about the user's own
// details ("what is my ...", "what do you remember") is a weak hint (2 at
// most) towards recalling tools. Properties the message can fill add to the
// score: 3 for an arithmetic expression for an expression property, an
// e-mail address for an e-mail property, an IANA zone written out, or a
// "name is value" pair for a name/value tool; 2 for a known city for a time
// zone or place property, a mentioned enum value, or a quoted text after
// its keyword; 1 for numbers and other weak hints. A tool fits when it
// scores 3 or more.
//
// The best fitting tool is chosen, then every other whose evidence lies in
// parts of the message the chosen ones do not already explain — so "What
// is 15 multiplied by 23, plus 100? Also, what time is it in New York?"
// calls a calculator and a clock in one turn, while "remember that ..."
// calls save_memory but not get_memory. A tool is called once per value
// when the message holds several values of the kind that selected it ("the
// time in Tokyo and in London", "weather in Paris and Berlin"). A tool
// whose required properties cannot be filled is not called, and still
// keeps weaker tools off its part of the message. When nothing can be
// called and only one tool fits, its text properties get the message's
// text; properties with a strict format (an expression, an e-mail address,
// a time zone, a URL, a date) and numbers cannot be guessed that way, and
// the model asks for them instead.
//
// Tools that take a single free-text property (sub-agents, which take
// {"input": ...}) and are chosen together form a pipeline: they are called
// one per turn, in the order the message mentions them, each later one
// getting the message plus the previous tool's result. "Research X, then
// write a summary" thus calls the researcher, then the writer with the
// research.
//
// Fill arguments from the message by the schema. The message is split into
// parts (sentences, "also", ", then", "and what ..."), and each tool fills
// from its own part first. Numbers (digits and the words zero to ninety,
// hundred, thousand) go to integer or number properties, a number next to
// the property's own word first ("3 days" → days); enums take the value
// the message mentions (case-insensitive, "_" and "-" read as spaces);
// e-mail addresses go to e-mail properties (to, recipient, cc...); quoted
// text goes to the property named by the word before it (`subject "Hi"`,
// `saying "..."` → body); arithmetic in words or symbols becomes an
// expression ("15 multiplied by 23, plus 100" → "15 * 23 + 100"; a comma
// or "then" groups what came before: "2 plus 3, times 4" → "(2 + 3) * 4");
// a city or region becomes an IANA zone ("Tokyo" → "Asia/Tokyo") for a
// property named or described timezone, zone or IANA — or named location or
// city in a tool about time — and its name for other place properties
// (city, location, country), where a capitalised name after "in", "for"
// or "at" also counts; "remember that my favourite colour is blue",
// "colour: blue" and "set colour to blue" give name "favourite colour" and
// value "blue"; "what is my favourite colour?" gives the name alone; a
// search query gets the message without its leading command words; other
// text properties get the whole message without leading politeness. Only
// properties of the schema are emitted, with the schema's JSON types.
//
// Follow up on tool results. A result asking to be checked again ("still
// processing", "check again", "try again later", "pending", "in
// progress") makes the model call the same tool with the same arguments,
// at most 5 identical calls per user message; an error result counts only
// when it speaks of time ("try again later"), not a plain "invalid input,
// try again". Otherwise the next pipeline tool is called, if any.
//
// Write the final answer from this turn's results: each failed tool is
// named with its error message quoted, then every successful result is
// given verbatim, with the tool's name and its short arguments. With no
// tool fitting, the model answers from the conversation alone: a greeting
// for a greeting, "You told me earlier that your X is Y" when an earlier
// message said so, and otherwise — in the role the system instructions
// give ("You are a ...") — the task restated, its key phrases as bullet
// points, the items of any material passed along (such as a previous
// tool's result) quoted, and a note that it has no outside knowledge.
//
// Streaming: with Request.OnDelta set, the final text is also sent in
// word-sized pieces whose concatenation is the message content. Usage is
// estimated as one token per four characters of the messages, tool schemas
// and output.
//
// # Limits
//
// These rules read plain, literal English requests well and little else:
//
//   - No understanding: paraphrases that share no word (after stemming and
//     synonyms) with a tool's name or description, and fill none of its
//     properties, do not select it. Words with two meanings can select a
//     tool by accident ("times" in "how many times" counts as arithmetic).
//   - No data flow between tools except the single-input pipeline: "e-mail
//     me the weather in Paris" calls the weather and e-mail tools in the
//     same turn rather than one after the other. Repeated calls of one tool
//     in a turn only vary its one expression, zone, place or name/value
//     property.
//   - Arithmetic is read in standard precedence unless a comma or "then"
//     groups it; functions other than square root, and phrasings outside
//     the listed words, are not understood. Digit groups joined by hyphens
//     ("555-1234"), dates and clock times are never arithmetic.
//   - The city table is small (about 80 places); elsewhere only an IANA
//     name written out ("Europe/Berlin") is understood. Country names map
//     to one zone even where a country has several.
//   - Name/value extraction relies on the patterns above; other phrasings
//     fall back to free text or leave the property empty.
//   - Only the first 8 KB of a message are analysed for planning; free text
//     arguments still carry the whole message.
//   - Answers without tools only restate and organise the conversation:
//     the model cannot research, reason or write new content.
package offline
