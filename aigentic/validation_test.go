package aigentic_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

type transfer struct {
	Account string `json:"account"`
	Amount  int    `json:"amount"`
}

// transferTool is a typed tool (NewTool, so the fast path would skip the
// map decode) with a Validate that describes the call and flags large
// amounts; it counts its executions.
func transferTool(ran *int, validateErr error) aigentic.AgentTool {
	t := aigentic.NewTool("transfer", "Move money.", func(run *aigentic.AgentRun, in transfer) (string, error) {
		*ran++
		return "moved", nil
	})
	t.Validate = func(run *aigentic.AgentRun, args map[string]any) (aigentic.ValidationResult, error) {
		if validateErr != nil {
			return aigentic.ValidationResult{}, validateErr
		}
		vr := aigentic.ValidationResult{
			Values:  transfer{Account: args["account"].(string), Amount: int(args["amount"].(float64))},
			Message: "move " + args["account"].(string),
		}
		if args["amount"].(float64) > 100 {
			vr.ValidationErrors = []error{errors.New("amount over 100")}
		}
		return vr, nil
	}
	return t
}

func transferScript(args string) *aitest.Scripted {
	return aitest.NewScripted(aitest.CallTools(aitest.Call("transfer", args)), aitest.Reply("done"))
}

// Validate's ValidationResult is what the approval shows.
func TestValidateFeedsTheApproval(t *testing.T) {
	ran := 0
	tool := transferTool(&ran, nil)
	tool.RequireApproval = true
	model := transferScript(`{"account":"acme","amount":500}`)
	run, err := aigentic.Agent{Model: model, Logger: discardLogger(), ApprovalTimeout: time.Minute, AgentTools: []aigentic.AgentTool{tool}}.Start("pay")
	if err != nil {
		t.Fatal(err)
	}
	seen := answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) { _ = run.Approve(ev.ApprovalID, true) })
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Fatalf("%d approvals", len(seen))
	}
	vr := seen[0].ValidationResult
	if vr.Message != "move acme" || vr.Values != (transfer{Account: "acme", Amount: 500}) ||
		len(vr.ValidationErrors) != 1 || vr.ValidationErrors[0].Error() != "amount over 100" {
		t.Fatalf("ValidationResult = %+v", vr)
	}
	if seen[0].Args["account"] != "acme" || ran != 1 {
		t.Fatalf("args %v, ran %d", seen[0].Args, ran)
	}
}

// A Validate error is an error result the model sees; the tool does not
// run and no approval is asked.
func TestValidateErrorIsAnErrorResult(t *testing.T) {
	for _, approval := range []bool{false, true} {
		ran := 0
		tool := transferTool(&ran, errors.New("account acme is frozen"))
		tool.RequireApproval = approval
		model := transferScript(`{"account":"acme","amount":5}`)
		run, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}.Start("pay")
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range drain(t, run) {
			if _, ok := ev.(*aigentic.ApprovalEvent); ok {
				t.Errorf("approval %v: approval asked for a call Validate refused", approval)
			}
		}
		if got, err := run.Wait(0); err != nil || got != "done" {
			t.Fatalf("approval %v: %q, %v", approval, got, err)
		}
		tm := toolMessages(model.Requests()[1].Messages)
		if ran != 0 || len(tm) != 1 || !tm[0].IsError || !strings.Contains(tm[0].Content, `invalid arguments for tool "transfer": account acme is frozen`) {
			t.Fatalf("approval %v: ran %d, tool message %+v", approval, ran, tm)
		}
	}
}

// Without approval, nobody could weigh ValidationErrors: the call is
// refused and the model hears why. Within bounds, the tool runs.
func TestValidationErrorsWithoutApprovalRefuse(t *testing.T) {
	for _, tc := range []struct {
		args    string
		ran     int
		isError bool
	}{{`{"account":"acme","amount":500}`, 0, true}, {`{"account":"acme","amount":5}`, 1, false}} {
		ran := 0
		model := transferScript(tc.args)
		got, err := aigentic.Agent{Model: model, Logger: discardLogger(), AgentTools: []aigentic.AgentTool{transferTool(&ran, nil)}}.Execute("pay")
		if err != nil || got != "done" {
			t.Fatalf("%s: %q, %v", tc.args, got, err)
		}
		tm := toolMessages(model.Requests()[1].Messages)
		if ran != tc.ran || tm[0].IsError != tc.isError || tc.isError && !strings.Contains(tm[0].Content, "amount over 100") {
			t.Fatalf("%s: ran %d, tool message %+v", tc.args, ran, tm[0])
		}
	}
}

// A panicking Validate stops the run like a panicking tool.
func TestValidatePanicStopsTheRun(t *testing.T) {
	ran := 0
	tool := transferTool(&ran, nil)
	tool.Validate = func(run *aigentic.AgentRun, args map[string]any) (aigentic.ValidationResult, error) {
		panic("validator bug")
	}
	_, err := aigentic.Agent{Model: transferScript(`{"account":"a","amount":1}`), Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}.Execute("pay")
	var te *aigentic.ToolError
	if !errors.As(err, &te) || te.Tool != "transfer" || !errors.Is(err, aigentic.ErrToolPanic) || ran != 0 {
		t.Fatalf("err = %v, ran %d", err, ran)
	}
}

// Without Validate, the approval shows the arguments and says they match
// the schema.
func TestApprovalWithoutValidateShowsTheArguments(t *testing.T) {
	ran := 0
	tool := aigentic.NewTool("transfer", "Move money.", func(run *aigentic.AgentRun, in transfer) (string, error) { ran++; return "moved", nil })
	tool.RequireApproval = true
	run, err := aigentic.Agent{Model: transferScript(`{"account":"acme","amount":5}`), Logger: discardLogger(), AgentTools: []aigentic.AgentTool{tool}}.Start("pay")
	if err != nil {
		t.Fatal(err)
	}
	seen := answerApprovals(t, run, func(ev *aigentic.ApprovalEvent) { _ = run.Approve(ev.ApprovalID, false) })
	if _, err := run.Wait(0); err != nil {
		t.Fatal(err)
	}
	vr := seen[0].ValidationResult
	if values, ok := vr.Values.(map[string]any); !ok || values["account"] != "acme" || vr.Message != "arguments match the tool's schema" || ran != 0 {
		t.Fatalf("ValidationResult = %+v, ran %d", vr, ran)
	}
}
