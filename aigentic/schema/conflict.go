package schema

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"
)

// ErrFieldConflict is matched (errors.Is) by the error For returns for a
// struct whose JSON fields encoding/json resolves differently from the
// schema: two fields with one JSON name that encoding/json ignores both of
// (the schema would ask for a value no field receives), or a field hidden
// by a shallower one of the same name whose schema the property would
// describe (invopop keeps the last of them in declaration order).
var ErrFieldConflict = errors.New("schema: conflicting JSON field names")

// jsonField is one field of a struct as encoding/json sees it: its JSON
// name, the index path to it (embedded structs add a level), whether the
// name came from a json tag, and a readable Go path ("Outer.Inner.X").
type jsonField struct {
	name   string
	index  []int
	tagged bool
	path   string
}

// checkFields walks every struct type reachable from t (through pointers,
// slices, arrays and map values; not into types with their own JSON or
// text decoding) and returns the first conflict, wrapping
// ErrFieldConflict.
func checkFields(t reflect.Type, seen map[reflect.Type]bool) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || ownJSON(t) || decodesText(t) || t.Implements(ownSchemaType) {
		return nil
	}
	seen[t] = true
	fields := jsonFields(t)
	if err := conflict(t, fields); err != nil {
		return err
	}
	for _, f := range fields {
		if err := checkFields(t.FieldByIndex(f.index).Type, seen); err != nil {
			return err
		}
	}
	return nil
}

// conflict applies encoding/json's rule for fields of one name (the
// shallowest wins; among several at that depth, the only tagged one; else
// none, silently) and compares it with invopop's, which keeps the field it
// meets last in declaration order, embedded structs expanded in place.
func conflict(t reflect.Type, fields []jsonField) error {
	byName := map[string][]jsonField{}
	var names []string
	for _, f := range fields {
		if byName[f.name] == nil {
			names = append(names, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	for _, name := range names {
		fs := byName[name]
		if len(fs) < 2 {
			continue
		}
		slices.SortStableFunc(fs, func(a, b jsonField) int {
			if len(a.index) != len(b.index) {
				return len(a.index) - len(b.index)
			}
			if a.tagged != b.tagged {
				if a.tagged {
					return -1
				}
				return 1
			}
			return 0
		})
		if len(fs[0].index) == len(fs[1].index) && fs[0].tagged == fs[1].tagged {
			if fs[0].path == fs[1].path {
				return fmt.Errorf("%w: in %s, %s (JSON name %q) comes from a struct embedded twice at the same depth: encoding/json decodes neither copy, so the value a schema asks for would be lost; embed it once",
					ErrFieldConflict, t, fs[0].path, name)
			}
			return fmt.Errorf("%w: in %s, %s and %s both have the JSON name %q at the same depth: encoding/json decodes neither, so the value a schema asks for would be lost; rename one (json tag) or tag one of them json:\"-\"",
				ErrFieldConflict, t, fs[0].path, fs[1].path, name)
		}
		last := slices.MaxFunc(fs, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
		if last.path != fs[0].path {
			return fmt.Errorf("%w: in %s, JSON name %q: encoding/json decodes %s, but the schema would describe %s (invopop keeps the field it meets last); rename one, or declare %s after %s",
				ErrFieldConflict, t, name, fs[0].path, last.path, fs[0].path, last.path)
		}
	}
	return nil
}

// jsonFields lists t's fields as encoding/json's typeFields finds them
// (encoding/json/encode.go): breadth first through embedded structs, each
// embedded type expanded once, at its shallowest depth; a type embedded
// twice at one depth lists its fields twice, so that they conflict.
func jsonFields(t reflect.Type) []jsonField {
	type embedded struct {
		typ   reflect.Type
		index []int
		path  string
	}
	var fields []jsonField
	next := []embedded{{typ: t, path: t.Name()}}
	visited := map[reflect.Type]bool{}
	var count, nextCount map[reflect.Type]int
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, e := range current {
			if visited[e.typ] {
				continue
			}
			visited[e.typ] = true
			for i := range e.typ.NumField() {
				sf := e.typ.Field(i)
				if sf.Anonymous {
					ft := sf.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(slices.Clone(e.index), i)
				path := sf.Name
				if e.path != "" {
					path = e.path + "." + sf.Name
				}
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := jsonField{name: name, index: index, tagged: name != "", path: path}
					if f.name == "" {
						f.name = sf.Name
					}
					fields = append(fields, f)
					if count[e.typ] > 1 {
						fields = append(fields, f)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, embedded{typ: ft, index: index, path: path})
				}
			}
		}
	}
	return fields
}

// validTagName is encoding/json's isValidTag: a name made of letters,
// digits and some punctuation; any other json tag name is ignored (the Go
// field name is used).
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
