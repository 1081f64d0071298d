// Package orders is a small MCP server of orders, built with the official
// Go SDK: the server the mcp example gives its agent, run as a subprocess
// over stdio or on loopback over streamable HTTP (see [Main]; the
// standalone command is ../ordersserver).
//
// Its tools: get_order and track_shipment (read-only), cancel_order (it
// acts: the example requires approval), and export_orders (an
// administrator's tool the example does not allow). The example's
// failures are arranged through [Options]: a slow tool, a tool that fails
// its first calls with isError. A tool's arguments are checked by the
// server too: the client's schema check is not the only one.
package orders

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Options arrange the failures the example shows.
type Options struct {
	// Slow delays every call of the named tools by the duration (the
	// call still ends at once when the client cancels it).
	Slow map[string]time.Duration
	// Busy makes the first n calls of the named tools fail with an
	// isError result: "the orders database is busy".
	Busy map[string]int
	// Hold makes the first call of the named tools — the first of all
	// the server's runs: a file at the given path, created then, records
	// it — wait until it is cancelled or the process ends: a call in
	// flight when the server is killed.
	Hold map[string]string
	// Log receives a line for each call ("orders: get_order called"),
	// as a server writes to its stderr; nil: none.
	Log io.Writer
}

// order is one order of the store.
type order struct {
	ID       string   `json:"order_id"`
	Status   string   `json:"status"`
	Items    []string `json:"items"`
	Total    string   `json:"total"`
	Carrier  string   `json:"carrier,omitempty"`
	Tracking string   `json:"tracking,omitempty"`
	email    string
}

// store is the server's data: a few orders, held in memory.
type store struct {
	mu     sync.Mutex
	orders map[string]*order
	busy   map[string]int
	slow   map[string]time.Duration
	hold   map[string]string
	log    io.Writer
}

func newStore(opts Options) *store {
	s := &store{busy: map[string]int{}, slow: map[string]time.Duration{}, hold: map[string]string{}, log: opts.Log, orders: map[string]*order{
		"ord_1042": {ID: "ord_1042", Status: "shipped", Items: []string{"espresso machine", "milk jug"}, Total: "129.90 EUR", Carrier: "DHL", Tracking: "JD014600003828", email: "ana@example.com"},
		"ord_1043": {ID: "ord_1043", Status: "processing", Items: []string{"coffee grinder"}, Total: "89.00 EUR", email: "ben@example.com"},
		"ord_1044": {ID: "ord_1044", Status: "delivered", Items: []string{"descaler, 3 bottles"}, Total: "18.50 EUR", Carrier: "UPS", Tracking: "1Z999AA10123456784", email: "chloe@example.com"},
	}}
	for k, v := range opts.Busy {
		s.busy[k] = v
	}
	for k, v := range opts.Slow {
		s.slow[k] = v
	}
	for k, v := range opts.Hold {
		s.hold[k] = v
	}
	if s.log == nil {
		s.log = io.Discard
	}
	return s
}

// IDInput is the input of the tools that take an order ID.
type IDInput struct {
	OrderID string `json:"order_id" jsonschema:"the order's ID, such as ord_1042"`
}

// CancelInput is cancel_order's input.
type CancelInput struct {
	OrderID string `json:"order_id" jsonschema:"the order's ID, such as ord_1043"`
	Reason  string `json:"reason" jsonschema:"why the customer cancels, in their words"`
}

// NoInput is the input of a tool without arguments.
type NoInput struct{}

// NewServer is the orders MCP server.
func NewServer(opts Options) *mcp.Server {
	s := newStore(opts)
	srv := mcp.NewServer(&mcp.Implementation{Name: "orders", Version: "1.0.0"}, &mcp.ServerOptions{
		Instructions: "Orders of a coffee-equipment shop. Order IDs look like ord_1042.",
	})
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true}
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "get_order",
		Description: "Look up one order by its ID, such as ord_1042: its status, items, total and carrier.",
		Annotations: readOnly,
	}, func(ctx context.Context, _ *mcp.CallToolRequest, in IDInput) (*mcp.CallToolResult, any, error) {
		if err := s.arrange(ctx, "get_order"); err != nil {
			return nil, nil, err
		}
		o, err := s.find(in.OrderID)
		if err != nil {
			return nil, nil, err
		}
		return jsonResult(o), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "track_shipment",
		Description: "Track the parcel of a shipped order, such as ord_1042: the carrier's last scan and the expected delivery.",
		Annotations: readOnly,
	}, func(ctx context.Context, _ *mcp.CallToolRequest, in IDInput) (*mcp.CallToolResult, any, error) {
		if err := s.arrange(ctx, "track_shipment"); err != nil {
			return nil, nil, err
		}
		o, err := s.find(in.OrderID)
		if err != nil {
			return nil, nil, err
		}
		if o.Tracking == "" {
			return nil, nil, fmt.Errorf("order %s has not shipped yet (status %s): there is no parcel to track", o.ID, o.Status)
		}
		return jsonResult(map[string]string{"order_id": o.ID, "carrier": o.Carrier, "tracking": o.Tracking,
			"last_scan": "arrived at the local depot", "expected_delivery": "the next working day"}), nil, nil
	})
	destructive := true
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "cancel_order",
		Description: "Cancel an order that has not shipped yet, such as ord_1043, with the customer's reason.",
		Annotations: &mcp.ToolAnnotations{DestructiveHint: &destructive},
	}, func(ctx context.Context, _ *mcp.CallToolRequest, in CancelInput) (*mcp.CallToolResult, any, error) {
		if err := s.arrange(ctx, "cancel_order"); err != nil {
			return nil, nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		o, ok := s.orders[strings.TrimSpace(in.OrderID)]
		switch {
		case !ok:
			return nil, nil, fmt.Errorf("no order %q; order IDs look like ord_1042", in.OrderID)
		case o.Status != "processing":
			return nil, nil, fmt.Errorf("order %s is %s and can no longer be cancelled", o.ID, o.Status)
		}
		o.Status = "cancelled"
		return jsonResult(o), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{
		Name:        "export_orders",
		Description: "Export every order with its customer's e-mail address (an administrator's tool).",
		Annotations: readOnly,
	}, func(ctx context.Context, _ *mcp.CallToolRequest, _ NoInput) (*mcp.CallToolResult, any, error) {
		if err := s.arrange(ctx, "export_orders"); err != nil {
			return nil, nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var lines []string
		for _, id := range slices.Sorted(maps.Keys(s.orders)) {
			lines = append(lines, id+","+s.orders[id].email)
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strings.Join(lines, "\n")}}}, nil, nil
	})
	return srv
}

// arrange logs a call of tool and applies the Options to it: a hold, a
// busy error, then the delay (ended early when the call is cancelled).
func (s *store) arrange(ctx context.Context, tool string) error {
	fmt.Fprintf(s.log, "orders: %s called\n", tool)
	s.mu.Lock()
	busy := s.busy[tool] > 0
	if busy {
		s.busy[tool]--
	}
	d := s.slow[tool]
	mark := s.hold[tool]
	s.mu.Unlock()
	if mark != "" {
		if f, err := os.OpenFile(mark, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
			f.Close()
			fmt.Fprintf(s.log, "orders: holding this %s call until it is cancelled\n", tool)
			<-ctx.Done()
			return ctx.Err()
		}
	}
	if busy {
		return fmt.Errorf("the orders database is busy (lock wait timeout); try again in a moment")
	}
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// find is the order id names; an unknown id is an error the model reads.
func (s *store) find(id string) (order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[strings.TrimSpace(id)]
	if !ok {
		return order{}, fmt.Errorf("no order %q; order IDs look like ord_1042", clip(id))
	}
	return *o, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// jsonResult is v as a text result holding its JSON.
func jsonResult(v any) *mcp.CallToolResult {
	b, _ := json.Marshal(v)
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(b)}}}
}
