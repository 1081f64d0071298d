package schema

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// ErrTagValue is matched (errors.Is) by the error For returns for a
// `jsonschema` struct tag that invopop would read other than as written:
// a segment that is neither keyword=value with a keyword invopop reads
// (tagKeywords) nor a flag (required, nullable, -). Almost always it is
// the rest of a value cut at a comma: invopop splits the tag at every
// comma not written as \, so `jsonschema:"pattern=^[0-9]{3,4}$"` would
// silently become the pattern "^[0-9]{3". The error names the field and
// the segment.
var ErrTagValue = errors.New("schema: jsonschema tag segment is not keyword=value")

// tagKeywords are the keywords invopop v0.14.0 reads from a `jsonschema`
// tag (reflect.go: genericKeywords, stringKeywords, numericalKeywords,
// arrayKeywords, booleanKeywords); a segment with any other key is
// ignored by invopop.
var tagKeywords = map[string]bool{
	"title": true, "description": true, "type": true, "anchor": true,
	"oneof_required": true, "anyof_required": true, "oneof_ref": true, "oneof_type": true,
	"anyof_ref": true, "anyof_type": true,
	"minLength": true, "maxLength": true, "pattern": true, "format": true, "readOnly": true,
	"writeOnly": true, "default": true, "example": true, "enum": true,
	"multipleOf": true, "minimum": true, "maximum": true, "exclusiveMaximum": true, "exclusiveMinimum": true,
	"minItems": true, "maxItems": true, "uniqueItems": true,
}

// tagFlags are the segments without a value invopop reads
// (reflect.go: requiredFromJSONSchemaTags, nullableFromJSONSchemaTags,
// ignoredByJSONSchemaTags); "" (as in "a,,b" or a trailing comma) is
// skipped by invopop too.
var tagFlags = map[string]bool{"required": true, "nullable": true, "-": true, "": true}

// checkTags returns an error matching ErrTagValue for the first field of
// t, or of a struct type it holds, whose `jsonschema` tag has a segment
// invopop would not read as written (see ErrTagValue).
func checkTags(t reflect.Type, seen map[reflect.Type]bool) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || t.Implements(ownSchemaType) {
		return nil
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		if tag, ok := f.Tag.Lookup("jsonschema"); ok {
			if err := checkTag(tag); err != nil {
				return fmt.Errorf("%w: field %s of %v: %w", ErrTagValue, f.Name, t, err)
			}
		}
		if err := checkTags(f.Type, seen); err != nil {
			return err
		}
	}
	return nil
}

// checkTag checks one `jsonschema` tag's value, split as invopop splits
// it (splitTag).
func checkTag(tag string) error {
	for _, seg := range splitTag(tag) {
		key, _, hasValue := strings.Cut(seg, "=")
		switch {
		case !hasValue && tagFlags[seg], hasValue && tagKeywords[key]:
			continue
		case !hasValue && strings.Contains(tag, ","):
			return fmt.Errorf("%q in `jsonschema:%q` is the rest of a value cut at a comma: write a comma inside a value as \\, (in Go source `\\\\,`, e.g. `jsonschema:\"pattern=^[0-9]{3\\\\,4}$\"`)", seg, tag)
		case !hasValue:
			return fmt.Errorf("%q in `jsonschema:%q` is not keyword=value: a description goes in description=… (or a `description` tag); the whole-tag description is the MCP SDK's convention, not invopop's", seg, tag)
		default:
			return fmt.Errorf("%q in `jsonschema:%q`: %q is not a keyword invopop reads (a typo, or the rest of a value cut at a comma: write such a comma as \\,, in Go source `\\\\,`)", seg, tag, key)
		}
	}
	return nil
}

// splitTag splits a `jsonschema` tag as invopop v0.14.0 does
// (reflect.go: splitOnUnescapedCommas): at each comma not preceded by a
// backslash; an escaped comma stays in the value, without its backslash.
func splitTag(tag string) []string {
	parts := strings.Split(tag, ",")
	out := []string{parts[0]}
	for _, p := range parts[1:] {
		if last := out[len(out)-1]; last != "" && last[len(last)-1] == '\\' {
			out[len(out)-1] = last[:len(last)-1] + "," + p
			continue
		}
		out = append(out, p)
	}
	return out
}
