package mcptools

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The tests' MCP servers are this test binary run again with
// serverModeEnv set (TestMain sees it and serves instead of testing):
// real subprocesses speaking MCP over stdio, built with the SDK. Only
// the "malformed" mode is a raw process (no SDK): a server that answers
// initialize with text that is not JSON-RPC cannot be built with it.
const serverModeEnv = "MCPTOOLS_TEST_SERVER"

// serveTest runs the test server of mode on stdin/stdout and returns
// the exit status.
func serveTest(mode string) int {
	fmt.Fprintf(os.Stderr, "test server %q starting (pid %d)\n", mode, os.Getpid())
	switch mode {
	case "malformed":
		return serveMalformed()
	case "exit":
		fmt.Fprintln(os.Stderr, "fatal: cannot open orders.db: permission denied")
		return 3
	case "noisy":
		// 1 MiB of stderr before serving: the client keeps its end only.
		line := strings.Repeat("n", 1023) + "\n"
		for range 1024 {
			os.Stderr.WriteString(line)
		}
		fmt.Fprintln(os.Stderr, "noisy: the last line")
	case "slowstart":
		time.Sleep(time.Hour)
	case "wrapper":
		// Like npx or uv: a process that runs the real server as its
		// child (sharing its stdio) and waits, deaf to SIGTERM.
		signal.Ignore(syscall.SIGTERM)
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), serverModeEnv+"=ignoresigterm", coverEnv())
		child.Stdin, child.Stdout, child.Stderr = os.Stdin, os.Stdout, os.Stderr
		if err := child.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "wrapper:", err)
		}
		return 0
	case "ignoresigterm":
		signal.Ignore(syscall.SIGTERM)
	}
	srv := testServer(mode)
	if err := srv.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, "server ended:", err)
	}
	return 0
}

// testServer is the SDK server of mode.
func testServer(mode string) *mcp.Server {
	srv := mcp.NewServer(&mcp.Implementation{Name: "test-" + mode, Version: "1"}, nil)
	switch {
	case strings.HasPrefix(mode, "schema-"):
		srv.AddTool(&mcp.Tool{Name: "odd", Description: "a tool with an absurd schema", InputSchema: absurdSchema(mode)}, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "ran"}}}, nil
		})
		addOrderTools(srv)
		return srv
	case mode == "dup":
		addOrderTools(srv)
		// The SDK cannot list one name twice; a middleware makes it send
		// what a broken server would.
		srv.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
			return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
				res, err := next(ctx, method, req)
				if lr, ok := res.(*mcp.ListToolsResult); ok && err == nil {
					lr.Tools = append(lr.Tools, lr.Tools[0])
				}
				return res, err
			}
		})
		return srv
	case mode == "many":
		for i := range MaxTools + 1 {
			srv.AddTool(&mcp.Tool{Name: fmt.Sprintf("t%d", i), InputSchema: json.RawMessage(`{"type":"object"}`)}, nil)
		}
		return srv
	case mode == "weirdnames":
		for _, n := range []string{"get.order", "list orders!", "über", strings.Repeat("long", 30), strings.Repeat("long", 30) + "x"} {
			srv.AddTool(&mcp.Tool{Name: n, InputSchema: json.RawMessage(`{"type":"object"}`)}, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "ran " + n}}}, nil
			})
		}
		return srv
	}
	addOrderTools(srv)
	return srv
}

// absurdSchema is the input schema of a schema-* mode.
func absurdSchema(mode string) json.RawMessage {
	switch mode {
	case "schema-huge":
		props := map[string]any{}
		for i := range 3000 {
			props[fmt.Sprintf("field_%04d", i)] = map[string]any{"type": "string", "description": strings.Repeat("d", 20)}
		}
		b, _ := json.Marshal(map[string]any{"type": "object", "properties": props})
		return b
	case "schema-deep":
		s := `{"type":"string"}`
		for range 200 {
			s = `{"type":"object","properties":{"x":` + s + `}}`
		}
		return json.RawMessage(s)
	case "schema-invalid":
		return json.RawMessage(`{"type":"object","properties":{"n":{"type":"integer","minimum":"zero"}}}`)
	case "schema-notobject":
		return json.RawMessage(`{"type":"object","properties":{"n":{"type":"nonsense"}}}`)
	case "schema-reffile":
		return json.RawMessage(`{"type":"object","properties":{"n":{"$ref":"file://` + os.Getenv("MCPTOOLS_TEST_REF") + `"}}}`)
	case "schema-refurl":
		return json.RawMessage(`{"type":"object","properties":{"n":{"$ref":"` + os.Getenv("MCPTOOLS_TEST_REF") + `"}}}`)
	}
	return json.RawMessage(`{"type":"object"}`)
}

// slowEnds receives how each call of slow ended, when the server runs in
// the test process (over HTTP).
var slowEnds = make(chan string, 16)

func slowEnded(how string) {
	select {
	case slowEnds <- how:
	default:
	}
}

type orderIn struct {
	OrderID string `json:"order_id" jsonschema:"the order's ID, such as ord_1042"`
}

type slowIn struct {
	Millis int `json:"ms" jsonschema:"how long to take, in milliseconds"`
}

type textIn struct {
	Text string `json:"text"`
}

type bigIn struct {
	Bytes int `json:"bytes"`
}

type noIn struct{}

func text(s string) *mcp.CallToolResult {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
}

// addOrderTools adds the tools every mode but the odd ones offers.
func addOrderTools(srv *mcp.Server) {
	mcp.AddTool(srv, &mcp.Tool{Name: "get_order", Description: "Look up an order by ID, such as ord_1042."}, func(_ context.Context, _ *mcp.CallToolRequest, in orderIn) (*mcp.CallToolResult, any, error) {
		if in.OrderID != "ord_1042" {
			return nil, nil, fmt.Errorf("no order %q; order IDs look like ord_1042", in.OrderID)
		}
		return text(`{"order_id":"ord_1042","status":"shipped","total":"129.90 EUR"}`), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "slow", Description: "Wait, then answer."}, func(ctx context.Context, _ *mcp.CallToolRequest, in slowIn) (*mcp.CallToolResult, any, error) {
		select {
		case <-time.After(time.Duration(in.Millis) * time.Millisecond):
			slowEnded("waited")
			return text("done waiting"), nil, nil
		case <-ctx.Done():
			slowEnded("cancelled")
			return nil, nil, ctx.Err()
		}
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "echo", Description: "Say the text back (and write it to stderr)."}, func(_ context.Context, _ *mcp.CallToolRequest, in textIn) (*mcp.CallToolResult, any, error) {
		fmt.Fprintln(os.Stderr, "echo:", in.Text)
		return text(in.Text), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "big", Description: "Answer with that many bytes."}, func(_ context.Context, _ *mcp.CallToolRequest, in bigIn) (*mcp.CallToolResult, any, error) {
		return text(strings.Repeat("é", in.Bytes/2)), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "crash", Description: "Die in the middle of the call."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		fmt.Fprintln(os.Stderr, "panic: runtime error: index out of range [3] with length 3")
		os.Exit(2)
		return nil, nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "crash_once", Description: "Die in the middle of the first call (of all the server's runs), answer the next."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		mark := os.Getenv("MCPTOOLS_TEST_MARK")
		if _, err := os.Stat(mark); err != nil {
			os.WriteFile(mark, nil, 0o600)
			fmt.Fprintln(os.Stderr, "fatal error: out of memory")
			os.Exit(2)
		}
		return text("recovered"), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "getenv", Description: "Say whether a variable is set in the server's environment."}, func(_ context.Context, _ *mcp.CallToolRequest, in textIn) (*mcp.CallToolResult, any, error) {
		_, ok := os.LookupEnv(in.Text)
		return text(fmt.Sprintf("%s set: %v", in.Text, ok)), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "freeze", Description: "Stop this process (SIGSTOP): it reads nothing more and answers nothing."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		syscall.Kill(os.Getpid(), syscall.SIGSTOP)
		// The stop may take a moment to reach this thread.
		time.Sleep(time.Minute)
		return text("thawed"), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "pid", Description: "Say the server's process id."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		return text(strconv.Itoa(os.Getpid())), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "hang", Description: "Never answer, and ignore cancellation."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		select {}
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "garbage", Description: "Write a line that is not JSON-RPC to stdout."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		os.Stdout.WriteString("this is not JSON-RPC\n")
		return text("wrote garbage"), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "spew", Description: "Write to stdout forever, no newline: a never-ending message."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		os.Stdout.WriteString(`{"jsonrpc":"2.0","id":99,"result":{"content":[{"type":"text","text":"`)
		chunk := []byte(strings.Repeat("x", 64<<10))
		for {
			if _, err := os.Stdout.Write(chunk); err != nil {
				os.Exit(4)
			}
		}
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "mixed", Description: "Answer with text, an image and a resource."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.TextContent{Text: "a chart:"},
			&mcp.ImageContent{Data: []byte("PNGDATA"), MIMEType: "image/png"},
			&mcp.EmbeddedResource{Resource: &mcp.ResourceContents{URI: "file:///r.txt", Text: "resource text"}},
			&mcp.ResourceLink{URI: "https://example.com/x", Name: "x"},
		}}, nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "install", Description: "Add the tool extra (the list changes)."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		mcp.AddTool(srv, &mcp.Tool{Name: "extra", Description: "A tool added at run time."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
			return text("extra ran"), nil, nil
		})
		return text("installed"), nil, nil
	})
	mcp.AddTool(srv, &mcp.Tool{Name: "uninstall", Description: "Remove the tool echo (the list changes)."}, func(context.Context, *mcp.CallToolRequest, noIn) (*mcp.CallToolResult, any, error) {
		srv.RemoveTools("echo")
		return text("removed echo"), nil, nil
	})
}

// serveMalformed is a raw process, not an SDK server: it answers each
// line with a line that is not JSON-RPC.
func serveMalformed() int {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Fprintln(os.Stdout, `{"jsonrpc":"2.0","id":`)
		fmt.Fprintln(os.Stdout, "<html>502 Bad Gateway</html>")
	}
	return 0
}
