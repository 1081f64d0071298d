package conversation_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/ai"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/aigentic/conversation"
	"github.com/nexxia-ai/aigentic-examples/memory/memstore"
)

// A chat service restarted — a new FileStore on the same directory —
// resumes the conversation where it was.
func TestFileStoreResumesAfterARestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conversations")
	chat := func(question string, model ai.Model) (string, error) {
		conv := newConv(t, openFile(t, dir), "ana", conversation.Options{MaxTurns: 10})
		session := aigentic.NewSession(context.Background())
		session.History = conv
		return aigentic.Agent{Model: model, Session: session, Logger: quiet()}.Execute(question)
	}
	if _, err := chat("I am Ana.", aitest.NewScripted(aitest.Reply("Hi Ana."))); err != nil {
		t.Fatal(err)
	}
	model := aitest.NewScripted(aitest.Reply("You are Ana."))
	if _, err := chat("Who am I?", model); err != nil {
		t.Fatal(err)
	}
	if got := texts(model.Requests()[0].Messages); got != "user:I am Ana. | assistant:Hi Ana. | user:Who am I?" {
		t.Fatalf("after the restart the model saw %q", got)
	}
	path, _ := openFile(t, dir).Path("ana")
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v", path, fi.Mode(), err)
	}
}

// Every message survives the file as it was: tool calls, ids, errors,
// unicode, and the control characters memstore refuses in a value.
func TestFileStoreRoundTrip(t *testing.T) {
	store := openFile(t, t.TempDir())
	msgs := []ai.Message{
		user("naïve 日本語 \u0085 \u009f \x7f \x01 \"quoted\" <b>&</b>"),
		{Role: ai.RoleAssistant, Content: "", ToolCalls: []ai.ToolCall{{ID: "c1", Name: "f", Arguments: `{"a":"\u0085"}`}}},
		{Role: ai.RoleTool, ToolCallID: "c1", Name: "f", Content: "failed", IsError: true},
		say("done"),
	}
	if err := store.Append(context.Background(), "rt", msgs); err != nil {
		t.Fatal(err)
	}
	segs, err := store.Load(context.Background(), "rt")
	if err != nil || len(segs) != 1 || fmt.Sprintf("%+v", segs[0].Messages) != fmt.Sprintf("%+v", msgs) {
		t.Fatalf("%v\n%+v\n%+v", err, segs, msgs)
	}
}

// A store that cannot take a write fails it with a clear error and leaves
// the file as it was; a write interrupted by a crash (its temporary file
// left behind) leaves the conversation whole.
func TestFileStoreFailedWriteLeavesTheConversationWhole(t *testing.T) {
	dir := t.TempDir()
	store, err := conversation.OpenFileStore(dir, conversation.FileLimits{MaxSegmentBytes: 2_000})
	if err != nil {
		t.Fatal(err)
	}
	conv := newConv(t, store, "ana", conversation.Options{})
	if err := conv.Append(context.Background(), turn(0)); err != nil {
		t.Fatal(err)
	}
	path, _ := store.Path("ana")
	before, _ := os.ReadFile(path)
	err = conv.Append(context.Background(), []ai.Message{user(strings.Repeat("x", 3_000)), say("ok")})
	if !errors.Is(err, memstore.ErrLimit) || !strings.Contains(err.Error(), "conversation ana: append") {
		t.Fatalf("err = %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Fatal("the file changed")
	}
	// A crash mid-write leaves a temporary file, never a half-written one.
	if err := os.WriteFile(filepath.Join(dir, ".ana.json.tmp-123"), []byte(`{"version":1,"memo`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := conv.Append(context.Background(), turn(1)); err != nil {
		t.Fatal(err)
	}
	msgs, err := conv.Load(context.Background())
	if err != nil || texts(msgs) != texts(append(turn(0), turn(1)...)) {
		t.Fatalf("%s, %v", texts(msgs), err)
	}
}

// A file that cannot be read back is reported, not overwritten; a segment
// that does not decode, or breaks the tool-call rules, fails Load.
func TestFileStoreCorruption(t *testing.T) {
	dir := t.TempDir()
	store := openFile(t, dir)
	conv := newConv(t, store, "ana", conversation.Options{})
	path, _ := store.Path("ana")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := conv.Load(context.Background()); !errors.Is(err, conversation.ErrCorrupt) || !errors.Is(err, memstore.ErrCorrupt) {
		t.Fatalf("load: %v", err)
	}
	if err := conv.Append(context.Background(), turn(0)); !errors.Is(err, conversation.ErrCorrupt) {
		t.Fatalf("append: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{not json" {
		t.Fatal("the corrupt file was overwritten")
	}
	for name, value := range map[string]string{
		"undecodable": `{"v":1,"messages":[{"role":`,
		"old version": `{"v":9,"messages":[{"role":"user","content":"q"}]}`,
		"orphan":      `{"v":1,"messages":[{"role":"tool","tool_call_id":"x","content":"r"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			mem, err := memstore.OpenFileStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			_ = os.Remove(path)
			if err := mem.Save(context.Background(), "ana", "0000000000000000001 00000000", value); err != nil {
				t.Fatal(err)
			}
			if _, err := conv.Load(context.Background()); !errors.Is(err, conversation.ErrCorrupt) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// A directory another user could write to is refused (memstore's rule).
func TestFileStoreRefusesAnUnsafeDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := conversation.OpenFileStore(dir, conversation.FileLimits{}); !errors.Is(err, memstore.ErrUnsafe) {
		t.Fatalf("err = %v", err)
	}
	if _, err := conversation.OpenFileStore(t.TempDir(), conversation.FileLimits{MaxSegments: -1}); !errors.Is(err, conversation.ErrInvalidOptions) {
		t.Fatalf("err = %v", err)
	}
}

// Segments keep their order whatever the clock does.
func TestFileStoreKeysKeepOrder(t *testing.T) {
	dir := t.TempDir()
	mem, err := memstore.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A segment stamped far in the future (a clock that was ahead).
	if err := mem.Save(context.Background(), "ana", "9000000000000000000 00000000", `{"v":1,"messages":[{"role":"user","content":"first"}]}`); err != nil {
		t.Fatal(err)
	}
	store := openFile(t, dir)
	for _, q := range []string{"second", "third"} {
		if err := store.Append(context.Background(), "ana", []ai.Message{user(q)}); err != nil {
			t.Fatal(err)
		}
	}
	segs, err := store.Load(context.Background(), "ana")
	if err != nil || len(segs) != 3 || segs[1].Messages[0].Content != "second" || segs[2].Messages[0].Content != "third" {
		t.Fatalf("%+v %v", segs, err)
	}
}
