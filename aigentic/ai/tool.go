package ai

import "strings"

// ToolContent is one piece of a tool's output.
type ToolContent struct {
	// Type is the content type; "text" is the one every model understands.
	Type string `json:"type"`
	// Content is the text itself.
	Content string `json:"content"`
}

// ToolResult is what a tool hands back to the agent.
//
// Error: true tells the model the tool failed (bad input, a missing record)
// while the run goes on: the model sees the content and can recover. A Go
// error returned from a tool, in contrast, stops the run.
type ToolResult struct {
	Content []ToolContent `json:"content"`
	Error   bool          `json:"error,omitempty"`
	// Untrusted marks content that came from outside the program — a web
	// page, an e-mail, an MCP server's answer — and may carry instructions
	// aimed at the model (prompt injection). The runtime sends it to the
	// model delimited as data, with text imitating the delimiters
	// neutralised, and guards may refuse it.
	Untrusted bool `json:"untrusted,omitempty"`
}

// textResult holds a result and its one content in a single allocation.
type textResult struct {
	r ToolResult
	c [1]ToolContent
}

// Text returns a successful result holding one text content.
func Text(s string) *ToolResult {
	t := &textResult{c: [1]ToolContent{{Type: "text", Content: s}}}
	t.r.Content = t.c[:]
	return &t.r
}

// ErrorText returns a result holding one text content, marked as an error
// the model sees.
func ErrorText(s string) *ToolResult {
	r := Text(s)
	r.Error = true
	return r
}

// String joins the result's contents with newlines.
func (r *ToolResult) String() string {
	if r == nil {
		return ""
	}
	if len(r.Content) == 1 {
		return r.Content[0].Content
	}
	var b strings.Builder
	for i, c := range r.Content {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.Content)
	}
	return b.String()
}
