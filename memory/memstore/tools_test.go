package memstore

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func agentFor(t *testing.T, mem *Memory, model ai.Model, session *aigentic.Session) aigentic.Agent {
	t.Helper()
	return aigentic.Agent{Model: model, Session: session, AgentTools: mem.Tools(), Logger: quiet}
}

// toolResults returns the tool messages of the model's last request.
func toolResults(m *aitest.Scripted) []ai.Message {
	reqs := m.Requests()
	var out []ai.Message
	for _, msg := range reqs[len(reqs)-1].Messages {
		if msg.Role == ai.RoleTool {
			out = append(out, msg)
		}
	}
	return out
}

func TestToolsRememberAcrossExecuteCallsInOneSession(t *testing.T) {
	mem, err := NewMemory(NewMemStore())
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, tl := range mem.Tools() {
		names = append(names, tl.Name)
	}
	if got := strings.Join(names, ","); got != "save_memory,get_memory,clear_memory" {
		t.Fatalf("tools = %s", got)
	}

	session := aigentic.NewSession(t.Context())
	defer session.Cancel()

	save := aitest.NewScripted(
		aitest.CallTools(aitest.Call("save_memory", `{"name":"Favourite Colour","value":"blue"}`)),
		aitest.Reply("I'll remember that."),
	)
	if _, err := agentFor(t, mem, save, session).Execute("Remember that my favourite colour is blue"); err != nil {
		t.Fatal(err)
	}
	if r := toolResults(save); len(r) != 1 || r[0].IsError || r[0].Content != "Saved: favourite colour = blue" {
		t.Fatalf("save result = %+v", r)
	}

	recall := aitest.NewScripted(
		aitest.CallTools(aitest.Call("get_memory", `{"name":"favourite colour"}`)),
		aitest.Reply("Blue."),
	)
	if _, err := agentFor(t, mem, recall, session).Execute("What is my favourite colour?"); err != nil {
		t.Fatal(err)
	}
	if r := toolResults(recall); len(r) != 1 || r[0].IsError || r[0].Content != "favourite colour = blue" {
		t.Fatalf("get result = %+v", r)
	}

	// Another session has memories of its own.
	other := aigentic.NewSession(t.Context())
	defer other.Cancel()
	list := aitest.NewScripted(aitest.CallTools(aitest.Call("get_memory", `{}`)), aitest.Reply("Nothing."))
	if _, err := agentFor(t, mem, list, other).Execute("What do you know about me?"); err != nil {
		t.Fatal(err)
	}
	if r := toolResults(list); len(r) != 1 || r[0].Content != "No memories are saved yet." {
		t.Fatalf("other session sees %+v", r)
	}
}

func TestSharedNamespaceAcrossSessionsAndStores(t *testing.T) {
	dir := t.TempDir()
	first, _ := OpenFileStore(dir)
	mem1, err := NewMemory(first, WithNamespace("alice"))
	if err != nil {
		t.Fatal(err)
	}
	save := aitest.NewScripted(
		aitest.CallTools(aitest.Call("save_memory", `{"name":"favourite colour","value":"blue"}`)),
		aitest.Reply("Saved."),
	)
	if _, err := agentFor(t, mem1, save, nil).Execute("Remember that my favourite colour is blue"); err != nil {
		t.Fatal(err)
	}

	// A new store on the same directory — a second process — remembers,
	// even when asked with a different wording of the name.
	second, _ := OpenFileStore(dir)
	mem2, _ := NewMemory(second, WithNamespace("alice"))
	recall := aitest.NewScripted(
		aitest.CallTools(aitest.Call("get_memory", `{"name":"colour"}`), aitest.Call("get_memory", `{}`)),
		aitest.Reply("Blue."),
	)
	if _, err := agentFor(t, mem2, recall, nil).Execute("What is my favourite colour?"); err != nil {
		t.Fatal(err)
	}
	r := toolResults(recall)
	if len(r) != 2 || r[0].IsError || !strings.Contains(r[0].Content, "favourite colour = blue") {
		t.Fatalf("related lookup = %+v", r)
	}
	if r[1].Content != "Saved memories (1):\n- favourite colour = blue" {
		t.Fatalf("list = %q", r[1].Content)
	}
	if _, err := os.Stat(filepath.Join(dir, "alice.json")); err != nil {
		t.Fatal(err)
	}
}

func TestToolErrorsReachTheModel(t *testing.T) {
	store := NewMemStore(WithLimits(Limits{MaxValueBytes: 10}))
	mem, _ := NewMemory(store, WithNamespace("u"))
	model := aitest.NewScripted(
		aitest.CallTools(
			aitest.Call("save_memory", `{"name":"bio","value":"far too long a value"}`),
			aitest.Call("save_memory", `{"name":"  ","value":"x"}`),
			aitest.Call("save_memory", `{"name":"pet"}`), // schema: value is required
			aitest.Call("clear_memory", `{}`),
			aitest.Call("clear_memory", `{"name":"pet","all":true}`),
			aitest.Call("get_memory", `{"name":"`+strings.Repeat("n", 200)+`"}`),
		),
		aitest.Reply("Sorry, I could not save that."),
	)
	run, err := agentFor(t, mem, model, nil).Start("Remember my life story")
	if err != nil {
		t.Fatal(err)
	}
	for range run.Next() {
	}
	answer, err := run.Wait(0)
	if err != nil || answer != "Sorry, I could not save that." {
		t.Fatalf("run = %q, %v; the run should go on after error results", answer, err)
	}
	want := []string{
		"limit is 10",
		"memory name is empty",
		"missing property",
		"or all=true",
		"not both",
		"the limit is 128",
	}
	r := toolResults(model)
	if len(r) != len(want) {
		t.Fatalf("%d results, want %d", len(r), len(want))
	}
	for i, w := range want {
		if !r[i].IsError || !strings.Contains(r[i].Content, w) {
			t.Errorf("result %d = %+v, want an error containing %q", i, r[i], w)
		}
	}
	if s := run.Stats(); s.ToolErrors != len(want) {
		t.Errorf("ToolErrors = %d", s.ToolErrors)
	}
}

// TestMissesAreAnswers: not finding a memory is a plain result, not an
// error: the tool worked, and the model should say it does not know.
func TestMissesAreAnswers(t *testing.T) {
	store := NewMemStore()
	mem, _ := NewMemory(store, WithNamespace("u"))
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("get_memory", `{"name":"pet"}`), aitest.Call("clear_memory", `{"name":"pet"}`)),
		aitest.CallTools(aitest.Call("save_memory", `{"name":"home city","value":"Lisbon"}`)),
		aitest.CallTools(aitest.Call("get_memory", `{"name":"pet"}`), aitest.Call("clear_memory", `{"name":"pet"}`)),
		aitest.Reply("I don't know your pet."),
	)
	if _, err := agentFor(t, mem, model, nil).Execute("What is my pet?"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range model.Requests()[3].Messages {
		if m.Role == ai.RoleTool {
			if m.IsError {
				t.Errorf("error result: %+v", m)
			}
			got = append(got, m.Content)
		}
	}
	want := []string{
		`No memory named "pet": nothing is saved yet.`,
		`Nothing to forget: no memory named "pet". Saved names: none.`,
		"Saved: home city = Lisbon",
		`No memory named "pet". Saved names: "home city".`,
		`Nothing to forget: no memory named "pet". Saved names: "home city".`,
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestClearTool(t *testing.T) {
	store := NewMemStore()
	mem, _ := NewMemory(store, WithNamespace("u"))
	for _, kv := range [][2]string{{"favourite colour", "blue"}, {"pet", "cat"}, {"home city", "Lisbon"}} {
		mustSave(t, store, "u", kv[0], kv[1])
	}
	model := aitest.NewScripted(
		aitest.CallTools(aitest.Call("clear_memory", `{"name":"colour"}`)), // one related memory: forgotten
		aitest.CallTools(aitest.Call("clear_memory", `{"name":"pet"}`)),
		aitest.CallTools(aitest.Call("clear_memory", `{"all":true}`)),
		aitest.Reply("Done."),
	)
	if _, err := agentFor(t, mem, model, nil).Execute("Forget everything"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range model.Requests()[3].Messages {
		if m.Role == ai.RoleTool {
			got = append(got, m.Content)
		}
	}
	if want := "Forgot: favourite colour|Forgot: pet|Forgot all memories (1)."; strings.Join(got, "|") != want {
		t.Fatalf("results = %q, want %q", got, want)
	}
}

func TestCorruptStoreStopsTheRunNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "alice.json")
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, _ := OpenFileStore(dir)
	mem, _ := NewMemory(store, WithNamespace("alice"))
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_memory", `{"name":"pet"}`)), aitest.Reply("unreachable"))
	_, err := agentFor(t, mem, model, nil).Execute("What is my pet?")
	var te *aigentic.ToolError
	if !errors.As(err, &te) || te.Tool != "get_memory" || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want a *ToolError wrapping ErrCorrupt naming %s", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "garbage" {
		t.Fatal("the corrupt file was changed")
	}
}

func TestNewMemoryErrors(t *testing.T) {
	if _, err := NewMemory(nil); err == nil {
		t.Error("nil store: no error")
	}
	if _, err := NewMemory(NewMemStore(), WithNamespace("../etc")); !errors.Is(err, ErrInvalidNamespace) {
		t.Errorf("bad namespace: %v", err)
	}
	// A session ID that is not a valid namespace stops the run with a clear
	// error instead of touching the file system.
	mem, _ := NewMemory(NewMemStore())
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_memory", `{}`)), aitest.Reply("unreachable"))
	session := &aigentic.Session{ID: "../../x", Context: t.Context()}
	_, err := agentFor(t, mem, model, session).Execute("hi")
	if !errors.Is(err, ErrInvalidNamespace) {
		t.Errorf("err = %v, want ErrInvalidNamespace", err)
	}
}
