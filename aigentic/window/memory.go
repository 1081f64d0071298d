package window

import (
	"strconv"
	"sync"

	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
)

// memory is what a Compactor keeps across runs, bounded:
//
//   - per model name, the window a server named in a context-length
//     error and the last correction of the estimate its usage showed, so
//     a new run neither waits for a refusal nor starts from the raw
//     estimate (at most maxModels names; all are forgotten when a new one
//     would exceed it);
//   - per conversation start, the cuts made at the start of a turn, with
//     their summary: identified by a hash of every message left out, so
//     that the next run of the same conversation (a Session.History)
//     leaves out at least as much and extends that summary instead of
//     writing a new one (at most maxCuts, the oldest forgotten first).
type memory struct {
	mu     sync.Mutex
	models map[string]modelFacts
	cuts   map[uint64]summaryText
	order  []uint64
}

// summaryText is a summary and its block as sent.
type summaryText struct{ text, block string }

type modelFacts struct {
	window int
	ratio  float64
}

const (
	maxModels = 256
	maxCuts   = 1024
)

func (m *memory) model(name string) modelFacts {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.models[name]
}

// update changes what is known of a model.
func (m *memory) update(name string, fn func(*modelFacts)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.models == nil {
		m.models = map[string]modelFacts{}
	}
	f, ok := m.models[name]
	if !ok && len(m.models) >= maxModels {
		clear(m.models)
	}
	fn(&f)
	m.models[name] = f
}

// remember records a cut at a turn's start, next, and its summary.
func (m *memory) remember(p *pass, next int, summary summaryText) {
	key := p.prefixHashes()[next]
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cuts == nil {
		m.cuts = map[uint64]summaryText{}
	}
	if _, ok := m.cuts[key]; !ok {
		if len(m.order) >= maxCuts {
			delete(m.cuts, m.order[0])
			m.order = m.order[1:]
		}
		m.order = append(m.order, key)
	}
	m.cuts[key] = summary
}

// remembered returns the latest cut at a turn's start in (lo, hi] that a
// run of this conversation made, with its summary.
func (m *memory) remembered(p *pass, lo, hi int) (int, summaryText, bool) {
	m.mu.Lock()
	empty := len(m.cuts) == 0
	m.mu.Unlock()
	if empty || hi <= lo {
		return 0, summaryText{}, false
	}
	hashes := p.prefixHashes()
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := min(hi, p.lay.lastUser); k > lo; k-- {
		if p.msgs[k].Role != ai.RoleUser {
			continue
		}
		if s, ok := m.cuts[hashes[k]]; ok {
			return k, s, true
		}
	}
	return 0, summaryText{}, false
}

// prefixHashes returns, for each k from head on, a hash of the messages
// msgs[head:k): their roles, contents and tool calls (FNV-1a, 64 bits).
func (p *pass) prefixHashes() []uint64 {
	if p.hashes != nil {
		return p.hashes
	}
	p.hashes = make([]uint64, p.lay.n+1)
	h := fnv64(14695981039346656037)
	for i := p.lay.head; i <= p.lay.n; i++ {
		p.hashes[i] = uint64(h)
		if i < p.lay.n {
			h.message(p.msgs[i])
		}
	}
	return p.hashes
}

// fnv64 is FNV-1a over strings, without copying them.
type fnv64 uint64

func (h *fnv64) str(s string) {
	for i := 0; i < len(s); i++ {
		*h ^= fnv64(s[i])
		*h *= 1099511628211
	}
}

// message adds m, each field with its length, so that no two messages
// add the same bytes.
func (h *fnv64) message(m ai.Message) {
	field := func(s string) {
		h.str(strconv.Itoa(len(s)))
		h.str(":")
		h.str(s)
	}
	field(string(m.Role))
	field(m.Content)
	field(m.ToolCallID)
	field(m.Name)
	for _, tc := range m.ToolCalls {
		field(tc.ID)
		field(tc.Name)
		field(tc.Arguments)
	}
	h.str(";")
}
