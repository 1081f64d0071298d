package orders

import (
	"bufio"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// session connects an SDK client to srv in memory.
func session(t *testing.T, srv *mcp.Server) *mcp.ClientSession {
	t.Helper()
	ct, st := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close(); ss.Wait() })
	return cs
}

func call(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), res.IsError
}

// The tools answer from the store, refuse what they must with isError,
// and Busy fails the first calls.
func TestTools(t *testing.T) {
	var log strings.Builder
	cs := session(t, NewServer(Options{Busy: map[string]int{"get_order": 1}, Log: &log}))
	for _, tc := range []struct {
		tool    string
		args    map[string]any
		want    string
		isError bool
	}{
		{"get_order", map[string]any{"order_id": "ord_1042"}, "busy", true},
		{"get_order", map[string]any{"order_id": "ord_1042"}, `"status":"shipped"`, false},
		{"get_order", map[string]any{"order_id": "ord_9"}, `no order "ord_9"`, true},
		{"track_shipment", map[string]any{"order_id": "ord_1042"}, `"carrier":"DHL"`, false},
		{"track_shipment", map[string]any{"order_id": "ord_1043"}, "has not shipped yet", true},
		{"cancel_order", map[string]any{"order_id": "ord_1042", "reason": "r"}, "can no longer be cancelled", true},
		{"cancel_order", map[string]any{"order_id": "ord_1043", "reason": "r"}, `"status":"cancelled"`, false},
		{"export_orders", map[string]any{}, "ord_1042,ana@example.com", false},
	} {
		got, isErr := call(t, cs, tc.tool, tc.args)
		if isErr != tc.isError || !strings.Contains(got, tc.want) {
			t.Errorf("%s %v = %q (isError %v), want %q (isError %v)", tc.tool, tc.args, got, isErr, tc.want, tc.isError)
		}
	}
	if !strings.Contains(log.String(), "orders: cancel_order called") {
		t.Errorf("log %q", log.String())
	}
}

// Hold holds the first call of all runs (the file records it) until it
// is cancelled; Slow delays a call but not past its cancellation.
func TestHoldAndSlow(t *testing.T) {
	mark := filepath.Join(t.TempDir(), "held")
	for run := 1; run <= 2; run++ {
		cs := session(t, NewServer(Options{Hold: map[string]string{"get_order": mark}, Slow: map[string]time.Duration{"track_shipment": time.Hour}}))
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_order", Arguments: map[string]any{"order_id": "ord_1042"}})
		cancel()
		if held := errors.Is(err, context.DeadlineExceeded); held != (run == 1) {
			t.Errorf("run %d: held %v (err %v); want only the first run's call held", run, held, err)
		}
		ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
		_, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "track_shipment", Arguments: map[string]any{"order_id": "ord_1042"}})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("slow: %v", err)
		}
	}
}

// Main: bad flags are ErrUsage; -http serves at the address it prints,
// until its context ends.
func TestMainFlagsAndHTTP(t *testing.T) {
	for _, args := range [][]string{{"-slow", "x"}, {"-busy", "get_order=-1"}, {"-hold-once", "get_order"}, {"-nope"}, {"extra"}} {
		if err := Main(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard); !errors.Is(err, ErrUsage) {
			t.Errorf("%v: %v, want ErrUsage", args, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- Main(ctx, []string{"-http", "127.0.0.1:0"}, strings.NewReader(""), pw, io.Discard) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "listening on http://127.0.0.1:") {
		t.Fatalf("first line %q, %v", line, err)
	}
	url := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test"}, nil).Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: url}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, isErr := call(t, cs, "get_order", map[string]any{"order_id": "ord_1044"}); isErr || !strings.Contains(got, "delivered") {
		t.Errorf("over HTTP: %q", got)
	}
	cs.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Main over HTTP ended with %v", err)
	}
}
