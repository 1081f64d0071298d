package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// ticket is one support ticket of the local help desk.
type ticket struct {
	ID        string `json:"ticket_id"`
	Status    string `json:"status"`
	Subject   string `json:"subject"`
	LastReply string `json:"last_reply"`
}

// tickets are the help desk's tickets: in this process, not on the MCP
// server.
var tickets = map[string]ticket{
	"T-881": {ID: "T-881", Status: "resolved", Subject: "milk jug missing from ord_1042", LastReply: "The milk jug was sent separately; it arrives with the next DHL round."},
	"T-882": {ID: "T-882", Status: "open", Subject: "grinder makes a noise", LastReply: "We asked the customer for a video."},
}

// ticketInput is lookup_ticket's input.
type ticketInput struct {
	TicketID string `json:"ticket_id" description:"the ticket's ID, such as T-881"`
}

// lookupTicketTool is the local tool the agent has next to the MCP
// server's: the help desk, in this process.
func lookupTicketTool() aigentic.AgentTool {
	return aigentic.NewTool("lookup_ticket", "Look up a support ticket of the help desk by its ID, such as T-881: its status, subject and last reply.",
		func(_ *aigentic.AgentRun, in ticketInput) (string, error) {
			t, ok := tickets[strings.ToUpper(strings.TrimSpace(in.TicketID))]
			if !ok {
				return "", aigentic.Recoverable(fmt.Errorf("no ticket %q; ticket IDs look like T-881", in.TicketID))
			}
			b, _ := json.Marshal(t)
			return string(b), nil
		})
}
