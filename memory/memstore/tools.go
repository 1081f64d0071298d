package memstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
)

// Tool names.
const (
	SaveToolName  = "save_memory"
	GetToolName   = "get_memory"
	ClearToolName = "clear_memory"
)

// Memory gives an agent the memory tools over a [Store]. Build it with
// [NewMemory]; it is safe for concurrent runs.
type Memory struct {
	store     Store
	namespace string
}

// Option configures a [Memory].
type Option func(*Memory)

// WithNamespace makes every run use the namespace ns — a user or profile
// name — instead of its session's. Runs in other sessions, and other
// processes using the same FileStore directory, then share the memories.
func WithNamespace(ns string) Option {
	return func(m *Memory) { m.namespace = ns }
}

// NewMemory returns the memory tools over store. By default memories are
// scoped to the run's session: give the agent a Session (aigentic.Agent
// .Session) so its runs share them. An invalid WithNamespace name is an
// error wrapping ErrInvalidNamespace.
func NewMemory(store Store, opts ...Option) (*Memory, error) {
	if store == nil {
		return nil, errors.New("memstore: NewMemory: store is nil")
	}
	m := &Memory{store: store}
	for _, o := range opts {
		o(m)
	}
	if m.namespace != "" {
		if err := ValidateNamespace(m.namespace); err != nil {
			return nil, fmt.Errorf("memstore: NewMemory: %w", err)
		}
	}
	return m, nil
}

// Store returns the memory's store.
func (m *Memory) Store() Store { return m.store }

// Namespace returns the namespace the run's memories live in: the one given
// with WithNamespace, or the run's session ID.
func (m *Memory) Namespace(run *aigentic.AgentRun) string {
	if m.namespace != "" {
		return m.namespace
	}
	return run.Session().ID
}

type saveInput struct {
	Name  string `json:"name" description:"Short name of the fact, e.g. \"favourite colour\" or \"home city\"."`
	Value string `json:"value" description:"The fact itself, e.g. \"blue\"."`
}

type getInput struct {
	Name string `json:"name,omitempty" description:"Name of the fact to recall, e.g. \"favourite colour\". Leave it out to list every saved fact."`
}

type clearInput struct {
	Name string `json:"name,omitempty" description:"Name of the fact to forget, e.g. \"favourite colour\"."`
	All  bool   `json:"all,omitempty" description:"Set to true, without a name, to forget every saved fact."`
}

// Tools returns save_memory, get_memory and clear_memory.
func (m *Memory) Tools() []aigentic.AgentTool {
	return []aigentic.AgentTool{m.saveTool(), m.getTool(), m.clearTool()}
}

func (m *Memory) saveTool() aigentic.AgentTool {
	return aigentic.NewTool(SaveToolName,
		"Save a fact about the user to long-term memory, so it can be remembered later (their preferences, names, details they tell you). Saving a name again replaces its value.",
		func(run *aigentic.AgentRun, in saveInput) (string, error) {
			ns := m.Namespace(run)
			if err := m.store.Save(run.Context(), ns, in.Name, in.Value); err != nil {
				return "", toolError(err)
			}
			return fmt.Sprintf("Saved: %s = %s", NormalizeName(in.Name), strings.TrimSpace(in.Value)), nil
		})
}

func (m *Memory) getTool() aigentic.AgentTool {
	return aigentic.NewTool(GetToolName,
		"Recall facts saved in long-term memory: look up what the user told you before (their preferences, names, details) to answer questions about them.",
		func(run *aigentic.AgentRun, in getInput) (string, error) {
			ctx, ns := run.Context(), m.Namespace(run)
			all, err := m.store.List(ctx, ns)
			if err != nil {
				return "", toolError(err)
			}
			name := NormalizeName(in.Name)
			if name == "" {
				if len(all) == 0 {
					return "No memories are saved yet.", nil
				}
				return formatEntries(fmt.Sprintf("Saved memories (%d):", len(all)), all), nil
			}
			e, ok, err := m.store.Get(ctx, ns, name)
			if err != nil {
				return "", toolError(err)
			}
			if ok {
				return fmt.Sprintf("%s = %s", e.Name, e.Value), nil
			}
			if near := related(name, all); len(near) > 0 {
				return formatEntries(fmt.Sprintf("No memory is named %q; related memories:", name), near), nil
			}
			// Not knowing is an answer, not a failure: a plain result.
			if len(all) == 0 {
				return fmt.Sprintf("No memory named %q: nothing is saved yet.", name), nil
			}
			return fmt.Sprintf("No memory named %q. Saved names: %s.", name, names(all)), nil
		})
}

func (m *Memory) clearTool() aigentic.AgentTool {
	return aigentic.NewTool(ClearToolName,
		"Forget facts saved in long-term memory: remove the named fact, or every fact with all=true.",
		func(run *aigentic.AgentRun, in clearInput) (string, error) {
			ctx, ns := run.Context(), m.Namespace(run)
			name := NormalizeName(in.Name)
			switch {
			case name == "" && in.All:
				n, err := m.store.Clear(ctx, ns)
				if err != nil {
					return "", toolError(err)
				}
				return fmt.Sprintf("Forgot all memories (%d).", n), nil
			case name == "":
				return "", aigentic.Recoverable(errors.New("give the name of the memory to forget, or all=true to forget every memory"))
			case in.All:
				return "", aigentic.Recoverable(errors.New("give either a name or all=true, not both"))
			}
			found, err := m.store.Delete(ctx, ns, name)
			if err != nil {
				return "", toolError(err)
			}
			if !found {
				all, err := m.store.List(ctx, ns)
				if err != nil {
					return "", toolError(err)
				}
				if near := related(name, all); len(near) == 1 {
					if _, err := m.store.Delete(ctx, ns, near[0].Name); err != nil {
						return "", toolError(err)
					}
					return "Forgot: " + near[0].Name, nil
				}
				return fmt.Sprintf("Nothing to forget: no memory named %q. Saved names: %s.", name, names(all)), nil
			}
			return "Forgot: " + name, nil
		})
}

// toolError makes the store's errors about the model's input (a bad name
// or value, a limit) results the model sees; any other error — a corrupt
// file, a failing disk, a bad namespace — stops the run.
func toolError(err error) error {
	if errors.Is(err, ErrInvalid) || errors.Is(err, ErrLimit) {
		return aigentic.Recoverable(err)
	}
	return err
}

func formatEntries(title string, es []Entry) string {
	var b strings.Builder
	b.WriteString(title)
	for _, e := range es {
		b.WriteString("\n- ")
		b.WriteString(e.Name)
		b.WriteString(" = ")
		b.WriteString(e.Value)
	}
	return b.String()
}

func names(es []Entry) string {
	if len(es) == 0 {
		return "none"
	}
	ns := make([]string, len(es))
	for i, e := range es {
		ns[i] = fmt.Sprintf("%q", e.Name)
	}
	return strings.Join(ns, ", ")
}

// related returns the entries whose names share the most words with name
// ("colour" finds "favourite colour"), ignoring a few filler words.
func related(name string, all []Entry) []Entry {
	want := map[string]bool{}
	for _, w := range strings.Fields(name) {
		if !filler[w] {
			want[w] = true
		}
	}
	best, out := 0, []Entry(nil)
	for _, e := range all {
		n := 0
		for _, w := range strings.Fields(e.Name) {
			if want[w] {
				n++
			}
		}
		switch {
		case n == 0 || n < best:
		case n > best:
			best, out = n, []Entry{e}
		default:
			out = append(out, e)
		}
	}
	return out
}

var filler = map[string]bool{
	"a": true, "an": true, "the": true, "my": true, "your": true, "of": true, "is": true,
	"what": true, "which": true, "user": true, "user's": true, "users": true, "me": true, "i": true,
}
