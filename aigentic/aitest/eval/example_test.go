package eval_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest/eval"
)

// adder is a tiny model that does the right thing: it adds the two
// numbers of "What is A + B?" with the add tool and quotes the result.
type adder struct{}

func (adder) ModelName() string { return "adder" }
func (adder) Ping(context.Context) (*ai.PingResult, error) {
	return &ai.PingResult{Model: "adder"}, nil
}
func (adder) Generate(_ context.Context, req ai.Request) (*ai.Response, error) {
	last := req.Messages[len(req.Messages)-1]
	if last.Role == ai.RoleTool {
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "The sum is " + last.Content + "."}}, nil
	}
	var a, b int
	if _, err := fmt.Sscanf(last.Content, "What is %d + %d?", &a, &b); err != nil {
		return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, Content: "Hello!"}}, nil
	}
	args := fmt.Sprintf(`{"a":%d,"b":%d}`, a, b)
	return &ai.Response{Message: ai.Message{Role: ai.RoleAssistant, ToolCalls: []ai.ToolCall{{ID: "call_1", Name: "add", Arguments: args}}}}, nil
}

// Two models on the same cases, side by side.
func ExampleCompare() {
	type addIn struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	agentOn := func(m ai.Model) func() aigentic.Agent {
		return func() aigentic.Agent {
			return aigentic.Agent{
				Model:  m,
				Logger: slog.New(slog.DiscardHandler),
				AgentTools: []aigentic.AgentTool{aigentic.NewTool("add", "Adds two integers.", func(_ *aigentic.AgentRun, in addIn) (string, error) {
					return strconv.Itoa(in.A + in.B), nil
				})},
			}
		}
	}
	cases := []eval.Case{
		{
			Name:   "adds",
			Input:  "What is 2 + 3?",
			Tools:  []eval.ToolCheck{eval.Called("add", eval.Arg("a", 2), eval.Arg("b", 3))},
			Answer: []eval.Check{eval.Contains("5")},
		},
		{
			Name:   "greets",
			Input:  "Hello!",
			Forbid: []string{"add"},
			Answer: []eval.Check{eval.Contains("hello")},
		},
	}
	good := eval.Evaluate(eval.Suite{Name: "adder", Agent: agentOn(adder{}), Cases: cases})
	naive := eval.Evaluate(eval.Suite{Name: "naive", Agent: agentOn(aitest.NewNaive(aitest.NaiveOptions{})), Cases: cases})
	fmt.Print(eval.Compare(good, naive))
	fmt.Println()
	fmt.Print(strings.Join(naive.Results[0].Failures, "\n"), "\n")
	// Output:
	// case    adder         naive
	// adds    PASS 3/3      FAIL 1/3
	// greets  PASS 3/3      FAIL 1/3
	// eval adder: 2 passed, 0 failed of 2 cases; checks 6/6; 3 model calls; tokens 0 in, 0 out; cost unknown (no Agent.Pricing)
	// eval naive: 0 passed, 2 failed of 2 cases; checks 2/6; 4 model calls; tokens 40 in, 20 out; cost unknown (no Agent.Pricing)
	//
	// tool add: called once, never with the expected arguments: {"a":1,"b":1}: a is 1, want 2; b is 1, want 3
	// the answer "Done." does not contain "5"
}
