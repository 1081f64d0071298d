package mcptools

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/internal/runtest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/secret"
)

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

// Each MCP call is an execute_tool span naming the server in
// OpenTelemetry's MCP terms, counted in aigentic.tool.calls like any
// tool; a call that restarted the server says so on its span.
func TestSpansAndMetrics(t *testing.T) {
	tp, rec := runtest.SpanRecorder(t)
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })

	s := stdioServer("basic")
	s.Env = append(s.Env, "MCPTOOLS_TEST_MARK="+filepath.Join(t.TempDir(), "crashed"))
	ts := connect(t, s)
	_, _, err := runAgent(t, ts.Tools(), aigentic.Agent{TracerProvider: tp, MeterProvider: mp, Retries: 1, RetryPolicy: noWait()},
		aitest.Call("orders_get_order", `{"order_id":"ord_1042"}`), aitest.Call("orders_crash_once", `{}`))
	if err != nil {
		t.Fatal(err)
	}
	var spans []sdktrace.ReadOnlySpan
	for _, sp := range rec.Ended() {
		if strings.HasPrefix(sp.Name(), "execute_tool ") {
			spans = append(spans, sp)
		}
	}
	if len(spans) != 2 {
		t.Fatalf("%d execute_tool spans, want 2", len(spans))
	}
	a := attrMap(spans[0].Attributes())
	for k, v := range map[string]string{"gen_ai.tool.name": "orders_get_order", "aigentic.mcp.server": "orders", "aigentic.mcp.tool": "get_order", "mcp.method.name": "tools/call", "network.transport": "pipe"} {
		if a[k] != v {
			t.Errorf("span %s: %s = %q, want %q (all: %v)", spans[0].Name(), k, a[k], v, a)
		}
	}
	var restartEvent bool
	for _, ev := range spans[1].Events() {
		restartEvent = restartEvent || ev.Name == "aigentic.mcp.restart"
	}
	if !restartEvent {
		t.Errorf("span %s has no aigentic.mcp.restart event: %v", spans[1].Name(), spans[1].Events())
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	calls := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "aigentic.tool.calls" {
				for _, p := range sum.DataPoints {
					name, _ := p.Attributes.Value("gen_ai.tool.name")
					calls[name.AsString()] += p.Value
				}
			}
		}
	}
	if calls["orders_get_order"] != 1 || calls["orders_crash_once"] != 1 {
		t.Errorf("aigentic.tool.calls by tool = %v; want one each", calls)
	}
}

// A key in an MCP call's arguments and result, and in the server's
// stderr, reaches no log record, trace file, span or status: the
// runtime redacts MCP tools like any tool, and the toolset its own.
func TestCanaryKeyRedacted(t *testing.T) {
	t.Setenv(aigentic.CaptureContentEnv, "true")
	const canary = "sk-canary-mcp-5f0c9a7e1d2b4c68"
	secret.Register(canary)
	tp, rec := runtest.SpanRecorder(t)
	logger, logs := runtest.NewJSONLogger()
	trace := runtest.NewTestTrace(t)

	s := stdioServer("basic")
	s.Logger = logger
	ts := connect(t, s)
	run, _, err := runAgent(t, ts.Tools(), aigentic.Agent{TracerProvider: tp, Logger: logger, LogLevel: slog.LevelDebug, Trace: trace},
		aitest.Call("orders_echo", `{"text":"the key is `+canary+`"}`), aitest.Call("orders_crash", `{}`))
	if err == nil || !strings.Contains(toolResults(run)[0].Content, secret.Placeholder) && !strings.Contains(toolResults(run)[0].Content, canary) {
		t.Fatalf("run: %v; want the echo, then the crash", err)
	}
	var where []string
	if strings.Contains(logs.String(), canary) {
		where = append(where, "log")
	}
	if strings.Contains(err.Error(), canary) {
		where = append(where, "error")
	}
	b, rerr := os.ReadFile(run.TraceFilepath())
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !strings.Contains(string(b), "orders_echo") {
		t.Fatalf("the trace file holds no echo call:\n%s", b)
	}
	if strings.Contains(string(b), canary) {
		where = append(where, "trace file")
	}
	sawArgs := false
	for _, sp := range rec.Ended() {
		for _, kv := range sp.Attributes() {
			sawArgs = sawArgs || kv.Key == "gen_ai.tool.call.arguments"
			if strings.Contains(kv.Value.String(), canary) {
				where = append(where, "span "+sp.Name()+" "+string(kv.Key))
			}
		}
		if strings.Contains(sp.Status().Description, canary) {
			where = append(where, "span status")
		}
	}
	if !sawArgs {
		t.Fatal("no span captured tool arguments: the check could not check")
	}
	st := ts.Status()[0]
	if !strings.Contains(st.Stderr, "echo: the key is") {
		t.Fatalf("stderr %q lacks the echo: the check could not check", st.Stderr)
	}
	if strings.Contains(st.Stderr+st.LastError, canary) {
		where = append(where, "status")
	}
	if len(where) > 0 {
		t.Errorf("the canary key leaked into: %v", where)
	}
}
