package orders

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ErrUsage is a bad flag or argument of Main.
var ErrUsage = errors.New("orders: bad usage")

// ServeEnv, set to "1" in a program's environment, tells the mcp example
// to run as this server instead (how it starts the server as its own
// subprocess).
const ServeEnv = "AIGENTIC_MCP_ORDERS_SERVER"

// Main runs the server until ctx ends or, over stdio, until its input
// closes. Flags:
//
//	-http ADDR          serve streamable HTTP on ADDR (such as 127.0.0.1:8080; port 0 picks one)
//	                    at /mcp, and print "listening on http://ADDR/mcp" first; stdio otherwise
//	-slow TOOL=DURATION delay every call of TOOL (repeatable)
//	-busy TOOL=N        fail the first N calls of TOOL with isError (repeatable)
//	-hold-once TOOL=FILE hold TOOL's first call (of all runs, FILE records it) until cancelled
//
// Each call is logged on stderr ("orders: get_order called").
// Bad flags are an error naming them.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ordersserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("http", "", "serve streamable HTTP on `addr` (such as 127.0.0.1:8080) at /mcp instead of stdio")
	opts := Options{Slow: map[string]time.Duration{}, Busy: map[string]int{}, Hold: map[string]string{}, Log: stderr}
	fs.Func("slow", "delay every call of a tool: `tool=duration`, such as track_shipment=30s (repeatable)", func(v string) error {
		tool, d, ok := strings.Cut(v, "=")
		dur, err := time.ParseDuration(d)
		if !ok || err != nil || dur < 0 {
			return fmt.Errorf("want tool=duration, such as track_shipment=30s")
		}
		opts.Slow[tool] = dur
		return nil
	})
	fs.Func("busy", "fail the first n calls of a tool with isError: `tool=n`, such as get_order=1 (repeatable)", func(v string) error {
		tool, n, ok := strings.Cut(v, "=")
		k, err := strconv.Atoi(n)
		if !ok || err != nil || k < 0 {
			return fmt.Errorf("want tool=n, such as get_order=1")
		}
		opts.Busy[tool] = k
		return nil
	})
	fs.Func("hold-once", "hold the first call of a tool, of all the server's runs, until it is cancelled: `tool=file`, the file recording that it happened (repeatable)", func(v string) error {
		tool, file, ok := strings.Cut(v, "=")
		if !ok || file == "" {
			return fmt.Errorf("want tool=file")
		}
		opts.Hold[tool] = file
		return nil
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	srv := NewServer(opts)
	if *addr == "" {
		return srv.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(stdin), Writer: nopWriteCloser{stdout}})
	}
	return serveHTTP(ctx, srv, *addr, stdout)
}

// shutdownGrace is how long serveHTTP waits, once told to stop, for its
// connections to end before it closes them: calls under way are
// cancelled (their context is ctx's), and a client's open event stream
// would otherwise hold the process until the grace ran out.
const shutdownGrace = 250 * time.Millisecond

// serveHTTP serves srv at http://addr/mcp until ctx ends.
func serveHTTP(ctx context.Context, srv *mcp.Server, addr string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	// The SDK refuses requests whose Host is not localhost on a loopback
	// address (DNS rebinding protection).
	mux.Handle("/mcp", mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	// Requests' contexts end with ctx: a call under way when the server
	// is told to stop is cancelled, not waited for.
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	fmt.Fprintf(stdout, "listening on http://%s/mcp\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
