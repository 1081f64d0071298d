package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Demo 2's pattern: a run with a trace file of its own, read back. The
// file is named after the run, and what it recorded matches the run.
func Example_trace() {
	dir, err := os.MkdirTemp("", "traces")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	r, err := runTraced(context.Background(), exampleAgent(lookupOrderTool()), "Where is my order 1042?", dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := r.Summary
	fmt.Printf("the file is named after the run: %v; the run's ID in it: %v\n", strings.Contains(filepath.Base(r.TraceFile), r.RunID), s.Run == r.RunID)
	fmt.Printf("outcome %s, %d LLM calls (%d attempts), %d tool call, as Stats says: %v\n",
		s.Outcome, s.LLMCalls, s.Attempts, s.ToolCalls, s.LLMCalls == r.Stats.LLMCalls && s.ToolCalls == r.Stats.ToolCalls)
	// Output:
	// the file is named after the run: true; the run's ID in it: true
	// outcome success, 2 LLM calls (2 attempts), 1 tool call, as Stats says: true
}
