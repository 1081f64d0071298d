// Command hello is your first agent: one agent, one typed tool, one run.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
)

// stockQuery is check_stock's input: the model sees a JSON schema made from it.
type stockQuery struct {
	SKU string `json:"sku" description:"The product SKU, like ABC-123."`
}

// checkStock is the tool: the model reads a Recoverable error; any other stops the run.
var checkStock = aigentic.NewTool("check_stock", "Look up how many units of a product are in stock.",
	func(run *aigentic.AgentRun, in stockQuery) (string, error) {
		if in.SKU != "ABC-123" {
			return "", aigentic.Recoverable(fmt.Errorf("no product with SKU %s", in.SKU))
		}
		return "42 units of ABC-123 in stock", nil
	})

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	settings, err := provider.FromEnv(os.Getenv) // OPENAI_API_KEY, OPENAI_MODEL, OPENAI_BASE_URL
	if err != nil {
		return err
	}
	model, about, err := provider.New(settings) // with no key and no URL: the offline model
	if err != nil {
		return err
	}
	fmt.Fprintln(out, about)
	agent := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{checkStock}, Retries: 2, MaxLLMCalls: 5}
	question := cmp.Or(strings.Join(args, " "), "How many units of ABC-123 are in stock?")
	answer, err := agent.ExecuteContext(ctx, question)
	var toolErr *aigentic.ToolError
	switch {
	case errors.As(err, &toolErr): // the tool returned a Go error, which the model never sees
		return fmt.Errorf("%s is down, so there is no answer: %w", toolErr.Tool, toolErr.Err)
	case err == nil:
		_, err = fmt.Fprintln(out, answer)
	}
	return err // errors.Is(err, aigentic.ErrRetriesExhausted): the model is down; context.Canceled...
}
