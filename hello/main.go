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
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/provider"
	"github.com/nexxia-ai/aigentic-examples/aigentic/untrusted"
)

type stockQuery struct { // check_stock's input: the model sees a JSON schema made from it
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a server that stalls cannot hang it
	defer cancel()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
func run(ctx context.Context, args []string, out io.Writer) error {
	question := cmp.Or(strings.Join(args, " "), "How many units of ABC-123 are in stock?")
	if strings.HasPrefix(question, "-") { // -h: hello takes a question, no flags
		return errors.New("usage: hello [question]; OPENAI_API_KEY, OPENAI_MODEL and OPENAI_BASE_URL choose the model")
	}
	model, about, err := provider.FromEnvModel(os.Getenv) // with no key and no URL: the offline model
	if err != nil {
		return err
	}
	fmt.Fprintln(out, about)
	agent := aigentic.Agent{Model: model, AgentTools: []aigentic.AgentTool{checkStock}, Retries: 2, MaxLLMCalls: 5}
	answer, err := agent.ExecuteContext(ctx, question)
	if toolErr, ok := errors.AsType[*aigentic.ToolError](err); ok { // the tool returned a Go error, which the model never sees
		return fmt.Errorf("%s is down, so there is no answer: %w", toolErr.Tool, toolErr.Err)
	} else if err != nil {
		return err // errors.Is(err, aigentic.ErrRetriesExhausted): the model is down; context.DeadlineExceeded...
	}
	_, err = fmt.Fprintln(out, untrusted.Terminal(answer, true)) // a model's text cannot drive your terminal
	return err
}
