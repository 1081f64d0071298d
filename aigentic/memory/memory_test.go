package memory_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/memory"
	"github.com/nexxia-ai/aigentic-examples/aigentic/offline"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const instructions = "Save what the user tells you about themselves with save_memory; look it up with get_memory before answering questions about them."

// Runs of one Session remember through Agent.Memory; another session
// does not see their memories.
func TestAgentMemorySharedWithinASession(t *testing.T) {
	mem := memory.NewMemory()
	session := aigentic.NewSession(context.Background())
	agent := aigentic.Agent{Model: offline.NewModel(), Instructions: instructions, Session: session, Memory: mem, Logger: discard()}
	if _, err := agent.Execute(`Save to memory that my "favourite colour" is "blue".`); err != nil {
		t.Fatal(err)
	}
	got, err := agent.Execute(`Look up my "favourite colour" in memory.`)
	if err != nil || !strings.Contains(strings.ToLower(got), "blue") {
		t.Fatalf("same session: %q, %v", got, err)
	}
	entries, err := mem.Store().List(context.Background(), session.ID)
	if err != nil || len(entries) != 1 || entries[0].Value != "blue" {
		t.Fatalf("store holds %+v, %v", entries, err)
	}

	other := agent
	other.Session = aigentic.NewSession(context.Background())
	got, err = other.Execute(`Look up my "favourite colour" in memory.`)
	if err != nil || strings.Contains(strings.ToLower(got), "blue") {
		t.Fatalf("other session knew: %q, %v", got, err)
	}
}

// The memory's tools are offered after the agent's own.
func TestAgentMemoryToolsAreOffered(t *testing.T) {
	model := aitest.NewScripted(aitest.Reply("ok"))
	own := aigentic.NewTool("lookup", "Look up.", func(*aigentic.AgentRun, struct{}) (string, error) { return "", nil })
	if _, err := (aigentic.Agent{Model: model, Memory: memory.NewMemory(), AgentTools: []aigentic.AgentTool{own}, Logger: discard()}).Execute("hi"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range model.Requests()[0].Tools {
		names = append(names, tl.Name)
	}
	if strings.Join(names, ",") != "lookup,save_memory,get_memory,clear_memory" {
		t.Fatalf("tools offered: %v", names)
	}
}

// A file memory survives its process: a new Memory on the same directory
// and namespace remembers.
func TestFileMemoryPersists(t *testing.T) {
	dir := t.TempDir()
	first, err := memory.NewFileMemory(dir, memstore.WithNamespace("alice"))
	if err != nil {
		t.Fatal(err)
	}
	agent := aigentic.Agent{Model: offline.NewModel(), Instructions: instructions, Memory: first, Logger: discard()}
	if _, err := agent.Execute(`Save to memory that my "favourite colour" is "green".`); err != nil {
		t.Fatal(err)
	}
	second, err := memory.NewFileMemory(dir, memstore.WithNamespace("alice"))
	if err != nil {
		t.Fatal(err)
	}
	agent.Memory = second // and no Session: a new session per run
	got, err := agent.Execute(`Look up my "favourite colour" in memory.`)
	if err != nil || !strings.Contains(strings.ToLower(got), "green") {
		t.Fatalf("%q, %v", got, err)
	}
}

// Bad input: a bad namespace names the problem; a tool name clash fails at
// Start; a nil *Memory offers nothing and does not panic.
func TestMemoryBadInput(t *testing.T) {
	if _, err := memory.NewFileMemory(t.TempDir(), memstore.WithNamespace("../etc")); !errors.Is(err, memstore.ErrInvalidNamespace) {
		t.Fatalf("bad namespace: %v", err)
	}
	clash := aigentic.NewTool("save_memory", "Mine.", func(*aigentic.AgentRun, struct{}) (string, error) { return "", nil })
	_, err := aigentic.Agent{Model: offline.NewModel(), Memory: memory.NewMemory(), AgentTools: []aigentic.AgentTool{clash}}.Start("hi")
	if !errors.Is(err, aigentic.ErrInvalidAgent) || !strings.Contains(err.Error(), `two tools named "save_memory"`) {
		t.Fatalf("clash: %v", err)
	}
	var none *memory.Memory
	model := aitest.NewScripted(aitest.Reply("ok"))
	if _, err := (aigentic.Agent{Model: model, Memory: none, Logger: discard()}).Execute("hi"); err != nil || len(model.Requests()[0].Tools) != 0 {
		t.Fatalf("nil memory: %v, tools %v", err, model.Requests()[0].Tools)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
