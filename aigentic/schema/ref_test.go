package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A $ref outside the schema is refused, never read: a schema from an MCP
// server or a model must not make the program read a file (or fetch a
// URL) whose content would then reach the model in validation errors.
func TestRefOutsideTheSchemaIsNeverLoaded(t *testing.T) {
	const canary = "SECRET-FROM-FILE"
	file := filepath.Join(t.TempDir(), "secret.json")
	if err := os.WriteFile(file, []byte(`{"const":"`+canary+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, file)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"file://" + file, file, rel, "http://127.0.0.1:1/schema.json"} {
		t.Run(ref, func(t *testing.T) {
			v, err := Compile(map[string]any{"type": "object", "properties": map[string]any{"x": map[string]any{"$ref": ref}}})
			if err == nil {
				err = v.Validate(map[string]any{"x": "guess"})
				t.Fatalf("compiled; validation says %v", err)
			}
			if !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), canary) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	// The schema's own definitions still resolve.
	v, err := Compile(map[string]any{"$defs": map[string]any{"id": map[string]any{"type": "integer"}},
		"type": "object", "properties": map[string]any{"x": map[string]any{"$ref": "#/$defs/id"}}})
	if err != nil || v.Validate(map[string]any{"x": "one"}) == nil || v.Validate(map[string]any{"x": 1.0}) != nil {
		t.Fatalf("a local $ref: %v", err)
	}
}
