package aigentic

// Memory is what Agent.Memory holds: a memory the agent's runs share,
// offered to the model as tools. Package aigentic/memory implements it
// over this project's memory store (memory/memstore):
//
//	agent := aigentic.Agent{Model: model, Session: session, Memory: memory.NewMemory()}
//
// It is an interface, not the library's *memory.Memory, because the store
// builds its tools with this package: a concrete type here would make the
// two packages import each other.
type Memory interface {
	// Tools returns the memory's tools (save_memory, get_memory,
	// clear_memory), offered to the model after Agent.AgentTools. Their
	// names must not clash with the agent's other tools.
	Tools() []AgentTool
}
