package schema_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

type flightInput struct {
	Flight string `json:"flight" jsonschema:"pattern=^[A-Z]{2}[0-9]{3,4}$"`
}

// aigentic.NewTool reports a tag value cut at a comma at start-up (its
// contract for schema errors is a panic), naming the tool, the field and
// the escape; it never builds a tool with the pattern cut.
func TestNewToolPanicsOnATagCutAtAComma(t *testing.T) {
	defer func() {
		msg := fmt.Sprint(recover())
		for _, want := range []string{`"book_flight"`, "field Flight", `"4}$"`, `\,`} {
			if !strings.Contains(msg, want) {
				t.Errorf("NewTool panicked with %q; want it to contain %s", msg, want)
			}
		}
	}()
	tool := aigentic.NewTool("book_flight", "Book a flight.", func(*aigentic.AgentRun, flightInput) (string, error) { return "", nil })
	t.Errorf("NewTool built %q with the schema %v; want a panic", tool.Name, tool.InputSchema)
}
