package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// config is everything the program reads from its flags and environment.
type config struct {
	cli.Config
	demo int  // 0: all
	list bool // -list
	http bool // -http: the orders server over streamable HTTP
	// server is -server: another MCP server, a command line or a URL.
	server string
	// allow is -allow: the other server's tools the model may use.
	allow []string
}

// spec is the command line: the shared flags, and -demo, -list, -http,
// -server, -allow.
func spec(c *config, allow *string) cli.Spec {
	return cli.Spec{
		Name:         "mcp",
		Summary:      "Gives an agent the tools of an MCP server next to a local tool — prefixed,\nallow-listed, approved, their results marked untrusted — and shows a slow\ntool timing out, a tool error, and the server killed mid-call.",
		Question:     defaultQuestion,
		QuestionHelp: "demo 1's question, or the question for -server's tools",
		Timeout:      2 * time.Minute,
		Flags: func(fs *flag.FlagSet) {
			fs.IntVar(&c.demo, "demo", 0, "run only demo `N` (1-4)")
			fs.BoolVar(&c.list, "list", false, "list the demos and exit")
			fs.BoolVar(&c.http, "http", false, "run the orders server over streamable HTTP on loopback, not stdio")
			fs.StringVar(&c.server, "server", "", "use another MCP server instead: a `command` line (run over stdio) or an http(s) URL; needs -q")
			fs.StringVar(allow, "allow", "", "with -server: the `tools` (comma-separated) the model may use; default all")
		},
	}
}

// check validates the example's own flags; with -list it prints the
// demos to out and is done.
func (c *config) check(allow string, out io.Writer) error {
	if c.list {
		for i, d := range demos {
			fmt.Fprintf(out, "%d  %-34s %s\n", i+1, d.title, d.shows)
		}
		return cli.ErrDone
	}
	if c.Set["demo"] && (c.demo < 1 || c.demo > len(demos)) {
		return cli.Usagef("-demo %d: no such demo; use 1-%d (see -list)", c.demo, len(demos))
	}
	for _, n := range strings.Split(allow, ",") {
		if n = strings.TrimSpace(n); n != "" {
			c.allow = append(c.allow, n)
		}
	}
	if c.server == "" {
		if c.allow != nil {
			return cli.Usagef("-allow needs -server: the orders server's allow-list is the example's own")
		}
		return nil
	}
	c.server = strings.TrimSpace(c.server)
	switch {
	case c.server == "":
		return cli.Usagef("-server is empty: give a command line or an http(s) URL")
	case c.Set["demo"] || c.http:
		return cli.Usagef("-server runs your server instead of the demos: leave out -demo and -http")
	case !c.Set["q"]:
		return cli.Usagef("-server needs -q: ask something its tools can answer")
	}
	if isURL(c.server) {
		u, err := url.Parse(c.server)
		if err != nil || u.Host == "" {
			return cli.Usagef("-server %q is not a valid URL", c.server)
		}
	}
	return nil
}

// isURL reports whether -server names an HTTP endpoint.
func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
