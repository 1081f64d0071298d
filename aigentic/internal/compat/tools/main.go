// Command tools gives an agent two typed tools built with NewTool, as the
// aigentic library's "tools" example does.
package main

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

type arithmeticInput struct {
	Expression string `json:"expression" description:"An arithmetic expression such as '15 * 23 + 100'"`
}

type shoutInput struct {
	Text string `json:"text" description:"The text to write in capital letters"`
}

func calculator() aigentic.AgentTool {
	return aigentic.NewTool("calculator", "Evaluates an arithmetic expression with + - * /.",
		func(run *aigentic.AgentRun, in arithmeticInput) (string, error) {
			v, err := evaluate(in.Expression)
			if err != nil {
				// A mistake the model can fix is a result it sees, not a
				// failure of the run.
				return "", aigentic.Recoverable(err)
			}
			return fmt.Sprintf("%s = %g", in.Expression, v), nil
		})
}

func shout() aigentic.AgentTool {
	return aigentic.NewTool("shout", "Writes a text in capital letters.",
		func(run *aigentic.AgentRun, in shoutInput) (string, error) {
			return strings.ToUpper(in.Text), nil
		})
}

// evaluate computes a left-to-right expression with * and / before + and -.
func evaluate(expr string) (float64, error) {
	sum, term, op := 0.0, 0.0, byte('+')
	fields := strings.Fields(strings.NewReplacer("+", " + ", "-", " - ", "*", " * ", "/", " / ").Replace(expr))
	if len(fields) == 0 {
		return 0, fmt.Errorf("empty expression")
	}
	for i, f := range fields {
		if i%2 == 1 {
			if len(f) != 1 || !strings.Contains("+-*/", f) {
				return 0, fmt.Errorf("%q is not an operator", f)
			}
			op = f[0]
			continue
		}
		var n float64
		if _, err := fmt.Sscanf(f, "%g", &n); err != nil {
			return 0, fmt.Errorf("%q is not a number", f)
		}
		switch op {
		case '+':
			sum, term = sum+term, n
		case '-':
			sum, term = sum+term, -n
		case '*':
			term *= n
		case '/':
			if n == 0 {
				return 0, fmt.Errorf("division by zero")
			}
			term /= n
		}
	}
	return sum + term, nil
}

func main() {
	_ = utils.LoadEnvFile("../.env")

	agent := aigentic.Agent{
		Model:        openai.NewModel("gpt-4o-mini", os.Getenv("OPENAI_API_KEY")),
		Name:         "ToolUser",
		Description:  "An assistant with a calculator",
		Instructions: "Use the calculator for arithmetic; never compute in your head.",
		AgentTools:   []aigentic.AgentTool{calculator(), shout()},
	}
	answer, err := agent.Execute("What is 15 * 23 + 100?")
	if err != nil {
		log.Fatalf("tools agent failed: %v", err)
	}
	fmt.Printf("Answer: %s\n", answer)
}
