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
	strict, err := schema.Strict(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrOutputType, t, err)
	}
	return strict, nil
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
