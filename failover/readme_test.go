package main

import (
	"os"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// README.md's "Output (offline)" block is what the offline run prints
// (on the fake clock; the real clock prints the same, the wait aside).
func TestREADMEOutputIsTheOfflineRun(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(raw), "`go run ./failover`:\n\n```\n")
	if !ok {
		t.Fatal("README.md has no output block after \"`go run ./failover`:\"")
	}
	block, _, _ = strings.Cut(block, "\n```")
	var out testutil.SyncBuffer
	if err := runWith(testContext(t), nil, &out, newFakeTime().system(testutil.Offline)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if got := strings.TrimRight(out.String(), "\n"); got != block {
		t.Errorf("README.md's output block is not what the program prints.\n--- README ---\n%s\n--- program ---\n%s", block, got)
	}
}
