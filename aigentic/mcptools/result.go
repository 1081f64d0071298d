package mcptools

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// CutMarker ends a result cut to MaxResultBytes; its verbs are the bytes
// kept and the bytes the result had.
const CutMarker = "\n[result cut by the MCP client: the first %d of %d bytes are shown]"

// toResult turns a tools/call result into what the model reads: its text
// contents in order, a line for each image, audio or binary resource
// (their data is not sent), the structured content as JSON when there is
// no text, cut to max bytes. It is marked Untrusted — it came from
// outside the program — and Error when the server set isError.
func toResult(res *mcp.CallToolResult, max int) *ai.ToolResult {
	var b strings.Builder
	w := &capped{b: &b, max: max}
	for i, c := range res.Content {
		if i > 0 {
			w.WriteString("\n")
		}
		switch c := c.(type) {
		case *mcp.TextContent:
			w.WriteString(c.Text)
		case *mcp.ImageContent:
			fmt.Fprintf(w, "[image, %s, %d bytes: not shown]", mimeOr(c.MIMEType), len(c.Data))
		case *mcp.AudioContent:
			fmt.Fprintf(w, "[audio, %s, %d bytes: not shown]", mimeOr(c.MIMEType), len(c.Data))
		case *mcp.ResourceLink:
			fmt.Fprintf(w, "[resource link %q: %s]", c.Name, c.URI)
		case *mcp.EmbeddedResource:
			switch r := c.Resource; {
			case r == nil:
				w.WriteString("[empty resource]")
			case r.Blob == nil:
				w.WriteString(r.Text)
			default:
				fmt.Fprintf(w, "[resource %s, %s, %d bytes: not shown]", r.URI, mimeOr(r.MIMEType), len(r.Blob))
			}
		default:
			fmt.Fprintf(w, "[%T content: not shown]", c)
		}
	}
	if len(res.Content) == 0 && res.StructuredContent != nil {
		if raw, err := json.Marshal(res.StructuredContent); err == nil {
			w.WriteString(string(raw))
		}
	}
	text := b.String()
	if w.total > max {
		text += fmt.Sprintf(CutMarker, len(b.String()), w.total)
	}
	r := ai.Text(text)
	r.Error = res.IsError
	r.Untrusted = true
	return r
}

func mimeOr(m string) string {
	if m == "" {
		return "no MIME type"
	}
	return m
}

// capped is a writer that keeps the first max bytes (cut on a UTF-8
// boundary, invalid UTF-8 replaced by U+FFFD first) and counts all of
// them.
type capped struct {
	b     *strings.Builder
	max   int
	total int
	full  bool
}

func (c *capped) Write(p []byte) (int, error) {
	c.WriteString(string(p))
	return len(p), nil
}

func (c *capped) WriteString(s string) {
	s = strings.ToValidUTF8(s, "\uFFFD")
	c.total += len(s)
	if c.full {
		return
	}
	room := c.max - c.b.Len()
	if len(s) > room {
		n := room
		for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
		c.full = true
	}
	c.b.WriteString(s)
}
