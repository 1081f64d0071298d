package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/cli"
)

// demoLogLevels shows demo 5 (ex5_logging.go): one run logged at Debug,
// Info, Warn and Error, each captured in a buffer, and which records each
// level keeps.
//
// Forced: the first model attempt of every run is an injected 503, so a
// Warn record (the retry) and Debug records (the model requests) happen
// whatever the model does next.
func demoLogLevels(ctx context.Context, e *demoEnv) error {
	p := e.p
	p.Say("The run: the first model attempt fails with a 503 (retried); query_database fails if the model calls it.")
	p.Say("Each level's records are captured with Agent.Logger into a buffer (time, session and run ids dropped here).")
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}
	counts := make([]int, len(levels))
	p.Say("%-6s %-8s %s", "LEVEL", "RECORDS", "SAMPLE (first record at that level)")
	for i, level := range levels {
		agent := e.agent("log-demo", queryDatabaseTool())
		agent.Observers = nil // four runs: their steps are not printed
		agent.Model = aitest.Inject(e.model).FailNext(aitest.StatusError(503, 0))
		agent.Retries, agent.RetryPolicy = 1, e.retryPolicy(fastRetries())
		var buf strings.Builder // the run writes, then this reads: after the run
		r := runLogged(ctx, agent, `Run this query on the orders database: "SELECT count(*) FROM orders WHERE status = 'pending'"`, level, plainText(&buf))
		if ctx.Err() != nil {
			return r.Err
		}
		lines := records(buf.String())
		counts[i] = len(lines)
		sample := "(none)"
		byLevel := map[string]int{}
		for _, l := range lines {
			lv := recordLevel(l)
			byLevel[lv]++
			if lv == level.String() && sample == "(none)" {
				sample = l
			}
			if lvl, ok := parseLevelName(lv); !ok || lvl < level {
				return fmt.Errorf("the %s logger kept a record below its level: %s", level, l)
			}
		}
		p.Say("%-6s %-8d %s", level, counts[i], cli.Clip(aigentic.Redact(sample), 100))
		if level == slog.LevelDebug && byLevel["DEBUG"] == 0 {
			return fmt.Errorf("the Debug logger kept no Debug record: %q", buf.String())
		}
		if level == slog.LevelWarn && byLevel["WARN"] == 0 {
			return fmt.Errorf("the Warn logger kept no record of the forced retry: %q", buf.String())
		}
	}
	for i := 1; i < len(counts); i++ {
		if counts[i] > counts[i-1] {
			return fmt.Errorf("a higher level kept more records than a lower one: counts %v for Debug, Info, Warn, Error", counts)
		}
	}
	p.Good("Each logger kept only records at or above its level: Debug %d ≥ Info %d ≥ Warn %d ≥ Error %d.", counts[0], counts[1], counts[2], counts[3])
	return nil
}

// plainText is a text handler that keeps every record it is given (the
// agent's LogLevel filters) without the time, session and run IDs, which
// change from run to run.
func plainText(w io.Writer) slog.Handler {
	return slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "session", "run":
				return slog.Attr{}
			}
			return a
		},
	})
}

// records splits a text log into its records.
func records(log string) []string {
	if log = strings.TrimSpace(log); log == "" {
		return nil
	}
	return strings.Split(log, "\n")
}

// recordLevel is the level=... of a text record.
func recordLevel(line string) string {
	_, rest, _ := strings.Cut(line, "level=")
	lv, _, _ := strings.Cut(rest, " ")
	return lv
}

func parseLevelName(s string) (slog.Level, bool) {
	var l slog.Level
	return l, l.UnmarshalText([]byte(s)) == nil
}
