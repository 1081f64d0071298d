package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// defaultQuestion is the customer's question in demo 7.
const defaultQuestion = "A customer on the phone asks where order 1043 is. Look it up, please."

// config is the parsed command line and environment.
type config struct {
	cli.Config
	demo  int // 0: all
	list  bool
	price *aigentic.Pricing // PRICE_PER_MTOK_IN/OUT, when set
}

// spec is the command line: the flags every example shares, and -demo
// and -list.
func spec(c *config) cli.Spec {
	return cli.Spec{
		Name:         "production",
		Title:        "aigentic: production patterns",
		Summary:      "Runs the seven production-pattern demos of aigentic in order, each made to\nhappen whatever the model chooses, with the evidence it left.",
		Question:     defaultQuestion,
		QuestionHelp: "the customer's question in demo 7",
		Timeout:      2 * time.Minute,
		TraceDir:     true,
		Flags: func(fs *flag.FlagSet) {
			fs.IntVar(&c.demo, "demo", 0, "run only demo `N` (1-7)")
			fs.BoolVar(&c.list, "list", false, "list the demos and exit")
		},
		Env: []string{
			"PRICE_PER_MTOK_IN  US dollars per 1M input tokens, for the cost estimate;",
			"PRICE_PER_MTOK_OUT and per 1M output tokens: set both or neither",
		},
	}
}

// check validates -demo and reads the prices; with -list it prints the
// demos to out and is done (cli.ErrDone).
func (c *config) check(getenv func(string) string, out io.Writer) error {
	if c.list {
		width := 0 // the longest title's: the descriptions line up
		for _, d := range demos {
			width = max(width, len(d.title))
		}
		for i, d := range demos {
			fmt.Fprintf(out, "%d  %-*s  %s\n", i+1, width, d.title, d.shows)
		}
		return cli.ErrDone
	}
	if c.Set["demo"] && (c.demo < 1 || c.demo > len(demos)) {
		return cli.Usagef("-demo %d: no such demo; use 1-%d (see -list)", c.demo, len(demos))
	}
	var err error
	c.price, err = parsePrices(getenv)
	return err
}

// parsePrices reads PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT: both or
// neither.
func parsePrices(getenv func(string) string) (*aigentic.Pricing, error) {
	in, inSet, err := parsePrice(getenv, "PRICE_PER_MTOK_IN", "input")
	if err != nil {
		return nil, err
	}
	out, outSet, err := parsePrice(getenv, "PRICE_PER_MTOK_OUT", "output")
	if err != nil {
		return nil, err
	}
	if inSet != outSet {
		return nil, cli.Usagef("PRICE_PER_MTOK_IN and PRICE_PER_MTOK_OUT: set both (US dollars per 1M input and output tokens), or neither")
	}
	if !inSet {
		return nil, nil
	}
	return &aigentic.Pricing{InputPerMTok: in, OutputPerMTok: out}, nil
}

func parsePrice(getenv func(string) string, name, kind string) (float64, bool, error) {
	raw := strings.TrimSpace(getenv(name))
	if raw == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, cli.Usagef("%s=%q is not valid: use US dollars per 1M %s tokens, a number 0 or more, such as 0.15", name, raw, kind)
	}
	return v, true, nil
}
