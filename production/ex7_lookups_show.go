package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/aigentic/hook"
)

// Demo 7's verdict checks the answer's source: the orders the model
// looked up (lookupWatch, an observer on the run's tool calls) against
// the orders the question asks about (askedOrders).

// orderNumber is a number in a question: an order ID as a customer
// gives it ("order 1043", "#1042").
var orderNumber = regexp.MustCompile(`\d+`)

// askedOrders are the order IDs question names: every whole number in
// it, in order, once each (the shop's order IDs are plain numbers, and a
// question about orders names little else in numbers). None: the question
// names no order, and which one was looked up cannot be checked.
func askedOrders(question string) []string {
	var ids []string
	for _, raw := range orderNumber.FindAllString(question, -1) {
		if n, err := strconv.Atoi(raw); err == nil && n > 0 && !slices.Contains(ids, strconv.Itoa(n)) {
			ids = append(ids, strconv.Itoa(n))
		}
	}
	return ids
}

// lookupWatch is an observer recording the order_id of every lookup_order
// call the run makes. Safe for concurrent use (the calls of a response
// may run at once).
type lookupWatch struct {
	mu  sync.Mutex
	ids []string
}

// Observe implements hook.Observer.
func (w *lookupWatch) Observe(ctx context.Context, step hook.Step) context.Context {
	if s, ok := step.(*hook.ToolStart); ok && s.Call.Name == "lookup_order" {
		id := lookedUpID(s.Call.Arguments)
		w.mu.Lock()
		if !slices.Contains(w.ids, id) {
			w.ids = append(w.ids, id)
		}
		w.mu.Unlock()
	}
	return ctx
}

// lookedUpID is the order_id in lookup_order's arguments, as askedOrders
// writes one; arguments without a whole number there are shown quoted,
// clipped to 40 bytes.
func lookedUpID(args string) string {
	var in struct {
		OrderID json.Number `json:"order_id"`
	}
	if err := json.Unmarshal([]byte(args), &in); err == nil {
		if n, err := strconv.Atoi(in.OrderID.String()); err == nil {
			return strconv.Itoa(n)
		}
	}
	if len(args) > 40 {
		args = args[:40] + "…"
	}
	return strconv.Quote(args)
}

// mismatch says how the orders looked up differ from those asked for,
// or "" when they are the same. It needs asked to be non-empty.
func (w *lookupWatch) mismatch(asked []string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var other, missed []string
	for _, id := range w.ids {
		if !slices.Contains(asked, id) {
			other = append(other, id)
		}
	}
	for _, id := range asked {
		if !slices.Contains(w.ids, id) {
			missed = append(missed, id)
		}
	}
	var parts []string
	if len(other) > 0 {
		parts = append(parts, "the model looked up "+orderList(other)+", which the question did not ask about")
	}
	if len(missed) > 0 {
		parts = append(parts, "it did not look up "+orderList(missed)+", which the question asked about")
	}
	return strings.Join(parts, ", and ")
}

// orderList is "order 1043" or "orders 1042, 1043".
func orderList(ids []string) string {
	if len(ids) == 1 {
		return "order " + ids[0]
	}
	return fmt.Sprintf("orders %s", strings.Join(ids, ", "))
}
