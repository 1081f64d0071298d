package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrStrict is matched (errors.Is) by the error [Strict] returns for a
// schema OpenAI's strict mode (Structured Outputs, strict tool schemas)
// cannot express.
var ErrStrict = errors.New("the schema cannot be expressed in strict mode")

// Strict mode's limits, from OpenAI's Structured Outputs guide
// (https://platform.openai.com/docs/guides/structured-outputs, "Supported
// schemas"): objects nest at most 10 levels, hold at most 5,000
// properties in all, and enums at most 1,000 values in all.
const (
	strictMaxDepth      = 10
	strictMaxProperties = 5000
	strictMaxEnumValues = 1000
)

// strictUnsupported are the JSON Schema keywords strict mode does not
// support (the same guide: composition with allOf, not, if/then/else and
// the dependent keywords; objects' patternProperties,
// unevaluatedProperties, propertyNames, min/maxProperties; strings'
// min/maxLength; arrays' unevaluatedItems, contains and uniqueItems).
var strictUnsupported = []string{
	"allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas",
	"patternProperties", "unevaluatedProperties", "propertyNames", "minProperties", "maxProperties",
	"minLength", "maxLength", "unevaluatedItems", "contains", "minContains", "maxContains", "uniqueItems",
}

// Strict returns a copy of schema that OpenAI's strict mode accepts
// (strict: true), or an error matching [ErrStrict] that names where
// and why it cannot be. The rules (OpenAI's Structured Outputs guide,
// "Supported schemas"):
//
//   - the root is an object schema (a root "$ref" into "$defs" is inlined);
//   - every object sets additionalProperties to false — a schema that
//     allows other properties (true, or a schema for them: a map) cannot
//     be expressed;
//   - every property is required: an optional one is made required and
//     nullable (its type gains "null", an enum gains null, anything else
//     becomes anyOf [it, {"type": "null"}]), so the model sends null for
//     what it leaves out;
//   - every schema has a type (or is an enum, a const, an anyOf or a
//     "$ref"): OpenAI refuses one that "must have a 'type' key";
//   - the unsupported keywords (allOf, not, if/then/else, the dependent
//     keywords, patternProperties, unevaluatedProperties, propertyNames,
//     min/maxProperties, min/maxLength, unevaluatedItems, contains,
//     uniqueItems) are errors, as are more than 10 levels of nested
//     objects, 5,000 properties or 1,000 enum values.
//
// schema is not modified.
func Strict(schema map[string]any) (map[string]any, error) {
	if schema == nil {
		return nil, fmt.Errorf("%w: no schema", ErrStrict)
	}
	root, ok := deepCopy(schema).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: the schema is not a JSON object", ErrStrict)
	}
	if ref, ok := root["$ref"].(string); ok && root["type"] == nil {
		if def, ok := lookupDef(root, ref); ok {
			delete(root, "$ref")
			for k, v := range deepCopy(def).(map[string]any) {
				root[k] = v
			}
		}
	}
	if !isObjectSchema(root) {
		return nil, fmt.Errorf("%w: at #: the root must be an object schema (type \"object\"), not %s", ErrStrict, describeType(root))
	}
	s := strictWalk{}
	if err := s.walk(root, "#", 0); err != nil {
		return nil, err
	}
	return root, nil
}

// strictWalk counts what strict mode limits while it walks a schema.
type strictWalk struct {
	properties, enumValues int
}

func (s *strictWalk) walk(node map[string]any, at string, depth int) error {
	for _, k := range strictUnsupported {
		if _, ok := node[k]; ok {
			return fmt.Errorf("%w: at %s: strict mode does not support %q", ErrStrict, at, k)
		}
	}
	if !hasType(node) {
		return fmt.Errorf("%w: at %s: a schema without a type (any JSON value; a json.RawMessage, or a Go type with its own JSON encoding?): strict mode needs a type", ErrStrict, at)
	}
	if enum, ok := node["enum"].([]any); ok {
		if s.enumValues += len(enum); s.enumValues > strictMaxEnumValues {
			return fmt.Errorf("%w: at %s: more than %d enum values in all", ErrStrict, at, strictMaxEnumValues)
		}
	}
	if isObjectSchema(node) {
		if depth++; depth > strictMaxDepth {
			return fmt.Errorf("%w: at %s: objects nested more than %d levels deep", ErrStrict, at, strictMaxDepth)
		}
		if err := s.object(node, at, depth); err != nil {
			return err
		}
	}
	for _, k := range []string{"items", "additionalItems"} {
		if sub, ok := node[k].(map[string]any); ok {
			if err := s.walk(sub, at+"/"+k, depth); err != nil {
				return err
			}
		}
	}
	for _, k := range []string{"anyOf", "oneOf", "prefixItems"} {
		list, _ := node[k].([]any)
		for i, v := range list {
			if sub, ok := v.(map[string]any); ok {
				if err := s.walk(sub, fmt.Sprintf("%s/%s/%d", at, k, i), depth); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range []string{"$defs", "definitions"} {
		defs, _ := node[k].(map[string]any)
		for _, name := range sortedKeys(defs) {
			if sub, ok := defs[name].(map[string]any); ok {
				if err := s.walk(sub, at+"/"+k+"/"+name, depth); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// object applies the object rules to node and walks its properties.
func (s *strictWalk) object(node map[string]any, at string, depth int) error {
	switch ap := node["additionalProperties"].(type) {
	case nil:
	case bool:
		if ap {
			return fmt.Errorf("%w: at %s: additionalProperties true (an object with free keys) cannot be expressed; strict mode needs every property named", ErrStrict, at)
		}
	default:
		return fmt.Errorf("%w: at %s: additionalProperties with a schema (a map) cannot be expressed; strict mode needs every property named", ErrStrict, at)
	}
	node["additionalProperties"] = false
	props, _ := node["properties"].(map[string]any)
	if node["properties"] == nil {
		props = map[string]any{}
		node["properties"] = props
	}
	if s.properties += len(props); s.properties > strictMaxProperties {
		return fmt.Errorf("%w: at %s: more than %d properties in all", ErrStrict, at, strictMaxProperties)
	}
	required := map[string]bool{}
	if list, ok := node["required"].([]any); ok {
		for _, v := range list {
			if name, ok := v.(string); ok {
				required[name] = true
			}
		}
	} else if list, ok := node["required"].([]string); ok {
		for _, name := range list {
			required[name] = true
		}
	}
	names := sortedKeys(props)
	all := make([]any, 0, len(names))
	for _, name := range names {
		sub, ok := props[name].(map[string]any)
		if !ok {
			if _, isBool := props[name].(bool); isBool {
				return fmt.Errorf("%w: at %s/properties/%s: a schema without a type (true: any JSON value; a json.RawMessage, or a Go type with its own JSON encoding?): strict mode needs a type", ErrStrict, at, name)
			}
			return fmt.Errorf("%w: at %s/properties/%s: not a schema object", ErrStrict, at, name)
		}
		if err := s.walk(sub, at+"/properties/"+name, depth); err != nil {
			return err
		}
		if !required[name] {
			props[name] = nullable(sub)
		}
		all = append(all, name)
	}
	node["required"] = all
	return nil
}

// nullable makes an optional property's schema accept null.
func nullable(sub map[string]any) map[string]any {
	switch t := sub["type"].(type) {
	case string:
		if t != "null" {
			sub["type"] = []any{t, "null"}
		}
	case []any:
		if !slices.Contains(t, any("null")) {
			sub["type"] = append(t, "null")
		}
	default:
		if sub["enum"] == nil {
			return map[string]any{"anyOf": []any{sub, map[string]any{"type": "null"}}}
		}
	}
	if enum, ok := sub["enum"].([]any); ok && !slices.Contains(enum, nil) {
		sub["enum"] = append(enum, nil)
	}
	return sub
}

func isObjectSchema(node map[string]any) bool {
	switch t := node["type"].(type) {
	case string:
		return t == "object"
	case []any:
		return slices.Contains(t, any("object"))
	}
	return node["type"] == nil && node["properties"] != nil
}

func describeType(node map[string]any) string {
	if t, ok := node["type"]; ok {
		b, _ := json.Marshal(t)
		return "type " + string(b)
	}
	for _, k := range []string{"anyOf", "oneOf", "$ref", "enum"} {
		if _, ok := node[k]; ok {
			return "a schema with " + k
		}
	}
	return "a schema without a type"
}

// lookupDef resolves "#/$defs/Name" (or "#/definitions/Name") in root.
func lookupDef(root map[string]any, ref string) (map[string]any, bool) {
	for _, prefix := range []string{"#/$defs/", "#/definitions/"} {
		if name, ok := strings.CutPrefix(ref, prefix); ok {
			defs, _ := root[strings.TrimSuffix(strings.TrimPrefix(prefix, "#/"), "/")].(map[string]any)
			def, ok := defs[name].(map[string]any)
			return def, ok
		}
	}
	return nil, false
}

// deepCopy copies a decoded JSON value (maps, slices, scalars).
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	case []string:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = e
		}
		return c
	}
	return v
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// hasType reports whether node says what it holds: a type, or an enum, a
// const, a composition or a reference.
func hasType(node map[string]any) bool {
	for _, k := range []string{"type", "enum", "const", "anyOf", "oneOf", "$ref"} {
		if _, ok := node[k]; ok {
			return true
		}
	}
	return false
}
