package schema

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// A comma inside a `jsonschema` tag's value is an error naming the field,
// not a silently cut value (breaker 11, L9).
func TestForRefusesAValueCutAtAComma(t *testing.T) {
	type flight struct {
		Flight string `json:"flight" jsonschema:"pattern=^[A-Z]{2}[0-9]{3,4}$"`
	}
	type city struct {
		City string `json:"city" jsonschema:"description=the city, e.g. Paris"`
	}
	type eq struct {
		Code string `json:"code" jsonschema:"pattern=^a{1,2}=b$"` // the tail has an '='
	}
	type mcpStyle struct {
		ID string `json:"id" jsonschema:"the order's ID"`
	}
	type typo struct {
		N int `json:"n" jsonschema:"minimum=1,maxmum=3"`
	}
	type nested struct {
		Legs []*flight `json:"legs"`
	}
	for _, c := range []struct {
		v     any
		field string
		want  string
	}{
		{flight{}, "Flight", `"4}$"`},
		{city{}, "City", `" e.g. Paris"`},
		{eq{}, "Code", `"2}=b$"`},
		{mcpStyle{}, "ID", "description=…"},
		{typo{}, "N", `"maxmum" is not a keyword`},
		{nested{}, "Flight", `\\,`},
	} {
		s, err := For(reflect.TypeOf(c.v))
		if !errors.Is(err, ErrTagValue) {
			t.Errorf("For(%T) = %v, %v; want an error matching ErrTagValue", c.v, s, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "field "+c.field+" ") || !strings.Contains(msg, c.want) {
			t.Errorf("For(%T) error = %q; want it to name field %s and contain %s", c.v, msg, c.field, c.want)
		}
	}
}

// The escape the error recommends works: \, keeps the comma in the value.
func TestForEscapedComma(t *testing.T) {
	type in struct {
		Flight string `json:"flight" jsonschema:"pattern=^[A-Z]{2}[0-9]{3\\,4}$"`
		City   string `json:"city" jsonschema:"description=the city\\, e.g. Paris,minLength=1"`
		Code   string `json:"code" jsonschema:"required,nullable,enum=a,enum=b,"`
	}
	s, err := For(reflect.TypeOf(in{}))
	if err != nil {
		t.Fatal(err)
	}
	props := s["properties"].(map[string]any)
	if got := props["flight"].(map[string]any)["pattern"]; got != "^[A-Z]{2}[0-9]{3,4}$" {
		t.Errorf("pattern = %q", got)
	}
	city := props["city"].(map[string]any)
	if city["description"] != "the city, e.g. Paris" || city["minLength"] != 1.0 {
		t.Errorf("city = %v", city)
	}
}

// badOnPurpose are the test files whose bad tags are on purpose.
var badOnPurpose = map[string]bool{"tags_test.go": true, "newtool_test.go": true}

// Every `jsonschema` tag in the repository's Go files passes checkTag,
// (but badOnPurpose's), except in files that use the MCP SDK, whose tags are read by the SDK
// (a whole-tag description), never by For.
func TestRepositoryTagsPass(t *testing.T) {
	root := filepath.Join("..", "..")
	for name := range badOnPurpose {
		badOnPurpose[filepath.Join(root, "aigentic", "schema", name)] = true
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), "zbreak")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || badOnPurpose[path] {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "modelcontextprotocol/go-sdk") {
				return nil
			}
		}
		ast.Inspect(f, func(node ast.Node) bool {
			field, ok := node.(*ast.Field)
			if !ok || field.Tag == nil {
				return true
			}
			raw, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				t.Errorf("%s: tag %s: %v", path, field.Tag.Value, err)
				return true
			}
			if tag, ok := reflect.StructTag(raw).Lookup("jsonschema"); ok {
				n++
				if err := checkTag(tag); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("found %d jsonschema tags; the walk missed the repository", n)
	}
	t.Logf("%d jsonschema tags checked", n)
}
