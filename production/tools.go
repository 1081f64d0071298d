package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// The demos' tools. Each failure mode holds for ANY arguments, so a demo
// does not depend on what the model asks for.

// errDatabaseConnectionLost is the critical failure of query_database.
var errDatabaseConnectionLost = errors.New("database connection lost")

// checkSystemStatusTool is written by hand, schema and all. Its metrics
// endpoint is down: every check, whatever the component, is an error
// result the model sees and explains, while the run goes on.
func checkSystemStatusTool() aigentic.AgentTool {
	return aigentic.AgentTool{
		Name:        "check_system_status",
		Description: "Check the current health of one production component (api, database, cache, payments or queue): status, latency and error rate.",
		InputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"component": map[string]any{
					"type":        "string",
					"enum":        []any{"api", "database", "cache", "payments", "queue"},
					"description": "The component to check.",
				},
			},
			"required":             []any{"component"},
			"additionalProperties": false,
		},
		Execute: func(run *aigentic.AgentRun, args map[string]any) (*ai.ToolResult, error) {
			component, _ := args["component"].(string)
			// Graceful error: the agent can continue.
			return ai.ErrorText(fmt.Sprintf("%s status unavailable: the metrics endpoint timed out after 5s. Check the status dashboard, or try again in a minute.", component)), nil
		},
	}
}

// orderQuery is lookup_order's input.
type orderQuery struct {
	OrderID int `json:"order_id" jsonschema:"minimum=1" description:"The numeric order ID, such as 1042."`
}

var orders = map[int]string{
	1042: "Order 1042: shipped on Monday with UPS, tracking 1Z999AA10123456784, expected delivery tomorrow before 6pm.",
	1043: "Order 1043: paid, waiting to be packed; expected to ship within 2 working days.",
}

// lookupOrderTool is built with aigentic.NewTool: the schema comes from
// orderQuery, and an unknown order is a Recoverable error the model sees.
func lookupOrderTool() aigentic.AgentTool { return slowLookupOrderTool(nil) }

// lookupTakes is how long a lookup takes in the slow order system of demo
// 6e.
const lookupTakes = 300 * time.Millisecond

// slowLookupOrderTool is lookup_order in front of a slow order system:
// each lookup first calls wait with its context and the number of tool
// calls in the model response it answers (a test meets the other calls
// there); a nil wait waits nothing. An error from wait stops the run. It
// is safe for concurrent use.
func slowLookupOrderTool(wait func(ctx context.Context, calls int) error) aigentic.AgentTool {
	return aigentic.NewTool("lookup_order",
		"Look up a customer order by its numeric ID: status, carrier, tracking number and expected delivery.",
		func(run *aigentic.AgentRun, in orderQuery) (string, error) {
			if wait != nil {
				if err := wait(run.Context(), callsInTurn(run.Messages())); err != nil {
					return "", fmt.Errorf("order system: %w", err)
				}
			}
			if o, ok := orders[in.OrderID]; ok {
				return o, nil
			}
			return "", aigentic.Recoverable(fmt.Errorf("no order with ID %d; check the number on the order confirmation", in.OrderID))
		})
}

// sqlQuery is query_database's input.
type sqlQuery struct {
	Query string `json:"query" description:"A read-only SQL SELECT statement."`
}

// queryDatabaseTool fails critically for every query: the connection is
// lost, so it returns a Go error and the run stops.
func queryDatabaseTool() aigentic.AgentTool {
	return aigentic.NewTool("query_database",
		"Run a read-only SQL query against the orders database and return the rows.",
		func(run *aigentic.AgentRun, in sqlQuery) (string, error) {
			return "", errDatabaseConnectionLost
		})
}

// exportQuery is check_export_status's input.
type exportQuery struct {
	ExportID int `json:"export_id" jsonschema:"minimum=1" description:"The numeric ID of the export job."`
}

// checkExportStatusTool never finishes: every check, of any export, says
// it is still processing — the bait of a runaway loop.
func checkExportStatusTool() aigentic.AgentTool {
	var checks atomic.Int32
	return aigentic.NewTool("check_export_status",
		"Check the progress of a data export job by its numeric ID.",
		func(run *aigentic.AgentRun, in exportQuery) (string, error) {
			n := int(checks.Add(1))
			return fmt.Sprintf("Export %d is still processing (%d%% done). Check again in a few seconds.", in.ExportID, min(10*n, 90)), nil
		})
}

// reportRequest is generate_report's input.
type reportRequest struct {
	Period string `json:"period" jsonschema:"enum=daily,enum=weekly,enum=monthly,enum=quarterly" description:"The period the report covers."`
}

// generateReportTool is slow for every period: it takes the given time,
// and honours run.Context() — when the run is stopped, it returns at
// once. started, when not nil, is called as it starts.
func generateReportTool(takes time.Duration, started func()) aigentic.AgentTool {
	return aigentic.NewTool("generate_report",
		"Generate the sales report for a period. Large reports take a while.",
		func(run *aigentic.AgentRun, in reportRequest) (string, error) {
			if started != nil {
				started()
			}
			t := time.NewTimer(takes)
			defer t.Stop()
			select {
			case <-run.Context().Done():
				return "", run.Context().Err()
			case <-t.C:
				return fmt.Sprintf("The %s sales report is ready: revenue $1.2M, up 8%%.", in.Period), nil
			}
		})
}

// callsInTurn is the number of tool calls of the last model response in
// msgs: the turn a running tool belongs to.
func callsInTurn(msgs []ai.Message) int {
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.Role == ai.RoleAssistant {
			return len(m.ToolCalls)
		}
	}
	return 0
}

// sleepCtx waits d, or until ctx ends (returning its error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// exportBatch is export_to_erp's input.
type exportBatch struct {
	BatchID int `json:"batch_id" jsonschema:"minimum=1" description:"The numeric ID of the order batch, such as 77."`
}

// exportHangs is how long export_to_erp hangs when nothing releases it:
// the legacy system's socket timeout.
const exportHangs = 30 * time.Second

// hungExport is export_to_erp stuck on a legacy system: its tool blocks
// without ever looking at run.Context(), so no stop reaches it. It
// returns when released (or after exportHangs).
type hungExport struct {
	started  func() // called as the tool starts; may be nil
	release  chan struct{}
	returned chan struct{} // closed when the tool has returned
	once     sync.Once
	calls    atomic.Int32
}

func newHungExport(started func()) *hungExport {
	return &hungExport{started: started, release: make(chan struct{}), returned: make(chan struct{})}
}

// tool is the export_to_erp tool. Only its first call hangs; later ones
// return at once.
func (h *hungExport) tool() aigentic.AgentTool {
	return aigentic.NewTool("export_to_erp",
		"Export a batch of orders to the legacy ERP system by the batch's numeric ID.",
		func(run *aigentic.AgentRun, in exportBatch) (string, error) {
			if h.calls.Add(1) > 1 {
				return "", aigentic.Recoverable(errors.New("an export is already running"))
			}
			defer close(h.returned)
			if h.started != nil {
				h.started()
			}
			t := time.NewTimer(exportHangs)
			defer t.Stop()
			select { // run.Context() is never looked at: the bug
			case <-h.release:
			case <-t.C:
			}
			return fmt.Sprintf("Batch %d exported to the ERP.", in.BatchID), nil
		})
}

// running reports whether the tool started and has not returned.
func (h *hungExport) running() bool {
	if h.calls.Load() == 0 {
		return false
	}
	select {
	case <-h.returned:
		return false
	default:
		return true
	}
}

// finish releases the tool and waits, at most wait, for it to return:
// false if it did not. Call it once the demo is done with it.
func (h *hungExport) finish(wait time.Duration) bool {
	h.once.Do(func() { close(h.release) })
	if h.calls.Load() == 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-h.returned:
		return true
	case <-t.C:
		return false
	}
}
