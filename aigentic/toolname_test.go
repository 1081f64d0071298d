package aigentic_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

// A tool's name is what model APIs accept: 1 to 64 of a-z, A-Z, 0-9, _
// and - (OpenAI's function name rule, ^[a-zA-Z0-9_-]{1,64}$). Any other
// fails the run at start.
func TestToolNameRule(t *testing.T) {
	for name, ok := range map[string]bool{
		"lookup": true, "get-stock_2": true, strings.Repeat("a", 64): true,
		"a": true, "z": true, "A": true, "Z": true, "0": true, "9": true, // each end of each range
		"`": false, "{": false, "@": false, "[": false, "/": false, ":": false, // just outside them
		"": false, strings.Repeat("a", 65): false, "has space": false, "dot.name": false, "é": false,
	} {
		tool := aigentic.AgentTool{Name: name, Execute: func(*aigentic.AgentRun, map[string]any) (*ai.ToolResult, error) { return ai.Text("ok"), nil }}
		_, err := aigentic.Agent{Model: aitest.NewScripted(aitest.Reply("done")), Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}.Execute("hi")
		if got := !errors.Is(err, aigentic.ErrInvalidAgent); got != ok {
			t.Errorf("tool name %q (%d bytes): run error %v; want accepted %v", name, len(name), err, ok)
		}
	}
}

// NewTool takes a pointer to a struct as its input type as well.
func TestNewToolPointerInput(t *testing.T) {
	type in struct {
		SKU string `json:"sku"`
	}
	var got string
	tool := aigentic.NewTool("check", "checks", func(_ *aigentic.AgentRun, q *in) (string, error) {
		got = q.SKU
		return "ok", nil
	})
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("check", `{"sku":"ABC-123"}`)), aitest.Reply("done"))
	if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}).Execute("check"); err != nil || got != "ABC-123" {
		t.Fatalf("run: %v; the tool got %q, want ABC-123", err, got)
	}
}

// An integer written as a decimal or with an exponent (3.0, 2e1: JSON
// Schema's integers, which models send) reaches a Go int as that integer,
// exactly (2^53+1 too, which float64 cannot hold) and at any depth.
func TestNewToolIntegralNumbers(t *testing.T) {
	type item struct {
		Qty int `json:"qty"`
	}
	type in struct {
		N     int64   `json:"n"`
		Ratio float64 `json:"ratio,omitempty"`
		Items []item  `json:"items,omitempty"`
	}
	for _, c := range []struct {
		args string
		want in
		ok   bool
	}{
		{`{"n":3.0}`, in{N: 3}, true},
		{`{"n":2e1,"ratio":2.5}`, in{N: 20, Ratio: 2.5}, true},
		{`{"n":-0.0,"items":[{"qty":1.50e2}]}`, in{N: 0, Items: []item{{Qty: 150}}}, true},
		{`{"n":9007199254740993.0}`, in{N: 9007199254740993}, true},
	} {
		var got *in
		tool := aigentic.NewTool("count", "counts", func(_ *aigentic.AgentRun, q in) (string, error) {
			got = &q
			return "ok", nil
		})
		model := aitest.NewScripted(aitest.CallTools(aitest.Call("count", c.args)), aitest.Reply("done"))
		if _, err := (aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}).Execute("count"); err != nil {
			t.Fatal(err)
		}
		msgs := model.Requests()[1].Messages
		last := msgs[len(msgs)-1]
		switch {
		case c.ok && (got == nil || !reflect.DeepEqual(*got, c.want)):
			t.Errorf("%s: the tool got %+v, want %+v; the model was told %q", c.args, got, c.want, last.Content)
		case !c.ok && (got != nil || !last.IsError || !strings.HasPrefix(last.Content, "invalid arguments: ")):
			t.Errorf("%s: the tool got %+v; the model was told %+v; want an invalid-arguments error result", c.args, got, last)
		}
	}
}

// NewTool refuses a bad name at once, as it refuses a bad input type: a
// programming error found at start-up, not at the first run.
func TestNewToolPanicsOnABadName(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), `"größe"`) {
			t.Fatalf("recovered %v, want a panic naming the tool", p)
		}
	}()
	aigentic.NewTool("größe", "measures", func(*aigentic.AgentRun, struct{}) (string, error) { return "", nil })
}
