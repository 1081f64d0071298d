package mcptools

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// FuzzCheckSchema: any JSON a server sends as an input schema is
// accepted or refused with ErrSchema, never a panic; an accepted one is
// an object schema, within the limits, with only local references.
//
//	go test -fuzz FuzzCheckSchema ./aigentic/mcptools/
func FuzzCheckSchema(f *testing.F) {
	for _, s := range []string{
		`{"type":"object","properties":{"order_id":{"type":"string","pattern":"^ord_[0-9]+$"}},"required":["order_id"]}`,
		`{}`, `[]`, `"x"`, `null`, `{"type":"array"}`,
		`{"type":"object","$defs":{"a":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/a"}}}`,
		`{"type":"object","properties":{"a":{"$ref":"file:///etc/passwd"}}}`,
		`{"type":"object","$id":"file:///tmp/","properties":{"a":{"$ref":"x.json"}}}`,
		`{"$schema":"http://json-schema.org/draft-04/schema#","type":"object"}`,
		`{"type":"object","properties":{"n":{"type":"integer","minimum":"zero"}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var v any
		if json.Unmarshal([]byte(raw), &v) != nil {
			return
		}
		m, err := checkSchema(v)
		if err != nil {
			if !strings.Contains(err.Error(), "unusable tool input schema") {
				t.Fatalf("error %v does not wrap ErrSchema", err)
			}
			return
		}
		if m["type"] != "object" || depth(m) > MaxSchemaDepth || localRefs(m) != nil {
			t.Fatalf("accepted %s", raw)
		}
	})
}

// FuzzExposedName: every tool name a server may send becomes a valid,
// bounded tool name; distinct long names stay distinct.
func FuzzExposedName(f *testing.F) {
	for _, s := range []string{"get_order", "get.order", "über", "", strings.Repeat("x", 200), "a b/c\x00"} {
		f.Add("orders_", s)
	}
	f.Fuzz(func(t *testing.T, prefix, name string) {
		got := exposedName(prefix, name)
		if len(got) > 64 {
			t.Fatalf("%q: %d bytes", got, len(got))
		}
		for i := 0; i < len(got); i++ {
			if !nameByte(got[i]) {
				t.Fatalf("%q holds %q", got, got[i])
			}
		}
		if long := prefix + name + "!"; len(prefix+name) > 64 && exposedName(prefix, name+"!") == got && len(long) > 64 {
			t.Fatalf("%q and %q are both %q", name, name+"!", got)
		}
	})
}

// FuzzToResult: any text is cut to the limit on a UTF-8 boundary, with
// the marker, valid UTF-8.
func FuzzToResult(f *testing.F) {
	f.Add("hello", 3)
	f.Add(strings.Repeat("é", 100), 51)
	f.Add("\xff\xfe", 1)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		r := toResult(&mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, max)
		s := r.String()
		if !utf8.ValidString(s) || !r.Untrusted {
			t.Fatalf("result %q (untrusted %v)", s, r.Untrusted)
		}
		if clean := strings.ToValidUTF8(text, "\uFFFD"); len(clean) > max && !strings.Contains(s, "result cut by the MCP client") {
			t.Fatalf("a %d-byte text over %d was not marked cut: %q", len(clean), max, s)
		}
		body, _, _ := strings.Cut(s, "\n[result cut")
		if len(body) > max {
			t.Fatalf("kept %d bytes, limit %d", len(body), max)
		}
	})
}

// FuzzTail: whatever is written, the ring keeps at most its size.
func FuzzTail(f *testing.F) {
	f.Add([]byte("line one\nline two\n"), []byte("three"), 8)
	f.Fuzz(func(t *testing.T, a, b []byte, size int) {
		if size < 0 || size > 4096 {
			return
		}
		tl := newTail(size)
		tl.Write(a)
		tl.Write(b)
		all := string(a) + string(b)
		if tl.Total() != int64(len(all)) {
			t.Fatalf("total %d, want %d", tl.Total(), len(all))
		}
		got := tl.String()
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
		if len(all) <= size && strings.ToValidUTF8(all, "\uFFFD") != got && !strings.Contains(got, "[REDACTED]") {
			t.Fatalf("kept %q of %q", got, all)
		}
	})
}
