// Package schema derives JSON schemas from Go types and checks JSON values
// against them: the one place where the runtime's tool arguments, typed
// answers and MCP tools' inputs are validated (JSON Schema draft 2020-12,
// with github.com/santhosh-tekuri/jsonschema/v6; schemas from Go types with
// github.com/invopop/jsonschema).
//
// Validation errors are one line, each problem as "/path: what is wrong",
// for a model to read and correct.
package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	invopop "github.com/invopop/jsonschema"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ErrRecursive is matched by the error For returns for a type that
// contains itself (a tree node with children of its own type): schemas are
// expanded in place, so its schema would never end.
var ErrRecursive = errors.New("schema: recursive type")

// ErrInvalid is matched (errors.Is) by every error Compile returns for a
// schema that is not one: not JSON, not a valid JSON Schema, or a
// reference that cannot be resolved.
var ErrInvalid = errors.New("schema: invalid JSON schema")

// For derives the JSON object schema of a Go struct type: field names from
// `json` tags, descriptions from `description` (or
// `jsonschema_description`) tags, fields without `omitempty` required,
// extra properties rejected, no $ref (every type expanded in place). The
// other keywords come from invopop's `jsonschema` tag, comma-separated:
// `jsonschema:"pattern=^[A-Z]{3}-[0-9]{3}$"`, `jsonschema:"enum=ups,enum=dhl"`,
// `jsonschema:"format=date"`, `jsonschema:"minimum=0.1,maximum=30"` — a tag
// of another name (`pattern:"..."`) is not read. It fails for a type that
// is not a struct (after pointers).
//
// invopop splits the `jsonschema` tag at every comma, so a comma inside a
// value is written \, — in Go source `\\,`:
// `jsonschema:"pattern=^[A-Z]{2}[0-9]{3\\,4}$"` is the pattern
// ^[A-Z]{2}[0-9]{3,4}$, and `jsonschema:"description=the city\\, e.g.
// Paris"` keeps its whole description. A segment that is not
// keyword=value with a keyword invopop reads, nor the flag required,
// nullable or -, is the rest of a value cut at an unescaped comma (or a
// typo): For returns an error matching ErrTagValue that names the field,
// rather than a schema with the value silently cut.
//
// Where invopop's reflection does not match encoding/json, which decodes
// the values (see mapType): a type decoded from a string by UnmarshalText
// (netip.Addr, netip.Prefix, a UUID type) is {"type": "string"}; a Go
// integer has its type's range as minimum and maximum (a tag's tighter
// bound wins; see intBounds for the 64-bit bounds); a time.Duration is an
// integer whose description says it counts nanoseconds (durationNote).
// Types with their own JSON encoding (json.Marshaler, json.Unmarshaler)
// other than time.Time ({"type": "string", "format": "date-time"}) are
// described by their Go kind and fields, as invopop does: give them a
// JSONSchema method. Fields of one JSON name that encoding/json resolves
// differently from the schema are an error matching ErrFieldConflict.
func For(t reflect.Type) (map[string]any, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schema: %v is not a struct type", t)
	}
	if path := recursion(t, nil, map[reflect.Type]bool{}); path != "" {
		return nil, fmt.Errorf("%w: %v refers to itself (%s): its schema would be infinite; give the recursive field a type of its own", ErrRecursive, t, path)
	}
	if err := checkFields(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	if err := checkTags(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	r := invopop.Reflector{
		Mapper:         mapType,
		Anonymous:      true,
		DoNotReference: true,
		ExpandedStruct: true,
		LookupComment: func(st reflect.Type, field string) string {
			if field == "" || st.Kind() != reflect.Struct {
				return ""
			}
			if f, ok := st.FieldByName(field); ok {
				return f.Tag.Get("description")
			}
			return ""
		},
	}
	s := r.ReflectFromType(t)
	s.Version = ""
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("schema for %s: %w", t, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("schema for %s: %w", t, err)
	}
	if m["type"] != "object" {
		return nil, fmt.Errorf("schema for %s is not an object schema", t)
	}
	applyBounds(m)
	return m, nil
}

// Validator checks decoded JSON values against one compiled schema. It is
// safe for concurrent use.
type Validator struct {
	lib *jsonschema.Schema
	// flat is an allocation-free fast path for the schema shape most tools
	// have (see flatValidator); nil when the schema holds more.
	flat *flatValidator
}

// Compile checks and compiles schema (nil means any object). Compiling
// the same schema again returns the same Validator from a bounded cache, so
// a tool defined once is compiled once. Errors wrap ErrInvalid. A count
// (maxLength, minItems, …) above math.MaxInt64 is read as math.MaxInt64,
// which means the same (clampCounts).
func Compile(schema map[string]any) (*Validator, error) {
	if schema == nil {
		schema = map[string]any{"type": "object"}
	}
	key, err := json.Marshal(schema)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	cache.Lock()
	v, ok := cache.m[string(key)]
	cache.Unlock()
	if ok {
		return v, nil
	}
	v, err = compile(key, schema)
	if err != nil {
		return nil, err
	}
	cache.Lock()
	if cache.m == nil {
		cache.m = make(map[string]*Validator)
	}
	if len(cache.m) < cacheMax {
		cache.m[string(key)] = v
	}
	cache.Unlock()
	return v, nil
}

// cache holds compiled schemas keyed by their canonical JSON.
var cache struct {
	sync.Mutex
	m map[string]*Validator
}

// cacheMax bounds the cache: a program defines its tools once, but MCP
// servers and typed answers may bring schemas of their own.
const cacheMax = 1024

func compile(raw []byte, schema map[string]any) (*Validator, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	clampCounts(doc)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	// No loader: a $ref outside the schema ("file:///etc/passwd", a URL, a
	// relative path) is refused, never read — schemas come from MCP servers
	// and models, and what a loaded file holds would reach the model in
	// validation errors. The meta-schemas are built in.
	c.UseLoader(jsonschema.SchemeURLLoader{})
	if err := c.AddResource("schema.json", doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	v := &Validator{lib: sch}
	if fv, ok := compileFlat(schema); ok {
		v.flat = fv
	}
	return v, nil
}

// Validate checks a decoded JSON value (from encoding/json: map[string]any,
// []any, string, float64, bool, nil). The error is one line naming every
// problem.
func (v *Validator) Validate(value any) error {
	if v.flat != nil {
		if args, ok := value.(map[string]any); ok {
			return v.flat.validate(args)
		}
	}
	if err := v.lib.Validate(value); err != nil {
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			return errors.New(Flatten(ve))
		}
		return err
	}
	return nil
}

// Args parses a model's raw tool arguments — a JSON object; empty means
// {} — and checks them. The error is for the model to read.
func (v *Validator) Args(raw string) (map[string]any, error) {
	var args map[string]any
	if strings.TrimSpace(raw) == "" {
		args = map[string]any{}
	} else if err := json.Unmarshal([]byte(raw), &args); err != nil {
		return nil, fmt.Errorf("arguments are not a JSON object: %w", err)
	}
	if args == nil {
		args = map[string]any{}
	}
	if err := v.Validate(args); err != nil {
		return nil, fmt.Errorf("arguments do not match the schema: %w", err)
	}
	return args, nil
}

// PlainlyValid reports whether raw, a JSON object, is valid by a check of
// the raw text alone, with no decoding: true only for the flat schema
// shape (an object of strings, numbers, integers and booleans, with enums,
// required and additionalProperties) and arguments that plainly satisfy it.
// False means "decode and Validate", never "invalid". A typed tool uses it
// to skip building a map it does not need.
func (v *Validator) PlainlyValid(raw string) bool {
	return v.flat != nil && v.flat.quickValid(raw)
}

// Flatten turns a validation error tree into one line: each failing leaf
// as "/path: message", joined with "; ".
func Flatten(ve *jsonschema.ValidationError) string {
	var parts []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := "/" + strings.Join(e.InstanceLocation, "/")
			parts = append(parts, loc+": "+e.ErrorKind.LocalizedString(englishPrinter))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return strings.Join(parts, "; ")
}

var englishPrinter = message.NewPrinter(language.English)

// recursion returns the path by which t contains a type already on the
// path from the root (nil when none): "Node.Children[].Node".
func recursion(t reflect.Type, path []string, open map[reflect.Type]bool) string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	if open[t] {
		return strings.Join(append(path, t.Name()), ".")
	}
	open[t] = true
	defer delete(open, t)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous || f.Tag.Get("json") == "-" {
			continue
		}
		if p := recursion(f.Type, append(path, t.Name()+"."+f.Name), open); p != "" {
			return p
		}
	}
	return ""
}
