package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
)

const spec = `
openapi: 3.1.0
components:
  schemas:
    Root:
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          description: documentation, dropped
          x-oaiMeta: dropped
          required: [n]
          properties:
            n:
              type: integer
              nullable: true
            y:
              type: string
            description:
              type: string
            mode:
              type: string
              enum: [a, b]
              nullable: true
            ref:
              $ref: "#/components/schemas/Leaf"
              nullable: true
    Base:
      type: object
      properties:
        leaf:
          $ref: "#/components/schemas/Leaf"
    Leaf:
      type: string
      example: dropped
    Unused:
      type: number
`

func TestExtract(t *testing.T) {
	b, err := Extract([]byte(spec), "Root")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["$ref"] != "#/$defs/Root" {
		t.Errorf("$ref = %v", got["$ref"])
	}
	defs := got["$defs"].(map[string]any)
	if len(defs) != 3 || defs["Unused"] != nil {
		t.Errorf("defs = %v", keys(defs))
	}
	props := defs["Root"].(map[string]any)["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)
	// YAML 1.1 would turn the keys n and y into booleans.
	for _, k := range []string{"n", "y", "description", "mode", "ref"} {
		if props[k] == nil {
			t.Errorf("property %q lost: %v", k, keys(props))
		}
	}
	want := map[string]any{
		"n":    map[string]any{"type": []any{"integer", "null"}},
		"mode": map[string]any{"type": []any{"string", "null"}, "enum": []any{"a", "b", nil}},
		"ref":  map[string]any{"anyOf": []any{map[string]any{"$ref": "#/$defs/Leaf"}, map[string]any{"type": "null"}}},
	}
	for k, w := range want {
		if !reflect.DeepEqual(props[k], w) {
			t.Errorf("%s = %v, want %v", k, props[k], w)
		}
	}
	s := string(b)
	for _, gone := range []string{"dropped", "x-oaiMeta", "nullable", "#/components/schemas"} {
		if strings.Contains(s, gone) {
			t.Errorf("%q left in the output", gone)
		}
	}
}

// Draft 2019-09 recursion (OpenAI's CompoundFilter) becomes a $ref to the
// component itself, which a 2020-12 compiler accepts.
func TestExtractRecursiveRef(t *testing.T) {
	const rec = `
components:
  schemas:
    Filter:
      $recursiveAnchor: true
      type: object
      properties:
        filters:
          type: array
          items:
            oneOf:
              - type: string
              - $recursiveRef: "#"
`
	b, err := Extract([]byte(rec), "Filter")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if strings.Contains(s, "$recursive") || !strings.Contains(s, `"$ref": "#/$defs/Filter"`) {
		t.Errorf("recursion not converted:\n%s", s)
	}
	bad := strings.Replace(rec, `$recursiveRef: "#"`, `$recursiveRef: "#/x"`, 1)
	if _, err := Extract([]byte(bad), "Filter"); err == nil {
		t.Error("a $recursiveRef other than \"#\" accepted")
	}
}

func TestExtractErrors(t *testing.T) {
	if _, err := Extract([]byte(spec), "Missing"); err == nil {
		t.Error("missing root accepted")
	}
	dangling := "components:\n  schemas:\n    A:\n      $ref: \"#/components/schemas/B\"\n"
	if _, err := Extract([]byte(dangling), "A"); err == nil {
		t.Error("dangling $ref accepted")
	}
}

// The schemas openaitest embeds are what go generate writes: regenerating
// them from the shared checkout's openapi.yaml changes nothing.
func TestEmbeddedSchemaIsCurrent(t *testing.T) {
	const openapi = "../../../../../shared/openai/openapi.yaml"
	src, err := os.ReadFile(openapi)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("no %s (the shared checkout); run go generate in aigentic/openai/openaitest where it is", openapi)
	}
	if err != nil {
		t.Fatal(err)
	}
	for root, embedded := range map[string]string{
		"CreateChatCompletionRequest": "../../openaitest/create_chat_completion_request.schema.json",
		"CreateResponse":              "../../openaitest/create_response.schema.json",
	} {
		got, err := Extract(src, root)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(embedded)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what extractschema generates from %s: run go generate in aigentic/openai/openaitest", embedded, openapi)
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
