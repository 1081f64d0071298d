package main

import (
	"fmt"
	"hash/fnv"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// lookupOrderInput is lookup_order's arguments.
type lookupOrderInput struct {
	OrderID int `json:"order_id" jsonschema:"description=The order number\\, e.g. 1234"`
}

// openTicketInput is open_ticket's arguments.
type openTicketInput struct {
	Subject string `json:"subject" jsonschema:"description=What the support ticket is about"`
}

// issueRefundInput is issue_refund's arguments.
type issueRefundInput struct {
	OrderID int `json:"order_id" jsonschema:"description=The order number to refund\\, e.g. 1234,minimum=1"`
}

// orderStatuses is the demo order system: an order's status is chosen by
// its number, so answers are stable.
var orderStatuses = []string{"shipped, arriving tomorrow", "delayed at the warehouse", "delivered", "being packed"}

// tools are the support agent's tools for one tenant. lookup_order only
// reads; open_ticket changes the world, so it passes the run's
// idempotency key to the ticket store: the same tool call run twice (a
// worker killed mid-call, the job resumed elsewhere) opens one ticket.
// durable adds issue_refund, which a person must approve: only a job can
// wait hours for that (it parks, approvals.go); a run now (POST /v1/runs)
// has nobody to ask, so it is not offered there.
func (s *service) tools(tenantID string, durable bool) []aigentic.AgentTool {
	lookup := aigentic.NewTool("lookup_order", "Look up an order's status by its order number.",
		func(run *aigentic.AgentRun, in lookupOrderInput) (string, error) {
			h := fnv.New32a()
			_, _ = fmt.Fprint(h, in.OrderID)
			status := orderStatuses[h.Sum32()%uint32(len(orderStatuses))]
			s.toolDone(run, "lookup_order")
			return fmt.Sprintf("order %d: %s", in.OrderID, status), nil
		})
	ticket := aigentic.NewTool("open_ticket", "Open a support ticket for the customer.",
		func(run *aigentic.AgentRun, in openTicketInput) (string, error) {
			id, created, err := s.store.openTicket(run.Context(), run.IdempotencyKey(), tenantID, in.Subject)
			if err != nil {
				return "", fmt.Errorf("open ticket: %w", err)
			}
			s.toolDone(run, "open_ticket")
			if !created {
				return fmt.Sprintf("ticket %s is open (opened earlier for this request)", id), nil
			}
			return fmt.Sprintf("opened ticket %s", id), nil
		})
	if !durable {
		return []aigentic.AgentTool{lookup, ticket}
	}
	refund := aigentic.NewTool("issue_refund", "Refund an order in full to the customer. A person must approve each refund.",
		func(run *aigentic.AgentRun, in issueRefundInput) (string, error) {
			id, created, err := s.store.issueRefund(run.Context(), run.IdempotencyKey(), tenantID, in.OrderID)
			if err != nil {
				return "", fmt.Errorf("issue refund: %w", err)
			}
			s.toolDone(run, "issue_refund")
			if !created {
				return fmt.Sprintf("refund %s for order %d was issued (earlier, for this request)", id, in.OrderID), nil
			}
			return fmt.Sprintf("refunded order %d (refund %s)", in.OrderID, id), nil
		})
	refund.RequireApproval = true
	refund.Validate = func(_ *aigentic.AgentRun, args map[string]any) (aigentic.ValidationResult, error) {
		return aigentic.ValidationResult{Message: fmt.Sprintf("will refund order %v in full", args["order_id"])}, nil
	}
	return []aigentic.AgentTool{lookup, ticket, refund}
}

// toolDone calls the test hook, when set, after a tool's effect.
func (s *service) toolDone(run *aigentic.AgentRun, name string) {
	if s.afterTool != nil {
		s.afterTool(run, name)
	}
}
