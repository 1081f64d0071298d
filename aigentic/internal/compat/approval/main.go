// Command approval asks the person at the terminal before a tool runs, as
// the aigentic library's "approval" example does: a tool with
// RequireApproval, an *ApprovalEvent showing its ValidationResult, and
// run.Approve with the answer read from standard input.
package main

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"sort"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/openai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/utils"
)

type emailInput struct {
	To      string `json:"to" description:"The recipient's e-mail address"`
	Subject string `json:"subject" description:"The subject line"`
	Body    string `json:"body" description:"The message"`
}

func sendEmail() aigentic.AgentTool {
	t := aigentic.NewTool("send_email", "Sends an e-mail. Every call needs the user's approval.",
		func(run *aigentic.AgentRun, in emailInput) (string, error) {
			fmt.Printf("(pretending to send an e-mail to %s)\n", in.To)
			return "e-mail sent to " + in.To, nil
		})
	t.RequireApproval = true
	t.Validate = func(run *aigentic.AgentRun, args map[string]interface{}) (aigentic.ValidationResult, error) {
		to, _ := args["to"].(string)
		if !strings.Contains(to, "@") {
			return aigentic.ValidationResult{}, fmt.Errorf("%q is not an e-mail address", to)
		}
		return aigentic.ValidationResult{Values: args, Message: "will send an e-mail to " + to}, nil
	}
	return t
}

func ask(in *bufio.Reader, e *aigentic.ApprovalEvent) bool {
	fmt.Printf("APPROVAL REQUIRED: %s (%s)\n", e.ToolName, e.ApprovalID)
	if e.ValidationResult.Message != "" {
		fmt.Printf("  %s\n", e.ValidationResult.Message)
	}
	if args, ok := e.ValidationResult.Values.(map[string]interface{}); ok {
		keys := make([]string, 0, len(args))
		for k := range args {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Printf("  %s: %v\n", k, args[k])
		}
	}
	fmt.Print("Approve? (y/n): ")
	line, _ := in.ReadString('\n')
	line = strings.ToLower(strings.TrimSpace(line))
	return line == "y" || line == "yes"
}

func main() {
	_ = utils.LoadEnvFile("../.env")

	agent := aigentic.Agent{
		Model:        openai.NewModel("gpt-4o-mini", os.Getenv("OPENAI_API_KEY")),
		Name:         "Mailer",
		Description:  "Sends e-mails, with approval",
		Instructions: "Use send_email when asked to send an e-mail.",
		AgentTools:   []aigentic.AgentTool{sendEmail()},
		Stream:       true,
	}
	run, err := agent.Start("Send an e-mail to ada@example.com with subject 'Engine' and body 'The notes are ready.'")
	if err != nil {
		log.Fatalf("start: %v", err)
	}
	stdin := bufio.NewReader(os.Stdin)
	for ev := range run.Next() {
		switch e := ev.(type) {
		case *aigentic.ApprovalEvent:
			approved := ask(stdin, e)
			if err := run.Approve(e.ApprovalID, approved); err != nil {
				log.Printf("approve: %v", err)
			}
		case *aigentic.ToolEvent:
			fmt.Printf("[tool %s asked for]\n", e.ToolName)
		case *aigentic.ToolResponseEvent:
			fmt.Printf("[tool %s answered: %s]\n", e.ToolName, e.Content)
		case *aigentic.ContentEvent:
			fmt.Print(e.Content)
		case *aigentic.ErrorEvent:
			log.Printf("error: %v", e.Err)
		default:
		}
	}
	if _, err := run.Wait(0); err != nil {
		log.Fatalf("run failed: %v", err)
	}
	fmt.Println()
}
