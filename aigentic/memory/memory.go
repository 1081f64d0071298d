// Package memory offers the aigentic library's memory API — Agent.Memory
// set to memory.NewMemory() — on this project's memory store
// (github.com/nexxia-ai/aigentic-examples/memory/memstore):
//
//	session := aigentic.NewSession(ctx)
//	agent := aigentic.Agent{Model: model, Session: session, Memory: memory.NewMemory()}
//	agent.Execute(`Save to memory that my "favourite colour" is "blue".`) // save_memory
//	agent.Execute(`Look up my "favourite colour" in memory.`)              // get_memory → blue
//
// The model gets three tools: save_memory {name, value}, get_memory {name?}
// and clear_memory {name? | all}. Memories are named facts scoped, by
// default, to the run's Session (runs of one Session share them; other
// sessions do not see them); memstore.WithNamespace gives every run one
// namespace instead (a user's name), shared across sessions and processes.
//
// [NewMemory] keeps memories in the process. [NewFileMemory] keeps them in
// a directory of JSON files that survives restarts (atomic writes, file
// locking, corruption reported and never overwritten: see memstore).
//
// This differs from the library's memory package, whose tools take a
// compartment ("run", "session", "plan") and whose NewMemory writes
// memory.json in the working directory; see docs/MIGRATING.md.
package memory

import (
	"fmt"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// Memory is an aigentic.Memory over a memstore.Store. It is safe for
// concurrent runs.
type Memory struct {
	mem *memstore.Memory
}

var _ aigentic.Memory = (*Memory)(nil)

// NewMemory returns a memory kept in the process (a memstore.MemStore),
// scoped to each run's Session, with the store's default limits.
func NewMemory() *Memory {
	m, err := New(memstore.NewMemStore())
	if err != nil {
		// New fails only for a nil store or a bad namespace option; neither
		// is possible here.
		panic(err)
	}
	return m
}

// NewFileMemory returns a memory kept in dir (created 0700 if needed), one
// JSON file per namespace. opts may set a namespace
// (memstore.WithNamespace). The error names the directory or the option.
func NewFileMemory(dir string, opts ...memstore.Option) (*Memory, error) {
	store, err := memstore.OpenFileStore(dir)
	if err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	return New(store, opts...)
}

// New returns a memory over any memstore.Store, with memstore's options.
func New(store memstore.Store, opts ...memstore.Option) (*Memory, error) {
	mem, err := memstore.NewMemory(store, opts...)
	if err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	return &Memory{mem: mem}, nil
}

// Tools implements aigentic.Memory: save_memory, get_memory and
// clear_memory. A nil *Memory has none.
func (m *Memory) Tools() []aigentic.AgentTool {
	if m == nil || m.mem == nil {
		return nil
	}
	return m.mem.Tools()
}

// Store returns the store the memories are kept in.
func (m *Memory) Store() memstore.Store { return m.mem.Store() }

// Namespace returns the namespace run's memories live in: the one given
// with memstore.WithNamespace, or the run's session ID.
func (m *Memory) Namespace(run *aigentic.AgentRun) string { return m.mem.Namespace(run) }
