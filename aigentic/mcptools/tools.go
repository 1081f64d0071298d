package mcptools

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// toolDef is one of a server's tools as the model sees it.
type toolDef struct {
	// name is the server's name of the tool; exposed the model's.
	name, exposed string
	description   string
	schema        map[string]any
	approval      bool
}

// buildTools turns a server's tool list into the definitions offered to
// a model: the allowed tools, named, described and with checked schemas.
// Any tool that cannot be offered is an error naming it.
func buildTools(s *Server, list []*mcp.Tool) ([]toolDef, error) {
	if len(list) > MaxTools {
		return nil, &ToolListError{Server: s.Name, Err: fmt.Errorf("%w: %d tools listed, at most %d", ErrTooManyTools, len(list), MaxTools)}
	}
	prefix := s.Name + "_"
	if s.NoPrefix {
		prefix = ""
	}
	defs := make([]toolDef, 0, len(list))
	byExposed := map[string]string{}
	seen := map[string]bool{}
	for i, t := range list {
		if t == nil {
			continue
		}
		if t.Name == "" {
			return nil, &ToolListError{Server: s.Name, Err: fmt.Errorf("%w: tool #%d has an empty name", ErrToolName, i+1)}
		}
		if s.Allow != nil && !slices.Contains(s.Allow, t.Name) {
			continue
		}
		if seen[t.Name] {
			return nil, &ToolListError{Server: s.Name, Tool: clipName(t.Name), Err: fmt.Errorf("%w: listed twice", ErrDuplicateTool)}
		}
		seen[t.Name] = true
		sch, err := checkSchema(t.InputSchema)
		if err != nil {
			return nil, &ToolListError{Server: s.Name, Tool: clipName(t.Name), Err: err}
		}
		exposed := exposedName(prefix, t.Name)
		if other, ok := byExposed[exposed]; ok {
			return nil, &ToolListError{Server: s.Name, Tool: clipName(t.Name), Err: fmt.Errorf("%w: it and tool %q are both %q once made a valid tool name", ErrDuplicateTool, clipName(other), exposed)}
		}
		byExposed[exposed] = t.Name
		defs = append(defs, toolDef{
			name:        t.Name,
			exposed:     exposed,
			description: description(t),
			schema:      sch,
			approval:    slices.Contains(s.RequireApproval, t.Name),
		})
	}
	return defs, nil
}

// exposedName is prefix+name as a tool name model APIs accept: bytes
// other than letters, digits, _ and - replaced by _, and a name longer
// than 64 bytes cut to 55 and ended with _ and 8 hex digits of the
// SHA-256 of the whole, so cut names stay distinct.
func exposedName(prefix, name string) string {
	full := prefix + name
	b := []byte(full)
	for i, c := range b {
		if !nameByte(c) {
			b[i] = '_'
		}
	}
	if len(b) <= 64 {
		return string(b)
	}
	sum := sha256.Sum256([]byte(full))
	return string(b[:55]) + "_" + hex.EncodeToString(sum[:4])
}

// description is what the model reads about t: its description, else
// its title, cut to MaxDescriptionBytes on a UTF-8 boundary.
func description(t *mcp.Tool) string {
	d := t.Description
	if d == "" {
		d = t.Title
	}
	if d == "" && t.Annotations != nil {
		d = t.Annotations.Title
	}
	d = strings.ToValidUTF8(d, "\uFFFD")
	if len(d) > MaxDescriptionBytes {
		n := MaxDescriptionBytes
		for n > 0 && !utf8.RuneStart(d[n]) {
			n--
		}
		d = d[:n] + "…"
	}
	return d
}

// knownDrafts are the $schema values accepted: drafts whose identifier
// keyword is $id and which the validator knows without loading anything.
var knownDrafts = map[string]bool{
	"https://json-schema.org/draft/2020-12/schema":  true,
	"https://json-schema.org/draft/2020-12/schema#": true,
	"https://json-schema.org/draft/2019-09/schema":  true,
	"https://json-schema.org/draft/2019-09/schema#": true,
	"http://json-schema.org/draft-07/schema":        true,
	"http://json-schema.org/draft-07/schema#":       true,
	"http://json-schema.org/draft-06/schema":        true,
	"http://json-schema.org/draft-06/schema#":       true,
}

// checkSchema checks a server's input schema and returns it as the map
// the runtime validates with: an object schema ("type": "object"; one
// with no type gets it) of at most MaxSchemaBytes and MaxSchemaDepth,
// whose references stay inside it ($ref and $dynamicRef start with "#",
// no $id, a $schema among knownDrafts — so compiling it reads no file and
// no URL), that aigentic/schema compiles. Errors wrap ErrSchema.
func checkSchema(v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: the input schema is a %s, not a JSON object", ErrSchema, jsonKind(v))
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchema, err)
	}
	if len(raw) > MaxSchemaBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrSchema, len(raw), MaxSchemaBytes)
	}
	if d := depth(m); d > MaxSchemaDepth {
		return nil, fmt.Errorf("%w: nested %d deep, at most %d", ErrSchema, d, MaxSchemaDepth)
	}
	switch typ, has := m["type"]; {
	case !has:
		m = cloneTop(m)
		m["type"] = "object"
	case typ != "object":
		return nil, fmt.Errorf("%w: type is %s, want \"object\"", ErrSchema, clipJSON(typ))
	}
	if err := localRefs(m); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSchema, err)
	}
	if _, err := schema.Compile(m); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrSchema, oneLine(err.Error(), 400))
	}
	return m, nil
}

// oneLine joins a multi-line message's trimmed lines with "; " and cuts
// it to n bytes.
func oneLine(s string, n int) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "- ")); l != "" {
			parts = append(parts, l)
		}
	}
	return clipText(strings.Join(parts, "; "), n)
}

// depth is the nesting depth of objects and arrays in v (an object of
// scalars is 1).
func depth(v any) int {
	d := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			d = max(d, depth(e))
		}
		return d + 1
	case []any:
		for _, e := range x {
			d = max(d, depth(e))
		}
		return d + 1
	}
	return 0
}

// localRefs fails for a schema keyword that could make the validator
// load something: a $ref or $dynamicRef not starting with "#", any $id,
// or a $schema it does not know. (Its default loader reads local files:
// a server's schema must not make this process read them.)
func localRefs(v any) error {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "$ref", "$dynamicRef", "$recursiveRef":
				s, ok := e.(string)
				if !ok || !strings.HasPrefix(s, "#") {
					return fmt.Errorf("%s %s refers outside the schema", k, clipJSON(e))
				}
			case "$id":
				return fmt.Errorf("$id %s is not allowed (it would change how references resolve)", clipJSON(e))
			case "$schema":
				s, _ := e.(string)
				if !knownDrafts[s] {
					return fmt.Errorf("$schema %s is not a known draft", clipJSON(e))
				}
			}
			if err := localRefs(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := localRefs(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func cloneTop(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// clipJSON is v as JSON for an error, at most 60 bytes.
func clipJSON(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:60], "") + "…"
	}
	return s
}
