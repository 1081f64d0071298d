//go:build unix

package memstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nexxia-ai/aigentic-examples/aigentic"
	"github.com/nexxia-ai/aigentic-examples/aigentic/aitest"
	"github.com/nexxia-ai/aigentic-examples/internal/securefs"
	"github.com/nexxia-ai/aigentic-examples/internal/testutil"
)

// wantRefused checks err matches ErrUnsafe and names path and reason.
func wantRefused(t *testing.T, err error, path, reason string) {
	t.Helper()
	var ue *securefs.UnsafeError
	if !errors.Is(err, ErrUnsafe) || !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an error matching ErrUnsafe", err)
	}
	if ue.Path != path || !strings.Contains(ue.Reason, reason) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want it to name %s and %q", err, path, reason)
	}
}

func permOf(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

// planted is a valid store file holding a memory another user wrote.
const planted = `{"version":1,"memories":[{"name":"favourite colour","value":"PLANTED-red","updated":"2026-03-02T15:04:05Z"}]}`

func TestStoreDirOwnedByAnotherUserIsRefused(t *testing.T) {
	testutil.AsRoot(t, "./memory/memstore")
	dir := filepath.Join(testutil.SharedTmp(t), "memory")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alice.json"), []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.ChownNobody(t, filepath.Join(dir, "alice.json"))
	testutil.ChownNobody(t, dir)
	_, err := OpenFileStore(dir)
	wantRefused(t, err, dir, "owned by uid 65534")
	if !strings.Contains(err.Error(), "memstore: store directory") {
		t.Fatalf("err = %v, want it to say it is the store directory", err)
	}
	if m := permOf(t, dir); m.Perm() != 0o755 {
		t.Fatalf("the other user's directory was chmod-ed to %s", m)
	}
}

func TestStoreDirWritableByGroupOrOthersIsRefused(t *testing.T) {
	for _, perm := range []fs.FileMode{0o770, 0o777, 0o703} {
		dir := filepath.Join(t.TempDir(), "memory")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, perm); err != nil {
			t.Fatal(err)
		}
		_, err := OpenFileStore(dir)
		wantRefused(t, err, dir, "writable by group or others")
		if m := permOf(t, dir); m.Perm() != perm {
			t.Fatalf("mode changed from %o to %s", perm, m)
		}
	}
}

func TestStoreDirThatIsASymlinkIsRefused(t *testing.T) {
	theirs := t.TempDir()
	link := filepath.Join(testutil.SharedTmp(t), "memory")
	if err := os.Symlink(theirs, link); err != nil {
		t.Fatal(err)
	}
	_, err := OpenFileStore(link)
	wantRefused(t, err, link, "symbolic link")
}

func TestStoreDirThatChangesHandsAfterOpenIsNotUsed(t *testing.T) {
	testutil.AsRoot(t, "./memory/memstore")
	dir := filepath.Join(t.TempDir(), "memory")
	s := openFile(t, dir)
	mustSave(t, s, "alice", "pet", "cat")
	testutil.ChownNobody(t, dir)
	_, _, err := s.Get(ctx, "alice", "pet")
	wantRefused(t, err, dir, "owned by uid 65534")
	_, err = s.List(ctx, "alice")
	wantRefused(t, err, dir, "owned by uid 65534")
	wantRefused(t, s.Save(ctx, "alice", "pet", "dog"), dir, "owned by uid 65534")
}

func TestPlantedMemoryFileIsNotRead(t *testing.T) {
	testutil.AsRoot(t, "./memory/memstore")
	dir := t.TempDir()
	s := openFile(t, dir)
	path := filepath.Join(dir, "alice.json")
	if err := os.WriteFile(path, []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	testutil.ChownNobody(t, path)

	e, _, err := s.Get(ctx, "alice", "favourite colour")
	wantRefused(t, err, path, "owned by uid 65534")
	if e.Value != "" {
		t.Fatalf("read %q from a planted file", e.Value)
	}
	_, err = s.List(ctx, "alice")
	wantRefused(t, err, path, "owned by uid 65534")
	wantRefused(t, s.Save(ctx, "alice", "pet", "cat"), path, "owned by uid 65534")
	if b, _ := os.ReadFile(path); string(b) != planted {
		t.Fatal("the refused file was changed")
	}

	// Through the agent: the run stops naming the file, and the planted
	// value never reaches the model.
	mem, _ := NewMemory(s, WithNamespace("alice"))
	model := aitest.NewScripted(aitest.CallTools(aitest.Call("get_memory", `{"name":"favourite colour"}`)), aitest.Reply("unreachable"))
	_, err = agentFor(t, mem, model, nil).Execute("What is my favourite colour?")
	var te *aigentic.ToolError
	if !errors.As(err, &te) || !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want a *ToolError matching ErrUnsafe naming %s", err, path)
	}
	for _, req := range model.Requests() {
		for _, m := range req.Messages {
			if strings.Contains(m.Content, "PLANTED") {
				t.Fatalf("the planted memory reached the model: %q", m.Content)
			}
		}
	}
}

func TestGroupWritableMemoryFileIsNotRead(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	path := filepath.Join(dir, "alice.json")
	if err := os.WriteFile(path, []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Get(ctx, "alice", "favourite colour")
	wantRefused(t, err, path, "writable by group or others")
}

func TestNamespaceFileThatIsASymlinkIsNotFollowed(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	elsewhere := filepath.Join(t.TempDir(), "theirs.json")
	if err := os.WriteFile(elsewhere, []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "alice.json")
	if err := os.Symlink(elsewhere, path); err != nil {
		t.Fatal(err)
	}
	e, _, err := s.Get(ctx, "alice", "favourite colour")
	wantRefused(t, err, path, "symbolic link")
	if e.Value != "" {
		t.Fatalf("followed the link and read %q", e.Value)
	}
	wantRefused(t, s.Save(ctx, "alice", "pet", "cat"), path, "symbolic link")
	if b, _ := os.ReadFile(elsewhere); string(b) != planted {
		t.Fatal("the link's target was written")
	}
}

func TestLockFileSymlinkIsNotFollowed(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	chosen := t.TempDir() // a directory "another user" chose
	missing := filepath.Join(chosen, "created-by-victim")
	existing := filepath.Join(chosen, "existing")
	if err := os.WriteFile(existing, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(dir, lockName)
	for _, target := range []string{missing, existing} {
		_ = os.Remove(lock)
		if err := os.Symlink(target, lock); err != nil {
			t.Fatal(err)
		}
		err := s.Save(ctx, "alice", "pet", "cat")
		wantRefused(t, err, lock, "symbolic link")
	}
	if _, err := os.Lstat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a file was created at the link's target: %v", err)
	}
	if b, _ := os.ReadFile(existing); string(b) != "theirs" {
		t.Fatal("the link's target was changed")
	}
	if _, err := os.Lstat(filepath.Join(dir, "alice.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("the store wrote without its lock")
	}
}

func TestLockFileOwnedByAnotherUserIsRefused(t *testing.T) {
	testutil.AsRoot(t, "./memory/memstore")
	dir := t.TempDir()
	s := openFile(t, dir)
	lock := filepath.Join(dir, lockName)
	if err := os.WriteFile(lock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	testutil.ChownNobody(t, lock)
	wantRefused(t, s.Save(ctx, "alice", "pet", "cat"), lock, "owned by uid 65534")
}

// The memory example's store, end to end, in a fake shared /tmp: first
// another user pre-creates the store directory and the run refuses with an
// error naming it; then, in a fresh shared directory, the store is created
// 0700 and an agent saves and recalls through it.
func TestEndToEndStoreInSharedTmp(t *testing.T) {
	testutil.AsRoot(t, "./memory/memstore")
	shared := testutil.SharedTmp(t)
	dir := filepath.Join(shared, "aigentic-examples", "memory")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "default.json"), []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "default.json"), dir, filepath.Dir(dir)} {
		testutil.ChownNobody(t, p)
	}
	_, err := OpenFileStore(dir)
	wantRefused(t, err, dir, "owned by uid 65534")
	// Nor is a new store made inside the other user's directory.
	_, err = OpenFileStore(filepath.Join(dir, "sub"))
	wantRefused(t, err, dir, "neither the current user")
	if _, err := os.Lstat(filepath.Join(dir, "sub")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("a store directory was created inside another user's directory")
	}

	fresh := filepath.Join(testutil.SharedTmp(t), "aigentic-examples", "memory")
	store, err := OpenFileStore(fresh)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fresh, filepath.Dir(fresh)} {
		if m := permOf(t, p); m.Perm() != 0o700 {
			t.Fatalf("%s created with mode %s, want drwx------", p, m)
		}
	}
	mem, _ := NewMemory(store, WithNamespace("default"))
	save := aitest.NewScripted(aitest.CallTools(aitest.Call("save_memory", `{"name":"favourite colour","value":"blue"}`)), aitest.Reply("Saved."))
	if _, err := agentFor(t, mem, save, nil).Execute("Remember that my favourite colour is blue"); err != nil {
		t.Fatal(err)
	}
	recall := aitest.NewScripted(aitest.CallTools(aitest.Call("get_memory", `{"name":"favourite colour"}`)), aitest.Reply("Blue."))
	if _, err := agentFor(t, mem, recall, nil).Execute("What is my favourite colour?"); err != nil {
		t.Fatal(err)
	}
	if r := toolResults(recall); len(r) != 1 || !strings.Contains(r[0].Content, "favourite colour = blue") {
		t.Fatalf("recall = %+v", r)
	}
	for _, name := range []string{"default.json", lockName} {
		if m := permOf(t, filepath.Join(fresh, name)); m.Perm() != 0o600 {
			t.Fatalf("%s mode %s, want -rw-------", name, m)
		}
	}
}
