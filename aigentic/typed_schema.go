package aigentic

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic/schema"
)

// ErrOutputType is matched (errors.Is) by the error NewOutput, ExecuteAs
// and StartAs return, before any model call, for a type T that cannot be
// a typed answer: not a struct, or holding something OpenAI's strict
// schemas cannot express (see NewOutput).
var ErrOutputType = errors.New("aigentic: type cannot be a typed answer")

// Strict mode's limits, from OpenAI's Structured Outputs guide
// (https://platform.openai.com/docs/guides/structured-outputs, "Supported
// schemas"): objects nest at most 10 levels, hold at most 5,000
// properties in all, and enums at most 1,000 values in all.
const (
	strictMaxDepth      = 10
	strictMaxProperties = 5000
	strictMaxEnumValues = 1000
)

// strictUnsupported are the JSON Schema keywords strict mode rejects (the
// same guide): composition with allOf, not and if/then/else, the
// dependent keywords, objects' patternProperties, unevaluatedProperties,
// propertyNames and min/maxProperties, strings' min/maxLength, arrays'
// unevaluatedItems, contains and uniqueItems. A `jsonschema` struct tag
// can bring them in.
var strictUnsupported = []string{
	"allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas",
	"patternProperties", "unevaluatedProperties", "propertyNames", "minProperties", "maxProperties",
	"minLength", "maxLength", "unevaluatedItems", "contains", "minContains", "maxContains", "uniqueItems",
}

// outputSchema derives the strict JSON schema of T's answers: NewTool's
// schema (schema.For) with every property required — an optional one
// (omitempty) made nullable, so a model sends null for what it leaves
// out — after checking that T can be expressed (checkOutputType) and that
// the schema keeps to strict mode's keywords and limits.
func outputSchema(t reflect.Type) (map[string]any, error) {
	if err := checkOutputType(t); err != nil {
		return nil, err
	}
	m, err := schema.For(t)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOutputType, err)
	}
	s := strictWalk{}
	if err := s.walk(m, "#", 0); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrOutputType, t, err)
	}
	return m, nil
}

// checkOutputType walks T as encoding/json sees it and refuses what a
// strict schema cannot describe, naming the field: maps (the model would
// choose the keys; strict mode needs every property named, with
// additionalProperties false), interfaces (any JSON at all), channels,
// functions and complex numbers (not JSON), and recursive types (schema.For
// expands every type in place).
func checkOutputType(t reflect.Type) error {
	if t == nil {
		return fmt.Errorf("%w: nil type (an interface type?): use a struct", ErrOutputType)
	}
	root := t
	for root.Kind() == reflect.Pointer {
		root = root.Elem()
	}
	if root.Kind() != reflect.Struct {
		return fmt.Errorf("%w: %s is not a struct: a typed answer is a JSON object; wrap the value in a struct field", ErrOutputType, t)
	}
	return checkType(root, root.Name(), nil)
}

// checkType checks t, found at path, with the struct types being walked
// in stack.
func checkType(t reflect.Type, path string, stack []reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: %s (%s) %s", ErrOutputType, path, t, why)
	}
	switch t.Kind() {
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return bad("is a map with non-string keys: JSON object keys are strings, and strict mode needs every property named in the schema (additionalProperties false); use a slice of key/value structs")
		}
		return bad("is a map: its keys would be the model's choice, and strict mode needs every property named in the schema (additionalProperties false); use a struct, or a slice of key/value structs")
	case reflect.Interface:
		return bad("is an interface: it has no schema (any JSON would do); use a concrete type")
	case reflect.Chan, reflect.Func, reflect.UnsafePointer, reflect.Complex64, reflect.Complex128:
		return bad("cannot be encoded as JSON")
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // []byte: a base64 string
		}
		return checkType(t.Elem(), path+"[]", stack)
	case reflect.Struct:
		if slices.Contains(stack, t) {
			return bad("refers to itself: recursive types are not supported; give the nesting a fixed depth")
		}
		if t.PkgPath() == "time" && t.Name() == "Time" {
			return nil // a date-time string
		}
		stack = append(stack, t)
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() && !f.Anonymous {
				continue
			}
			fp := path + "." + f.Name
			if f.Anonymous {
				fp = path
			}
			if err := checkType(f.Type, fp, stack); err != nil {
				return err
			}
		}
	}
	return nil
}

// strictWalk makes a derived schema strict in place and checks it,
// counting what strict mode limits.
type strictWalk struct {
	properties, enumValues int
}

func (s *strictWalk) walk(node map[string]any, at string, depth int) error {
	for _, k := range strictUnsupported {
		if _, ok := node[k]; ok {
			return fmt.Errorf("at %s: strict mode does not support %q (from a jsonschema tag?)", at, k)
		}
	}
	if node["type"] == nil && node["enum"] == nil && node["const"] == nil && node["anyOf"] == nil {
		return fmt.Errorf("at %s: a schema without a type (a json.RawMessage, or a type with its own JSON encoding?): strict mode needs one", at)
	}
	if enum, ok := node["enum"].([]any); ok {
		if s.enumValues += len(enum); s.enumValues > strictMaxEnumValues {
			return fmt.Errorf("at %s: more than %d enum values in all", at, strictMaxEnumValues)
		}
	}
	if node["type"] == "object" {
		if depth++; depth > strictMaxDepth {
			return fmt.Errorf("at %s: objects nested more than %d levels deep", at, strictMaxDepth)
		}
		if err := s.object(node, at, depth); err != nil {
			return err
		}
	}
	if items, ok := node["items"].(map[string]any); ok {
		return s.walk(items, at+"/items", depth)
	}
	if anyOf, ok := node["anyOf"].([]any); ok {
		for i, v := range anyOf {
			if sub, ok := v.(map[string]any); ok {
				if err := s.walk(sub, fmt.Sprintf("%s/anyOf/%d", at, i), depth); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// object requires every property of an object schema, nullable when it
// was optional, and closes the object.
func (s *strictWalk) object(node map[string]any, at string, depth int) error {
	if ap, ok := node["additionalProperties"]; ok && ap != false {
		return fmt.Errorf("at %s: an object with free keys: strict mode needs every property named", at)
	}
	node["additionalProperties"] = false
	props, _ := node["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		node["properties"] = props
	}
	if s.properties += len(props); s.properties > strictMaxProperties {
		return fmt.Errorf("at %s: more than %d properties in all", at, strictMaxProperties)
	}
	required := map[string]bool{}
	switch list := node["required"].(type) {
	case []any:
		for _, v := range list {
			if name, ok := v.(string); ok {
				required[name] = true
			}
		}
	case []string:
		for _, name := range list {
			required[name] = true
		}
	}
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(names)
	all := make([]any, len(names))
	for i, name := range names {
		sub, ok := props[name].(map[string]any)
		if !ok {
			return fmt.Errorf("at %s/properties/%s: a schema without a type (any JSON value): strict mode needs one", at, name)
		}
		if err := s.walk(sub, at+"/properties/"+name, depth); err != nil {
			return err
		}
		if !required[name] {
			props[name] = nullable(sub)
		}
		all[i] = name
	}
	node["required"] = all
	return nil
}

// nullable makes an optional property's schema accept null: the rule
// OpenAI gives for optional fields in strict mode, and the one package
// openai's StrictSchema applies.
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

// outputName is the schema's name from T: its type name with anything
// but letters, digits, _ and - replaced by _, at most 64 characters
// (OpenAI's rule for json_schema.name); "answer" for an unnamed type.
func outputName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return schemaNameFrom(t.Name())
}

func schemaNameFrom(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) > 64 {
		b = b[:64]
	}
	if len(b) == 0 {
		return "answer"
	}
	return string(b)
}

// validSchemaName reports whether s is 1-64 letters, digits, _ or -.
func validSchemaName(s string) bool { return s != "" && schemaNameFrom(s) == s }

// cloneSchema deep-copies a decoded JSON schema, so a caller cannot
// change the one an Output uses.
func cloneSchema(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var c map[string]any
	_ = json.Unmarshal(b, &c)
	return c
}
